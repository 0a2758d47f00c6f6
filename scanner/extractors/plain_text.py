"""Plain text (txt, md, log) as numbered lines, and delimited files (csv, tsv) as one record per row.

Read a line at a time, so a large log or export never sits in memory whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO

from scanner.extractors.registry import register
from scanner.extractors.tables import TableRows
from scanner.extractors.streams import read_head
from scanner.extractors.text_decoding import MAX_LINE, iter_lines, numbered_lines
from scanner.items import Document, ExtractionError, ExtractionLimits, Item, Segment



@register("txt", "text", "log", "md", "markdown")
def extract_text(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("txt", segments=_lines(stream))


def _lines(stream: BinaryIO) -> Iterator[Segment]:
    head, stream = read_head(stream)
    for number, text in numbered_lines(iter_lines(stream, head)):
        if text.strip():
            yield Segment(text, f"line {number}")


@register("csv", "tsv")
def extract_delimited(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    delimiter = "\t" if item.extension == "tsv" else ","
    return Document("csv", segments=_rows(stream, delimiter))


def _rows(stream: BinaryIO, delimiter: str) -> Iterator[Segment]:
    head, stream = read_head(stream)
    # The reader's own limit (128 KiB) is below our longest line; a row with a longer cell is an error, not a hang.
    previous = csv.field_size_limit()
    reader = csv.reader(iter_lines(stream, head), delimiter=delimiter)
    number = 0
    try:
        csv.field_size_limit(max(previous, MAX_LINE))
        table = TableRows()
        for number, cells in enumerate(reader, 1):
            segment = table.segment(enumerate(cells), f"row {number}")
            if segment:
                yield segment
    except csv.Error as exc:
        raise ExtractionError(f"malformed {'tsv' if delimiter == chr(9) else 'csv'} after row {number}: {exc}") from None
    finally:
        csv.field_size_limit(previous)
