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


def test_trees_are_written_whole_and_rows_must_agree_on_their_columns(tmp_path):
    from scanner.item_scan import item_row
    from scanner.items import Item

    store = Store(tmp_path / "s.db")
    scan = store.start_scan(["share"], "full")
    rows = []
    for i in range(3):
        item = Item(source="share", location=f"/s/f{i}.txt", name=f"f{i}.txt", size=1, modified=None, version="1",
                    opener=None)
        rows.append(item_row(item, item.id, scan))
    finding = {"item_id": rows[0]["id"], "root_id": rows[0]["id"], "kind": "entity", "entity_type": "PERSON",
               "count": 2, "confidence": 0.9, "snippet": "[PERSON]", "locators": "[]", "detectors": "[]",
               "evidence": "[]", "raw_values": None}
    with store.transaction():
        store.replace_trees([(row["id"], [row], [finding] if n == 0 else [], None) for n, row in enumerate(rows)])
    assert sorted(r["location"] for r in store.items()) == ["/s/f0.txt", "/s/f1.txt", "/s/f2.txt"]
    assert [(f["entity_type"], f["count"]) for f in store.db.query("SELECT * FROM findings")] == [("PERSON", 2)]
    with store.transaction():  # the same trees again: replaced, not doubled; the first is first seen as before
        store.replace_trees([(row["id"], [row], [], None) for row in rows])
    assert store.db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 3
    assert store.db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 0
    odd = dict(rows[1], extra=1)
    with pytest.raises(ValueError, match="same columns"), store.transaction():
        store.replace_trees([(rows[0]["id"], [rows[0], odd], [], None)])
