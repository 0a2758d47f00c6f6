"""Mail: eml (stdlib email), msg (an Outlook message built with extract-msg's own OLE writer) and mbox."""

import io
import struct

from tests.extract_samples import by_location, eml_bytes, extract_one, flatten, item_of, xlsx_bytes
from scanner.items import ExtractionLimits


def test_eml_headers_body_and_attachments_as_children():
    data = eml_bytes({"list.csv": b"Name,DOB\nZoe Ash,01/02/2013\n", "marks.xlsx": xlsx_bytes()})
    results = flatten(item_of("m.eml", data))
    message = results[0]
    assert message.file_type == "eml"
    assert [(s.locator, s.record, s.text) for s in message.segments[:4]] == [
        ("From", "header", "From: Head Teacher <head@hartfield.example>"),
        ("To", "header", "To: Mrs Ada Brown <ada.brown@example.org>"),
        ("Cc", "header", "Cc: senco@hartfield.example"),
        ("Subject", "header", "Subject: About Sam Brown"),
    ]
    assert ("body line 3", "Sam's EHCP review is on Friday.") in [(s.locator, s.text) for s in message.segments]
    children = by_location(results)
    assert children["/share/m.eml!list.csv"].segments[1].text == "Zoe Ash | 01/02/2013"
    assert children["/share/m.eml!marks.xlsx"].file_type == "xlsx"
    assert "Mia Patel" in children["/share/m.eml!marks.xlsx"].text


def test_eml_html_body_is_visible_text():
    message = extract_one("h.eml", eml_bytes(html=True))
    body = [s for s in message.segments if s.record == "body"]
    assert [s.text for s in body] == ["Dear Mrs Brown,", "Sam's EHCP review is on Friday."]
    assert "var x" not in message.text


def test_forwarded_message_is_a_child_eml():
    inner = eml_bytes({"plan.txt": b"Behaviour plan for Sam"})
    results = by_location(flatten(item_of("fwd.eml", eml_bytes(forwarded=inner))))
    forwarded = results["/share/fwd.eml!About Sam Brown.eml"]
    assert forwarded.file_type == "eml" and "Subject: About Sam Brown" in forwarded.text
    assert results["/share/fwd.eml!About Sam Brown.eml!plan.txt"].text == "Behaviour plan for Sam"


def test_eml_sniffed_from_headers_without_extension():
    assert extract_one("saved_message", eml_bytes()).file_type == "eml"


def test_duplicate_attachment_names_stay_distinct():
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "a@b.example", "two files"
    message.set_content("see attached")
    for text in (b"first", b"second"):
        message.add_attachment(text, maintype="text", subtype="plain", filename="notes.txt")
    results = by_location(flatten(item_of("d.eml", message.as_bytes())))
    assert results["/share/d.eml!notes.txt"].text == "first"
    assert results["/share/d.eml!2-notes.txt"].text == "second"


# --- Outlook .msg ---------------------------------------------------------------------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def msg_bytes(subject: str, body: str, attachments: dict[str, bytes]) -> bytes:
    """A minimal but standard .msg (MS-OXMSG): message properties, one recipient, attachments by value."""
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    header = bytes(8) + struct.pack("<IIII", 1, len(attachments), 1, len(attachments)) + bytes(8)
    writer.addEntry("__properties_version1.0", header + struct.pack("<IIQ", 0x0E070003, 6, 0))
    for tag, value in (("001A001F", "IPM.Note"), ("0037001F", subject), ("1000001F", body),
                       ("0C1A001F", "Head Teacher"), ("0E04001F", "Ada Brown")):
        writer.addEntry(f"__substg1.0_{tag}", _utf16(value))
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    recipient = "__recip_version1.0_#00000000"
    writer.addEntry(recipient, storage=True)
    writer.addEntry(f"{recipient}/__properties_version1.0", bytes(8) + struct.pack("<IIQ", 0x0C150003, 6, 1))
    writer.addEntry(f"{recipient}/__substg1.0_3001001F", _utf16("Ada Brown"))
    writer.addEntry(f"{recipient}/__substg1.0_39FE001F", _utf16("ada.brown@example.org"))
    for index, (name, data) in enumerate(attachments.items()):
        base = f"__attach_version1.0_#{index:08X}"
        writer.addEntry(base, storage=True)
        writer.addEntry(f"{base}/__properties_version1.0", bytes(8) + struct.pack("<IIQ", 0x37050003, 6, 1))
        writer.addEntry(f"{base}/__substg1.0_37010102", data)
        writer.addEntry(f"{base}/__substg1.0_3707001F", _utf16(name))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_msg_headers_body_and_attachment():
    data = msg_bytes("About Sam Brown", "Dear Mrs Brown,\r\nSam's EHCP review.", {"list.csv": b"Name\nZoe Ash\n"})
    results = flatten(item_of("m.msg", data))
    message = results[0]
    assert message.file_type == "msg" and message.error is None
    texts = [(s.locator, s.text) for s in message.segments]
    assert ("Subject", "Subject: About Sam Brown") in texts
    assert ("From", "From: Head Teacher") in texts
    assert ("To", "To: Ada Brown <ada.brown@example.org>") in texts
    assert ("body line 2", "Sam's EHCP review.") in texts
    assert by_location(results)["/share/m.msg!list.csv"].segments[1].text == "Zoe Ash"


def test_msg_sniffed_by_content():
    assert extract_one("mail.dat", msg_bytes("s", "b", {})).file_type == "msg"


def test_truncated_msg_is_an_error():
    data = msg_bytes("About Sam Brown", "body", {})
    assert extract_one("cut.msg", data[:700]).error is not None


# --- mbox ---------------------------------------------------------------------------------------------------


def mbox_bytes(count: int) -> bytes:
    parts = []
    for n in range(1, count + 1):
        parts.append(
            f"From head@hartfield.example Mon Jun  2 09:0{n % 10}:00 2025\n"
            f"From: head@hartfield.example\nTo: parent{n}@example.org\nSubject: Message {n}\n\n"
            f"Hello parent {n}\n>From the office: see you soon\n\n"
        )
    return "".join(parts).encode()


def test_mbox_messages_are_children():
    results = flatten(item_of("Inbox", mbox_bytes(3)))
    assert results[0].file_type == "mbox" and results[0].segments == []
    children = by_location(results)
    second = children["/share/Inbox!message-2.eml"]
    assert second.file_type == "eml"
    assert "To: parent2@example.org" in second.text
    assert "From the office: see you soon" in second.text  # >From quoting undone
    assert len(results) == 4


def test_mbox_member_limit_is_recorded_on_the_parent():
    results = flatten(item_of("big.mbox", mbox_bytes(5)), ExtractionLimits(max_members=2))
    assert len(results) == 3
    assert results[0].error == "members not all read: more than max_members (2) messages: the rest not scanned"


def test_mbox_large_message_spools_to_disk():
    body = ("x" * 99 + "\n") * 2000
    data = ("From a@b.example Mon Jun  2 09:00:00 2025\nFrom: a@b.example\nSubject: big\n\n" + body).encode()
    results = flatten(item_of("a.mbox", data), ExtractionLimits(spool_in_memory=10_000))
    assert results[1].error is None and results[1].text.count("x" * 99) == 2000
