"""The sample share is the ground truth for detection tests, so its manifest must match its files exactly."""

from __future__ import annotations

import calendar
import csv
import email
import email.policy
import html
import io
import json
import os
import re
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import phonenumbers
import pytest
from stdnum.gb import nhs as stdnum_nhs
from stdnum.gb import upn as stdnum_upn

from scanner.sample_share import Manifest, generate, save_manifest, write_roster
from scanner.sample_share.manifest import ENTITY_TYPES, FileRecord

SEED = 7
FORMATS = {"txt", "csv", "tsv", "md", "html", "docx", "xlsx", "pptx", "odt", "ods", "rtf", "pdf", "eml", "mbox",
           "zip"}
UNREADABLE = {"png", "bin"}


@pytest.fixture(scope="module")
def share(tmp_path_factory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("sample") / "share"
    return root, generate(root, seed=SEED)


@pytest.fixture(scope="module")
def texts(share) -> dict[str, str]:
    """The text of every readable file and member, read back with the real libraries."""
    root, manifest = share
    texts = {}
    for record in manifest.files:
        if record.format in UNREADABLE | {"zip", "mbox"} or "/Scans/" in record.path:  # scans: no text layer
            continue
        in_zip = (record.container or "").endswith(".zip")  # then the password is the archive's
        texts[record.path] = _text(record.path, _item_bytes(root, record.path, manifest),
                                   None if in_zip else record.password)
    return texts


# -- reading the share back ------------------------------------------------------------------------------------

def _item_bytes(root: Path, path: str, manifest: Manifest) -> bytes:
    """Bytes of a file or of a member ``a.zip!b.zip!c.docx``, ``x.eml!attachment``, ``box.mbox!message-2.eml``."""
    parts = path.split("!")
    data = (root / parts[0]).read_bytes()
    for depth, name in enumerate(parts[1:], 1):
        container = parts[depth - 1]
        if container.endswith(".zip"):
            password = manifest.get("!".join(parts[: depth + 1])).password
            data = _zip_member(data, name, password)
        elif container.endswith(".mbox"):
            data = _mbox_messages(data)[int(re.fullmatch(r"message-(\d+)\.eml", name).group(1)) - 1]
        else:
            message = email.message_from_bytes(data, policy=email.policy.default)
            data = next(a.get_payload(decode=True) for a in message.iter_attachments() if a.get_filename() == name)
    return data


def _zip_member(data: bytes, name: str, password: str | None) -> bytes:
    if password:
        import pyzipper

        with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
            archive.setpassword(password.encode())
            return archive.read(name)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def _mbox_messages(data: bytes) -> list[bytes]:
    chunks = re.split(rb"(?m)^From MAILER-DAEMON [^\n]*\n", data)[1:]
    return [re.sub(rb"(?m)^>From ", b"From ", chunk) for chunk in chunks]


def _text(path: str, data: bytes, password: str | None = None) -> str:
    ext = path.rsplit(".", 1)[-1].lower()
    if ext in ("txt", "md", "csv", "tsv", "rtf"):
        return data.decode("utf-8")
    if ext == "html":
        return html.unescape(data.decode("utf-8"))
    if ext == "eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        return "\n".join([message["From"], message["To"], message["Subject"], body])
    if ext in ("docx", "xlsx", "pptx") and password:
        import msoffcrypto

        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        plain = io.BytesIO()
        office.decrypt(plain)
        data = plain.getvalue()
    if ext == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if ext == "xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(" ".join(str(v) for v in row if v is not None)
                         for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    if ext == "pptx":
        import pptx

        deck = pptx.Presentation(io.BytesIO(data))
        return "\n".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    if ext in ("odt", "ods"):
        from odf import teletype, text
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        return "\n".join(teletype.extractText(e) for kind in (text.H, text.P)
                         for e in document.getElementsByType(kind))
    if ext == "pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(data, password=password)
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    raise AssertionError(f"no reader for {path}")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _occurrences(value: str, text: str) -> int:
    if _squash(value) not in text:
        return 0
    return len(re.findall(rf"(?<![A-Za-z0-9]){re.escape(_squash(value))}(?![A-Za-z0-9])", text))


# -- the tests ---------------------------------------------------------------------------------------------------

def test_a_few_hundred_items_in_every_format(share):
    root, manifest = share
    formats = Counter(r.format for r in manifest.files)
    assert len(manifest.files) >= 200
    assert FORMATS <= set(formats), FORMATS - set(formats)
    assert len({r.path for r in manifest.files}) == len(manifest.files)
    for record in manifest.top_level():
        assert (root / record.path).is_file(), record.path
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == {r.path for r in manifest.top_level()}


def test_unreadable_items_plant_nothing(share):
    import pypdfium2

    root, manifest = share
    unreadable = [r for r in manifest.files if r.format in UNREADABLE or "/Scans/" in r.path]
    assert {r.format for r in unreadable} == {"png", "bin", "pdf"}
    assert not any(r.entities for r in unreadable)
    for record in unreadable:
        if record.format == "pdf":  # a scan: an image and no text layer
            pdf = pypdfium2.PdfDocument((root / record.path).read_bytes())
            assert not "".join(page.get_textpage().get_text_range() for page in pdf).strip()


def test_same_seed_same_share_other_seed_other_share(share, tmp_path):
    root, manifest = share
    again = generate(tmp_path / "again", seed=SEED)
    assert again.as_dict() == manifest.as_dict()
    with_encrypted_members = {r.container for r in manifest.files if r.encrypted and r.container}
    for record in manifest.top_level():
        if not record.encrypted and record.path not in with_encrypted_members:
            assert (root / record.path).read_bytes() == (tmp_path / "again" / record.path).read_bytes(), record.path
    other = generate(tmp_path / "other", seed=SEED + 1)
    assert [p.name for p in other.people] != [p.name for p in manifest.people]


def test_every_planted_value_is_in_the_text_as_often_as_counted(share, texts):
    _, manifest = share
    for record in manifest.files:
        if record.path not in texts:
            assert not record.values, record.path
            continue
        text = _squash(texts[record.path])
        for entity, values in record.values.items():
            found = sum(_occurrences(v, text) for v in values)
            assert found == record.entities[entity], (record.path, entity, values, found)


def test_nobody_appears_unrecorded(share, texts):
    """No cast member's name or identifier is in a file whose record does not list it."""
    _, manifest = share
    for path, raw in texts.items():
        text, record = _squash(raw), manifest.get(path)
        recorded = {v for values in record.values.values() for v in values}
        for person in manifest.people:
            for value in (person.name, person.upn, person.uln, person.nhs, person.nino, person.email):
                if value and value not in recorded:
                    assert _occurrences(value, text) == 0, (path, value)


def test_decoys_plant_nothing(share, texts):
    _, manifest = share
    decoys = [r for r in manifest.files if r.decoy]
    assert len(decoys) >= 20
    for record in decoys:
        assert not record.entities and not record.special_categories and not record.contexts, record.path
        assert not record.criminal_offence
    reading_lists = [texts[r.path] for r in decoys if "reading_list" in r.path]
    isbns = [re.sub(r"\D", "", m) for t in reading_lists for m in re.findall(r"\b\d(?:-?\d){9}\b", t)]
    assert isbns and all(stdnum_nhs.is_valid(isbn) for isbn in isbns)  # a trap for NHS number detection


def test_special_categories_and_contexts_are_marked(share):
    _, manifest = share
    marked = Counter(c for r in manifest.files for c in r.special_categories)
    assert {e for r in manifest.files for e in r.entities} == set(ENTITY_TYPES)
    assert set(marked) == {"health", "racial_ethnic_origin", "religious_beliefs", "sex_life_or_orientation",
                           "biometric", "genetic", "trade_union_membership", "political_opinions"}
    assert {c for r in manifest.files for c in r.contexts} == {"safeguarding", "send", "looked_after_child",
                                                               "free_school_meals"}
    assert sum(r.criminal_offence for r in manifest.files) >= 5
    for record in manifest.files:
        if record.special_categories or record.criminal_offence or record.contexts:
            assert record.entities.get("PERSON"), record.path  # about someone identifiable


def test_encrypted_items_really_are(share):
    import msoffcrypto
    from pypdf import PdfReader

    root, manifest = share
    encrypted = [r for r in manifest.files if r.encrypted]
    assert {r.format for r in encrypted} >= {"docx", "xlsx", "pdf", "txt"}
    for record in encrypted:
        assert record.password, record.path
        if record.container and record.container.endswith(".zip"):
            with zipfile.ZipFile(root / record.container) as archive:
                assert archive.getinfo(record.path.rsplit("!", 1)[1]).flag_bits & 0x1
            continue
        data = _item_bytes(root, record.path, manifest)
        if record.format == "pdf":
            assert PdfReader(io.BytesIO(data)).is_encrypted
        else:
            assert msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()


def test_files_carry_their_dates(share):
    root, manifest = share
    for record in manifest.top_level():  # naive times in the manifest are UTC
        stamp = calendar.timegm(datetime.fromisoformat(record.mtime).timetuple())
        assert int(os.stat(root / record.path).st_mtime) == stamp, record.path
    old = [r for r in manifest.top_level() if r.mtime < "2019"]
    assert len(old) >= 8 and {r.mtime[:4] for r in old} >= {"2010", "2012", "2015", "2018"}
    candidates = [r for r in manifest.top_level() if "/Unsuccessful/" in r.path]
    assert candidates and all("2019" <= r.mtime[:4] <= "2021" for r in candidates)
    assert all(set(r.special_categories) >= {"racial_ethnic_origin", "religious_beliefs"}
               for r in candidates if "equal_opps" in r.path)


def test_members_are_recorded_as_the_extractor_names_them(share):
    _, manifest = share
    paths = {r.path for r in manifest.files}
    assert any(p.count("!") == 2 and ".zip!" in p.split("!", 1)[1] for p in paths)  # a zip in a zip
    assert any(re.search(r"\.mbox!message-1\.eml$", p) for p in paths)
    assert any(re.search(r"\.eml!.+\.(docx|pdf|xlsx|csv)$", p) for p in paths)
    for record in manifest.files:
        if record.container:
            assert record.path.startswith(record.container + "!") and record.container in paths
            assert record.mtime is None


def test_manifest_and_roster_are_written(share, tmp_path):
    _, manifest = share
    save_manifest(manifest, tmp_path / "m.json")
    loaded = json.loads((tmp_path / "m.json").read_text())
    assert len(loaded["files"]) == len(manifest.files) and FileRecord(**loaded["files"][0])
    write_roster(manifest, tmp_path / "roster.csv")
    with open(tmp_path / "roster.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["role"] for r in rows} == {"pupil", "staff", "parent"}
    assert len(rows) == sum(p.role in ("pupil", "staff", "parent") for p in manifest.people)


def test_namesakes_are_planted(share):
    _, manifest = share
    pupils = [p for p in manifest.people if p.role == "pupil" and p.year_group]
    by_last, by_first = Counter(p.last for p in pupils), Counter(p.first for p in pupils)
    assert any(len({p.first for p in pupils if p.last == last}) > 1 for last, n in by_last.items() if n > 1)
    assert any(len({p.last for p in pupils if p.first == first}) > 1 for first, n in by_first.items() if n > 1)


def test_identifiers_pass_their_checks(share):
    _, manifest = share
    pupils = [p for p in manifest.people if p.role == "pupil"]
    for person in pupils:
        assert stdnum_upn.is_valid(person.upn), person.upn
        if person.nhs:
            assert stdnum_nhs.is_valid(person.nhs), person.nhs
        if person.uln:
            digits = [int(c) for c in person.uln]
            total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1)))
            assert len(digits) == 10 and total % 11 != 0 and digits[9] == 10 - total % 11, person.uln
    for person in manifest.people:
        if person.phone:  # an allocated UK number, as a real school's data holds
            assert phonenumbers.is_valid_number(phonenumbers.parse(person.phone, "GB")), person.phone
        if person.nino:
            assert re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] \d\d \d\d \d\d [A-D]", person.nino)
