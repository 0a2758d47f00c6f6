"""Word documents (docx, docm) with python-docx: body paragraphs and tables in order, then headers and footers.

Locators: ``paragraph 12`` (counting body paragraphs), ``table 2 row 3`` (each row a record), ``section 1 header``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from scanner.extractors.office_packages import check_package
from scanner.extractors.registry import register
from scanner.extractors.tables import TableRows
from scanner.items import Document, ExtractionLimits, Item, Segment



@register("docx", "docm", "dotx", needs_seek=True)
def extract_docx(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    check_package(stream, "docx", limits)
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


def table_rows(table: Table, where: str) -> Iterator[Segment]:
    """One segment per row, cells labelled by heading; a merged cell counted once; nested tables follow their row."""
    rows = TableRows()
    for number, row in enumerate(table.rows, 1):
        seen: set[int] = set()
        cells: list[tuple[int, str]] = []
        nested: list[Table] = []
        for column, cell in enumerate(row.cells):
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append((column, " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())))
            nested.extend(cell.tables)
        locator = f"{where} row {number}"
        segment = rows.segment(cells, locator)
        if segment:
            yield segment
        for index, inner in enumerate(nested, 1):
            yield from table_rows(inner, f"{locator} table {index}")
