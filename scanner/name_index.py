"""The person index in the store: keyed hashes of the tokens that can identify people, per item (for SARs).

Tables: ``index_items`` (one row per indexed item: a small number ``n`` standing for its id) and ``name_index``
(``n``, ``h``, ``seg``, ``pos``, ``cell``): ``h`` is HMAC-SHA256 of the kind and normalised token (see
``detectors.person_index``) under the install's index key, truncated to 64 bits; the places are numbers only.
No name, email, identifier or date is stored: without the key a hash can be tested against guesses only by
someone who also holds the key. The key is 32 random bytes in a file created 0600 beside the store
(``<store>.key``) or where ``store.index_key_file`` says; the store keeps a check value so a wrong key is an
error, not an empty search. Rows go with their item: replacing or deleting ``index_items`` rows drops theirs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner.errors import StoreError
from scanner.sql import in_parts, marks

log = logging.getLogger("gdprscan.store")

KEY_BYTES = 32
_CHECK_MESSAGE = b"gdprscan person index key check"
_CHECK_META = "name_index_key_check"

# (kind, normalised token, segment, word number, cell): see detectors.person_index.Entry
Entry = tuple[str, str, int, int, int]

SCHEMA = """
CREATE TABLE IF NOT EXISTS index_items (n INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, root_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS index_items_root ON index_items (root_id);
CREATE TABLE IF NOT EXISTS name_index (
    n INTEGER NOT NULL, seg INTEGER NOT NULL, pos INTEGER NOT NULL, h INTEGER NOT NULL, cell INTEGER,
    PRIMARY KEY (n, seg, pos, h)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS name_index_h ON name_index (h);
CREATE TRIGGER IF NOT EXISTS index_items_drop AFTER DELETE ON index_items
BEGIN DELETE FROM name_index WHERE n = old.n; END;
"""


def ensure_schema(db) -> bool:
    """Make the index tables; True when they are new (a store from before the index: every item must be read
    once more to be indexed)."""
    new = "index_items" not in db.table_names()
    db.conn.executescript(SCHEMA)
    return new


# --- the key --------------------------------------------------------------------------------------------------


def key_path(store) -> Path:
    return Path(store.index_key_file) if getattr(store, "index_key_file", None) else Path(str(store.path) + ".key")


def load_key(store, create: bool) -> bytes:
    """The index key; made (0600, never overwritten) when ``create`` and there is none yet."""
    path = key_path(store)
    if not path.exists():
        if not create:
            raise StoreError(
                f"{path}: no person-index key (it is made by the first scan beside the store, or set by "
                "store.index_key_file; give --key-file if it is kept elsewhere)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(os.urandom(KEY_BYTES).hex() + "\n")
            if store.meta(_CHECK_META) is not None:
                # The key was lost: what the old one hashed cannot be searched. Start the index afresh.
                log.warning("%s: person-index key was missing; index reset, items are re-read by the next scan", path)
                store.db.execute("DELETE FROM name_index")
                store.db.execute("DELETE FROM index_items")
                store.db.execute("DELETE FROM meta WHERE key = ?", [_CHECK_META])
                store.reread_everything("reindex")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: not a usable person-index key ({exc})") from None
    if len(key) != KEY_BYTES:
        raise StoreError(f"{path}: not a usable person-index key (expected {KEY_BYTES * 2} hex digits)")
    check = hmac.new(key, _CHECK_MESSAGE, hashlib.sha256).hexdigest()[:16]
    stored = store.meta(_CHECK_META)
    if stored is None and create:
        store.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [_CHECK_META, check])
    elif stored is not None and stored != check:
        raise StoreError(f"{path}: this key is not the one the store's person index was made with")
    return key


def token_hash(key: bytes, kind: str, token: str) -> int:
    """64-bit keyed hash of one normalised token (an SQLite integer)."""
    digest = hmac.digest(key, f"{kind}\x1f{token}".encode("utf-8", "surrogatepass"), "sha256")
    return int.from_bytes(digest[:8], "big", signed=True)


# --- writing (inside the store's transaction) -----------------------------------------------------------------


def hashed_entries(key: bytes, entries: Iterable[Entry]) -> list[tuple[int, int, int, int]]:
    """An item's index entries as the store keeps them: (keyed hash of kind and token, seg, pos, cell)."""
    return [(token_hash(key, kind, token), seg, pos, cell) for kind, token, seg, pos, cell in entries]


def replace_indexes(store, trees: Sequence[tuple[str, Sequence[tuple[str, list] | None]]]) -> None:
    """Drop the index rows of each tree (root id) and write its index ((item id, ``hashed_entries``) per item
    read; None: not indexed). A few statements for all of them: a scan writes thousands of trees."""
    conn = store.db.conn
    for part in in_parts([root_id for root_id, _ in trees]):
        conn.execute(f"DELETE FROM index_items WHERE root_id IN ({marks(part)})", part)
    indexed = [(item_id, root_id, entries) for root_id, index in trees for item_id, entries in index or ()]
    conn.executemany("INSERT OR REPLACE INTO index_items (item_id, root_id) VALUES (?, ?)",
                     [(item_id, root_id) for item_id, root_id, _ in indexed])
    numbers: dict[str, int] = {}
    for part in in_parts([item_id for item_id, _, entries in indexed if entries]):
        numbers.update(conn.execute(f"SELECT item_id, n FROM index_items WHERE item_id IN ({marks(part)})", part))
    conn.executemany(
        "INSERT OR IGNORE INTO name_index (n, h, seg, pos, cell) VALUES (?, ?, ?, ?, ?)",
        [(numbers[item_id], h, seg, pos, cell) for item_id, _, entries in indexed for h, seg, pos, cell in entries],
    )


def move_index(db, ids: dict[str, str], roots: dict[str, str]) -> None:
    """Re-key moved items (old id → new id; roots: old item id → new root id)."""
    for old, new in ids.items():
        db.execute("UPDATE index_items SET item_id = ?, root_id = ? WHERE item_id = ?", [new, roots[old], old])


# --- reading (reports.sar) ------------------------------------------------------------------------------------


def occurrences(db, hashes: Iterable[int]) -> list[tuple[str, int, int, int, int]]:
    """(item id, h, seg, pos, cell) of every place one of ``hashes`` occurs."""
    hashes = list(dict.fromkeys(hashes))
    if not hashes:
        return []
    return db.execute(
        f"SELECT x.item_id, i.h, i.seg, i.pos, i.cell FROM name_index i JOIN index_items x ON x.n = i.n "
        f"WHERE i.h IN ({marks(hashes)})",
        hashes,
    ).fetchall()


def segment_words(db, places: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[tuple[int, int, int]]]:
    """Every indexed word (pos, cell, h) of the given (item id, segment) places, by place."""
    places = list(dict.fromkeys(places))
    out: dict[tuple[str, int], list[tuple[int, int, int]]] = {p: [] for p in places}
    if not places:
        return out
    conn = db.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS sar_places (item_id TEXT, seg INTEGER)")
    conn.execute("DELETE FROM sar_places")
    conn.executemany("INSERT INTO sar_places VALUES (?, ?)", places)
    rows = conn.execute(
        "SELECT p.item_id, p.seg, i.pos, i.cell, i.h FROM sar_places p JOIN index_items x ON x.item_id = p.item_id "
        "JOIN name_index i ON i.n = x.n AND i.seg = p.seg WHERE i.pos >= 0"
    ).fetchall()
    conn.execute("DELETE FROM sar_places")
    for item_id, seg, pos, cell, h in rows:
        out[(item_id, seg)].append((pos, cell, h))
    return out


def indexed_item_count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM index_items").fetchone()[0]
