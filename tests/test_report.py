"""The DPO findings report: built from a store the engine filled, rendered in headless Chromium, PDF, CSV, XLSX.

The store comes from real scans of a small share (the engine, the filesystem connector, fake extraction and a
fake category detector, so this is fast); every figure the report shows is recomputed here from the store.
"""

import csv
import io
import os
import re
import shutil
import stat
import subprocess
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from reports.dpo_formats import render_html
from reports.dpo_report import build_report
from scanner.cli import main
from scanner.config import Config, FilesystemSource
from scanner.engine import Engine
from scanner.items import CONTEXT, CRIMINAL_OFFENCE, SPECIAL_CATEGORY, Finding
from scanner.store import Store
from tests.fakes import CountingExtractor, EmailDetector

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OLD = datetime(2012, 3, 5, tzinfo=timezone.utc).timestamp()


class CategoryWords:
    """Category words on a line that names someone (an email address), as the real detector links them."""

    name = "fake_categories"
    WORDS = {"asthma": (SPECIAL_CATEGORY, "health"), "conviction": (CRIMINAL_OFFENCE, "criminal_offence"),
             "safeguarding": (CONTEXT, "safeguarding")}

    def detect(self, batch, found=()):
        for word, (kind, category) in self.WORDS.items():
            for m in re.finditer(word, batch.text):
                seg = batch.segment_at(m.start())
                if "@" in seg.text:
                    yield Finding(category, seg.locator, 0.9, "[…] " + word, self.name, kind=kind, evidence=(word,))


def write(path, text, mode=0o600, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    if mtime:
        os.utime(path, (mtime, mtime))


def scan(root, db):
    config = Config(sources=[FilesystemSource(type="filesystem", name="staff", paths=[root])])
    store = Store(db)
    summary = Engine(config, store, [EmailDetector(), CategoryWords()], extract=CountingExtractor()).run()
    store.close()
    assert summary.status == "completed"
    return summary


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """Two scans: the first of the share as it was, the second after files changed, went and arrived."""
    base = tmp_path_factory.mktemp("report")
    root, db = base / "share", base / "findings.db"
    write(root / "Medical" / "asthma_plan.txt", "Plan for ann@school.uk: asthma, inhaler in bag\n", 0o644)
    write(root / "HR" / "dbs.txt", "Applicant bob@school.uk: conviction for theft\n", 0o640)
    write(root / "Pastoral" / "notes.txt", "safeguarding concern raised for carl@home.uk\n")
    write(root / "Office" / "contacts.txt", "dan@school.uk\n")
    write(root / "Office" / "newsletter.txt", "Sports day is on Friday\n")
    write(root / "Archive" / "old_plan.txt", "eve@school.uk asthma care plan\n", mtime=OLD)
    write(root / "locked_salaries.xlsx", "secret")
    write(root / "photo.png", "png")
    write(root / "corrupt_form.docx", "broken")
    scan(root, db)
    first_html = render_html(build_report(Store(db)))

    write(root / "HR" / "dbs.txt", "Applicant bob@school.uk: cleared, nothing disclosed\n", 0o640)
    (root / "Medical" / "asthma_plan.txt").unlink()
    write(root / "Pastoral" / "new_referral.txt", "safeguarding referral for fay@home.uk\n", 0o644)
    write(root / "Office" / "contacts.txt", "dan@school.uk has asthma\n")
    scan(root, db)
    return root, db, first_html


def expected_figures(db):
    store = Store(db)
    one = lambda sql: store.db.execute(sql).fetchone()[0]  # noqa: E731
    present = "SELECT id FROM items WHERE gone = 0"
    figures = {
        "items": one("SELECT COUNT(*) FROM items WHERE gone = 0"),
        "personal": one(f"SELECT COUNT(DISTINCT item_id) FROM findings WHERE item_id IN ({present})"),
        "sensitive": one(f"SELECT COUNT(DISTINCT item_id) FROM findings WHERE kind != 'entity' AND item_id IN ({present})"),
        "act_now": one("SELECT COUNT(DISTINCT f.item_id) FROM findings f JOIN items i ON i.id = f.item_id "
                       "WHERE f.kind != 'entity' AND i.gone = 0 AND i.exposed = 1"),
        "encrypted": one("SELECT COUNT(*) FROM items WHERE gone = 0 AND status = 'encrypted'"),
        "skipped": one("SELECT COUNT(*) FROM items WHERE gone = 0 AND status = 'not_scanned'"),
        "errors": one("SELECT COUNT(*) FROM items WHERE gone = 0 AND status = 'error'"),
    }
    store.close()
    return figures


def shown_figures(html):
    return {k: int(v.replace(",", "")) for k, v in re.findall(r'data-figure="(\w+)"[^>]*>\s*([\d,]+)\s*<', html)}


def report_file(tmp_path, db, fmt, *extra):
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--out", str(out), *map(str, extra)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out


def test_the_figures_are_the_stores(scanned):
    _, db, _ = scanned
    expected = expected_figures(db)
    report = build_report(Store(db))
    assert {k: report.figure(k) for k in expected} == expected
    assert expected == {"items": 9, "personal": 5, "sensitive": 4, "act_now": 1, "encrypted": 1, "skipped": 1,
                        "errors": 1}


def test_risky_items_come_in_priority_order_with_why_and_what_to_do(scanned):
    root, db, _ = scanned
    risky = build_report(Store(db), retention_years=6).risky
    order = [(r.priority_label, os.path.relpath(r.location, root)) for r in risky]
    assert order == [
        ("Act now", "Pastoral/new_referral.txt"),  # safeguarding, world-readable
        ("High", "Archive/old_plan.txt"),  # health, past the 6-year rule
        ("Review", "Office/contacts.txt"),
        ("Review", "Pastoral/notes.txt"),
    ]
    first = risky[0]
    assert any("Readable by everyone" in line for line in first.why)
    assert any("Remove read access for everyone" in line for line in first.actions)
    old = risky[1]
    assert any("Past its retention period: last changed over 6 years ago" in line for line in old.why)
    assert any("Delete it securely" in line for line in old.actions)


def test_a_retention_schedule_is_used_when_the_retention_module_provides_one(scanned, monkeypatch):
    import reports.retention

    _, db, _ = scanned
    store = Store(db)
    notes = store.db.execute("SELECT id FROM items WHERE location LIKE '%notes.txt'").fetchone()[0]
    calls = []

    def expired_items(store, config, as_of):
        calls.append(as_of)
        return [{"id": notes, "rule": "pastoral records", "expires": "2025-08-31"}]

    monkeypatch.setattr(reports.retention, "expired_items", expired_items, raising=False)
    report = build_report(store)
    verdicts = {os.path.basename(r.location): r.expired for r in report.risky}
    assert verdicts["notes.txt"] == "the pastoral records rule, expired 31 Aug 2025"
    assert verdicts["old_plan.txt"] is None and calls and report.retention_assessed


def test_changes_since_the_previous_scan(scanned):
    root, db, first_html = scanned
    assert "This is the first scan recorded in this store" in first_html
    changes = build_report(Store(db)).changes
    new = {os.path.relpath(c.location, root): (c.what, c.how) for c in changes.new}
    resolved = {os.path.relpath(c.location, root): (c.what, c.how) for c in changes.resolved}
    assert new == {
        "Pastoral/new_referral.txt": (("Safeguarding", "Email addresses"), "New item"),
        "Office/contacts.txt": (("Health",), "Found after the item changed"),
    }
    assert resolved == {
        "Medical/asthma_plan.txt": (("Health", "Email addresses"), "Deleted or moved away"),
        "HR/dbs.txt": (("Criminal offence",), "No longer found after the item changed"),
    }


def test_an_unchanged_rescan_keeps_no_history_and_reports_no_changes(tmp_path):
    root, db = tmp_path / "share", tmp_path / "s.db"
    write(root / "a.txt", "ann@school.uk asthma\n")
    scan(root, db)
    scan(root, db)
    store = Store(db)
    assert store.db.execute("SELECT COUNT(*) FROM finding_history").fetchone()[0] == 0
    changes = build_report(store).changes
    assert changes.available and changes.new == () and changes.resolved == ()


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (scripts/debian-packages-test)")
def test_the_html_report_renders_offline_in_headless_chromium(scanned, tmp_path):
    root, db, _ = scanned
    out = report_file(tmp_path, db, "html", "--school", "Hartfield Academy")
    source = out.read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", source, re.I), "external reference"
    assert not re.search(r"url\(|<script|<link|@import", source, re.I)
    browser = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*browser, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert "Hartfield Academy" in dom and "Items to act on" in dom
    assert shown_figures(dom) | expected_figures(db) == shown_figures(dom)  # every key figure, as the store says
    assert dom.count("<svg") == 4 and "Pastoral/new_referral.txt" in dom.replace("<wbr>", "")
    assert re.search(r"Latest scan</th><td>#2, \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", dom), "UK date"
    shot = tmp_path / "report.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1280,1600", out.as_uri()],
                   capture_output=True, timeout=60)
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the page looks blank"
    assert sum(n for n, _ in colours if _ != (255, 255, 255)) > 0.05 * image.width * image.height


def test_pdf(scanned, tmp_path):
    import pypdfium2

    _, db, _ = scanned
    out = report_file(tmp_path, db, "pdf", "--school", "Hartfield Academy")
    assert out.read_bytes().startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(out)
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert len(pdf) >= 2
    assert "Personal data findings report" in text and "Hartfield Academy" in text
    assert "Items to act on" in text and "new_referral.txt" in text


def test_csv_holds_the_summary_then_the_risky_items(scanned, tmp_path):
    _, db, _ = scanned
    out = report_file(tmp_path, db, "csv", "--retention-years", 6)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    blank = rows.index([])
    summary = dict(rows[:blank])
    assert summary["Items with sensitive data"] == str(expected_figures(db)["sensitive"])
    header, *risky = rows[blank + 1 :]
    assert header[:3] == ["Priority", "Location", "Source"]
    assert [(r[0], os.path.basename(r[1])) for r in risky][:2] == [("Act now", "new_referral.txt"), ("High", "old_plan.txt")]
    assert risky[1][header.index("Last changed")] == "05/03/2012"


def test_xlsx(scanned, tmp_path):
    from openpyxl import load_workbook

    _, db, _ = scanned
    book = load_workbook(report_file(tmp_path, db, "xlsx"))
    assert book.sheetnames == ["Summary", "Risky items", "Changes", "Encrypted", "Errors and skipped"]
    risky = list(book["Risky items"].iter_rows(values_only=True))
    assert len(risky) - 1 == expected_figures(db)["sensitive"]
    changed = book["Risky items"]["G2"]
    assert isinstance(changed.value, datetime) and changed.number_format == "DD/MM/YYYY"
    changes = {(r[0], os.path.basename(r[1])) for r in book["Changes"].iter_rows(min_row=2, values_only=True)}
    assert ("Resolved", "asthma_plan.txt") in changes and ("New", "new_referral.txt") in changes
    assert any("locked_salaries" in r[0] for r in book["Encrypted"].iter_rows(min_row=2, values_only=True))


def test_report_from_a_missing_store_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "r.html")])
    assert result.exit_code != 0
    assert result.output.strip().startswith("gdprscan: error: ") and "none.db" in result.output
    assert not (tmp_path / "r.html").exists()
