"""The store file itself: private permissions, schema, locking, bad files."""

import os
import stat

import pytest

from scanner.errors import StoreError
from scanner.lock import StoreBusy, StoreLock
from scanner.store import Store, open_store


def test_store_and_its_wal_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "s.db")
        scan_id = store.start_scan(["x"])
        store.finish_scan(scan_id, "completed", {"items_seen": 0})
        store.close()
        Store(tmp_path / "s.db").close()
    finally:
        os.umask(old)
    for path in tmp_path.glob("s.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_running_scan_left_by_a_killed_process_is_marked_interrupted(tmp_path):
    store = Store(tmp_path / "s.db")
    first = store.start_scan(["x"])
    second = store.start_scan(["x"])
    assert store.scan(first)["status"] == "interrupted"
    assert store.scan(second)["status"] == "running"


def test_not_a_store(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable gdprscan store"):
        Store(junk)
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing.db", must_exist=True)


def test_second_writer_is_refused_with_the_holders_pid(tmp_path):
    with StoreLock(tmp_path / "s.db"):
        with pytest.raises(StoreBusy, match=rf"pid {os.getpid()}"):
            with StoreLock(tmp_path / "s.db"):
                pass
    with StoreLock(tmp_path / "s.db"):  # released: can be taken again
        pass
