"""OpenDocument (odt, ods, odp) with odfpy: text paragraphs and table rows, spreadsheet rows, presentation slides.

Locators follow the Microsoft formats: ``paragraph 12`` and ``table 2 row 3`` (odt), ``Sheet1!B4`` with record
``Sheet1 row 4`` (ods), ``slide 3`` and ``slide 3 notes`` (odp). odfpy parses through defusedxml.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from odf import teletype
from odf.namespaces import DRAWNS, PRESENTATIONNS, TABLENS, TEXTNS
from odf.opendocument import load

from scanner.extractors.office_packages import check_package
from scanner.extractors.registry import register
from scanner.extractors.spreadsheet import sheet_segments
from scanner.extractors.tables import TableRows
from scanner.items import Document, ExtractionLimits, Item, Segment

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_TABLE = (TABLENS, "table")
_ROW = (TABLENS, "table-row")
_CELLS = {(TABLENS, "table-cell"), (TABLENS, "covered-table-cell")}


@register("odt", "ods", "odp", needs_seek=True)
def extract_odf(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    kind = item.extension if item.extension in ("odt", "ods", "odp") else None
    check_package(stream, kind or "odf", limits)
    document = load(stream)
    mimetype = document.mimetype or ""
    if mimetype.endswith("spreadsheet"):
        return Document("ods", segments=list(_sheets(document.spreadsheet)))
    if mimetype.endswith("presentation"):
        return Document("odp", segments=list(_slides(document.presentation)))
    return Document("odt", segments=list(_text(document.text)))


def _children(element) -> Iterator:
    return (child for child in element.childNodes if child.nodeType == child.ELEMENT_NODE)


def _text(body) -> Iterator[Segment]:
    counters = {"paragraph": 0, "table": 0}

    def walk(element) -> Iterator[Segment]:
        for child in _children(element):
            if child.qname in _PARAGRAPHS:
                counters["paragraph"] += 1
                text = teletype.extractText(child)
                if text.strip():
                    yield Segment(text, f"paragraph {counters['paragraph']}")
            elif child.qname == _TABLE:
                counters["table"] += 1
                yield from _table_rows(child, f"table {counters['table']}")
            else:
                yield from walk(child)  # lists, sections, frames

    yield from walk(body)


def _rows_of(table) -> Iterator:
    for child in _children(table):
        if child.qname == _ROW:
            yield child
        elif child.qname[0] == TABLENS and child.qname[1] in ("table-rows", "table-header-rows", "table-row-group"):
            yield from _rows_of(child)


def _cell_texts(row) -> list[tuple[int, str]]:
    """(1-based column, text) of a row's cells, honouring repeated columns without expanding empty ones."""
    column = 1
    out = []
    for cell in _children(row):
        if cell.qname not in _CELLS:
            continue
        repeat = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
        text = "\n".join(teletype.extractText(p) for p in _children(cell) if p.qname in _PARAGRAPHS).strip()
        if text:
            out.extend((column + i, text) for i in range(min(repeat, 100)))
        column += repeat
    return out


def _table_rows(table, where: str) -> Iterator[Segment]:
    rows = TableRows()
    for number, row in enumerate(_rows_of(table), 1):
        segment = rows.segment(_cell_texts(row), f"{where} row {number}")
        if segment:
            yield segment


def _sheets(body) -> Iterator[Segment]:
    for table in _children(body):
        if table.qname != _TABLE:
            continue
        yield from sheet_segments(table.getAttrNS(TABLENS, "name") or "Sheet", _numbered_rows(table))


def _numbered_rows(table) -> Iterator[list[tuple[int, int, str]]]:
    """(row, column, text) of each non-empty row's cells, rows numbered as the spreadsheet shows them."""
    row_number = 1
    for row in _rows_of(table):
        cells = _cell_texts(row)
        if cells:
            yield [(row_number, column, text) for column, text in cells]
        row_number += int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)


def _slides(body) -> Iterator[Segment]:
    pages = [page for page in _children(body) if page.qname == (DRAWNS, "page")]
    for number, page in enumerate(pages, 1):
        for child in _children(page):
            where = f"slide {number} notes" if child.qname == (PRESENTATIONNS, "notes") else f"slide {number}"
            for paragraph in _descendant_paragraphs(child):
                text = teletype.extractText(paragraph)
                if text.strip():
                    yield Segment(text, where)


def _descendant_paragraphs(element) -> Iterator:
    for child in _children(element):
        if child.qname in _PARAGRAPHS:
            yield child
        else:
            yield from _descendant_paragraphs(child)
