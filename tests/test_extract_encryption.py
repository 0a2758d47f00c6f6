"""Password protection is reported as encrypted, never as an error: each case really encrypted by a library,
and the same file unencrypted reads normally."""

import io

import pytest

from tests.extract_samples import (
    by_location,
    docx_bytes,
    extract_one,
    flatten,
    item_of,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
    zip_bytes,
)


def office_encrypted(data: bytes, password: str = "Secret123") -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


@pytest.mark.parametrize("name, build", [("p.docx", docx_bytes), ("p.xlsx", xlsx_bytes), ("p.pptx", pptx_bytes)])
def test_password_protected_ooxml_is_encrypted(name, build):
    plain = build()
    locked = extract_one(name, office_encrypted(plain))
    assert (locked.file_type, locked.encrypted, locked.error) == (name[2:], True, None)
    opened = extract_one(name, plain)
    assert opened.encrypted is False and opened.segments


def test_encrypted_ooxml_with_unhelpful_name_is_still_encrypted():
    result = extract_one("attachment.bin", office_encrypted(docx_bytes()))
    assert (result.file_type, result.encrypted) == ("ooxml-encrypted", True)


def test_password_protected_pdf_is_encrypted():
    from pypdf import PdfReader, PdfWriter

    plain = pdf_bytes(["Medical notes for Ivy Shaw"])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="Secret123", owner_password="Owner456", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    locked = extract_one("notes.pdf", out.getvalue())
    assert (locked.file_type, locked.encrypted, locked.error) == ("pdf", True, None)
    assert extract_one("notes.pdf", plain).encrypted is False


def test_pdf_with_only_an_owner_password_is_readable():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Report for Jay Fox"]))))
    writer.encrypt(user_password="", owner_password="Owner456", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    result = extract_one("report.pdf", out.getvalue())
    assert result.encrypted is False and result.text == "Report for Jay Fox"


def test_aes_zip_members_are_encrypted_children():
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(b"Secret123")
        archive.writestr("pupils.csv", b"Name\nAda Cole\n")
    results = by_location(flatten(item_of("locked.zip", out.getvalue())))
    parent, member = results["/share/locked.zip"], results["/share/locked.zip!pupils.csv"]
    assert (parent.file_type, parent.encrypted, parent.error) == ("zip", False, None)
    assert (member.encrypted, member.error, member.segments) == (True, None, [])


def test_zipcrypto_flag_makes_member_encrypted():
    # The standard library cannot write ZipCrypto; setting the flag bit on a stored member is what an encrypting
    # tool does to the headers (the payload is irrelevant: an encrypted member is never opened).
    data = bytearray(zip_bytes({"a.txt": b"hello"}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    results = by_location(flatten(item_of("old.zip", bytes(data))))
    assert results["/share/old.zip!a.txt"].encrypted is True
    plain = by_location(flatten(item_of("old.zip", zip_bytes({"a.txt": b"hello"}))))
    assert plain["/share/old.zip!a.txt"].encrypted is False and plain["/share/old.zip!a.txt"].text == "hello"
