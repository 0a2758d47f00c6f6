"""Fuzzing the extraction room: whatever bytes an item holds, only the per-item outcomes may leave ``extract``.

Each target feeds random bytes, and valid files (made by the real libraries) with random flips, truncations,
insertions and splices, through ``scanner.extractors.extract``, consuming segments then children depth first as
the engine does. The properties: nothing but ``Encrypted``, ``NotScanned``, ``ExtractionError`` or ``OSError``
escapes, and every text and location is storable (valid UTF-8: SQLite refuses lone surrogates).
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scanner.extractors import extract
from scanner.items import Encrypted, ExtractionError, ExtractionLimits, Item, NotScanned
from tests.extract_samples import docx_bytes, eml_bytes, zip_bytes

LIMITS = ExtractionLimits()
ALLOWED = (Encrypted, NotScanned, ExtractionError, OSError)
FUZZ = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def item_of(name: str, data: bytes) -> Item:
    return Item(source="fuzz", location=f"/share/{name}", name=name, size=len(data), modified=None, version="1",
                opener=lambda: io.BytesIO(data))


def assert_storable(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AssertionError(f"{what} is not valid UTF-8 (the store would refuse it): {text!r:.120}") from exc


def consume(item: Item) -> int:
    """Extract ``item`` and its members the way the engine does; the number of items visited."""
    assert_storable(item.location, "location")
    visited = 1
    children = ()
    try:
        doc = extract(item, LIMITS)
        children = doc.children
        if not (doc.encrypted or doc.not_scanned):
            for segment in doc.segments:
                assert_storable(segment.text, f"segment {segment.locator}")
                assert_storable(segment.locator, "locator")
    except ALLOWED:
        pass
    try:
        for child in children:
            visited += consume(child)
    except ALLOWED:
        pass
    return visited


# --- valid seeds, made by the real libraries --------------------------------------------------------------------

TEXT_SEED = "Pupil: Amelia Hart\nContact ann@school.uk, £20 owed\r\nNHS 943 476 5919\n".encode()
CSV_SEED = b'Name,DOB,Email\n"Hart, Amelia",12/03/2012,ann@school.uk\nOliver Stone,01/01/2011,"o@s.uk"\n'
HTML_SEED = (b"<!doctype html><html><head><title>t</title><script>var a = '<p>';</script></head><body>"
             b"<h1>Register</h1><table><tr><th>Name</th><th>DOB</th></tr><tr><td>Amelia &amp; Hart</td>"
             b"<td>12/03/2012</td></tr></table><!-- note --><p>Call 07700&nbsp;900123<br>ok</p></body></html>")
EML_SEED = eml_bytes(attachments={"list.csv": CSV_SEED}, forwarded=eml_bytes(html=True))
ZIP_SEED = zip_bytes({
    "notes.txt": TEXT_SEED,
    "folder/list.csv": CSV_SEED,
    "page.html": HTML_SEED,
    "mail.eml": EML_SEED,
    "inner.zip": zip_bytes({"deep.txt": TEXT_SEED}),
    "stored.txt": TEXT_SEED,
})
DOCX_SEED = docx_bytes()


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """``seed`` with a few random edits: byte flips, a truncation, an inserted run, a spliced duplicate."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "splice", "delete"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "splice":
            end = draw(st.integers(at, min(len(data), at + 256)))
            data[at:at] = data[at:end]
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


def inputs(seed: bytes):
    return st.one_of(st.binary(max_size=2048), mutated(seed))


# --- the targets ----------------------------------------------------------------------------------------------


@FUZZ
@given(data=inputs(TEXT_SEED), bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]))
@example(data=b"\x00\xd8\x00\xdcab\xff", bom=b"\xff\xfe")  # lone and paired surrogates in UTF-16
@example(data=b"caf\xe9 \xc3\x28 \xed\xa0\x80", bom=b"")  # not UTF-8: the cp1252 fallback
def test_text(data, bom):
    consume(item_of("notes.txt", bom + data))


@FUZZ
@given(data=inputs(CSV_SEED), name=st.sampled_from(["list.csv", "list.tsv"]))
@example(data=b'"' + b"a" * 300_000, name="list.csv")  # a quoted field that never ends
def test_csv(data, name):
    consume(item_of(name, data))


@FUZZ
@given(data=inputs(HTML_SEED))
@example(data=b"<a " + b"x" * 100_000)  # a tag that never closes
@example(data=b"<p>&#xD800; &#0; &#x110000;</p>")  # character references that are not characters
def test_html(data):
    consume(item_of("page.html", data))


@FUZZ
@given(data=inputs(EML_SEED))
@example(data=b"From: a\xff@b.uk\r\nTo: c@d.uk\r\nSubject: \xed\xa0\x80\r\nContent-Type: multipart/mixed; boundary=X"
              b"\r\n\r\n--X\r\nContent-Disposition: attachment; filename=\"r\xe9\xff.txt\"\r\n\r\nhi\r\n--X--\r\n")
def test_eml(data):
    consume(item_of("mail.eml", data))


@FUZZ
@given(data=inputs(ZIP_SEED))
def test_zip(data):
    consume(item_of("bundle.zip", data))


@FUZZ
@given(data=inputs(DOCX_SEED))
def test_docx(data):
    consume(item_of("report.docx", data))


@settings(max_examples=3000, deadline=None, database=None)
@given(data=st.binary(max_size=1024), name=st.sampled_from(["x.bin", "x", "x.mbox", "x.rtf", "x.pdf", "x.xlsx", "x.msg"]))
def test_any_type_from_random_bytes(data, name):
    consume(item_of(name, data))


def test_zip_member_names_that_are_not_utf8_are_storable():
    """A zip that flags its names UTF-8 but holds other bytes: refused as corrupt, or names that can be stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("caf\u00e9.txt", b"hello ann@school.uk")  # written with the UTF-8 flag
    data = out.getvalue().replace("caf\u00e9".encode(), b"caf\xff\xfe")
    consume(item_of("names.zip", data))
