"""xlsx workbooks for reports (openpyxl), written owner-only (0600) through ``reports.export.private_output``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from reports.export import private_output


def _cell(value):
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[dict]]]) -> int:
    """One sheet per (title, columns, rows): a bold, frozen header row, then one row per record. Returns the
    number of rows written to the first sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    first = 0
    for index, (title, columns, rows) in enumerate(sheets):
        sheet = book.create_sheet(title[:31])
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        n = 0
        for row in rows:
            sheet.append([_cell(row.get(c)) for c in columns])
            n += 1
        for letter, column in zip((c.column_letter for c in sheet[1]), columns):
            sheet.column_dimensions[letter].width = min(60, max(12, len(column) + 2))
        if index == 0:
            first = n
    with private_output(Path(path), binary=True) as handle:
        book.save(handle)
    return first
