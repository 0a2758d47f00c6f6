"""The export contract, field by field, in both formats, through the CLI."""

import csv
import io
import json
import os
import stat
from datetime import datetime

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.config import Config, FilesystemSource
from scanner.engine import Engine
from scanner.store import Store
from tests.fakes import CountingExtractor, EmailDetector

CONTRACT = {"location", "source", "encrypted", "entities", "special_categories", "criminal_offence", "size", "modified"}


@pytest.fixture
def store_path(tmp_path):
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("ann@school.uk and bob@school.uk\n")
    (root / "locked.docx").write_bytes(b"x")
    (root / "mail.bundle").write_text("hello\n---\ncat@school.uk")
    (root / "gone.txt").write_text("dan@school.uk")
    config = Config(sources=[FilesystemSource(type="filesystem", name="share", paths=[root])])
    store = Store(tmp_path / "s.db")
    Engine(config, store, [EmailDetector()], extract=CountingExtractor()).run()
    (root / "gone.txt").unlink()
    Engine(config, store, [EmailDetector()], extract=CountingExtractor()).run()
    store.close()
    return tmp_path / "s.db", root


def run_export(db, fmt, out=None):
    args = ["export", "findings", "--db", str(db), "--format", fmt] + (["--out", str(out)] if out else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_jsonl_contract(store_path):
    db, root = store_path
    records = {r["location"]: r for r in map(json.loads, run_export(db, "jsonl").splitlines())}
    assert set(records) == {
        str(root / "a.txt"),
        str(root / "locked.docx"),
        str(root / "mail.bundle"),
        str(root / "mail.bundle") + "!part1.txt",
        str(root / "mail.bundle") + "!part2.txt",
    }, "one record per item present now; gone items left out; members as PARENT!member"
    for record in records.values():
        assert CONTRACT <= set(record)
        assert isinstance(record["encrypted"], bool)
        assert isinstance(record["entities"], dict)
        assert record["special_categories"] == [] and record["criminal_offence"] is False
        assert isinstance(record["size"], int)
        assert datetime.fromisoformat(record["modified"]).tzinfo is not None
        assert record["source"] == "share"
    a = records[str(root / "a.txt")]
    assert a["entities"] == {"EMAIL_ADDRESS": 2}
    assert a["size"] == os.path.getsize(root / "a.txt")
    assert datetime.fromisoformat(a["modified"]).timestamp() == pytest.approx(os.path.getmtime(root / "a.txt"))
    assert records[str(root / "locked.docx")]["encrypted"] is True
    assert records[str(root / "locked.docx")]["status"] == "encrypted"
    assert records[str(root / "mail.bundle") + "!part2.txt"]["entities"] == {"EMAIL_ADDRESS": 1}


def test_csv_matches_jsonl_and_is_private(store_path, tmp_path):
    db, root = store_path
    out = tmp_path / "findings.csv"
    run_export(db, "csv", out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = {r["location"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    records = {r["location"]: r for r in map(json.loads, run_export(db, "jsonl").splitlines())}
    assert set(rows) == set(records)
    for location, record in records.items():
        row = rows[location]
        assert json.loads(row["entities"]) == record["entities"]
        assert row["encrypted"] == str(record["encrypted"])
        assert row["size"] == str(record["size"]) and row["modified"] == record["modified"]
        assert row["special_categories"] == ";".join(record["special_categories"])
        assert row["criminal_offence"] == str(record["criminal_offence"])


def test_export_of_missing_store_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(main, ["export", "findings", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [f"gdprscan: error: {tmp_path / 'none.db'}: no such store (run 'gdprscan scan' first, or check --db)"]
    assert not (tmp_path / "none.db").exists()
