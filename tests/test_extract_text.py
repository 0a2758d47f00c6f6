"""Plain text, delimited files, HTML and RTF: text and locators come out; decoding and limits hold."""

import pytest

from tests.extract_samples import extract_one, flatten, item_for, item_of
from scanner.extractors import extract
from scanner.items import ExtractionLimits


def test_txt_lines_keep_their_numbers(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\n\n\nCall Ann Jones about the referral\n", encoding="utf-8")
    result = flatten(item_for(path))[0]
    assert result.file_type == "txt"
    assert [(s.locator, s.text) for s in result.segments] == [
        ("line 1", "Meeting notes"), ("line 4", "Call Ann Jones about the referral"),
    ]


def test_cp1252_and_utf16_text_decode():
    assert extract_one("fees.txt", "Fee: \xa320 for Zo\xeb".encode("cp1252")).text == "Fee: £20 for Zoë"
    assert extract_one("u.txt", "Zoë Ash\nline two".encode("utf-16")).text == "Zoë Ash\nline two"


def test_markdown_is_text():
    result = extract_one("README.md", b"# Class list\n\n| Name |\n| Ava Cole |\n")
    assert result.file_type == "md"
    assert ("line 4", "| Ava Cole |") in [(s.locator, s.text) for s in result.segments]


def test_csv_rows_are_records():
    data = b'Name,Notes\r\n"Kai Moss","moved,\r\nnew address"\r\n,\r\nEva Lin,FSM\r\n'
    result = extract_one("census.csv", data)
    assert result.file_type == "csv"
    assert [(s.locator, s.record, s.text) for s in result.segments] == [
        ("row 1", "row 1", "Name | Notes"),
        ("row 2", "row 2", "Kai Moss | moved,\r\nnew address"),
        ("row 4", "row 4", "Eva Lin | FSM"),
    ]


def test_tsv_splits_on_tabs():
    result = extract_one("meals.tsv", b"Name\tDiet\nLeo Bell\tHalal, nut free\n")
    assert [s.text for s in result.segments] == ["Name | Diet", "Leo Bell | Halal, nut free"]


def test_html_visible_text_only_with_source_lines():
    page = (b"<html><head><title>t</title><style>p{color:red}</style></head>\n<body>\n"
            b"<h1>Newsletter</h1>\n<script>var pupil='Hidden Name';</script>\n"
            b"<p>Well done to <b>Isla Grant</b> &amp; friends</p>\n"
            b"<table><tr><td>Name</td><td>House</td></tr>\n<tr><td>Finn Dale</td><td>Oak</td></tr></table>\n"
            b"</body></html>\n")
    result = extract_one("news.htm", page)
    assert result.file_type == "htm"
    assert "Hidden Name" not in result.text and "color" not in result.text
    by_text = {s.text: s for s in result.segments}
    assert by_text["Well done to Isla Grant & friends"].locator == "line 5"
    assert by_text["Finn Dale | Oak"].locator == "line 7"
    assert by_text["Finn Dale | Oak"].record == "table row 2"


def test_html_without_extension_is_sniffed():
    assert extract_one("page", b"<!DOCTYPE html><p>Hello Amy</p>").file_type == "html"


def test_rtf_text_by_line():
    rtf = b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 Dear Mrs Kaur,\\par Amir's plan\\par}"
    result = extract_one("letter.rtf", rtf)
    assert result.file_type == "rtf"
    assert [(s.locator, s.text) for s in result.segments] == [("line 1", "Dear Mrs Kaur,"), ("line 2", "Amir's plan")]


def test_rtf_named_doc_is_sniffed_as_rtf():
    assert extract_one("old.doc", b"{\\rtf1\\ansi Hello\\par}").file_type == "rtf"


def test_rtf_without_header_is_an_extraction_error():
    result = extract_one("bad.rtf", b"plain words, not rtf")
    assert result.error == "corrupt rtf: no {\\rtf header"


def test_text_stops_at_max_text_chars():
    data = b"".join(b"line %d with some words\n" % i for i in range(1000))
    limits = ExtractionLimits(max_text_chars=100)
    result = flatten(item_of("big.txt", data), limits)[0]
    assert sum(len(s.text) for s in result.segments) == 100
    assert result.segments[0].text == "line 0 with some words"


def test_binary_with_text_extension_is_not_read_as_text():
    result = extract_one("data.txt", b"\x00\x01\x02\x03binary\x00")
    assert result.not_scanned == "unknown binary type"
    assert result.file_type == "binary"


def test_unknown_extension_text_is_read():
    result = extract_one("export.json", b'{"name": "Ada Lee"}')
    assert result.file_type == "txt" and "Ada Lee" in result.text


@pytest.mark.parametrize("name", ["noext", "file.xyz"])
def test_unknown_binary_is_not_scanned(name):
    result = extract_one(name, bytes(range(256)) * 4)
    assert (result.file_type, result.not_scanned) == ("binary", "unknown binary type")


def test_stream_is_closed_after_consumption(tmp_path):
    opened = []
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\ntwo\n")

    def opener():
        opened.append(open(path, "rb"))
        return opened[-1]

    from scanner.items import Item

    item = Item(source="t", location=str(path), name="a.txt", size=8, modified=None, version="1", opener=opener)
    doc = extract(item, ExtractionLimits())
    assert not opened[0].closed
    assert [s.text for s in doc.segments] == ["one", "two"]
    list(doc.children)
    assert opened[0].closed


def test_html_table_rows_are_records_labelled_by_heading():
    page = (
        b"<table><tr><th>Name</th><th>DOB</th><th>Condition</th></tr>"
        b"<tr><td><p>Ann <b>Lee</b></p></td><td>01/02/2013</td><td>Asthma</td></tr></table><p>After</p>"
    )
    result = extract_one("register.html", page)
    assert [(s.record, s.text) for s in result.segments] == [
        ("table row 1", "Name | DOB | Condition"),
        ("table row 2", "Name: Ann Lee | DOB: 01/02/2013 | Condition: Asthma"),
        (None, "After"),
    ]
