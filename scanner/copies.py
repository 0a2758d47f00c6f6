"""The same bytes are read once: a digest of a file's bytes, and the result of a file already read, re-keyed for a
copy of it (``scanner.engine`` keeps digests in the store and recent results in memory)."""

from __future__ import annotations

import hashlib
import json

from scanner.item_scan import TreeResult, item_row
from scanner.items import Item, item_id

DIGEST_MAX_BYTES = 64 * 1024**2  # larger files are read again rather than hashed as well
# Pictures, sound and video: never read in full by a scan (only their first bytes are sniffed), so not hashed.
NOT_HASHED = frozenset(
    "png jpg jpeg gif bmp tif tiff webp heic heif raw cr2 nef svg ico psd mp3 wav m4a aac ogg flac wma "
    "mp4 m4v mov avi mkv wmv webm mpg mpeg 3gp flv".split()
)
REMEMBERED_TREES = 512  # results kept in a scan for copies of the same file
REMEMBERED_INDEX_ENTRIES = 20_000  # a tree with more person-index entries than this is not kept


def content_digest(item: Item) -> str | None:
    """A digest of the item's bytes, or None when it is not worth one (a picture or video, a file over
    ``DIGEST_MAX_BYTES``) or cannot be read (reading it for real then records why)."""
    if item.size is None or item.size > DIGEST_MAX_BYTES or item.extension in NOT_HASHED:
        return None
    digest = hashlib.blake2b(digest_size=20)
    try:
        with item.open() as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
    except Exception:  # noqa: BLE001 - unreadable now: the extraction will say why
        return None
    return digest.hexdigest()


def copied_tree(original: Item, result: TreeResult, item: Item, scan_id: int) -> TreeResult:
    """``original``'s ``result`` for ``item``, a file with the same bytes elsewhere: the rows, findings, index
    entries and errors of the item and its members, re-keyed to ``item``'s location, with ``item``'s own file
    details (name, times, owner, permissions)."""
    prefix = len(original.location)
    ids: dict[str, str] = {}
    rows = []
    for row in result.rows:
        if row["id"] == original.id:
            new = item_row(item, item.id, scan_id)
            new.update({key: row[key] for key in _CONTENT_FIELDS})
        else:
            location = item.location + row["location"][prefix:]
            new = dict(row, id=item_id(item.source, location), location=location, root_id=item.id,
                       source=item.source, owner=item.owner, version=item.version,
                       exposure=json.dumps(item.exposure.as_dict()), exposed=int(item.exposure.exposed))
        ids[row["id"]] = new["id"]
        rows.append(new)
    for new, row in zip(rows[1:], result.rows[1:]):
        new["parent_id"] = ids.get(row["parent_id"], row["parent_id"])
    return TreeResult(
        rows=rows,
        findings=[dict(f, item_id=ids[f["item_id"]], root_id=item.id) for f in result.findings],
        index=None if result.index is None else [(ids[i], entries) for i, entries in result.index],
        errors=[(item.location + location[prefix:] if location.startswith(original.location) else location,
                 reason, ids.get(failed_id)) for location, reason, failed_id in result.errors],
    )


# What the content decides in an item's row (the rest is the file's own: name, times, owner, permissions).
_CONTENT_FIELDS = ("file_type", "encrypted", "status", "reason", "text_chars", "birth_year", "leaving_date",
                   "content_hash")


def fully_read(result: TreeResult) -> bool:
    """Every part of the item read (no errors, no time-outs): a result another copy of the bytes can take."""
    return not result.errors and all(row["status"] != "error" for row in result.rows)


def small_enough(result: TreeResult) -> bool:
    return result.index is None or sum(len(entries) for _, entries in result.index) <= REMEMBERED_INDEX_ENTRIES
