"""Builders for extraction tests: real files made by the real libraries, and a flattener that walks a
document's children the way the engine does."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from scanner.extractors import extract
from scanner.items import Encrypted, ExtractionError, ExtractionLimits, Item, NotScanned, Segment

LIMITS = ExtractionLimits()


def item_of(name: str, data: bytes, location: str | None = None) -> Item:
    """An item served from memory (like an attachment)."""
    return Item(
        source="t", location=location or f"/share/{name}", name=name, size=len(data), modified=None, version="1",
        opener=lambda: io.BytesIO(data),
    )


def item_for(path: Path) -> Item:
    """An item for a file on disk, opened the way the filesystem connector does."""
    return Item(
        source="t", location=str(path), name=path.name, size=path.stat().st_size, modified=None, version="1",
        opener=lambda: open(path, "rb"),
    )


@dataclass
class Extracted:
    """What the engine would record for one item."""

    location: str
    file_type: str | None = None
    segments: list[Segment] = field(default_factory=list)
    encrypted: bool = False
    not_scanned: str | None = None
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)

    def locators(self) -> list[str]:
        return [s.locator for s in self.segments]


def flatten(item: Item, limits: ExtractionLimits = LIMITS) -> list[Extracted]:
    """Extract an item and its members depth first, consuming segments then children once, as the engine does."""
    out = Extracted(item.location)
    results = [out]
    children = ()
    try:
        doc = extract(item, limits)
        out.file_type, out.encrypted, out.not_scanned = doc.file_type, doc.encrypted, doc.not_scanned
        children = doc.children
        if not (doc.encrypted or doc.not_scanned):
            out.segments = list(doc.segments)
    except Encrypted:
        out.encrypted = True
    except NotScanned as exc:
        out.not_scanned = str(exc)
    except ExtractionError as exc:
        out.error = str(exc)
    try:
        for child in children:
            results.extend(flatten(child, limits))
    except ExtractionError as exc:
        out.error = f"members not all read: {exc}"
    return results


def extract_one(name: str, data: bytes, limits: ExtractionLimits = LIMITS) -> Extracted:
    return flatten(item_of(name, data), limits)[0]


def by_location(results: list[Extracted]) -> dict[str, Extracted]:
    return {r.location: r for r in results}


# --- builders ---------------------------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Confidential: Hartfield Academy"
    document.add_paragraph("Pupil: Amelia Hart")
    document.add_paragraph("")
    document.add_paragraph("NHS number 943 476 5919")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "Date of birth"
    table.cell(1, 0).text, table.cell(1, 1).text = "Oliver Stone", "12/03/2012"
    document.sections[0].footer.paragraphs[0].text = "Printed by the office"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Pupils"
    sheet.append(["Name", "UPN", "DOB"])
    sheet["B4"] = "Mia Patel"
    sheet["C4"] = "A123456789012"
    second = workbook.create_sheet("Staff")
    second["A1"] = "Tom Reed"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = "Year 6 transition"
    first.placeholders[1].text = "Lily Evans needs a support plan"
    first.notes_slide.notes_text_frame.text = "Mention the safeguarding referral"
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    second.shapes.title.text = "Groups"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Pupil", "Group"
    table.cell(1, 0).text, table.cell(1, 1).text = "Noah Price", "Nurture"
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _save_odf(document) -> bytes:
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Waiting list"))
    document.text.addElement(P(text="Contact Grace Lee on 07700 900123"))
    table = Table(name="List")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (["Name", "Year"], ["Jack Hill", "Reception"]):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    return _save_odf(document)


def ods_bytes() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="FSM")
    for cells in (["Name", "Eligible"], [None, "Ruby Clark", "yes"]):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            if value is not None:
                cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    return _save_odf(document)


def odp_bytes() -> bytes:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.presentation import Notes
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    document = OpenDocumentPresentation()
    layout = PageLayout(name="Layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Master", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for number, (body, notes) in enumerate([("Welcome", None), ("Ethan Ward joins 4B", "Allergy: peanuts")], 1):
        page = Page(name=f"page{number}", masterpagename=master)
        frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
        box = TextBox()
        box.addElement(P(text=body))
        frame.addElement(box)
        page.addElement(frame)
        if notes:
            note = Notes()
            note_frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
            note_box = TextBox()
            note_box.addElement(P(text=notes))
            note_frame.addElement(note_box)
            note.addElement(note_frame)
            page.addElement(note)
        document.presentation.addElement(page)
    return _save_odf(document)


def pdf_bytes(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def image_only_pdf_bytes(png: bytes) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png), x=10, y=10, w=50)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def eml_bytes(attachments: dict[str, bytes] | None = None, forwarded: bytes | None = None, html: bool = False) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Head Teacher <head@hartfield.example>"
    message["To"] = "Mrs Ada Brown <ada.brown@example.org>"
    message["Cc"] = "senco@hartfield.example"
    message["Subject"] = "About Sam Brown"
    message["Date"] = "Mon, 02 Jun 2025 09:00:00 +0100"
    if html:
        message.set_content("<html><body><p>Dear Mrs Brown,</p><script>var x=1;</script>"
                            "<p>Sam's EHCP review is on Friday.</p></body></html>", subtype="html")
    else:
        message.set_content("Dear Mrs Brown,\n\nSam's EHCP review is on Friday.\n")
    for name, data in (attachments or {}).items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    if forwarded is not None:
        from email import message_from_bytes, policy

        message.add_attachment(message_from_bytes(forwarded, policy=policy.default))
    return message.as_bytes()
