"""Word documents (docx, docm): body paragraphs and tables in order, then headers and footers.

Read straight from the XML (``word_parts``) when that path handles the document; otherwise with python-docx,
which this module's walk below describes and ``word_parts`` reproduces.

Locators: ``paragraph 12`` (counting body paragraphs), ``table 2 row 3`` (each row a record), ``section 1 header``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from scanner.extractors import word_parts
from scanner.extractors.office_packages import check_package
from scanner.extractors.registry import register
from scanner.extractors.tables import TableReader, nested_table_rows
from scanner.items import Document, ExtractionLimits, Item, Segment


@register("docx", "docm", "dotx", needs_seek=True)
def extract_docx(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    check_package(stream, "docx", limits)
    segments = word_parts.read_document(stream)
    if segments is not None:
        return Document("docx", segments=segments)
    stream.seek(0)
    document = docx.Document(stream)
    return Document("docx", segments=list(_segments(document)))


def _segments(document) -> Iterator[Segment]:
    paragraphs = 0
    tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            if block.text.strip():
                yield Segment(block.text, f"paragraph {paragraphs}")
        elif isinstance(block, Table):
            tables += 1
            yield from table_rows(block, f"table {tables}")
    for number, section in enumerate(document.sections, 1):
        for part_name in ("header", "first_page_header", "footer", "first_page_footer"):
            part = getattr(section, part_name)
            if part.is_linked_to_previous:
                continue
            where = f"section {number} {part_name.replace('_', ' ')}"
            for block in part.iter_inner_content():
                if isinstance(block, Paragraph) and block.text.strip():
                    yield Segment(block.text, where)
                elif isinstance(block, Table):
                    yield from table_rows(block, f"{where} table")


# python-docx's view of a table: ``row.cells`` repeats a merged cell's ``_tc`` element, the key of the cell.
_DOCX_TABLES = TableReader(
    rows=lambda table: table.rows,
    cells=lambda row: ((id(cell._tc), cell) for cell in row.cells),
    text=lambda cell: " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()),
    tables=lambda cell: cell.tables,
)


def table_rows(table: Table, where: str) -> Iterator[Segment]:
    return nested_table_rows(table, where, _DOCX_TABLES)
