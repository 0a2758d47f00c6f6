"""The fast path for xlsx: a workbook read straight from its XML parts with lxml, rows as openpyxl would give them.

openpyxl's read-only mode builds a whole Workbook (styles, named styles, properties) before the first cell, which
costs more than the cells of a typical school spreadsheet. Here only the parts that decide cell values are read:
the package manifest, workbook.xml and its relationships (with openpyxl's own classes, so sheet order, titles and
the 1900/1904 date system are exactly its), the cell formats of styles.xml (which styles are dates or durations,
decided by openpyxl's ``is_date_format``/``is_timedelta_format``), the shared strings, then each sheet streamed row
by row. Each cell's value is made the way openpyxl's ``WorkSheetParser.parse_cell`` makes it with ``data_only``
(cached formula values, booleans, inline and shared strings, dates through openpyxl's ``from_excel``), and rows are
laid out as ``ReadOnlyWorksheet`` does after ``reset_dimensions`` (all rows; a row that goes back is skipped;
cells past a row's last cell are dropped).

``open_workbook`` returns None when the workbook has anything this path does not handle (no stylesheet, a
chartsheet, a part with a DTD or an unusual prolog, a dimension that is not where openpyxl looks for it, anything
that fails to parse here); the caller then reads it with openpyxl, which gives its own result or error.
Not read here, unlike openpyxl: document properties, the theme and sheet metadata after the rows, so a workbook
broken only there yields its rows instead of failing as corrupt.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree
from openpyxl.cell.text import Text
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.print_settings import PrintArea, PrintTitles
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

from scanner.extractors.streams import read_up_to

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_SI = f"{{{SHEET_MAIN_NS}}}si"
_NUM_FMTS = f"{{{SHEET_MAIN_NS}}}numFmts"
_NUM_FMT = f"{{{SHEET_MAIN_NS}}}numFmt"
_CELL_XFS = f"{{{SHEET_MAIN_NS}}}cellXfs"
_XF = f"{{{SHEET_MAIN_NS}}}xf"

_HEAD_BYTES = 16 * 1024
# An XML declaration then the root element: no DTD, no comment or processing instruction before the root.
_PLAIN_PROLOG = re.compile(rb"\s*(?:<\?xml[^>]*\?>)?\s*<[A-Za-z_]")
# openpyxl reads a sheet's <dimension> (and fails on a malformed one) when it opens the workbook.
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"([^\"&<]*)\"\s*/>")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")


class _Unhandled(Exception):
    """Something this path leaves to openpyxl."""


@dataclass
class _Sheet:
    title: str
    path: str


@dataclass
class XlsxParts:
    """What the rows need: the open package, sheets in order, the date system, strings and date/duration styles."""

    archive: zipfile.ZipFile
    sheets: list[_Sheet]
    epoch: object
    shared_strings: list[str]
    date_styles: set[int]
    timedelta_styles: set[int]

    def close(self) -> None:
        self.archive.close()


def open_workbook(stream: BinaryIO) -> XlsxParts | None:
    """The workbook's parts, read eagerly (as openpyxl's load_workbook is); None to leave it to openpyxl."""
    try:
        archive = zipfile.ZipFile(stream)
    except Exception:  # noqa: BLE001 - openpyxl reports it in its own words
        return None
    try:
        return _read(archive)
    except Exception:  # noqa: BLE001 - anything unusual: openpyxl decides (and words any error)
        archive.close()
        return None


def _read(archive: zipfile.ZipFile) -> XlsxParts:
    names = set(archive.namelist())
    manifest = Manifest.from_tree(_parse(archive, ARC_CONTENT_TYPES))
    workbook_path = _find_workbook_part(manifest).PartName[1:]
    package = WorkbookPackage.from_tree(_parse(archive, workbook_path))
    epoch = CALENDAR_MAC_1904 if package.properties.date1904 else WINDOWS_EPOCH
    rels = get_dependents(archive, get_rels_path(workbook_path)).to_dict()
    strings_part = manifest.find(SHARED_STRINGS)
    shared_strings = _shared_strings(archive, strings_part.PartName[1:]) if strings_part is not None else []
    date_styles, timedelta_styles = _date_styles(archive, names)
    sheets: list[_Sheet] = []
    for sheet in package.sheets:
        if not sheet.id:
            continue  # openpyxl warns and drops it
        rel = rels[sheet.id]
        if rel.target not in names:
            continue
        if "chartsheet" in rel.Type:
            raise _Unhandled("chartsheet")
        sheet_rels = get_rels_path(rel.target)
        if sheet_rels in names:
            get_dependents(archive, sheet_rels)  # openpyxl reads them even in read-only mode
        _check_sheet_head(archive, rel.target)
        sheets.append(_Sheet(sheet.name, rel.target))
    if package.definedNames:
        _check_defined_names(package, sheets)
    return XlsxParts(archive, sheets, epoch, shared_strings, date_styles, timedelta_styles)


def _head(archive: zipfile.ZipFile, path: str) -> bytes:
    with archive.open(path) as part:
        head = read_up_to(part, _HEAD_BYTES)
    if not _PLAIN_PROLOG.match(head):
        raise _Unhandled(f"{path}: unusual prolog")
    return head


def _parse(archive: zipfile.ZipFile, path: str):
    _head(archive, path)
    return fromstring(archive.read(path))


def _check_sheet_head(archive: zipfile.ZipFile, path: str) -> None:
    head = _head(archive, path)
    dimension = _DIMENSION.search(head)
    data = _SHEET_DATA.search(head)
    if dimension is None or (data is not None and data.start() < dimension.start()):
        raise _Unhandled(f"{path}: no dimension where openpyxl looks for it")
    range_boundaries(dimension.group(1).decode("ascii"))


def _check_defined_names(package: WorkbookPackage, sheets: list[_Sheet]) -> None:
    """What openpyxl's ``assign_names`` would fail on."""
    for index, names in package.definedNames.by_sheet().items():
        if index == "global":
            continue
        try:
            sheets[index]
        except IndexError:
            continue
        for definition in names.values():
            reserved = definition.is_reserved
            if reserved == "Print_Titles":
                PrintTitles.from_string(definition.value)
            elif reserved == "Print_Area":
                try:
                    PrintArea.from_string(definition.value)
                except TypeError:
                    pass


def _date_styles(archive: zipfile.ZipFile, names: set[str]) -> tuple[set[int], set[int]]:
    """Indexes of the cell formats openpyxl reads as dates, and as durations (its ``_normalise_numbers``)."""
    if ARC_STYLE not in names:
        raise _Unhandled("no stylesheet: openpyxl's defaults apply")
    root = _parse(archive, ARC_STYLE)
    formats = root.findall(_NUM_FMTS)
    cell_xfs = root.findall(_CELL_XFS)
    if len(formats) > 1 or len(cell_xfs) != 1:
        raise _Unhandled("unusual stylesheet")
    custom = {}
    if formats:
        for number_format in formats[0].iterchildren(_NUM_FMT):
            custom[int(number_format.get("numFmtId"))] = number_format.get("formatCode")
    xfs = list(cell_xfs[0].iterchildren(_XF))
    if not xfs:
        raise _Unhandled("no cell formats: openpyxl's defaults apply")
    dates: set[int] = set()
    durations: set[int] = set()
    for index, xf in enumerate(xfs):
        number_format_id = int(xf.get("numFmtId", 0))
        code = custom[number_format_id] if number_format_id in custom else builtin_format_code(number_format_id)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _text(node) -> str:
    """openpyxl's ``Text.from_tree(node).content``; the usual one plain <t> without the object model."""
    if not node.attrib and len(node) == 1:
        child = node[0]
        if child.tag == _TEXT and len(child) == 0:
            return child.text or ""
    return Text.from_tree(node).content


def _iter_elements(archive: zipfile.ZipFile, path: str, tag: str) -> Iterator:
    """Elements ``tag`` of a part, streamed; each is cleared (with what came before it) once the caller is done."""
    _head(archive, path)
    with archive.open(path) as part:
        for _, element in etree.iterparse(part, events=("end",), tag=tag, remove_comments=True, remove_pis=True,
                                          resolve_entities=False, no_network=True):
            yield element
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    return [_text(si).replace("x005F_", "") for si in _iter_elements(archive, path, _SI)]


def sheet_rows(parts: XlsxParts, sheet: _Sheet) -> Iterator[list[tuple[int, int, object]]]:
    """Each row's non-empty cells as (row, column, value), as ``ReadOnlyWorksheet.iter_rows`` gives them after
    ``reset_dimensions``."""
    next_row = 1  # rows numbered below this are skipped, as openpyxl's _cells_by_row does
    row_counter = 0
    for row in _iter_elements(parts.archive, sheet.path, _ROW):
        number = row.get("r")
        if number is not None:
            try:
                row_counter = int(number)
            except ValueError:
                as_float = float(number)
                if not as_float.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                row_counter = int(as_float)
        else:
            row_counter += 1
        cells = _row_cells(parts, row, row_counter)
        if row_counter < next_row:
            continue
        next_row = row_counter + 1
        if not cells:
            continue
        yield _laid_out(cells)


def _laid_out(cells: list[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """openpyxl's ``_get_row``: one cell per column up to the last cell's column, the later cell winning."""
    last = cells[-1][1]
    columns = [column for _, column, _ in cells]
    if all(a < b for a, b in zip(columns, columns[1:])):
        return [cell for cell in cells if cell[2] is not None]
    slots: dict[int, tuple[int, int, object]] = {}
    for cell in cells:
        if 1 <= cell[1] <= last:
            slots[cell[1]] = cell
    return [slots[column] for column in sorted(slots) if slots[column][2] is not None]


def _row_cells(parts: XlsxParts, row, row_counter: int) -> list[tuple[int, int, object]]:
    """openpyxl's ``parse_cell`` (data_only) for every child of the row."""
    cells = []
    column_counter = 0
    for element in row:
        data_type = element.get("t", "n")
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if data_type == "inlineStr":
            value = None
        else:
            value = element.findtext(_VALUE, None) or None
        if coordinate:
            row_number, column = coordinate_to_tuple(coordinate)
            column_counter = column
        else:
            column_counter += 1
            row_number, column = row_counter, column_counter
        if value is not None:
            if data_type == "n":
                value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                if style_id in parts.date_styles:
                    try:
                        value = from_excel(value, parts.epoch, timedelta=style_id in parts.timedelta_styles)
                    except (OverflowError, ValueError):
                        warnings.warn(f"Cell {coordinate} is marked as a date but the serial value {value} is "
                                      "outside the limits for dates. The cell will be treated as an error.")
                        value = "#VALUE!"
            elif data_type == "s":
                value = parts.shared_strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "d":
                value = from_ISO8601(value)
        elif data_type == "inlineStr":
            child = element.find(_INLINE)
            if child is not None:
                value = _text(child)
        cells.append((row_number, column, value))
    return cells
