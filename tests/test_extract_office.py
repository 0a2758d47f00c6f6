"""Office documents made by their own libraries: docx, xlsx, pptx, odt, ods, odp, and legacy .doc/.xls."""

import io
import struct
import zipfile

import pytest

from tests.extract_samples import (
    docx_bytes,
    extract_one,
    odp_bytes,
    ods_bytes,
    odt_bytes,
    pptx_bytes,
    xlsx_bytes,
)
from scanner.items import ExtractionLimits


def pairs(result):
    return [(s.locator, s.text) for s in result.segments]


def test_docx_paragraphs_tables_headers_footers():
    result = extract_one("pep.docx", docx_bytes())
    assert result.file_type == "docx" and not result.encrypted
    assert pairs(result) == [
        ("paragraph 1", "Pupil: Amelia Hart"),
        ("paragraph 3", "NHS number 943 476 5919"),
        ("table 1 row 1", "Name | Date of birth"),
        ("table 1 row 2", "Oliver Stone | 12/03/2012"),
        ("section 1 header", "Confidential: Hartfield Academy"),
        ("section 1 footer", "Printed by the office"),
    ]
    assert result.segments[3].record == "table 1 row 2"


@pytest.mark.parametrize("name, build, expected", [
    ("renamed.bin", docx_bytes, "docx"), ("old_name.doc", docx_bytes, "docx"), ("macro.docm", docx_bytes, "docm"),
    ("misnamed.xls", xlsx_bytes, "xlsx"), ("slides.odp", pptx_bytes, "pptx"), ("text.docx", odt_bytes, "odt"),
])
def test_packages_sniffed_by_content_whatever_the_name(name, build, expected):
    result = extract_one(name, build())
    assert (result.file_type, result.error) == (expected, None)
    assert result.segments


def test_xlsx_rows_with_first_cell_locator_and_row_record():
    result = extract_one("contacts.xlsx", xlsx_bytes())
    assert result.file_type == "xlsx"
    assert [(s.locator, s.record, s.text) for s in result.segments] == [
        ("Pupils!A1", "Pupils row 1", "Name | UPN | DOB"),
        ("Pupils!B4", "Pupils row 4", "UPN: Mia Patel | DOB: A123456789012"),
        ("Staff!A1", "Staff row 1", "Tom Reed"),
    ]


def test_xlsx_cached_formula_values_and_dates():
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = datetime.datetime(2012, 3, 4)
    workbook.active["B1"] = 12.0
    out = io.BytesIO()
    workbook.save(out)
    assert extract_one("d.xlsm", out.getvalue()).segments[0].text == "2012-03-04 | 12"


def test_pptx_slides_tables_notes():
    result = extract_one("transition.pptx", pptx_bytes())
    assert result.file_type == "pptx"
    assert ("slide 1", "Lily Evans needs a support plan") in pairs(result)
    assert ("slide 1 notes", "Mention the safeguarding referral") in pairs(result)
    assert ("slide 2 table 1 row 2", "Noah Price | Nurture") in pairs(result)


def test_odt_paragraphs_and_table_rows():
    result = extract_one("waiting_list.odt", odt_bytes())
    assert result.file_type == "odt"
    assert pairs(result) == [
        ("paragraph 1", "Waiting list"),
        ("paragraph 2", "Contact Grace Lee on 07700 900123"),
        ("table 1 row 1", "Name | Year"),
        ("table 1 row 2", "Jack Hill | Reception"),
    ]


def test_ods_rows_like_xlsx():
    result = extract_one("fsm.ods", ods_bytes())
    assert result.file_type == "ods"
    assert [(s.locator, s.record, s.text) for s in result.segments] == [
        ("FSM!A1", "FSM row 1", "Name | Eligible"),
        ("FSM!B2", "FSM row 2", "Ruby Clark | yes"),
    ]


def test_odp_slides_and_notes():
    result = extract_one("assembly.odp", odp_bytes())
    assert result.file_type == "odp"
    assert pairs(result) == [("slide 1", "Welcome"), ("slide 2", "Ethan Ward joins 4B"),
                             ("slide 2 notes", "Allergy: peanuts")]


@pytest.mark.parametrize("name, build", [
    ("a.docx", docx_bytes), ("a.xlsx", xlsx_bytes), ("a.pptx", pptx_bytes), ("a.odt", odt_bytes),
])
def test_truncated_package_is_a_readable_error(name, build):
    data = build()
    result = extract_one(name, data[: len(data) // 2])
    assert result.error is not None
    assert result.error.startswith(f"corrupt {name[2:]}: ")


@pytest.mark.parametrize("name", ["a.docx", "a.xlsx", "a.pptx", "a.ods", "a.doc", "a.xls"])
def test_garbage_with_office_extension_is_an_error(name):
    result = extract_one(name, b"this is not an office file at all " * 20)
    assert result.error and result.error.startswith(f"corrupt {name[2:]}")


def test_package_part_bomb_is_refused_before_parsing():
    data = docx_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("word/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    result = extract_one("bomb.docx", out.getvalue())
    assert result.error and result.error.startswith("docx bomb suspected: part word/media/padding.bin")


def test_docx_with_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET PUPIL")
    data = docx_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, rest = part.split(b"?>", 1)
                part = (head + b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">]>'
                        + rest.replace(b"Pupil: Amelia Hart", b"&x;"))
            dst.writestr(info, part)
    result = extract_one("xxe.docx", out.getvalue())
    assert "TOP SECRET" not in result.text


# --- legacy Word: no library writes .doc, so the test builds the documented FIB and piece table with
# extract-msg's OLE writer (the container is real; the WordDocument stream is the minimum Word reads).

def legacy_doc_bytes(text: str, encrypted: bool = False) -> bytes:
    from extract_msg.ole_writer import OleWriter

    body = text.encode("cp1252")
    text_offset = 0x800
    word = bytearray(text_offset + len(body))
    flags = 0x0200 | (0x0100 if encrypted else 0)  # fWhichTblStm: the table is "1Table"
    struct.pack_into("<HH6xH", word, 0, 0xA5EC, 0x00C1, flags)
    struct.pack_into("<I", word, 0x4C, len(body))  # ccpText
    plc = struct.pack("<II", 0, len(body)) + struct.pack("<HIH", 0, 0x40000000 | (text_offset * 2), 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", word, 0x01A2, 0, len(clx))  # fcClx, lcbClx
    word[text_offset:] = body
    writer = OleWriter()
    writer.addEntry("WordDocument", bytes(word))
    writer.addEntry("1Table", clx + bytes(64))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_legacy_doc_text_from_piece_table():
    result = extract_one("report.doc", legacy_doc_bytes("Pupil report\rName: Maya Ross\x07DOB: 01/09/2014\x07\x07\r"))
    assert result.file_type == "doc" and not result.encrypted
    assert pairs(result) == [("paragraph 1", "Pupil report"), ("paragraph 2", "Name: Maya Ross | DOB: 01/09/2014")]


def test_legacy_doc_with_encrypted_flag_is_encrypted():
    result = extract_one("locked.doc", legacy_doc_bytes("secret", encrypted=True))
    assert (result.file_type, result.encrypted, result.error) == ("doc", True, None)


def test_ole2_without_word_stream_named_doc_is_not_text():
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    writer.addEntry("Something", b"x" * 100)
    out = io.BytesIO()
    writer.write(out)
    result = extract_one("odd.doc", out.getvalue())
    assert (result.file_type, result.not_scanned) == ("ole2", "unknown OLE2 compound file")


def test_text_limit_applies_to_office_documents():
    result = extract_one("pep.docx", docx_bytes(), ExtractionLimits(max_text_chars=25))
    assert [s.text for s in result.segments] == ["Pupil: Amelia Hart", "NHS num"]
