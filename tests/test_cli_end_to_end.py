"""The whole pipeline through the CLI on the generated sample school share, checked against its manifest."""

import json
import sqlite3
from collections import Counter

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.sample_share import generate

pytestmark = pytest.mark.model

IDENTIFIERS = ("EMAIL_ADDRESS", "PHONE_NUMBER", "UK_POSTCODE", "UK_NHS", "UK_NINO", "UK_UPN", "UK_ULN",
               "DATE_OF_BIRTH", "UK_BANK_ACCOUNT", "CREDIT_CARD")


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    root = base / "share"
    manifest = generate(root, seed=11)
    db = base / "findings.db"
    output = cli("scan", root, "--db", db, "--no-progress")
    cli("export", "findings", "--db", db, "--format", "jsonl", "--out", base / "findings.jsonl")
    records = [json.loads(line) for line in (base / "findings.jsonl").read_text().splitlines()]
    return root, manifest, db, output, {r["location"]: r for r in records}


def test_scan_summary(scanned):
    root, manifest, _, output, _ = scanned
    assert "Scan 1 completed" in output
    assert f"{len(manifest.top_level()):,}" in output  # items listed
    assert "Encrypted items" in output and "UK_NHS" in output
    assert "Findings store:" in output


def test_every_file_email_attachment_and_archive_member_is_recorded(scanned):
    root, manifest, _, _, exported = scanned
    assert set(exported) == {f"{root}/{f.path}" for f in manifest.files}
    for f in manifest.files:
        record = exported[f"{root}/{f.path}"]
        assert record["encrypted"] is f.encrypted, f.path
        assert record["source"] == str(root)


def test_not_scanned_items_say_why(scanned):
    root, _, _, _, exported = scanned
    reasons = {loc.rsplit("/", 1)[-1]: r["reason"] for loc, r in exported.items() if r["status"] == "not_scanned"}
    assert any("image" in reason for reason in reasons.values()), reasons
    assert all(reason.startswith("not scanned: ") for reason in reasons.values())


def test_planted_identifiers_are_found_and_decoys_stay_clean(scanned):
    root, manifest, _, _, exported = scanned
    planted, found, extra = Counter(), Counter(), Counter()
    for f in manifest.files:
        if f.encrypted:
            continue  # the manifest knows what is inside; the scanner rightly cannot
        entities = exported[f"{root}/{f.path}"]["entities"]
        for entity in IDENTIFIERS:
            if f.entities.get(entity):
                planted[entity] += 1
                found[entity] += bool(entities.get(entity))
            elif entities.get(entity):
                extra[entity] += 1
        if f.decoy:
            assert not set(entities) & set(IDENTIFIERS), (f.path, entities)
    for entity in IDENTIFIERS:
        assert planted[entity], f"the sample share plants no {entity}"
        assert found[entity] / planted[entity] >= 0.95, (entity, found[entity], planted[entity])
        assert extra[entity] <= 0.05 * planted[entity] + 1, (entity, extra[entity])


def test_names_are_found_in_most_items_that_name_people(scanned):
    root, manifest, _, _, exported = scanned
    naming = [f for f in manifest.files if f.entities.get("PERSON") and not f.encrypted]
    found = [f for f in naming if exported[f"{root}/{f.path}"]["entities"].get("PERSON")]
    assert len(found) / len(naming) >= 0.85, (len(found), len(naming))


def test_unchanged_rescan_reads_nothing_and_changes_nothing(scanned, tmp_path):
    root, manifest, db, _, exported = scanned
    output = cli("scan", root, "--db", db, "--no-progress")
    assert "Scan 2 completed" in output
    store = sqlite3.connect(db)
    items_scanned, unchanged = store.execute("SELECT items_scanned, items_unchanged FROM scans WHERE id = 2").fetchone()
    assert (items_scanned, unchanged) == (0, len(manifest.top_level()))
    cli("export", "findings", "--db", db, "--format", "jsonl", "--out", tmp_path / "again.jsonl")
    again = {json.loads(line)["location"]: json.loads(line) for line in (tmp_path / "again.jsonl").read_text().splitlines()}
    assert again == exported


def test_the_store_holds_no_planted_value_outside_the_paths_it_must_show(scanned):
    """No identifier, name, email, date of birth or address from the share is in the store's files (-wal too),
    except where it is part of a file's own name or path, which the DPO needs to find the file."""
    _, manifest, db, _, _ = scanned
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    store = sqlite3.connect(db)
    paths = "\n".join(row[0] for row in store.execute("SELECT location FROM items"))
    checked = 0
    for f in manifest.files:
        for entity, values in f.values.items():
            for value in values:
                if value in paths:
                    continue
                checked += 1
                assert value.encode() not in raw, (entity, value, f.path)
    assert checked > 500


def test_special_categories_found_about_people_and_never_in_decoys(scanned):
    root, manifest, _, _, exported = scanned
    planted = found = 0
    for f in manifest.files:
        if f.encrypted:
            continue
        record = exported[f"{root}/{f.path}"]
        if f.decoy:  # policies, lessons, blank templates, menus
            assert record["special_categories"] == [] and not record["criminal_offence"], (f.path, record)
            assert record["contexts"] == [], (f.path, record)
        for category in f.special_categories:
            planted += 1
            found += category in record["special_categories"]
    assert found / planted >= 0.85, (found, planted)
