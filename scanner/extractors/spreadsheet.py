"""Spreadsheets: xlsx/xlsm streamed from their XML parts (``xlsx_parts``, falling back to openpyxl's read-only mode
with cached values for workbooks that path leaves alone), legacy xls with xlrd.

One segment per non-empty row; the locator is the first non-empty cell (``Sheet1!A4``) and the record is the row
(``Sheet1 row 4``), so a detector can tie a name to the date of birth beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import BinaryIO

import openpyxl
from openpyxl.utils import get_column_letter

from scanner.extractors import xlsx_parts
from scanner.extractors.office_packages import check_package
from scanner.extractors.registry import register
from scanner.extractors.streams import read_whole
from scanner.extractors.tables import TableRows
from scanner.items import Document, ExtractionLimits, Item, Segment


@register("xlsx", "xlsm", needs_seek=True)
def extract_xlsx(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    check_package(stream, "xlsx", limits)
    parts = xlsx_parts.open_workbook(stream)
    if parts is not None:
        return Document("xlsx", segments=_xlsx_part_rows(parts))
    stream.seek(0)
    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    return Document("xlsx", segments=_xlsx_rows(workbook))


def _xlsx_rows(workbook) -> Iterator[Segment]:
    try:
        for sheet in workbook.worksheets:
            # Writers often record a wrong used range; without this, read-only mode would cut rows off.
            sheet.reset_dimensions()
            rows = (
                [(cell.row, cell.column, cell.value) for cell in row if getattr(cell, "value", None) is not None]
                for row in sheet.iter_rows()
            )
            yield from sheet_segments(sheet.title, rows)
    finally:
        workbook.close()


def _xlsx_part_rows(parts: xlsx_parts.XlsxParts) -> Iterator[Segment]:
    try:
        for sheet in parts.sheets:
            yield from sheet_segments(sheet.title, xlsx_parts.sheet_rows(parts, sheet))
    finally:
        parts.close()


def sheet_segments(sheet: str, rows: Iterable[Iterable[tuple[int, int, object]]]) -> Iterator[Segment]:
    """One segment per non-empty row of a sheet, each row given as (row, column, value) of its cells, labelled
    with the sheet's column headings (see ``row_segment``)."""
    table = TableRows()
    for cells in rows:
        segment = row_segment(table, sheet, cells)
        if segment:
            yield segment


def row_segment(table: TableRows, sheet: str, cells: Iterable[tuple[int, int, object]]) -> Segment | None:
    """A row's segment from (row, column, value) of its cells (1-based); None for an empty row.

    ``table`` is the sheet's ``TableRows``, which labels cells with the sheet's column headings.
    """
    texts = [(row, column, cell_text(value)) for row, column, value in cells]
    texts = [(row, column, text) for row, column, text in texts if text]
    if not texts:
        return None
    row, column, _ = texts[0]
    locator = f"{sheet}!{get_column_letter(column)}{row}"
    return table.segment(((c, text) for _, c, text in texts), locator, record=f"{sheet} row {row}")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@register("xls", needs_seek=True)
def extract_xls(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    import xlrd

    from scanner.extractors.legacy_office import refuse_if_encrypted

    refuse_if_encrypted(stream)
    # xlrd needs the whole file: over streams.MAX_WHOLE_FILE it is refused, not read.
    book = xlrd.open_workbook(file_contents=read_whole(stream, "xls"), on_demand=True)
    return Document("xls", segments=_xls_rows(book))


def _xls_rows(book) -> Iterator[Segment]:
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            yield from sheet_segments(sheet.name, (_xls_cells(book, sheet, r) for r in range(sheet.nrows)))
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _xls_cells(book, sheet, r: int) -> list[tuple[int, int, object]]:
    import xlrd

    cells = []
    for c, cell in enumerate(sheet.row(r)):
        value = cell.value
        if cell.ctype == xlrd.XL_CELL_DATE:
            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            value = None
        cells.append((r + 1, c + 1, value))
    return cells
