"""scan.workers: items read and checked in worker processes give the store exactly what one process gives;
a worker that dies costs only the item that killed it; a worker that cannot start stops the scan with why.

The workers are real spawned processes with the real extractors and detectors (and spaCy model).
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
from pathlib import Path

import pytest

from connectors.filesystem import FilesystemConnector, open_readonly
from reports.export import finding_records
from scanner import engine as engine_module
from scanner.config import Config, FilesystemSource, StoreConfig
from scanner.engine import Engine
from scanner.workers import WORKER_DIED
from scanner.errors import ConfigError
from scanner.store import Store

pytestmark = pytest.mark.model


def _config(root: Path, db: Path, workers: int, **detection) -> Config:
    return Config(
        store=StoreConfig(path=db),
        sources=[FilesystemSource(type="filesystem", name="share", paths=[root])],
        scan={"workers": workers, "batch_size": 7},
        detection=detection,
    )


def _scan(config: Config, detectors=None):
    store = Store(config.store.path)
    try:
        summary = Engine(config, store, detectors).run()
        records = sorted(finding_records(store), key=lambda r: r["location"])
        statuses = dict(store.db.execute("SELECT location, status FROM items").fetchall())
        findings = store.db.execute(
            "SELECT i.location, f.kind, f.entity_type, f.count, f.confidence, f.snippet, f.locators, f.detectors,"
            " f.evidence FROM findings f JOIN items i ON i.id = f.item_id ORDER BY 1, 2, 3").fetchall()
    finally:
        store.close()
    return summary, records, statuses, findings


def _comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("scan_id", "first_seen_scan", "last_seen_scan", "scanned_in_scan")}


def test_two_workers_store_what_one_process_stores(tmp_path):
    from tests.evaluation.corpus import build_corpus

    root = tmp_path / "share"
    build_corpus(root)
    one, one_records, one_status, one_findings = _scan(_config(root, tmp_path / "one.db", workers=1))
    two, two_records, two_status, two_findings = _scan(_config(root, tmp_path / "two.db", workers=2))
    assert two_findings == one_findings  # counts, confidences, masked snippets, locators, evidence
    assert two.status == "completed"
    assert (two.items_seen, two.items_scanned, two.encrypted, two.errors, two.bytes_scanned) == (
        one.items_seen, one.items_scanned, one.encrypted, one.errors, one.bytes_scanned)
    assert two.findings == one.findings and sum(one.findings.values()) > 500
    assert two_status == one_status
    assert [_comparable(r) for r in two_records] == [_comparable(r) for r in one_records]

    # The person index (SAR search) is built in the workers too: the same number of hashed entries.
    counts = []
    for name in ("one.db", "two.db"):
        store = Store(tmp_path / name)
        counts.append(store.db.execute("SELECT count(*) FROM name_index").fetchone()[0])
        store.close()
    assert counts[0] == counts[1] > 1000


def die(path: str):
    """An opener that kills the worker process reading the item (as a crash inside a C library would). The
    scanning process itself opens it too, to hash its bytes: there it is an ordinary file."""
    if multiprocessing.parent_process() is None:
        return open_readonly(path)
    os._exit(70)


class ConnectorWithAKiller(FilesystemConnector):
    """The share's files, plus one item whose opener kills its worker."""

    def items(self, report_error):
        items = list(super().items(report_error))
        killer = items[3]
        items[3] = dataclasses.replace(killer, opener=functools.partial(die, killer.location))
        yield from items


def test_a_worker_that_dies_costs_only_the_item_that_killed_it(tmp_path, monkeypatch):
    root = tmp_path / "share"
    root.mkdir()
    for n in range(10):
        (root / f"note{n:02d}.txt").write_text(f"Please email parent{n}@example.com about the trip.\n")
    monkeypatch.setattr(engine_module, "connector_for", ConnectorWithAKiller)
    config = _config(root, tmp_path / "store.db", workers=2, entities=["EMAIL_ADDRESS"], ner="off")
    summary, records, statuses, _ = _scan(config)
    killed = str(root / "note03.txt")
    assert summary.status == "completed"
    assert summary.errors == 1
    assert statuses[killed] == "error"
    assert {loc for loc, status in statuses.items() if status == "scanned"} == {
        str(root / f"note{n:02d}.txt") for n in range(10) if n != 3}
    emails = {r["location"] for r in records if r["entities"].get("EMAIL_ADDRESS")}
    assert emails == set(statuses) - {killed}
    store = Store(tmp_path / "store.db")
    reason = store.db.execute("SELECT reason FROM items WHERE location = ?", [killed]).fetchone()[0]
    store.close()
    assert reason == WORKER_DIED


def test_a_worker_that_cannot_load_its_model_stops_the_scan_with_the_reason(tmp_path):
    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("ann@example.com\n")
    config = _config(root, tmp_path / "store.db", workers=2, spacy_model="no_such_model_package")
    store = Store(config.store.path)
    try:
        with pytest.raises(ConfigError, match="no_such_model_package"):
            Engine(config, store).run()
        status = store.db.execute("SELECT status FROM scans ORDER BY id DESC").fetchone()[0]
    finally:
        store.close()
    assert status == "failed"


def test_given_detectors_run_in_this_process(tmp_path, monkeypatch):
    """Detectors handed to the engine (tests, the agent) are used as they are: no worker processes."""
    from tests.fakes import EmailDetector

    root = tmp_path / "share"
    root.mkdir()
    (root / "a.txt").write_text("ann@example.com\n")
    monkeypatch.setattr(engine_module, "WorkerPool", None)  # would fail if a pool were made
    summary, records, _, _ = _scan(_config(root, tmp_path / "store.db", workers=2), [EmailDetector()])
    assert summary.status == "completed" and records[0]["entities"] == {"EMAIL_ADDRESS": 1}


def _children(pid: int) -> set[int]:
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            found.update(int(c) for c in handle.read().split())
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_workers_do_not_outlive_a_killed_scan(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    import yaml

    root = tmp_path / "share"
    root.mkdir()
    for n in range(3000):
        (root / f"note{n:04d}.txt").write_text(f"Please email parent{n}@example.com about the trip.\n" * 20)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "store": {"path": str(tmp_path / "store.db")},
        "sources": [{"type": "filesystem", "name": "share", "paths": [str(root)]}],
        "scan": {"workers": 2},
        "detection": {"entities": ["EMAIL_ADDRESS"], "ner": "off"},
    }))
    scan = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", "--config", str(config), "--no-progress"],
                            cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and scan.poll() is None:
        workers = {p for p in _children(scan.pid) if "spawn_main" in _cmdline(p)}
        time.sleep(0.05)
    assert len(workers) == 2, "the scan should have started two worker processes"
    scan.send_signal(signal.SIGKILL)
    scan.wait()
    deadline = time.monotonic() + 15
    while any(os.path.exists(f"/proc/{p}") and "spawn_main" in _cmdline(p) for p in workers):
        assert time.monotonic() < deadline, "worker processes outlived the killed scan"
        time.sleep(0.1)


def test_detectors_given_and_workers_asked_for_use_the_workers(tmp_path, monkeypatch):
    """The agent's nightly scan: its own detectors in hand, scan.workers processes for the reading."""
    from tests.fakes import EmailDetector

    root = tmp_path / "share"
    root.mkdir()
    for n in range(20):
        (root / f"note{n:02d}.txt").write_text(f"Please email parent{n}@example.com about the trip.\n")
    pools = []

    class CountingPool(engine_module.WorkerPool):
        def __init__(self, *args):
            super().__init__(*args)
            pools.append(self)

    monkeypatch.setattr(engine_module, "WorkerPool", CountingPool)
    config = _config(root, tmp_path / "store.db", workers=2, entities=["EMAIL_ADDRESS"], ner="off")
    store = Store(config.store.path)
    try:
        summary = Engine(config, store, [EmailDetector()], workers=2).run()
        emails = sum(r["entities"].get("EMAIL_ADDRESS", 0) for r in finding_records(store))
    finally:
        store.close()
    assert len(pools) == 1 and summary.items_scanned == 20 and emails == 20


def test_chunks_fill_up_and_the_last_is_shared_among_the_workers(monkeypatch):
    from concurrent.futures import Future

    from scanner.items import Item
    from scanner.workers import Chunks, WorkerPool

    sent = []

    class Executor:  # runs nothing: records the chunks each worker would be given
        def submit(self, function, items, scan_id):
            sent.append(len(items))
            done = Future()
            done.set_result([f"result of {item.location}" for item in items])
            return done

    monkeypatch.setattr(WorkerPool, "_new_executor", lambda self: Executor())
    monkeypatch.setattr(Chunks, "CHUNK_ITEMS", 4)
    pool = WorkerPool(Config(), workers=2, index_key=b"k")
    items = [Item(source="s", location=f"/f{i}", name=f"f{i}", size=1, modified=None, version="1", opener=None)
             for i in range(11)]
    results = [result for item in items for result in pool.submit(item, 1)] + list(pool.drain(1))
    assert sent == [4, 4, 2, 1]  # two full chunks, then the last three items split between the two workers
    assert sorted(item.location for item, _ in results) == sorted(item.location for item in items)
    assert all(result == f"result of {item.location}" for item, result in results)
