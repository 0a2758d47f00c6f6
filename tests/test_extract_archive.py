"""Zip archives: members as children, nesting, and the limits that stop a zip bomb (each still recorded)."""

import io
import zipfile

from tests.extract_samples import by_location, docx_bytes, flatten, item_for, item_of, png_bytes, zip_bytes
from scanner.items import ExtractionLimits


def test_nested_zip_locations_and_member_extraction(tmp_path):
    inner = zip_bytes({"c.docx": docx_bytes(), "logo.png": png_bytes()})
    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({"b.zip": inner, "folder/notes.txt": b"Ring Ann Shaw", "folder/": b""}))
    results = by_location(flatten(item_for(path)))
    root = str(path)
    assert set(results) == {root, f"{root}!b.zip", f"{root}!b.zip!c.docx", f"{root}!b.zip!logo.png",
                            f"{root}!folder/notes.txt"}
    assert results[root].file_type == "zip"
    assert results[f"{root}!b.zip"].file_type == "zip"
    assert "Amelia Hart" in results[f"{root}!b.zip!c.docx"].text
    assert results[f"{root}!b.zip!logo.png"].not_scanned.startswith("image")
    assert results[f"{root}!folder/notes.txt"].text == "Ring Ann Shaw"


def test_member_items_carry_size_and_modified_time():
    from scanner.extractors import extract

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("x.txt", (2019, 5, 6, 7, 8, 10)), b"hello")
    doc = extract(item_of("t.zip", out.getvalue()), ExtractionLimits())
    list(doc.segments)
    (child,) = list(doc.children)
    assert (child.name, child.size, child.depth) == ("x.txt", 5, 1)
    assert child.modified.isoformat() == "2019-05-06T07:08:10+00:00"
    assert child.parent_location == "/share/t.zip"


def test_zip_bomb_member_is_recorded_with_the_reason():
    bomb = zip_bytes({"zeros.bin": b"\0" * (100 * 1024 * 1024), "ok.txt": b"fine"})
    results = by_location(flatten(item_of("bomb.zip", bomb)))
    zeros = results["/share/bomb.zip!zeros.bin"]
    assert zeros.error.startswith("zip bomb suspected: compression ratio ")
    assert zeros.error.endswith(":1 over the limit 200:1")
    assert results["/share/bomb.zip!ok.txt"].text == "fine"
    assert results["/share/bomb.zip"].error is None


def test_member_over_max_member_size_is_recorded():
    data = zip_bytes({"big.txt": b"a" * 5000}, compression=zipfile.ZIP_STORED)
    results = by_location(flatten(item_of("z.zip", data), ExtractionLimits(max_member_size=1000)))
    assert results["/share/z.zip!big.txt"].error == (
        "zip member too large: 5,000 bytes uncompressed, over max_member_size (1,000)"
    )


def test_total_uncompressed_budget_spans_nested_archives():
    inner = zip_bytes({f"inner{i}.txt": b"b" * 400 for i in range(3)}, compression=zipfile.ZIP_STORED)
    outer = zip_bytes({"first.txt": b"a" * 400, "nested.zip": inner}, compression=zipfile.ZIP_STORED)
    # first.txt and nested.zip fit; inside nested.zip, room is left for one 400-byte member only.
    limit = 400 + len(inner) + 400 + 100
    results = flatten(item_of("o.zip", outer), ExtractionLimits(max_total_uncompressed=limit))
    over = [r.location for r in results if r.error and "max_total_uncompressed" in r.error]
    read = [r.location for r in results if r.text.startswith("b")]
    assert len(read) == 1 and len(over) == 2
    assert all(location.startswith("/share/o.zip!nested.zip!inner") for location in over)


def test_member_count_limit_reads_the_first_and_records_the_rest():
    data = zip_bytes({f"m{i}.txt": b"x" for i in range(5)})
    results = flatten(item_of("many.zip", data), ExtractionLimits(max_members=3))
    assert len(results) == 4
    assert results[0].error == "members not all read: more than max_members (3) members: the rest not scanned"


def test_nesting_beyond_max_depth_is_not_scanned():
    data = zip_bytes({"l1.zip": zip_bytes({"l2.zip": zip_bytes({"deep.txt": b"deep"})})})
    results = by_location(flatten(item_of("d.zip", data), ExtractionLimits(max_depth=2)))
    assert results["/share/d.zip!l1.zip!l2.zip"].file_type == "zip"
    assert results["/share/d.zip!l1.zip!l2.zip!deep.txt"].not_scanned == "nested deeper than max_depth (2)"


def test_truncated_zip_is_an_error():
    data = zip_bytes({"a.txt": b"hello " * 1000})
    result = flatten(item_of("cut.zip", data[: len(data) // 2]))[0]
    assert result.error.startswith("truncated zip: ")


def test_corrupt_member_data_is_that_members_error():
    data = bytearray(zip_bytes({"a.txt": b"hello world " * 50, "b.txt": b"second"}))
    start = data.find(b"PK\x03\x04") + 30 + len("a.txt")
    data[start + 5 : start + 15] = b"\xff" * 10
    results = by_location(flatten(item_of("bad.zip", bytes(data))))
    assert results["/share/bad.zip!a.txt"].error.startswith("corrupt")
    assert results["/share/bad.zip!b.txt"].text == "second"


def test_zip_stream_closed_when_children_done(tmp_path):
    from scanner.extractors import extract
    from scanner.items import Item

    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({"x.txt": b"x"}))
    handles = []
    item = Item(source="t", location=str(path), name="a.zip", size=1, modified=None, version="1",
                opener=lambda: handles.append(open(path, "rb")) or handles[-1])
    doc = extract(item, ExtractionLimits())
    assert list(doc.segments) == []
    assert not handles[0].closed
    assert [c.name for c in doc.children] == ["x.txt"]
    assert handles[0].closed
