"""Render a simple document (headings, paragraphs, tables) or a set of sheets into file bytes, by extension.

Zip-based formats are rewritten with fixed member dates so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime

FIXED_TIME = datetime(2025, 6, 30, 9, 0, 0)
FIXED_ZIP_TIME = (2025, 6, 30, 9, 0, 0)


@dataclass
class Doc:
    """A document as ordered blocks: ("h", text), ("p", text) or ("t", rows)."""

    title: str
    blocks: list[tuple] = field(default_factory=list)

    def h(self, text: str) -> "Doc":
        self.blocks.append(("h", text))
        return self

    def p(self, *lines: str) -> "Doc":
        self.blocks.extend(("p", line) for line in lines)
        return self

    def table(self, rows: list[list[str]]) -> "Doc":
        self.blocks.append(("t", [[str(c) for c in row] for row in rows]))
        return self


Sheets = dict[str, list[list[str]]]


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with every member dated FIXED_ZIP_TIME, keeping order and compression.

    openpyxl stamps ``dcterms:modified`` with the save time whatever the workbook says, so it is reset here too.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _MODIFIED.sub(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\2", member)
            dst.writestr(fixed, member, compresslevel=1)  # fast: this runs for every Office file
    return out.getvalue()


def _text_lines(doc: Doc, table_sep: str = " | ") -> list[str]:
    lines = [doc.title, ""]
    for kind, value in doc.blocks:
        if kind == "t":
            lines.extend(table_sep.join(row) for row in value)
        else:
            lines.append(value)
        lines.append("")
    return lines


def render_txt(doc: Doc) -> bytes:
    return "\n".join(_text_lines(doc)).encode("utf-8")


def render_md(doc: Doc) -> bytes:
    lines = [f"# {doc.title}", ""]
    for kind, value in doc.blocks:
        if kind == "h":
            lines.append(f"## {value}")
        elif kind == "p":
            lines.append(value)
        else:
            lines.append("| " + " | ".join(value[0]) + " |")
            lines.append("|" + "---|" * len(value[0]))
            lines.extend("| " + " | ".join(row) + " |" for row in value[1:])
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def render_html(doc: Doc) -> bytes:
    parts = [f"<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{html.escape(doc.title)}"
             f"</title></head>\n<body>\n<h1>{html.escape(doc.title)}</h1>"]
    for kind, value in doc.blocks:
        if kind == "h":
            parts.append(f"<h2>{html.escape(value)}</h2>")
        elif kind == "p":
            parts.append(f"<p>{html.escape(value)}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n" for row in value)
            parts.append(f"<table>\n{rows}</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("utf-8")


def _rtf_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    return "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in text)


def render_rtf(doc: Doc) -> bytes:
    body = [f"{{\\b\\fs32 {_rtf_escape(doc.title)}}}\\par"]
    for kind, value in doc.blocks:
        if kind == "h":
            body.append(f"{{\\b\\fs26 {_rtf_escape(value)}}}\\par")
        elif kind == "p":
            body.append(f"{_rtf_escape(value)}\\par")
        else:
            body.extend("\\tab ".join(_rtf_escape(c) for c in row) + "\\par" for row in value)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs22\n" + "\n".join(body) + "\n}").encode("ascii")


def render_docx(doc: Doc) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "Hartfield Academy"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.last_modified_by = "Hartfield Academy"
    document.add_heading(doc.title, level=1)
    for kind, value in doc.blocks:
        if kind == "h":
            document.add_heading(value, level=2)
        elif kind == "p":
            document.add_paragraph(value)
        else:
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


def render_pptx(doc: Doc) -> bytes:
    import pptx

    deck = pptx.Presentation()
    deck.core_properties.created = FIXED_TIME
    deck.core_properties.modified = FIXED_TIME
    deck.core_properties.last_modified_by = "Hartfield Academy"
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = doc.title
    body = None
    for kind, value in doc.blocks:
        if kind == "h" or body is None:
            slide = deck.slides.add_slide(deck.slide_layouts[1])
            slide.shapes.title.text = value if kind == "h" else ""
            body = slide.placeholders[1].text_frame
            body.text = ""
            if kind == "h":
                continue
        lines = [value] if kind == "p" else [" | ".join(row) for row in value]
        for line in lines:
            paragraph = body.paragraphs[0] if not body.paragraphs[0].text else body.add_paragraph()
            paragraph.text = line
    out = io.BytesIO()
    deck.save(out)
    return fixed_zip(out.getvalue())


def render_odt(doc: Doc) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=doc.title))
    for kind, value in doc.blocks:
        if kind == "h":
            document.text.addElement(H(outlinelevel=2, text=value))
        elif kind == "p":
            document.text.addElement(P(text=value))
        else:
            table = Table()
            table.addElement(TableColumn(numbercolumnsrepeated=max(len(row) for row in value)))
            for row in value:
                table_row = TableRow()
                for cell in row:
                    table_cell = TableCell()
                    table_cell.addElement(P(text=cell))
                    table_row.addElement(table_cell)
                table.addElement(table_row)
            document.text.addElement(table)
    return _save_odf(document)


def _save_odf(document) -> bytes:
    from odf.element import Element
    from odf.meta import CreationDate, Generator
    from odf.namespaces import nsdict

    # odfpy declares every namespace any document in this process has used so far (a class-level dict), so
    # the bytes would depend on what was rendered or read before; declare them all, in a fixed order.
    Element.namespaces.clear()
    Element.namespaces.update(sorted(nsdict.items()))

    document.meta.addElement(Generator(text="Hartfield Academy"))
    document.meta.addElement(CreationDate(text=FIXED_TIME.isoformat()))
    out = io.BytesIO()
    document.write(out)
    return fixed_zip(out.getvalue())


def render_pdf(doc: Doc) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(doc.title)
    pdf.set_author("Hartfield Academy")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    for kind, value in doc.blocks:
        if kind == "h":
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, _latin1(value), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 8)
            for row in value:
                pdf.multi_cell(0, 4, _latin1(" | ".join(row)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    return text.replace("\u2013", "-").replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")


def render_sheets_xlsx(sheets: Sheets) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "Hartfield Academy"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name[:31])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return fixed_zip(out.getvalue())


def render_sheets_ods(sheets: Sheets) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    return _save_odf(document)


def render_sheets_delimited(sheets: Sheets, delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for rows in sheets.values():
        writer.writerows(rows)
    return out.getvalue().encode("utf-8")


DOC_RENDERERS = {"txt": render_txt, "md": render_md, "html": render_html, "rtf": render_rtf, "docx": render_docx,
                 "pptx": render_pptx, "odt": render_odt, "pdf": render_pdf}
SHEET_RENDERERS = {"xlsx": render_sheets_xlsx, "ods": render_sheets_ods,
                   "csv": lambda s: render_sheets_delimited(s, ","), "tsv": lambda s: render_sheets_delimited(s, "\t")}


def render(path: str, content: Doc | Sheets) -> bytes:
    """Bytes for a file named ``path`` holding ``content`` (a Doc, or sheets for spreadsheet formats)."""
    ext = path.rsplit(".", 1)[-1].lower()
    if isinstance(content, Doc):
        return DOC_RENDERERS[ext](content)
    return SHEET_RENDERERS[ext](content)


def png_logo(size: int = 64) -> bytes:
    """A small deterministic PNG: a navy shield on white."""
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            inside = abs(x - size / 2) < size / 3 * (1 - max(0, y - size / 2) / size * 1.6) and 6 < y < size - 6
            row += bytes((20, 40, 110) if inside else (255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))
