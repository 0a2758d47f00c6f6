"""Builders for the hostile-input suite: a share of broken, huge, misnamed and booby-trapped files, each with
what the scan must record for it, and the scan itself as a subprocess (so its peak memory can be measured).

Files are made by the real libraries (python-docx, openpyxl, python-pptx, fpdf2, zipfile, email) and then
damaged; ``Case`` says what the store must say about each one afterwards.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import random
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.extract_samples import docx_bytes, eml_bytes, pdf_bytes, png_bytes, pptx_bytes, xlsx_bytes, zip_bytes

EMAIL = b"ann@school.uk"
MB = 1024 * 1024
SPARSE_SIZE = 2 * 1024**3
VANISHES = "vanishes.txt"
REWRITTEN = "rewritten.txt"
REWRITTEN_CONTENT = b"new content: new1@school.uk and new2@school.uk\n"


@dataclass(frozen=True)
class Case:
    """One hostile file and what its row in the store must say.

    ``path`` is relative to its source folder (bytes when the name is not valid UTF-8). ``member`` names an
    archive member (``a.zip!b.zip``) whose row is checked instead of the file's. ``emails`` is the number of
    fake-detector findings expected, when it matters.
    """

    path: str | bytes
    status: str
    reason: str | None = None
    emails: int | None = None
    member: str | None = None


def _random(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _write(root: Path, rel: str | bytes, data: bytes) -> None:
    target = os.path.join(os.fsencode(root), rel if isinstance(rel, bytes) else os.fsencode(rel))
    with open(target, "wb") as out:
        out.write(data)


def _sparse(path: Path, head: bytes = b"") -> None:
    """A file of ``SPARSE_SIZE`` bytes that takes no disk space beyond its head."""
    with open(path, "wb") as out:
        out.write(head)
        out.truncate(SPARSE_SIZE)


def _replace_part(package: bytes, part: str, edit) -> bytes:
    """The package with one part replaced by ``edit(old_bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, edit(data) if info.filename == part else data)
    return out.getvalue()


def billion_laughs(package: bytes, part: str) -> bytes:
    """An OOXML package whose ``part`` declares nine levels of entities, ten times each (10^9 "lol"s)."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )

    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        if text.startswith("<?xml"):
            text = text[text.index("?>") + 2 :]
        root = text.lstrip()[1:].split(None, 1)[0].rstrip(">")
        return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{entities}]>\n{text}'.replace("</", "&lol9;</", 1).encode()

    return _replace_part(package, part, edit)


def zip_bomb(path: Path, inflated: int = 100 * MB) -> None:
    """A zip whose one member inflates ~1000:1 (zeros), written in pieces so the builder stays small too."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            block = b"\0" * MB
            for _ in range(inflated // MB):
                member.write(block)
        archive.writestr("readme.txt", b"contact " + EMAIL)


def nested_zip(levels: int) -> bytes:
    """``levels`` zips inside each other (l1.zip!l2.zip!…), each with a text file holding an email."""
    data = zip_bytes({"deepest.txt": b"deep " + EMAIL})
    for level in range(levels, 0, -1):
        data = zip_bytes({f"l{level}.zip": data, f"note{level}.txt": b"note " + EMAIL})
    return data


# Names a share really holds: newlines, tabs, a carriage return, bytes that are not UTF-8, the separator the
# scanner uses for archive members, quotes, leading spaces and dashes, emoji.
ODD_NAMES: list[str | bytes] = [
    "new\nline.txt",
    "tab\there.txt",
    "carriage\rreturn.txt",
    b"bad-\xff\xfe-bytes.txt",
    b"latin1-caf\xe9.txt",
    "emoji \U0001f600 \u00fcn\u00efc\u00f6d\u00e9.txt",
    "  leading spaces.txt",
    "-starts-with-dash.txt",
    "bang!looks-like-a-member.txt",
    "back\\slash.txt",
    "quotes \"double\" 'single'.txt",
    "percent %s %n {brace}.txt",
]


def build_share(root: Path) -> list[Case]:
    """Write the default-settings hostile share under ``root``; the expected outcome of each file."""
    root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(rel, data: bytes | None, status: str, reason: str | None = None, emails: int | None = None):
        if data is not None:
            _write(root, rel, data)
        cases.append(Case(rel, status, reason, emails))

    docx, xlsx, pptx = docx_bytes(), xlsx_bytes(), pptx_bytes()
    pdf = pdf_bytes(["Notes for Amelia Hart, ann@school.uk"])
    archive = zip_bytes({"a.txt": b"x " + EMAIL, "b.docx": docx})
    eml = eml_bytes(attachments={"list.csv": b"Name,Email\nAnn," + EMAIL + b"\n"})

    # Corrupt (right magic, garbage after) and truncated (a real file cut in half), per format.
    for ext, good in (("docx", docx), ("xlsx", xlsx), ("pptx", pptx)):
        add(f"corrupt.{ext}", b"PK\x03\x04" + _random(4000, 1), "error", f"corrupt {ext}")
        add(f"truncated.{ext}", good[: len(good) // 2], "error", f"corrupt {ext}")
        add(f"empty.{ext}", b"", "error", f"corrupt {ext}")
        add(f"random-bytes.{ext}", _random(5000, 2), "error", f"corrupt {ext}")
    add("not-xml-inside.docx", _replace_part(docx, "word/document.xml", lambda _: b"\x00garbage<<<"), "error",
        "corrupt docx")
    add("corrupt.pdf", b"%PDF-1.4\n" + _random(4000, 3), "error", "corrupt pdf")
    add("truncated.pdf", pdf[: len(pdf) // 2], "error", "corrupt pdf")
    add("corrupt.zip", _random(4000, 4), "error", "corrupt zip")
    add("truncated.zip", archive[: len(archive) // 2], "error", "truncated zip")
    add("corrupt.eml", b"this is not an email at all\njust words\n", "error", "corrupt eml: no mail headers")
    # A cut email is still an email: the headers and the body up to the cut are scanned.
    add("truncated.eml", eml[: len(eml) - 60], "scanned", None)
    add("corrupt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random(3000, 5), "error", "corrupt xls")
    add("corrupt.mbox", b"no From line here\nat all\n", "error", "corrupt mbox")
    add("unbalanced.rtf", b"{\\rtf1 {{{{ ann@school.uk \\par", "scanned", None, 1)

    # Bombs and traps.
    zip_bomb(root / "bomb.zip")
    cases.append(Case("bomb.zip", "error", "zip bomb suspected", member="zeros.bin"))
    cases.append(Case("bomb.zip", "scanned", None, 1, member="readme.txt"))
    _write(root, "nested.zip", nested_zip(8))
    deep = "!".join(f"l{n}.zip" for n in range(1, 7))
    cases.append(Case("nested.zip", "not_scanned", "nested deeper than max_depth (5)", member=deep))
    cases.append(Case("nested.zip", "scanned", None, 1, member="l1.zip!note2.txt"))
    add("zip-slip.zip", zip_bytes({"../../../etc/evil.txt": b"x " + EMAIL}), "scanned")
    cases.append(Case("zip-slip.zip", "scanned", None, 1, member="../../../etc/evil.txt"))
    add("laughs.docx", billion_laughs(docx, "word/document.xml"), "error", "entity expansion attack suspected")
    add("laughs.xlsx", billion_laughs(xlsx, "xl/worksheets/sheet1.xml"), "error", "entity expansion attack suspected")
    add("laughs.pptx", billion_laughs(pptx, "ppt/slides/slide1.xml"), "error", "entity expansion attack suspected")
    _sparse(root / "big.txt", b"ann@school.uk\n")
    cases.append(Case("big.txt", "not_scanned", "larger than max_file_size"))

    # Misnamed and undecodable.
    add("image.docx", png_bytes(), "not_scanned", "image (no text layer")
    add("spreadsheet.pdf", xlsx, "scanned")
    add("random.bin", _random(10_000, 6), "not_scanned", "unknown binary type")
    add("nul-bytes.txt", b"\0" * 10_000, "not_scanned", "unknown binary type")
    add("invalid-utf8.txt", b"caf\xe9 \xc3\x28 \xed\xa0\x80 \xff\xfe\n" + EMAIL + b" \x80\x81\n", "scanned", None, 1)
    add("invalid-utf16.txt", b"\xff\xfe" + "x ann@school.uk ".encode("utf-16-le") + b"\x00\xd8\x41\x00\x00\xdc\xff",
        "scanned", None, 1)
    # Without a byte-order mark, UTF-16 is all NULs between letters: it is taken for binary (a known gap).
    add("utf16-no-bom.txt", "x ann@school.uk\n".encode("utf-16-le") * 50, "not_scanned", "unknown binary type")
    add("bad-headers.eml", b"From: A \xff <a@b.uk>\r\nTo: c@d.uk\r\nSubject: caf\xe9\r\n\r\nbody " + EMAIL + b" \xc3(\r\n",
        "scanned")
    add("deep-nesting.html", b"<div>" * 100_000 + b"ann@school.uk" + b"</div>" * 100_000, "scanned", None, 1)

    # One 50 MB line, three ways: plain text (cut at max_text_chars), a csv quote and an html tag never closed.
    add("one-line-50mb.txt", EMAIL + b" " + b"a" * (50 * MB), "scanned", None, 1)
    add("one-line-50mb.csv", b'"' + EMAIL + b" " + b"a" * (50 * MB), "error", "malformed csv")
    add("one-line-50mb.html", b"<p>" + EMAIL + b"</p><a " + b"a" * (50 * MB), "error", "malformed html")

    # Changed between listing and reading (see hostile_extract), and unreadable.
    add(VANISHES, b"gone " + EMAIL + b"\n", "error", "file vanished during the scan")
    add(REWRITTEN, b"old content: " + EMAIL + b"\n", "scanned", None, 2)
    add("denied.txt", b"secret " + EMAIL + b"\n", "error", "permission denied")
    os.chmod(root / "denied.txt", 0)
    (root / "denied-folder").mkdir()
    _write(root, "denied-folder/inside.txt", b"hidden " + EMAIL)
    os.chmod(root / "denied-folder", 0)

    # Symlinks are not followed by default: a loop is not an item and does not stop the walk.
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.symlink(".", root / "dir-loop")

    (root / "odd-names").mkdir()
    for name in ODD_NAMES:
        rel = (b"odd-names/" + name) if isinstance(name, bytes) else f"odd-names/{name}"
        add(rel, b"mail " + EMAIL + b"\n", "scanned", None, 1)
    return cases


def build_huge(root: Path) -> list[Case]:
    """2 GB sparse files for a source whose max_file_size lets them through: each must be judged from its head."""
    root.mkdir(parents=True, exist_ok=True)
    specs = [
        ("huge.bin", b"", "not_scanned", "unknown binary type"),
        ("huge.txt", b"", "not_scanned", "unknown binary type"),
        ("huge.zip", b"PK\x03\x04", "error", "truncated zip"),
        ("huge.rtf", b"{\\rtf1 ", "error", "rtf too large to read"),
    ]
    for name, head, _, _ in specs:
        _sparse(root / name, head)
    return [Case(name, status, reason) for name, _, status, reason in specs]


def build_links(root: Path) -> list[Case]:
    """Symlink loops, for a source that follows symlinks: each loop is reported, the real file scanned once."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "real.txt").write_bytes(b"real " + EMAIL)
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.symlink("self", root / "self")
    os.symlink(".", root / "dir-loop")
    os.symlink("real.txt", root / "link-to-real.txt")
    return [Case("real.txt", "scanned", None, 1), Case("link-to-real.txt", "scanned", None, 1)]


# --- what the scan process runs ---------------------------------------------------------------------------------


def hostile_extract(item, limits):
    """The real extractor, after pulling the rug: between listing and opening, one file is deleted and one is
    rewritten with other content (as a teacher saving over it mid-scan would)."""
    from scanner.extractors import extract

    if item.depth == 0 and item.name == VANISHES:
        os.unlink(item.location)
    elif item.depth == 0 and item.name == REWRITTEN:
        with open(item.location, "wb") as out:
            out.write(REWRITTEN_CONTENT)
    return extract(item, limits)


def scan_main(spec_path: str) -> None:
    """Run one scan as described by a JSON spec; write each top-level item's time to the spec's ``timings``."""
    from scanner.config import Config
    from scanner.engine import Engine
    from scanner.store import Store
    from tests.fakes import EmailDetector

    spec = json.loads(Path(spec_path).read_text())
    config = Config.model_validate(spec["config"])
    timings: list[tuple[str, str, float]] = []
    last = [time.monotonic()]

    def on_item(item, outcome):
        now = time.monotonic()
        timings.append((item.location, outcome, now - last[0]))
        last[0] = now

    store = Store(spec["db"])
    summary = Engine(config, store, [EmailDetector()], extract=hostile_extract, on_item=on_item).run()
    store.close()
    Path(spec["timings"]).write_text(json.dumps({"items": timings, "status": summary.status,
                                                 "seconds": summary.seconds}))


def drop_file_permission_override() -> None:
    """For a child run as root: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set before exec,
    so file permission bits apply to it (root still owns, and so reads, its own 0644 files)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


if __name__ == "__main__":
    scan_main(sys.argv[1])
