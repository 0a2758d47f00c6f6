"""Crash safety and read-only sources, with the real command in a separate process.

A scan killed with SIGKILL resumes on the next run and ends with exactly what an uninterrupted scan records;
a scan never changes a source file (bytes, modification time, access time).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

GDPRSCAN = [sys.executable, "-m", "scanner.cli"]


def make_share(root: Path, files: int = 200) -> None:
    for i in range(files):
        folder = root / f"class{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"pupil{i:03d}.txt").write_text(
            f"Pupil {i}: contact parent{i}@example.com, NHS number 943 476 5919, postcode SW1A 1AA.\n" * 4
        )


def scan(root: Path, db: Path, *, wait: bool = True) -> subprocess.Popen:
    config = db.with_suffix(".yaml")
    config.write_text(
        f"store: {{path: {db}}}\nscan: {{batch_size: 10}}\n"
        f"sources: [{{type: filesystem, name: share, paths: [{root}]}}]\n"
    )
    process = subprocess.Popen(
        [*GDPRSCAN, "scan", "--config", str(config), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if wait:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output.decode()
    return process


def export(db: Path) -> dict:
    result = subprocess.run(
        [*GDPRSCAN, "export", "findings", "--db", str(db), "--format", "jsonl"],
        capture_output=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return {r["location"]: r for r in map(json.loads, result.stdout.decode().splitlines())}


def items_stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_killed_scan_resumes_and_ends_as_an_uninterrupted_one(tmp_path):
    root = tmp_path / "share"
    files = 300
    make_share(root, files)
    killed = tmp_path / "killed.db"
    process = scan(root, killed, wait=False)

    def wait_for_items(n):
        deadline = time.monotonic() + 120
        while items_stored(killed) < n:
            assert process.poll() is None, "the scan finished before it could be killed; make the share bigger"
            assert time.monotonic() < deadline
            time.sleep(0.05)

    wait_for_items(30)
    # Frozen mid-scan (as a hung scan would be), it still holds the store: a second scan refuses, clearly.
    process.send_signal(signal.SIGSTOP)
    second = scan(root, killed, wait=False)
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 3
    assert f"another gdprscan process (pid {process.pid}) is scanning into" in output.decode()
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = items_stored(killed)
    assert 30 <= done_before < files

    with sqlite3.connect(killed) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    scan(root, killed)  # resumes
    with sqlite3.connect(killed) as connection:
        statuses = [row[0] for row in connection.execute("SELECT status FROM scans ORDER BY id")]
        unchanged = connection.execute("SELECT items_unchanged FROM scans WHERE id = 2").fetchone()[0]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert statuses == ["interrupted", "completed"]
    assert unchanged >= done_before - 10  # the committed batches were not read again (one batch may be lost)

    clean = tmp_path / "clean.db"
    scan(root, clean)
    assert export(killed) == export(clean)  # nothing lost, nothing counted twice


def test_a_scan_changes_no_source_file(tmp_path):
    from scanner.sample_share import generate

    root = tmp_path / "share"
    generate(root, seed=3)
    old = 1_000_000_000  # 2001: access times a scan must not move
    before = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        os.utime(path, (old, path.stat().st_mtime))
        stat = path.stat()
        before[path] = (path.read_bytes(), stat.st_mtime_ns, stat.st_atime_ns, stat.st_mode)
        os.utime(path, ns=(old * 10**9, stat.st_mtime_ns))  # reading it just now may have moved atime
    before = {p: (data, m, old * 10**9, mode) for p, (data, m, _, mode) in before.items()}
    scan(root, tmp_path / "s.db")
    after = {}
    for path in before:
        stat = path.stat()
        after[path] = (path.read_bytes(), stat.st_mtime_ns, stat.st_atime_ns, stat.st_mode)
    for path in before:
        data, mtime, atime, mode = before[path]
        assert after[path][0] == data, path
        assert after[path][1] == mtime, path
        assert after[path][3] == mode, path
        # O_NOATIME keeps the access time where the OS allows it (owner or root; most Linux file systems).
        assert after[path][2] == atime, path
    assert sorted(p for p in root.rglob("*") if p.is_file()) == sorted(before)
