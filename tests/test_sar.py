"""Subject access searches: every item naming a planted person is found, namesakes are not, fast, no plaintext."""

import csv
import io
import json
import os
import random
import sqlite3
import stat
import time

import pytest
from click.testing import CliRunner

from detectors import build_detectors
from reports.sar import find_subject, parse_subject
from scanner.cli import main
from scanner.config import Config, FilesystemSource
from scanner.engine import Engine
from scanner.name_index import load_key, token_hash
from scanner.sample_share import generate
from scanner.store import Store

pytestmark = pytest.mark.model


def _person(manifest, name):
    return next(p for p in manifest.people if p.name == name)


def _extra_files(root, manifest):
    """Variants the sample share does not write, each in its own file: {file: (person name, expected match)}."""
    pupil = next(p for p in manifest.people if p.role == "pupil" and p.known_as and p.known_as != p.first
                 and p.year_group)
    staff = next(p for p in manifest.people if p.role == "staff")
    amira, yusuf = _person(manifest, "Amira Hussain"), _person(manifest, "Yusuf Hussain")
    other = next(p for p in manifest.people if p.role == "pupil" and p.last != pupil.last and p.year_group)
    extra = root / "SAR extras"
    extra.mkdir()
    files = {
        "reversed.txt": (f"Report card for {pupil.last}, {pupil.first} (Year {pupil.year_group})\n", pupil, "surname, first name"),
        "initial.txt": (f"{pupil.first[0]}. {pupil.last} was absent on Monday.\n", pupil, "initial + surname"),
        "known_as.txt": (f"Well done to {pupil.known_as} {pupil.last} for the reading prize.\n", pupil, "known-as name"),
        "cells.csv": (f"Forename,Surname,Form\n{other.first},{other.last},{other.form}\n{pupil.first},{pupil.last},{pupil.form}\n",
                      pupil, "first name + surname in one record"),
        "title.txt": (f"Dear Mrs {staff.last},\nThank you for covering the trip on Friday.\n", staff, "title + surname"),
        "sibling.txt": (f"{yusuf.first} {yusuf.last} has a dental appointment on Tuesday.\n", yusuf, "full name"),
        "sibling_linked.txt": (f"{yusuf.first} {yusuf.last} brought in a form for UPN {amira.upn}.\n", amira, "identifier"),
    }
    for name, (text, _, _) in files.items():
        (extra / name).write_text(text)
    # "Mrs <surname>" beside another first name with that surname: ambiguous, never a title match.
    (extra / "title_ambiguous.txt").write_text(f"Dear Mrs {staff.last},\nNoah {staff.last} will collect the keys.\n")
    return {f"SAR extras/{name}": (person, kind) for name, (_, person, kind) in files.items()}, pupil, staff


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("sar")
    root = base / "share"
    manifest = generate(root, seed=11)
    extras, pupil, staff = _extra_files(root, manifest)
    config = Config().model_copy(
        update={"sources": [FilesystemSource(type="filesystem", name=str(root), paths=[root])]}
    )
    detectors = build_detectors(config.detection)
    db = base / "findings.db"
    store = Store(db)
    Engine(config, store, detectors).run()
    yield {"root": root, "manifest": manifest, "store": store, "db": db, "extras": extras, "pupil": pupil,
           "staff": staff, "config": config, "detectors": detectors, "base": base}
    store.close()


def search(sample, name, **kwargs):
    result = find_subject(sample["store"], parse_subject(name, **kwargs))
    prefix = f"{sample['root']}/"
    return {r["location"][len(prefix):]: r for r in result.records}


def planted_in(manifest, name):
    return {f.path for f in manifest.files if any(p["name"] == name for p in f.people)}


def test_every_item_naming_a_planted_person_is_found_and_nothing_of_someone_else(sample):
    """Recall 100% over every planted person (encrypted items aside: their content cannot be read), and no
    share item is listed that plants nobody of that name."""
    manifest = sample["manifest"]
    named = {p["name"] for f in manifest.files for p in f.people}
    encrypted = {f.path for f in manifest.files if f.encrypted}
    checked = 0
    for name in sorted(named):
        found = search(sample, name)
        planted = planted_in(manifest, name)
        missed = planted - encrypted - set(found)
        assert not missed, (name, sorted(missed))
        share_found = {path for path in found if not path.startswith("SAR extras/")}
        assert share_found <= planted, (name, sorted(share_found - planted))
        checked += len(planted - encrypted)
    assert len(named) > 100 and checked > 1000


@pytest.mark.parametrize("first,other", [("Amira Hussain", "Yusuf Hussain"), ("Yusuf Hussain", "Amira Hussain"),
                                         ("Oliver Bennett", "Oliver Grant"), ("Oliver Grant", "Oliver Bennett")])
def test_namesakes_are_not_matches(sample, first, other):
    manifest = sample["manifest"]
    only_other = planted_in(manifest, other) - planted_in(manifest, first)
    assert only_other, "the sample share plants the namesake on its own somewhere"
    found = search(sample, first)
    assert not set(found) & only_other, sorted(set(found) & only_other)


def test_name_variants_are_matched(sample):
    for path, (person, kind) in sample["extras"].items():
        kwargs = {"aliases": (person.known_as,)} if kind == "known-as name" else {}
        if kind == "title + surname":
            kwargs["titles"] = ("Mrs",)
        if kind == "identifier":
            kwargs["identifiers"] = (person.upn,)
        found = search(sample, person.name, **kwargs)
        assert path in found, (path, person.name, kind)
        assert kind in found[path]["matched_by"], (path, found[path]["matched_by"])


def test_title_needs_the_title_and_an_unambiguous_item(sample):
    staff = sample["staff"]
    assert "SAR extras/title.txt" not in search(sample, staff.name)  # no --title: "Mrs X" may be anyone's mother
    found = search(sample, staff.name, titles=("Mrs",))
    assert "SAR extras/title.txt" in found and "SAR extras/title_ambiguous.txt" not in found
    assert "SAR extras/title.txt" not in search(sample, staff.name, titles=("Mr",))


def test_identifiers_emails_and_dates_of_birth_link_an_item(sample):
    manifest = sample["manifest"]
    amira = _person(manifest, "Amira Hussain")
    by_name = search(sample, amira.name)
    assert "SAR extras/sibling_linked.txt" not in by_name  # her sibling's name only
    linked = search(sample, amira.name, identifiers=(amira.upn,), emails=(amira.email,), dobs=(amira.dob.isoformat(),))
    assert "identifier" in linked["SAR extras/sibling_linked.txt"]["matched_by"]
    kinds = {k for r in linked.values() for k in r["matched_by"]}
    assert {"identifier", "date of birth", "full name"} <= kinds, kinds
    upn_items = {f.path for f in manifest.files if amira.upn in f.values.get("UK_UPN", []) and not f.encrypted}
    assert upn_items and upn_items <= {p for p, r in linked.items() if "identifier" in r["matched_by"]}
    # Emails: someone whose address the share plants.
    person = next(p for p in manifest.people if p.email and any(
        p.email in f.values.get("EMAIL_ADDRESS", []) and not f.encrypted for f in manifest.files))
    email_items = {f.path for f in manifest.files if person.email in f.values.get("EMAIL_ADDRESS", []) and not f.encrypted}
    found = search(sample, person.name, emails=(person.email.upper(),))
    assert email_items <= {p for p, r in found.items() if "email" in r["matched_by"]}


def test_records_carry_location_source_categories(sample):
    found = search(sample, "Amira Hussain")
    record = next(iter(found.values()))
    assert set(record) >= {"location", "source", "modified", "matched_by", "match_count", "special_categories",
                           "criminal_offence", "contexts"}
    assert record["source"] == str(sample["root"]) and record["match_count"] >= 1
    assert any(r["special_categories"] for r in found.values())


def test_the_store_holds_no_queried_name_in_plaintext(sample):
    db = sample["db"]
    sample["store"].db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())
    paths = "\n".join(row[0] for row in sqlite3.connect(db).execute("SELECT location FROM items"))
    manifest = sample["manifest"]
    checked = 0
    for person in manifest.people:
        for value in (person.name, person.email, person.upn, f"{person.last}, {person.first}"):
            if value and value not in paths:
                checked += 1
                assert value.encode() not in raw, value
    # Surnames are in some paths ("consent_Hussain_Amira.pdf"), which the store must show; nowhere else.
    shown = sorted({v for row in sqlite3.connect(db).execute("SELECT location, name FROM items") for v in row if v},
                   key=len, reverse=True)
    rest = raw
    for value in shown:
        rest = rest.replace(value.encode(), b"")
    for surname in ("Hussain", "Bennett", "hussain", "bennett"):
        assert surname.encode() not in rest, surname
    assert checked > 300
    key_file = db.parent / (db.name + ".key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_changed_item_is_reindexed_and_a_vanished_one_drops_out(sample, tmp_path):
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("Olivia Hart joined the chess club.\n")
    (root / "b.txt").write_text("Olivia Hart: lunch money owed.\n")
    config = sample["config"].model_copy(
        update={"sources": [FilesystemSource(type="filesystem", name=str(root), paths=[root])]}
    )
    store = Store(tmp_path / "s.db")
    Engine(config, store, sample["detectors"]).run()
    subject = parse_subject("Olivia Hart")
    assert len(find_subject(store, subject).records) == 2
    (root / "a.txt").write_text("Noah Grant joined the chess club today.\n")
    (root / "b.txt").unlink()
    Engine(config, store, sample["detectors"]).run()
    assert find_subject(store, subject).records == []
    store.close()


def test_a_query_over_100000_items_answers_within_a_second(tmp_path):
    """The issue's bound: under a second for 100,000 items (index rows written directly)."""
    store = Store(tmp_path / "big.db")
    key = load_key(store, create=True)
    rng = random.Random(4)
    vocabulary = [f"name{i}" for i in range(20_000)] + ["mrs", "mr", "o"]
    common = {w: token_hash(key, "w", w) for w in vocabulary}
    target = {w: token_hash(key, "w", w) for w in ("olivia", "hart", "liv", "noah")}
    items, index_items, rows = [], [], []
    for n in range(1, 100_001):
        item_id = f"{n:024x}"
        items.append((item_id, item_id, "share", f"/srv/share/folder{n % 300}/file{n}.docx", 0, "scanned", 0))
        index_items.append((n, item_id, item_id))
        words = [common[rng.choice(vocabulary)] for _ in range(12)]
        if n % 100 == 0:  # 1,000 items name a Hart: Olivia in some, a namesake in others
            words[4:6] = [target["olivia" if n % 300 == 0 else "noah"], target["hart"]]
        rows.extend((n, 0, pos, h, -1) for pos, h in enumerate(words))
    with store.transaction():
        store.db.conn.executemany(
            "INSERT INTO items (id, root_id, source, location, gone, status, encrypted) VALUES (?, ?, ?, ?, ?, ?, ?)",
            items,
        )
        store.db.conn.executemany("INSERT INTO index_items (n, item_id, root_id) VALUES (?, ?, ?)", index_items)
        store.db.conn.executemany("INSERT INTO name_index (n, seg, pos, h, cell) VALUES (?, ?, ?, ?, ?)", rows)
    subject = parse_subject("Olivia Hart", aliases=("Liv",), emails=("o.hart@example.com",), dobs=("2011-03-14",),
                            identifiers=("B801200005001",), titles=("Mrs",))
    find_subject(store, subject)  # warm the page cache, as a second query by the DPO would
    started = time.perf_counter()
    result = find_subject(store, subject)
    seconds = time.perf_counter() - started
    print(f"\nSAR query over {result.searched:,} indexed items ({len(rows):,} index rows): {seconds * 1000:.0f} ms, "
          f"{len(result.records)} items")
    assert len(result.records) == 333
    assert all(r["matched_by"] == ["full name"] for r in result.records)
    assert seconds < 1.0
    store.close()


# --- the command ----------------------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_writes_jsonl_csv_and_html_owner_only(sample, tmp_path):
    amira = _person(sample["manifest"], "Amira Hussain")
    expected = set(search(sample, amira.name, identifiers=(amira.upn,)))
    for fmt in ("jsonl", "csv", "html"):
        out = tmp_path / f"sar.{fmt}"
        result = run("sar", "--db", sample["db"], "--name", amira.name, "--id", amira.upn, "--format", fmt,
                     "--out", out)
        assert result.exit_code == 0, result.output
        assert f"{len(expected):,} items hold data about Amira Hussain" in result.output
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        text = out.read_text()
        prefix = f"{sample['root']}/"
        if fmt == "jsonl":
            records = [json.loads(line) for line in text.splitlines()]
            assert {r["location"][len(prefix):] for r in records} == expected
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            assert {r["location"][len(prefix):] for r in rows} == expected
            assert all(r["matched_by"] for r in rows)
        else:
            assert text.startswith("<!DOCTYPE html>") and "Amira Hussain" in text
            assert "<script" not in text and "http" not in text.split("</style>")[0]
            assert all(f"{prefix}{path}".replace("&", "&amp;") in text for path in expected)


def test_cli_writes_to_standard_output(sample):
    result = run("sar", "--db", sample["db"], "--name", "Oliver Grant")
    assert result.exit_code == 0, result.output
    assert any(line.startswith("{") for line in result.output.splitlines())


def one_line_error(result):
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("gdprscan: error: "), result.output
    return lines[0]


def test_cli_errors(sample, tmp_path):
    db = sample["db"]
    assert "none.db" in one_line_error(run("sar", "--db", tmp_path / "none.db", "--name", "Olivia Hart"))
    assert "full name" in one_line_error(run("sar", "--db", db, "--name", "Olivia"))
    assert "YYYY-MM-DD" in one_line_error(run("sar", "--db", db, "--name", "Olivia Hart", "--dob", "14/03/2011"))
    assert "--title" in one_line_error(run("sar", "--db", db, "--name", "Olivia Hart", "--title", "Lord"))
    assert "key" in one_line_error(run("sar", "--db", db, "--name", "Olivia Hart", "--key-file", tmp_path / "nokey"))
    wrong = tmp_path / "wrong.key"
    wrong.write_text(os.urandom(32).hex())
    assert "not the one" in one_line_error(run("sar", "--db", db, "--name", "Olivia Hart", "--key-file", wrong))


def test_a_lost_key_starts_the_index_afresh_and_the_next_scans_rebuild_it(sample, tmp_path):
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("Olivia Hart joined the chess club.\n")
    config = sample["config"].model_copy(
        update={"sources": [FilesystemSource(type="filesystem", name=str(root), paths=[root])]}
    )
    store = Store(tmp_path / "s.db")
    Engine(config, store, sample["detectors"]).run()
    (tmp_path / "s.db.key").unlink()
    (root / "b.txt").write_text("Olivia Hart: lunch money owed.\n")
    Engine(config, store, sample["detectors"]).run()  # makes a new key, resets the index, marks a.txt to re-read
    Engine(config, store, sample["detectors"]).run()
    assert len(find_subject(store, parse_subject("Olivia Hart")).records) == 2
    store.close()
