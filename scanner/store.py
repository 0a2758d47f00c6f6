"""The findings store: one SQLite file (WAL), read and written through sqlite-utils.

Tables: ``scans`` (one row per run), ``items`` (every file, email, attachment and archive member, with its
version token for incremental scans), ``findings`` (per item and entity type: count, confidence, redacted
snippet, locators), ``errors`` and ``finding_history`` (the finding types and counts a rescan replaced).
Raw matched values are kept only when ``store.keep_raw_values`` is set.
The file is created owner-only (0600): it says where personal data lives.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from scanner import name_index
from scanner.errors import StoreError
from scanner.items import item_id
from scanner.sql import in_parts, marks

SCHEMA_VERSION = 1

ITEM_COLUMNS = {
    "id": str,
    "root_id": str,
    "parent_id": str,
    "source": str,
    "location": str,
    "name": str,
    "file_type": str,
    "size": int,
    "created": str,
    "modified": str,
    "owner": str,
    "version": str,
    "exposure": str,  # JSON, see scanner.items.Exposure.as_dict
    "exposed": int,
    "encrypted": int,
    "status": str,  # scanned | encrypted | not_scanned | error
    "reason": str,
    "depth": int,
    "text_chars": int,
    "first_seen_scan": int,
    "last_seen_scan": int,
    "scanned_in_scan": int,
    "gone": int,
    "gone_in_scan": int,
    # Retention triggers read from the content, reduced (see detectors/content_dates.py): never the dates.
    "birth_year": int,  # the latest birth year among the item's dates of birth
    "leaving_date": str,  # the latest leaving / end-of-employment month, YYYY-MM
    # Top-level items read in full: a digest (BLAKE2b) of the bytes, so a file touched but not changed is not
    # read again. It says nothing about the content to anyone without the same file.
    "content_hash": str,
}

FINDING_COLUMNS = {
    "item_id": str,
    "root_id": str,
    "kind": str,  # entity | special_category | criminal_offence | context
    "entity_type": str,
    "count": int,
    "confidence": float,
    "snippet": str,  # redacted
    "locators": str,  # JSON list, first few places found
    "detectors": str,  # JSON list
    "evidence": str,  # JSON list of evidence words (never values)
    "raw_values": str,  # JSON list; empty unless store.keep_raw_values
}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredVersion:
    version: str
    status: str
    gone: bool
    exposure: str | None = None  # JSON, as stored
    content_hash: str | None = None


class Store:
    """Everything that touches the SQLite file goes through here."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.index_key_file: Path | None = None  # the person-index key; None: <store>.key (scanner/name_index.py)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Create owner-only before SQLite opens it, so there is no moment it is readable by others.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=OFF")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable gdprscan store ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open store ({exc.strerror or exc})") from None

    # --- schema -------------------------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        db = self.db
        if "meta" not in db.table_names():
            db["meta"].create({"key": str, "value": str}, pk="key")
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)})
        db["scans"].create(
            {
                "id": int,
                "started": str,
                "finished": str,
                "status": str,  # running | completed | interrupted | failed
                "kind": str,  # scan (the scan command) | nightly (the agent's scheduled scan) | watch (agent changes)
                "sources": str,
                "items_seen": int,
                "items_scanned": int,
                "items_unchanged": int,
                "items_copied": int,  # files with the same bytes as one read earlier in the scan: results copied
                "bytes_scanned": int,
                "encrypted": int,
                "errors": int,
                "gone": int,
                "findings": int,  # matches in items present when the scan ended
            },
            pk="id",
            if_not_exists=True,
        )
        # Stores made before these columns existed get them added (old scans have kind NULL: a scan).
        for column, kind in (("kind", str), ("findings", int), ("items_copied", int)):
            if column not in db["scans"].columns_dict:
                db["scans"].add_column(column, kind)
        db["items"].create(ITEM_COLUMNS, pk="id", if_not_exists=True)
        for column in ("birth_year", "leaving_date", "content_hash"):
            if column not in db["items"].columns_dict:
                db["items"].add_column(column, ITEM_COLUMNS[column])
        # Append-only log of retention actions (scanner/retention.py): who moved or restored what, and why.
        db["retention_audit"].create(
            {"id": int, "at": str, "who": str, "by": str, "action": str, "location": str, "source": str,
             "rule": str, "reason": str, "quarantined_as": str, "version": str},
            pk="id",
            if_not_exists=True,
        )
        db["findings"].create(FINDING_COLUMNS, if_not_exists=True)
        db["errors"].create(
            {"scan_id": int, "item_id": str, "location": str, "reason": str, "at": str}, if_not_exists=True
        )
        db["items"].create_index(["root_id"], if_not_exists=True)
        db["items"].create_index(["source", "gone"], if_not_exists=True)
        db["findings"].create_index(["item_id"], if_not_exists=True)
        db["findings"].create_index(["root_id"], if_not_exists=True)
        db["errors"].create_index(["scan_id"], if_not_exists=True)
        # What an item's findings were before a rescan replaced them (types and counts only, never snippets), so a
        # report can say what changed since a previous scan. Stores older than the table say from when it is kept.
        if "finding_history" not in db.table_names():
            db["finding_history"].create(
                {"replaced_in_scan": int, "item_id": str, "root_id": str, "kind": str, "entity_type": str, "count": int}
            )
            db["finding_history"].create_index(["item_id"])
            next_scan = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM scans").fetchone()[0]
            db["meta"].insert({"key": "finding_history_since", "value": str(next_scan)}, replace=True)
        if name_index.ensure_schema(db):  # the person index for subject access searches (scanner/name_index.py)
            self.reread_everything("reindex")  # a store from before the index: each item is read once to index it
        # WAL and shared-memory files are made by SQLite with the main file's mode; keep them private too.
        for suffix in ("-wal", "-shm"):
            extra = Path(str(self.path) + suffix)
            if extra.exists():
                os.chmod(extra, 0o600)

    def transaction(self):
        """``with store.transaction():`` commits everything inside as one unit, or nothing."""
        return self.db.atomic()

    def close(self) -> None:
        self.db.conn.close()

    # --- scans ----------------------------------------------------------------------------------------------

    def start_scan(self, sources: list[str], kind: str = "scan") -> int:
        with self.transaction():
            # A scan left "running" by a killed process is over: say so, its committed work stays.
            self.db.execute("UPDATE scans SET status = 'interrupted' WHERE status = 'running'")
            table = self.db["scans"].insert(
                {"started": now_iso(), "status": "running", "kind": kind, "sources": json.dumps(sources)}
            )
        return table.last_pk

    def finish_scan(self, scan_id: int, status: str, counts: dict[str, int]) -> None:
        with self.transaction():
            self.db["scans"].update(scan_id, {"finished": now_iso(), "status": status, **counts})

    def scan(self, scan_id: int) -> dict:
        return self.db["scans"].get(scan_id)

    def last_scan(self, completed_only: bool = False, full_only: bool = False) -> dict | None:
        """The latest scan; ``full_only`` leaves out the agent's rescans of single changes."""
        conditions = (["status = 'completed'"] if completed_only else []) + (
            ["(kind IS NULL OR kind != 'watch')"] if full_only else []
        )
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = list(self.db.query(f"SELECT * FROM scans {where} ORDER BY id DESC LIMIT 1"))
        return rows[0] if rows else None

    # --- settings the agent leaves for `gdprscan status` ---------------------------------------------------

    def set_meta(self, key: str, value: str | None) -> None:
        with self.transaction():
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", [key])
            else:
                self.db["meta"].insert({"key": key, "value": value}, replace=True)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    # --- items ----------------------------------------------------------------------------------------------

    def stored_version(self, item_id: str) -> StoredVersion | None:
        row = self.db.execute(
            "SELECT version, status, gone, exposure, content_hash FROM items WHERE id = ?", [item_id]
        ).fetchone()
        return StoredVersion(row[0], row[1], bool(row[2]), row[3], row[4]) if row else None

    def reread_everything(self, why: str) -> None:
        """Make the next scan read every item again: no stored version or digest of the bytes will match."""
        if "version" not in self.db["items"].columns_dict:  # a store older than incremental scans: nothing kept
            return
        self.db.execute("UPDATE items SET version = version || ? WHERE version IS NOT NULL", [f" ({why})"])
        self.db.execute("UPDATE items SET content_hash = NULL")

    def keep_content(self, root_id: str, version: str, modified: str | None) -> None:
        """The item was touched but its bytes are the same: its new version and time, findings kept."""
        self.db.execute("UPDATE items SET version = ?, modified = ? WHERE id = ?", [version, modified, root_id])

    def update_exposure(self, root_id: str, exposure: str, exposed: bool) -> None:
        """Permissions changed but the content did not (a chmod, an ACL edit): members share their parent's."""
        self.db.execute(
            "UPDATE items SET exposure = ?, exposed = ? WHERE root_id = ?", [exposure, int(exposed), root_id]
        )

    def mark_seen(self, item_id: str, scan_id: int) -> None:
        """An unchanged item (and its members) was seen again: the cost of an incremental rescan."""
        self.db.execute(
            "UPDATE items SET last_seen_scan = ?, gone = 0, gone_in_scan = NULL WHERE root_id = ?",
            [scan_id, item_id],
        )

    def replace_trees(self, trees: list[tuple[str, list[dict], list[dict], list | None]]) -> None:
        """Replace top-level items, their members and all their findings, given as (root id, items, findings,
        index) and written together (one insert per table). Call inside a transaction.

        ``index``: the person-index entries per item ((item id, ``name_index.hashed_entries``)); None: none."""
        if not trees:
            return
        trees = list({tree[0]: tree for tree in trees}.values())  # a tree given twice: the later one
        roots = [root_id for root_id, _, _, _ in trees]
        first_seen: dict[tuple[str, str], int] = {}  # (root id, item id) → first seen, for trees stored before
        for part in in_parts(roots):
            for item, root_id, first in self.db.execute(
                f"SELECT id, root_id, first_seen_scan FROM items WHERE root_id IN ({marks(part)})", part
            ):
                first_seen[root_id, item] = first
        stored = {root_id for root_id, _ in first_seen}
        name_index.replace_indexes(self, [(root_id, index) for root_id, _, _, index in trees])
        all_items: list[dict] = []
        all_findings: list[dict] = []
        for root_id, items, findings, _ in trees:
            for row in items:
                row["first_seen_scan"] = first_seen.get((root_id, row["id"]), row["first_seen_scan"])
            if root_id in stored:  # a rescan: keep what it replaces; a row with no kind says "had none" is known too
                replaced_in = items[0].get("scanned_in_scan") if items else None
                self.db.execute(
                    "INSERT INTO finding_history (replaced_in_scan, item_id, root_id, kind, entity_type, count) "
                    "SELECT ?, item_id, root_id, kind, entity_type, count FROM findings WHERE root_id = ? "
                    "UNION ALL SELECT ?, ?, ?, NULL, NULL, NULL",
                    [replaced_in, root_id, replaced_in, root_id, root_id],
                )
            all_items.extend(items)
            all_findings.extend(findings)
        for part in in_parts(roots):
            self.db.execute(f"DELETE FROM findings WHERE root_id IN ({marks(part)})", part)
            self.db.execute(f"DELETE FROM items WHERE root_id IN ({marks(part)})", part)
        self._insert("items", all_items, replace=True)
        self._insert("findings", all_findings)

    def _insert(self, table: str, rows: list[dict], replace: bool = False) -> None:
        """``rows`` (dicts with the same keys, plain values) into ``table`` in one statement: what
        ``insert_all`` does, without its per-value conversions (a scan writes hundreds of thousands of values)."""
        if not rows:
            return
        columns = list(rows[0])
        if any(len(row) != len(columns) for row in rows):  # (a missing key fails below)
            raise ValueError(f"rows for {table} do not all have the same columns")
        self.db.conn.executemany(
            f"INSERT {'OR REPLACE ' if replace else ''}INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({marks(columns)})",
            [[row[c] for c in columns] for row in rows],
        )

    def mark_gone(self, source: str, scan_id: int, under: str | None = None, sep: str = "/") -> int:
        """Items of ``source`` not seen by this scan have vanished: keep their record, marked gone.

        ``under`` limits this to the top-level item at that location or below that folder (and their members):
        what a rescan of one path covers.
        """
        sql = (
            "UPDATE items SET gone = 1, gone_in_scan = ? "
            "WHERE source = ? AND gone = 0 AND (last_seen_scan IS NULL OR last_seen_scan < ?)"
        )
        params: list = [scan_id, source, scan_id]
        if under is not None:
            sql += f" AND root_id IN ({self._roots_under_sql})"
            params += self._roots_under_params(source, under, sep)
        return self.db.execute(sql, params).rowcount

    _roots_under_sql = (
        "SELECT id FROM items WHERE source = ? AND depth = 0 AND (location = ? OR substr(location, 1, ?) = ?)"
    )

    @staticmethod
    def _roots_under_params(source: str, location: str, sep: str) -> list:
        prefix = location.rstrip(sep) + sep
        return [source, location, len(prefix), prefix]

    def move_tree(self, source: str, old: str, new: str, sep: str = "/") -> int:
        """A file or folder was renamed or moved within ``source``: re-key its items (and members), keeping
        their history (first seen, findings, triage). A record already at the destination is replaced: what
        was there has been overwritten. Call inside a transaction. Returns the number of items moved."""
        rows = list(
            self.db.query(
                f"SELECT * FROM items WHERE root_id IN ({self._roots_under_sql})",
                self._roots_under_params(source, old, sep),
            )
        )
        if not rows:
            return 0
        ids = {row["id"]: item_id(source, new + row["location"][len(old) :]) for row in rows}
        # Whatever the destination held before is replaced by what moved there.
        for table in ("findings", "index_items", "items"):
            self.db.execute(
                f"DELETE FROM {table} WHERE root_id IN ({self._roots_under_sql})",
                self._roots_under_params(source, new, sep),
            )
        moved = []
        for row in rows:
            location = new + row["location"][len(old) :]
            moved.append(
                {
                    **row,
                    "id": ids[row["id"]],
                    "root_id": ids.get(row["root_id"], row["root_id"]),
                    "parent_id": ids.get(row["parent_id"], row["parent_id"]),
                    "location": location,
                    "name": location.rsplit(sep, 1)[-1] if row["depth"] == 0 else row["name"],
                }
            )
        for row in rows:
            self.db.execute(
                "UPDATE findings SET item_id = ?, root_id = ? WHERE item_id = ?",
                [ids[row["id"]], ids.get(row["root_id"], row["root_id"]), row["id"]],
            )
            self.db.execute(
                "UPDATE finding_history SET item_id = ?, root_id = ? WHERE item_id = ?",
                [ids[row["id"]], ids.get(row["root_id"], row["root_id"]), row["id"]],
            )
        name_index.move_index(self.db, ids, {row["id"]: ids.get(row["root_id"], row["root_id"]) for row in rows})
        self.db.execute(
            f"DELETE FROM items WHERE root_id IN ({self._roots_under_sql})", self._roots_under_params(source, old, sep)
        )
        self.db["items"].insert_all(moved, replace=True)
        return len(moved)

    def record_error(self, scan_id: int, location: str, reason: str, item_id: str | None = None) -> None:
        self.db["errors"].insert(
            {"scan_id": scan_id, "item_id": item_id, "location": location, "reason": reason, "at": now_iso()}
        )

    # --- retention (scanner/retention.py) -------------------------------------------------------------

    def record_retention_action(self, entry: dict) -> None:
        """Append one audit entry (never updated or deleted)."""
        with self.transaction():
            self.db["retention_audit"].insert(entry)

    def retention_actions(self) -> list[dict]:
        return list(self.db.query("SELECT * FROM retention_audit ORDER BY id"))

    def set_tree_gone(self, root_id: str, gone: bool) -> None:
        """A file moved to quarantine is gone from its share (and back when restored), with its members."""
        with self.transaction():
            self.db.execute("UPDATE items SET gone = ? WHERE root_id = ?", [int(gone), root_id])

    # --- reading (reports) ------------------------------------------------------------------------------

    def items(self, include_gone: bool = False) -> Iterator[dict]:
        where = "" if include_gone else "WHERE gone = 0"
        yield from self.db.query(f"SELECT * FROM items {where} ORDER BY location")

    def findings_by_item(self, item_ids: Iterable[str] | None = None) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for row in self.db.query("SELECT * FROM findings ORDER BY item_id, kind, entity_type"):
            out.setdefault(row["item_id"], []).append(row)
        return out

    def errors(self, scan_id: int) -> list[dict]:
        return list(self.db.query("SELECT * FROM errors WHERE scan_id = ? ORDER BY rowid", [scan_id]))

    def findings_totals(self, scan_id: int | None = None) -> dict[str, int]:
        """Entity type → number of matches, over items present now."""
        rows = self.db.query(
            "SELECT f.entity_type AS t, SUM(f.count) AS n FROM findings f JOIN items i ON i.id = f.item_id "
            "WHERE i.gone = 0 GROUP BY f.entity_type ORDER BY n DESC"
        )
        return {r["t"]: r["n"] for r in rows}


def open_store(path: Path | str, must_exist: bool = False) -> Store:
    if must_exist and not Path(path).exists():
        raise StoreError(f"{path}: no such store (run 'gdprscan scan' first, or check --db)")
    return Store(path)
