"""The xlsx and docx fast paths (``xlsx_parts``, ``word_parts``) give exactly what openpyxl and python-docx give.

Each test builds a file with the real library, checks the fast path takes it (or leaves it, where it should),
and compares the segments with the library path, forced by turning the fast path off.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl
import pytest
from docx.enum.section import WD_SECTION

from scanner.extractors import word_parts, xlsx_parts
from tests.extract_samples import extract_one


def _replace_part(package: bytes, part: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, edit(data) if info.filename == part else data)
    return out.getvalue()


def _saved(document_or_workbook) -> bytes:
    out = io.BytesIO()
    document_or_workbook.save(out)
    return out.getvalue()


def _both_ways(monkeypatch, name: str, data: bytes):
    """(fast path result, library result) as (segments as tuples, error)."""
    fast = extract_one(name, data)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx_parts, "open_workbook", lambda stream: None)
        patch.setattr(word_parts, "read_document", lambda stream: None)
        library = extract_one(name, data)
    return [(fast.segments, fast.error), (library.segments, library.error)]


def _takes_xlsx(data: bytes) -> bool:
    parts = xlsx_parts.open_workbook(io.BytesIO(data))
    if parts is None:
        return False
    parts.close()
    return True


def _takes_docx(data: bytes) -> bool:
    return word_parts.read_document(io.BytesIO(data)) is not None


def _dated_workbook(epoch=None) -> bytes:
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = "Pupils"
    sheet.append(["Name", "DOB", "Started", "Time", "Free meals", "Score"])
    sheet.append(["Olivia Hart", dt.date(2011, 3, 14), dt.datetime(2020, 9, 1, 8, 30), dt.time(9, 15), True, 3.0])
    sheet.append(["Noah Price", dt.datetime(2012, 1, 5), dt.datetime(1900, 1, 1), dt.time(0, 0), False, 2.5])
    sheet["B5"] = 45000.5
    sheet["B5"].number_format = "dd/mm/yyyy hh:mm"
    sheet["C5"] = 40000
    sheet["C5"].number_format = openpyxl.styles.numbers.BUILTIN_FORMATS[14]
    sheet["D5"] = 1.5
    sheet["D5"].number_format = "[h]:mm:ss"
    sheet["E5"] = 0.25
    sheet["E5"].number_format = "0.00%"
    workbook.create_sheet("Staff & <Governors>")["C3"] = "Tom Reed"
    return _saved(workbook)


@pytest.mark.parametrize("epoch", [None, openpyxl.utils.datetime.CALENDAR_MAC_1904])
def test_xlsx_dates_booleans_and_sheets_match_openpyxl(monkeypatch, epoch):
    data = _dated_workbook(epoch)
    assert _takes_xlsx(data)
    fast, library = _both_ways(monkeypatch, "register.xlsx", data)
    assert fast == library
    segments, error = fast
    assert error is None
    assert "DOB: 2011-03-14" in segments[1].text and "Started: 2020-09-01 08:30:00" in segments[1].text
    assert "Free meals: True" in segments[1].text and "Score: 3" in segments[1].text
    if epoch is None:
        assert "DOB: 2023-03-15 12:00:00" in segments[3].text  # a custom date format with a time
        assert "Time: 1 day, 12:00:00" in segments[3].text  # a duration format
    assert segments[-1].locator == "Staff & <Governors>!C3"


def test_xlsx_wrong_recorded_dimension_still_reads_every_row(monkeypatch):
    data = _replace_part(_dated_workbook(), "xl/worksheets/sheet1.xml",
                         lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', xml))
    assert _takes_xlsx(data)
    fast, library = _both_ways(monkeypatch, "register.xlsx", data)
    assert fast == library
    assert [s.record for s in fast[0]][:4] == ["Pupils row 1", "Pupils row 2", "Pupils row 3", "Pupils row 5"]


INLINE_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Pupil</t></is></c><c r="B1" t="s"><v>0</v></c>'
    b'<c r="C1" t="inlineStr"><is><r><t>Date of </t></r><r><rPr><b/></rPr><t>birth</t></r></is></c></row>'
    b'<row r="2"><c r="A2" t="str"><f>"Ann"&amp;" Lee"</f><v>Ann Lee</v></c><c r="B2" t="b"><v>0</v></c>'
    b'<c r="C2" t="e"><v>#N/A</v></c><c r="D2"><f>1+1</f><v>2</v></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>a row that goes back is skipped</t></is></c></row>'
    b'<row><c><v>7</v></c><c t="inlineStr"><is><t xml:space="preserve">  no references  </t></is></c></row>'
    b'<row r="9"><c r="C9"><v>1</v></c><c r="A9"><v>2</v></c></row>'
    b'</sheetData></worksheet>'
)


SHARED_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
    b'<si><t>Name</t></si>'
    b'<si><r><t>Ruby </t></r><r><rPr><b/></rPr><t>Clark</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>'
    b'<si><t xml:space="preserve"> under_x005F_score </t></si>'
    b'</sst>'
)


def _with_shared_strings(package: bytes, sheet: bytes) -> bytes:
    """openpyxl writes inline strings only: add the shared-string table Excel writes, and a sheet that uses it."""
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    package = _replace_part(package, "xl/worksheets/sheet1.xml", lambda _: sheet)
    package = _replace_part(package, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", override))
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
    return out.getvalue()


def test_xlsx_shared_and_inline_strings_and_cached_formula_values(monkeypatch):
    data = _with_shared_strings(_dated_workbook(), INLINE_SHEET.replace(b"</sheetData>", (
        b'<row r="10"><c r="A10" t="s"><v>1</v></c><c r="B10" t="s"><v>2</v></c></row></sheetData>')))
    assert _takes_xlsx(data)
    fast, library = _both_ways(monkeypatch, "odd.xlsx", data)
    assert fast == library
    texts = [s.text for s in fast[0]]
    assert texts[0] == "Pupil | Name | Date of birth"  # inline, shared, rich inline
    assert texts[1] == "Pupil: Ann Lee | Name: False | Date of birth: #N/A | 2"
    assert texts[2] == "Pupil: 7 | Name: no references"
    assert texts[3] == "Pupil: 2"  # a cell before the row's last one ends the row, as openpyxl lays it out
    assert texts[4] == "Pupil: Ruby Clark | Name: under_score"


def test_xlsx_shared_string_out_of_range_fails_as_openpyxl_does(monkeypatch):
    data = _with_shared_strings(_dated_workbook(), INLINE_SHEET.replace(b"<v>0</v>", b"<v>9</v>"))
    fast, library = _both_ways(monkeypatch, "odd.xlsx", data)
    assert fast == library
    assert fast[1] == "corrupt xlsx: list index out of range"


def test_xlsx_without_dimension_is_left_to_openpyxl(monkeypatch):
    data = _replace_part(_dated_workbook(), "xl/worksheets/sheet1.xml",
                         lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b"", xml))
    assert not _takes_xlsx(data)
    fast, library = _both_ways(monkeypatch, "register.xlsx", data)
    assert fast == library and fast[0]


def _merged_document() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Hartfield Academy"
    document.add_paragraph("Care plan for Amelia Hart")
    document.add_paragraph("")
    table = document.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            table.cell(r, c).text = f"Cell {r}{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # across
    table.cell(1, 2).merge(table.cell(3, 2))  # down: python-docx repeats the top cell in the rows below
    table.cell(1, 0).merge(table.cell(2, 1))  # a block
    inner = table.cell(3, 3).add_table(rows=2, cols=3)
    for r in range(2):
        for c in range(3):
            inner.cell(r, c).text = f"Inner {r}{c}"
    paragraph = document.add_paragraph("Tabs\tand ")
    paragraph.add_run().add_break()
    paragraph.add_run("a break")
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = "Second section header"
    section.different_first_page_header_footer = True
    section.first_page_footer.add_table(1, 3, document.sections[0].page_width).cell(0, 1).text = "Footer table"
    document.sections[0].footer.paragraphs[0].text = "Printed by the office"
    return _saved(document)


def test_docx_merged_cells_nested_tables_headers_match_python_docx(monkeypatch):
    data = _merged_document()
    assert _takes_docx(data)
    fast, library = _both_ways(monkeypatch, "plan.docx", data)
    assert fast == library
    by_locator = {s.locator: s.text for s in fast[0]}
    assert by_locator["table 1 row 1"] == "Cell 00 Cell 01 | Cell 02 | Cell 03"  # the merged cell once
    assert by_locator["table 1 row 3"].count("Cell 12 Cell 22 Cell 32") == 1  # repeated from the row above
    assert by_locator["table 1 row 4 table 1 row 2"] == "Inner 00: Inner 10 | Inner 01: Inner 11 | Inner 02: Inner 12"
    assert by_locator["paragraph 3"] == "Tabs\tand \na break"
    assert by_locator["section 2 header"] == "Second section header"
    assert by_locator["section 1 first page footer table row 1"] == "Footer table"
    assert "section 2 footer" not in by_locator  # linked to previous


def test_docx_hyperlinks_and_tracked_changes_match_python_docx(monkeypatch):
    extra = (b'<w:p><w:r><w:t>Link: </w:t></w:r><w:hyperlink r:id="rId1"><w:r><w:t>profile</w:t></w:r></w:hyperlink>'
             b'<w:ins w:id="1" w:author="a"><w:r><w:t>inserted</w:t></w:r></w:ins>'
             b'<w:r><w:br w:type="page"/><w:noBreakHyphen/><w:t>end</w:t></w:r></w:p>'
             b'<w:sdt><w:sdtContent><w:p><w:r><w:t>inside a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    data = _replace_part(_merged_document(), "word/document.xml",
                         lambda xml: xml.replace(b"<w:body>", b"<w:body>" + extra, 1))
    assert _takes_docx(data)
    fast, library = _both_ways(monkeypatch, "plan.docx", data)
    assert fast == library
    assert fast[0][0].text == "Link: profile-end"


def test_docx_vertical_merge_from_nothing_is_left_to_python_docx(monkeypatch):
    broken = (b'<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>orphan</w:t></w:r></w:p></w:tc></w:tr>'
              b'</w:tbl>')
    data = _replace_part(_merged_document(), "word/document.xml",
                         lambda xml: xml.replace(b"<w:body>", b"<w:body>" + broken, 1))
    assert not _takes_docx(data)
    fast, library = _both_ways(monkeypatch, "plan.docx", data)
    assert fast == library
    assert fast[1] is not None and fast[1].startswith("corrupt docx")


def test_docm_is_left_to_python_docx(monkeypatch):
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    data = _replace_part(_merged_document(), "[Content_Types].xml", lambda xml: re.sub(
        rb"application/vnd\.openxmlformats-officedocument\.wordprocessingml\.document\.main\+xml", macro.encode(), xml))
    assert not _takes_docx(data)
    fast, library = _both_ways(monkeypatch, "plan.docm", data)
    assert fast[1].startswith("corrupt docm: file '<_io.BytesIO")  # python-docx refuses a macro-enabled main part
    assert re.sub(r"0x[0-9a-f]+", "", fast[1]) == re.sub(r"0x[0-9a-f]+", "", library[1])
