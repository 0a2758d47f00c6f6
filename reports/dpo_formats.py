"""Reports room: writes a ``dpo_report.Report`` as self-contained HTML, PDF (WeasyPrint), CSV or XLSX.

One writer per format, each ``(report, binary file) -> None``; dates are shown the UK way (23 Nov 2026 in
pages, 23/11/2026 in spreadsheets), in UK local time.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from reports.charts import render_svg
from reports.dpo_report import Report
from reports.uk_dates import local, uk_date, uk_datetime, uk_numeric_date

FORMATS = ("html", "pdf", "csv", "xlsx")
TEMPLATES = Path(__file__).parent / "templates"


class ReportWriter(Protocol):
    def __call__(self, report: Report, out: BinaryIO) -> None: ...


def breakable(location: str) -> Markup:
    """A long path may wrap after a separator (and anywhere, if it must), so tables keep their width."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[/\\!_.-])", location))


def render_html(report: Report, for_print: bool = False) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(
        uk_date=uk_date, uk_datetime=uk_datetime, svg=lambda chart: Markup(render_svg(chart)), breakable=breakable
    )
    return env.get_template("dpo_report.html").render(report=report, for_print=for_print, limit=200)


def write_html(report: Report, out: BinaryIO) -> None:
    out.write(render_html(report).encode("utf-8"))


def write_pdf(report: Report, out: BinaryIO) -> None:
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango; only PDF needs it

    HTML(string=render_html(report, for_print=True), base_url=str(TEMPLATES)).write_pdf(out)


def summary_rows(report: Report) -> list[tuple[str, str]]:
    latest = report.latest_scan
    rows = [("Report", report.title)]
    if report.school:
        rows.append(("School", report.school))
    rows += [
        ("Generated", uk_datetime(report.generated)),
        ("Latest scan", f"#{latest['id']} {uk_datetime(latest['started'])} ({latest['status']})" if latest else "none"),
        ("Previous scan", f"#{report.previous_scan['id']} {uk_datetime(report.previous_scan['started'])}"
         if report.previous_scan else "none"),
    ]
    rows += [(f.label, str(f.value)) for f in report.figures]
    rows.append(("Retention", report.retention_note))
    return rows


RISKY_COLUMNS = ("Priority", "Location", "Source", "Sensitive data", "Personal data", "Exposed to",
                 "Last changed", "Past retention", "Why it is risky", "What to do")


def risky_rows(report: Report, date=uk_numeric_date) -> list[tuple]:
    return [
        (
            r.priority_label,
            r.location,
            r.source,
            "; ".join(r.category_labels),
            "; ".join(r.identifier_labels),
            "; ".join(r.exposed_to),
            date(r.modified),
            r.expired or "",
            " ".join(r.why),
            " ".join(r.actions),
        )
        for r in report.risky
    ]


def write_csv(report: Report, out: BinaryIO) -> None:
    """The summary as label/value rows, a blank row, then the risky items: made to be opened in Excel."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for row in summary_rows(report):
        writer.writerow(row)
    writer.writerow([])
    writer.writerow(RISKY_COLUMNS)
    writer.writerows(risky_rows(report))
    out.write(text.getvalue().encode("utf-8-sig"))  # the BOM makes Excel read UTF-8


def write_xlsx(report: Report, out: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)

    def sheet(title, header, rows, widths, first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([local(v).replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
        for n, width in enumerate(widths, 1):
            ws.column_dimensions[ws.cell(row=1, column=n).column_letter].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "DD/MM/YYYY"
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str) and len(cell.value) > 60)
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        return ws

    sheet("Summary", ("Figure", "Value"), [(k, int(v) if v.isdigit() else v) for k, v in summary_rows(report)],
          (34, 90), first=True)
    sheet("Risky items", RISKY_COLUMNS, risky_rows(report, date=lambda d: d), (10, 60, 18, 30, 30, 18, 13, 22, 70, 70))
    changes = [("New", c.location, "; ".join(c.what), c.how) for c in report.changes.new]
    changes += [("Resolved", c.location, "; ".join(c.what), c.how) for c in report.changes.resolved]
    sheet("Changes", ("Change", "Location", "What", "How"), changes, (10, 70, 40, 36))
    sheet("Encrypted", ("Location", "Source", "Last changed"),
          [(u.location, u.source, u.modified) for u in report.encrypted], (70, 18, 13))
    unread = [("Not read", u.location, u.reason) for u in report.skipped]
    unread += [("Error", u.location, u.reason) for u in report.errors]
    sheet("Errors and skipped", ("Status", "Location", "Reason"), unread, (10, 70, 60))
    book.save(out)


WRITERS: dict[str, ReportWriter] = {"html": write_html, "pdf": write_pdf, "csv": write_csv, "xlsx": write_xlsx}
