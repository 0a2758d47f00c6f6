"""Retention candidates, apply/restore with quarantine, audit and legal hold, and the ROPA flags, on the
sample school share (expected sets computed from its manifest, independently of the scanner)."""

import calendar
import csv
import getpass
import hashlib
import json
import os
import re
from datetime import date, datetime

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from scanner.cli import main
from scanner.sample_share import generate

pytestmark = pytest.mark.model

AS_OF = date(2021, 1, 1)
RULES = [
    {"name": "dbs", "match": {"paths": ["**/HR/DBS/**"]}, "period": "6m", "action": "delete"},
    {"name": "candidates", "match": {"paths": ["**/Unsuccessful/**"], "file_types": ["docx", "pdf"]},
     "period": "6m", "action": "delete"},
    {"name": "old health", "match": {"categories": ["health"]}, "period": "5y", "action": "review"},
    {"name": "archive", "match": {"paths": ["**/Archive/**"]}, "period": "3y", "action": "review"},
]


def cli(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    base = tmp_path_factory.mktemp("retention")
    root = base / "share"
    manifest = generate(root, seed=11)
    db = base / "findings.db"
    cli("scan", root, "--db", db, "--no-progress")
    config = base / "config.yaml"
    config.write_text(yaml.safe_dump({"retention": {"rules": RULES, "quarantine": "quarantine"}}))
    return base, root, manifest, db, config


def months_later(d: date, n: int) -> date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def expected_candidates(manifest, as_of):
    """From the manifest alone: first matching rule by path, extension and planted category; mtime trigger."""
    out = {}
    for f in manifest.top_level():
        modified = datetime.fromisoformat(f.mtime).date()
        if "/DBS/" in f"/{f.path}":
            rule, expires = "dbs", months_later(modified, 6)
        elif "/Unsuccessful/" in f.path and f.format in ("docx", "pdf"):
            rule, expires = "candidates", months_later(modified, 6)
        elif "health" in f.special_categories:
            rule, expires = "old health", months_later(modified, 60)
        elif f.path.startswith("Archive/"):
            rule, expires = "archive", months_later(modified, 36)
        else:
            continue
        if expires <= as_of:
            out[f.path] = (rule, expires.isoformat())
    return out


def candidates_of(school, *extra):
    base, root, _, db, config = school
    out = base / "candidates.jsonl"
    cli("retention", "candidates", "--db", db, "--config", config, "--as-of", AS_OF, "--format", "jsonl",
        "--out", out, *extra)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_candidates_are_exactly_the_planted_expired_files(school):
    base, root, manifest, db, config = school
    records = candidates_of(school)
    got = {r["location"][len(str(root)) + 1 :]: (r["rule"], r["expires"]) for r in records}
    expected = expected_candidates(manifest, AS_OF)
    assert {"dbs", "candidates", "old health", "archive"} == {rule for rule, _ in expected.values()}
    assert got == expected
    # The odt equal-opportunities forms do not match the "candidates" rule (file_types), nor anything else.
    assert not any(p.endswith(".odt") and "Unsuccessful" in p for p in got)
    accident = next(r for r in records if "accident_book" in r["location"])
    assert accident["categories"] == ["health"] and accident["trigger_date"] == "2015-12-18"
    assert all(r["approved"] == "" and r["version"] for r in records)


def test_candidates_in_csv_and_xlsx(school):
    base, _, manifest, db, config = school
    n = len(expected_candidates(manifest, AS_OF))
    cli("retention", "candidates", "--db", db, "--config", config, "--as-of", AS_OF, "--format", "csv",
        "--out", base / "c.csv")
    rows = list(csv.DictReader((base / "c.csv").open()))
    assert len(rows) == n and "approved" in rows[0]
    cli("retention", "candidates", "--db", db, "--config", config, "--as-of", AS_OF, "--format", "xlsx",
        "--out", base / "c.xlsx")
    sheet = load_workbook(base / "c.xlsx").worksheets[0]
    assert sheet.max_row == n + 1 and sheet.cell(1, 1).value == "location"
    assert oct((base / "c.xlsx").stat().st_mode & 0o777) == "0o600"


def test_the_default_irms_rules_find_the_old_dbs_certificates_and_candidates(school):
    _, root, _, db, _ = school
    result = cli("retention", "candidates", "--db", db, "--as-of", "2025-07-01", "--format", "jsonl")
    rules = {json.loads(line)["rule"] for line in result.output.splitlines()}
    assert {"DBS certificate", "unsuccessful candidates", "accident book", "admissions register"} <= rules


ACTIVITIES = {
    "controller": {"name": "Hartfield Academy", "contact": "office@hartfield.example", "dpo": "J. Smith"},
    "activities": [
        {"name": "Pupil medical care", "purpose": "Medical conditions", "lawful_basis": "Art. 6(1)(e)",
         "special_category_condition": "Art. 9(2)(h)", "data_subjects": ["pupils"],
         "data_categories": ["health"], "special_categories": ["health"], "locations": ["**/Pastoral/Medical/**"]},
        {"name": "Staff records", "purpose": "Employment", "lawful_basis": "Art. 6(1)(b)",
         "locations": ["**/HR/Personnel/**", "**/HR/Old_personnel/**"]},
    ],
}


def test_ropa_flags_unrecorded_and_undeclared_processing_and_empty_locations(school):
    base, root, manifest, db, _ = school
    config = base / "ropa.yaml"
    config.write_text(yaml.safe_dump({"ropa": ACTIVITIES}))
    cli("ropa", "--db", db, "--config", config, "--out", base / "ropa.xlsx")
    book = load_workbook(base / "ropa.xlsx")
    assert book.sheetnames == ["Register", "Flags"]
    header = [c.value for c in book["Register"][1]]
    register = [dict(zip(header, (c.value for c in row))) for row in book["Register"].iter_rows(min_row=2)]
    medical = next(r for r in register if r["activity"] == "Pupil medical care")
    planted = [f for f in manifest.top_level() if f.path.startswith("Pastoral/Medical/")]
    assert medical["observed_items"] == len(planted)
    assert medical["oldest_item_modified"][:10] == min(f.mtime for f in planted)[:10]
    assert medical["controller"] == "Hartfield Academy" and medical["lawful_basis"] == "Art. 6(1)(e)"
    fheader = [c.value for c in book["Flags"][1]]
    flags = [dict(zip(fheader, (c.value for c in row))) for row in book["Flags"].iter_rows(min_row=2)]
    by_kind = {}
    for f in flags:
        by_kind.setdefault(f["flag"], []).append(f)
    # Planted: biometric consents, union deductions and equal-opportunities forms lie outside every activity.
    unrecorded = {f["category"] for f in by_kind["unrecorded processing"]}
    assert {"biometric", "trade_union_membership", "racial_ethnic_origin"} <= unrecorded
    assert not any("/Pastoral/Medical/" in f["location"] + "/" for f in by_kind["unrecorded processing"])
    assert "health" in unrecorded  # health data outside the medical folder (RTW forms, SEN plans)
    # Genetic conditions in the care plans: found in the medical activity's locations, not declared.
    undeclared = {(f["activity"], f["category"]) for f in by_kind["undeclared category"]}
    assert ("Pupil medical care", "genetic") in undeclared
    assert ("Pupil medical care", "health") not in undeclared
    assert [(f["activity"], f["location"]) for f in by_kind["location without data"]] == [
        ("Staff records", "**/HR/Old_personnel/**")]
    # csv: the register and its flags beside it, owner-only.
    cli("ropa", "--db", db, "--config", config, "--out", base / "ropa.csv")
    assert len(list(csv.DictReader((base / "ropa.csv").open()))) == 2
    assert len(list(csv.DictReader((base / "ropa-flags.csv").open()))) == len(flags)
    assert oct((base / "ropa-flags.csv").stat().st_mode & 0o777) == "0o600"


def snapshot(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            out[path] = (st.st_mtime_ns, st.st_size, hashlib.sha256(open(path, "rb").read()).hexdigest())
    return out


def test_apply_quarantines_only_approved_unchanged_unheld_files_and_restore_puts_them_back(school):
    base, root, manifest, db, config = school
    records = candidates_of(school)
    dbs = [r for r in records if r["rule"] == "dbs"]
    cands = [r for r in records if r["rule"] == "candidates"]
    held_by_person = dbs[0]
    surname, forename = re.match(r"DBS_([A-Za-z]+)_([A-Za-z]+)_", held_by_person["location"].rsplit("/", 1)[1]).groups()
    folders = sorted({r["location"].rsplit("/", 3)[1] for r in cands})  # HR/Recruitment/<post>/Unsuccessful/x
    assert len(folders) >= 2
    held_by_case = next(r for r in cands if f"/{folders[1]}/" in r["location"])
    changed = next(r for r in cands if f"/{folders[0]}/" in r["location"])
    approved_rows = dbs + [held_by_case] + [r for r in cands if f"/{folders[0]}/" in r["location"]]
    to_move = [r for r in approved_rows if r not in (held_by_person, held_by_case, changed)]
    assert len(to_move) >= 6
    # The DPO's approval: the csv export with approved=yes on some rows, plus one file that is no candidate.
    approved = base / "approved.csv"
    with approved.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        for r in records:
            writer.writerow({**{k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()},
                             "approved": "yes" if r in approved_rows else ""})
        writer.writerow({"location": f"{root}/Policies/Data_protection_policy_2024.pdf", "approved": "yes"})
    hold = base / "hold.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["retention"]["legal_hold"] = {
        "people": [f"{forename} {surname}"],
        "cases": [{"name": "Tribunal 2025/7", "paths": [f"**/{folders[1]}/**"]}],
    }
    hold.write_text(yaml.safe_dump(settings))
    changed_path = changed["location"]
    os.utime(changed_path, ns=(os.stat(changed_path).st_mtime_ns + 10**9,) * 2)  # touched after the scan
    before = snapshot(root)
    args = ["retention", "apply", "--db", db, "--approved", approved, "--config", hold, "--as-of", AS_OF,
            "--by", "J. Smith (DPO)"]

    dry = cli(*args).output
    assert "Dry run" in dry and snapshot(root) == before
    output = cli(*args, "--yes").output

    quarantine = base / "quarantine"
    assert oct(quarantine.stat().st_mode & 0o777) == "0o700"
    moved = {r["location"] for r in to_move}
    after = snapshot(root)
    assert set(before) - set(after) == moved
    assert all(after[p] == before[p] for p in after)  # every other file untouched
    for location in moved:
        rel = location[len(str(root)) + 1 :]
        placed = quarantine / re.sub(r"[^\w.-]+", "_", str(root)).strip("_") / rel
        assert placed.is_file() and hashlib.sha256(placed.read_bytes()).hexdigest() == before[location][2]
    assert f"legal hold: {forename} {surname}" in output and "Tribunal 2025/7" in output
    assert "changed since the scan" in output and "not a retention candidate" in output

    # Audit: one entry per action, in the store and in the JSON Lines log.
    import sqlite3

    rows = sqlite3.connect(db).execute("SELECT who, by, action, location, rule, at FROM retention_audit").fetchall()
    quarantined = [r for r in rows if r[2] == "quarantined"]
    assert {r[3] for r in quarantined} == moved
    assert all(r[0] == getpass.getuser() and r[1] == "J. Smith (DPO)" and r[4] in ("dbs", "candidates") and r[5]
               for r in quarantined)
    assert len([r for r in rows if r[2] == "skipped"]) == 4
    log = [json.loads(line) for line in (quarantine / "audit.jsonl").read_text().splitlines()]
    assert len(log) == len(rows)
    # Moved files are gone from the store's current view, so they are no longer candidates.
    assert not moved & {r["location"] for r in candidates_of(school)}

    # Restore: refused over a file that is back at the original place, otherwise exact.
    blocker = sorted(moved)[0]
    open(blocker, "w").write("a new file with the same name")
    listing = cli("retention", "restore", "--db", db, "--config", hold).output
    assert f"{len(moved)} file(s)" in listing
    restored = cli("retention", "restore", "--db", db, "--config", hold, "--all", "--yes").output
    assert "not overwritten" in restored
    final = snapshot(root)
    for location in moved - {blocker}:
        assert final[location] == before[location]  # same bytes, same modification time
    assert open(blocker).read() == "a new file with the same name"
    os.remove(blocker)
    cli("retention", "restore", "--db", db, "--config", hold, blocker, "--yes")
    assert snapshot(root) == {**before, changed_path: after[changed_path]}
    assert {r["location"] for r in candidates_of(school)} >= moved  # back in the store's view


def test_apply_refuses_while_another_process_writes_to_the_store(tmp_path):
    from click.testing import CliRunner

    from scanner.cli import main
    from scanner.lock import StoreLock
    from scanner.store import Store

    db = tmp_path / "s.db"
    Store(db).close()
    approved = tmp_path / "approved.txt"
    approved.write_text("")
    with StoreLock(db):
        result = CliRunner().invoke(main, ["retention", "apply", "--db", str(db), "--approved", str(approved), "--yes"])
    assert result.exit_code == 3
    assert "another gdprscan process" in result.output
