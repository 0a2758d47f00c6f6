"""Table rows as segments, each cell labelled with its column heading.

A register row ``B801200005001 | Olivia Hart | 2011-03-14`` says nothing on its own; the heading row says the
date is a date of birth. So once a table's heading row is seen, every later row is written
``UPN: B801200005001 | Pupil name: Olivia Hart | DOB: 2011-03-14``: detectors then see the same context a person
reading the table sees, in the same record. Two-column tables are left as they are: in school documents
they are mostly forms (``Date of birth | 19/10/1968``), already labelled row by row. Used by every extractor that reads tables (csv/tsv, xlsx, ods,
docx and pptx tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from scanner.items import Segment

CELL_SEPARATOR = " | "

HEADING_SEARCH_ROWS = 5  # a heading row is looked for among a table's first non-empty rows (titles come first)
_MAX_HEADING_CHARS = 60
_NOT_A_HEADING = re.compile(r"\d{3}|@|\d[/.-]\d")  # numbers, emails and dates are data, not headings


def _is_heading(cells: list[tuple[int, str]]) -> bool:
    # Three or more cells: a two-column table is far more often a form (label | value, row by row) than a
    # register, and labelling a form's rows with its first row would bury each label behind a wrong one.
    return len(cells) >= 3 and all(
        len(text) <= _MAX_HEADING_CHARS and not _NOT_A_HEADING.search(text) and any(c.isalpha() for c in text)
        for _, text in cells
    )


class TableRows:
    """Segments for one table's rows; give it (column, text) cells in order, row by row."""

    def __init__(self) -> None:
        self.headings: dict[int, str] | None = None
        self.rows_seen = 0

    def segment(self, cells: Iterable[tuple[int, str]], locator: str, record: str | None = None) -> Segment | None:
        cells = [(column, text.strip()) for column, text in cells if text and text.strip()]
        if not cells:
            return None
        self.rows_seen += 1
        record = record or locator
        if self.headings is None:
            if self.rows_seen <= HEADING_SEARCH_ROWS and _is_heading(cells):
                self.headings = {column: " ".join(text.split()) for column, text in cells}
            return Segment(CELL_SEPARATOR.join(text for _, text in cells), locator, record=record)
        labelled = (
            f"{self.headings[column]}: {text}" if column in self.headings else text for column, text in cells
        )
        return Segment(CELL_SEPARATOR.join(labelled), locator, record=record)


class TableReader(NamedTuple):
    """How to read one representation of a word-processor table (python-docx objects, raw XML elements)."""

    rows: Callable[[Any], Iterable]  # table → its rows
    cells: Callable[[Any], Iterable[tuple[Any, Any]]]  # row → (key, cell) per grid column; a merged cell repeats its key
    text: Callable[[Any], str]  # cell → its text
    tables: Callable[[Any], Iterable]  # cell → tables nested in it


def nested_table_rows(table, where: str, read: TableReader) -> Iterator[Segment]:
    """One segment per row (``{where} row 3``), cells labelled by heading; a merged cell counted once; the
    tables nested in a row follow it (``{where} row 3 table 1 row 1``)."""
    rows = TableRows()
    for number, row in enumerate(read.rows(table), 1):
        seen: set = set()
        cells: list[tuple[int, str]] = []
        nested: list = []
        for column, (key, cell) in enumerate(read.cells(row)):
            if key in seen:
                continue
            seen.add(key)
            cells.append((column, read.text(cell)))
            nested.extend(read.tables(cell))
        locator = f"{where} row {number}"
        segment = rows.segment(cells, locator)
        if segment:
            yield segment
        for index, inner in enumerate(nested, 1):
            yield from nested_table_rows(inner, f"{locator} table {index}", read)
