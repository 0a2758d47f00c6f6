"""Reading and checking one item: extraction → detectors → the rows, findings and person-index entries of the
item and its members (a ``TreeResult``).

Nothing here touches the store, so it runs the same in the scanning process and in a worker process
(``scanner.workers``); ``scanner.engine`` decides what is read and writes the results.
"""

from __future__ import annotations

import itertools
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from scanner import name_index
from scanner.config import Config, extraction_limits
from scanner.items import (
    CONTENT_DATE,
    Detector,
    Document,
    Encrypted,
    ExtractionError,
    Finding,
    Item,
    NotScanned,
    Segment,
    TextBatch,
    item_id,
)

log = logging.getLogger("gdprscan.engine")

BATCH_CHARS = 50_000  # text handed to detectors at once: big enough to batch, small enough to bound memory
MAX_LOCATORS = 10  # places kept per finding; the count says how many there were
MAX_RAW_VALUES = 50


def batches(segments: Iterable[Segment], max_chars: int = BATCH_CHARS) -> Iterator[TextBatch]:
    """Group segments into TextBatches of about ``max_chars``; a longer segment is cut into pieces."""
    pending: list[Segment] = []
    size = 0
    try:
        for seg in segments:
            text = seg.text
            if not text or text.isspace():
                continue
            pieces = (
                [seg]
                if len(text) <= max_chars
                else [Segment(text[i : i + max_chars], seg.locator, seg.record) for i in range(0, len(text), max_chars)]
            )
            for piece in pieces:
                if pending and size + len(piece.text) > max_chars:
                    yield TextBatch.of(pending)
                    pending, size = [], 0
                pending.append(piece)
                size += len(piece.text)
    except Exception:
        # The file broke part-way (a corrupt page, an unclosed tag): what was read before still gets checked.
        if pending:
            yield TextBatch.of(pending)
        raise
    if pending:
        yield TextBatch.of(pending)


class FindingTally:
    """Aggregates one item's findings by (kind, entity type): count, best confidence and snippet, locators."""

    def __init__(self, keep_raw_values: bool):
        self.keep_raw_values = keep_raw_values
        self.by_key: dict[tuple[str, str], dict] = {}
        self.content_dates: dict[str, str] = {}

    def date_columns(self) -> dict:
        """The item row's retention triggers: ``birth_year`` (int) and ``leaving_date`` (``YYYY-MM``)."""
        birth = self.content_dates.get("BIRTH_YEAR")
        return {"birth_year": int(birth) if birth else None, "leaving_date": self.content_dates.get("LEAVING_DATE")}

    def add(self, finding: Finding) -> None:
        if finding.kind == CONTENT_DATE:
            # A retention trigger: keep only the latest year / year-month per item, never as a finding row.
            if finding.value > self.content_dates.get(finding.entity_type, ""):
                self.content_dates[finding.entity_type] = finding.value
            return
        key = (finding.kind, finding.entity_type)
        entry = self.by_key.get(key)
        if entry is None:
            entry = self.by_key[key] = {
                "count": 0,
                "confidence": -1.0,
                "snippet": "",
                "locators": [],
                "detectors": set(),
                "evidence": set(),
                "raw_values": [],
            }
        entry["count"] += 1
        if finding.confidence > entry["confidence"]:
            entry["confidence"] = finding.confidence
            entry["snippet"] = finding.snippet
        if finding.locator not in entry["locators"] and len(entry["locators"]) < MAX_LOCATORS:
            entry["locators"].append(finding.locator)
        entry["detectors"].add(finding.detector)
        entry["evidence"].update(finding.evidence)
        if self.keep_raw_values and finding.value and len(entry["raw_values"]) < MAX_RAW_VALUES:
            if finding.value not in entry["raw_values"]:
                entry["raw_values"].append(finding.value)

    def rows(self, item_id: str, root_id: str) -> list[dict]:
        return [
            {
                "item_id": item_id,
                "root_id": root_id,
                "kind": kind,
                "entity_type": entity_type,
                "count": e["count"],
                "confidence": round(e["confidence"], 3),
                "snippet": e["snippet"],
                "locators": json.dumps(e["locators"]),
                "detectors": json.dumps(sorted(e["detectors"])),
                "evidence": json.dumps(sorted(e["evidence"])),
                "raw_values": json.dumps(e["raw_values"]) if self.keep_raw_values else None,
            }
            for (kind, entity_type), e in sorted(self.by_key.items())
        ]


class ItemTimeout(Exception):
    """An item took longer than ``scan.item_timeout``."""


@contextmanager
def time_limit(seconds: float, limit: float | None = None) -> Iterator[None]:
    """Raise ``ItemTimeout`` in this block after ``seconds`` (main thread, POSIX; elsewhere no limit); ``limit``:
    the whole limit, of which ``seconds`` is what is left.

    The alarm interrupts Python code and sleeps; a long call inside a C library ends first, then the item stops.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise ItemTimeout(f"took longer than {limit or seconds:g} s (scan.item_timeout): not fully checked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, (ExtractionError, NotScanned, ItemTimeout)):
        return str(exc) or type(exc).__name__
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file vanished during the scan"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    if isinstance(exc, MemoryError):
        return "too large to process in memory"
    return f"unexpected {type(exc).__name__}: {str(exc)[:200]}"


@dataclass
class TreeResult:
    """What reading and checking one top-level item gives, members included; the engine writes it to the store."""

    rows: list[dict]  # the item's row, then its members' (archive members, attachments)
    findings: list[dict]
    index: list | None  # person-index entries per item: [(item_id, entries)]; None without an indexer
    errors: list[tuple[str, str, str | None]]  # (location, reason, item id)


def item_row(item: Item, root_id: str, scan_id: int) -> dict:
    """The store row of an item as first read: status ``scanned`` until something says otherwise."""
    return {
        "id": item.id,
        "root_id": root_id,
        "parent_id": None if item.parent_location is None else item_id(item.source, item.parent_location),
        "source": item.source,
        "location": item.location,
        "name": item.name,
        "file_type": item.extension or None,
        "size": item.size,
        "created": item.created.isoformat() if item.created else None,
        "modified": item.modified.isoformat() if item.modified else None,
        "owner": item.owner,
        "version": item.version,
        "exposure": json.dumps(item.exposure.as_dict()),
        "exposed": int(item.exposure.exposed),
        "encrypted": 0,
        "status": "scanned",
        "reason": None,
        "depth": item.depth,
        "text_chars": 0,
        "first_seen_scan": scan_id,
        "last_seen_scan": scan_id,
        "scanned_in_scan": scan_id,
        "gone": 0,
        "gone_in_scan": None,
        "birth_year": None,
        "leaving_date": None,
        "content_hash": None,
    }


def failed_tree(item: Item, scan_id: int, reason: str) -> TreeResult:
    """The result for an item that could not be read at all (its worker process died)."""
    row = item_row(item, item.id, scan_id)
    row.update(status="error", reason=reason)
    return TreeResult([row], [], None, [(item.location, reason, item.id)])


@dataclass
class _Read:
    """One item as read: its row and tally, and the batches of its text not yet checked."""

    item: Item
    root_id: str
    row: dict
    tally: FindingTally
    result: TreeResult  # of the top-level item it belongs to
    batches: list[TextBatch] = field(default_factory=list)
    chars: int = 0
    failure: Exception | None = None  # what stopped the reading part-way: the batches before it are checked
    seconds: float = 0.0  # spent reading; checking gets what is left of ``scan.item_timeout``


def detect(detectors: Sequence[Detector], batch: TextBatch) -> list[Finding]:
    """Every detector's findings in ``batch``; each sees what the ones before it found."""
    found: list[Finding] = []
    for detector in detectors:
        found.extend(detector.detect(batch, found))
    return found


def prepare(detectors: Sequence[Detector], texts: Sequence[TextBatch]) -> None:
    """Let the detectors that do work for many batches at once (see ``Detector``) do it for ``texts``."""
    for detector in detectors:
        if hasattr(detector, "prepare"):
            detector.prepare(texts)


class ItemScanner:
    """Reads items and their members and runs the detectors: extraction → detectors → rows and findings.

    It touches no store, so it runs the same in the scanning process and in a worker process (``WorkerPool``).
    Items are read first and checked in groups (``scan_many``): a detector that prepares sees a group's texts
    together (NER reads them in one call, ~2x faster than text by text). An item with more text than
    ``HOLD_CHARS`` is checked as it is read, so memory stays bounded whatever the files.
    """

    HOLD_CHARS = 4 * BATCH_CHARS  # text of one item held back to be checked with its group
    GROUP_CHARS = 1_000_000  # text held back at once

    def __init__(
        self,
        config: Config,
        detectors: Sequence[Detector],
        extract: Callable[..., Document] | None = None,
        index_key: bytes | None = None,
    ):
        if extract is None:
            from scanner.extractors import extract
        self.config = config
        self.detectors = list(detectors)
        self.extract = extract
        self.index_key = index_key  # the person index's key: entries leave here only as keyed hashes
        self.limits = extraction_limits(config.extraction)
        # The person index (detectors/person_index.py): its entries are taken per item, stored with the findings.
        self.indexers = [d for d in self.detectors if hasattr(d, "take_index")]
        self._held: list[_Read] = []
        self._held_chars = 0

    def scan(self, item: Item, scan_id: int) -> TreeResult:
        return self.scan_many([item], scan_id)[0]

    def scan_many(self, items: Sequence[Item], scan_id: int) -> list[TreeResult]:
        """Each item's result, members included."""
        results = []
        for item in items:
            result = TreeResult([], [], [] if self.indexers else None, [])
            self._scan_tree(item, item.id, scan_id, result)
            results.append(result)
        self._check_held()
        return results

    def _scan_tree(self, item: Item, root_id: str, scan_id: int, result: TreeResult) -> None:
        read = _Read(item, root_id, item_row(item, root_id, scan_id), FindingTally(self.config.store.keep_raw_values),
                     result)
        result.rows.append(read.row)
        children: Iterable[Item] = ()
        held = False
        started = time.monotonic()
        try:
            with time_limit(self.config.scan.item_timeout):
                doc = self.extract(item, self.limits)
                read.row["file_type"] = doc.file_type
                children = doc.children
                if doc.encrypted:
                    raise Encrypted()
                if doc.not_scanned:
                    raise NotScanned(doc.not_scanned)
                texts = batches(doc.segments)
                held = self._hold(read, texts)
                if not held:  # too much text to hold back: checked as it is read
                    self._check(read, itertools.chain(read.batches, texts))
        except Exception as exc:  # noqa: BLE001 - a per-item failure is data, never the end of the scan
            self._record(read, exc)
        if held:
            read.seconds = time.monotonic() - started
            if self._held_chars >= self.GROUP_CHARS:
                self._check_held()
        else:
            self._finish(read)
        try:
            for child in children:
                self._scan_tree(child, root_id, scan_id, result)
        except Exception as exc:  # noqa: BLE001 - a broken archive listing fails its parent, not the scan
            reason = f"members not all read: {failure_reason(exc)}"
            if read.row["status"] == "scanned":
                read.row.update(status="error", reason=reason)
            result.errors.append((item.location, reason, item.id))

    def _hold(self, read: _Read, texts: Iterator[TextBatch]) -> bool:
        """Read ``texts`` into ``read`` to be checked with its group; False, with ``texts`` part-read, when there
        is more than ``HOLD_CHARS``. A failure part-way is kept: the batches before it are checked first."""
        try:
            for batch in texts:
                read.batches.append(batch)
                read.chars += len(batch.text)
                if read.chars > self.HOLD_CHARS:
                    return False
        except Exception as exc:  # noqa: BLE001 - recorded when the item is checked
            read.failure = exc
        self._held.append(read)
        self._held_chars += read.chars
        return True

    def _check(self, read: _Read, texts: Iterable[TextBatch]) -> None:
        """Run the detectors on ``texts``; the item's text size and content dates when all were read."""
        chars = 0
        for batch in texts:
            chars += len(batch.text)
            for finding in detect(self.detectors, batch):
                read.tally.add(finding)
        if read.failure is not None:
            raise read.failure
        read.row["text_chars"] = chars
        read.row.update(read.tally.date_columns())

    def _check_held(self) -> None:
        """Check every item held back: the detectors prepare for all their text, then see it item by item."""
        held, self._held, self._held_chars = self._held, [], 0
        if not held:
            return
        timeout = self.config.scan.item_timeout
        try:
            with time_limit(timeout):
                prepare(self.detectors, [batch for read in held for batch in read.batches])
        except Exception:  # noqa: BLE001 - preparing only saves time: each batch is checked in full below
            log.debug("detectors could not prepare for %d items", len(held), exc_info=True)
        for read in held:
            try:
                # The item's time limit counts its reading too.
                with time_limit(timeout and max(timeout - read.seconds, 0.001), timeout):
                    self._check(read, read.batches)
            except Exception as exc:  # noqa: BLE001 - as in _scan_tree
                self._record(read, exc)
            read.batches = []
            self._finish(read)

    def _record(self, read: _Read, exc: Exception) -> None:
        """What stopped ``read``'s item from being checked, on its row."""
        if isinstance(exc, Encrypted):
            read.row.update(status="encrypted", encrypted=1, reason="password-protected: content not inspected")
        elif isinstance(exc, NotScanned):
            read.row.update(status="not_scanned", reason=f"not scanned: {failure_reason(exc)}")
        else:
            reason = failure_reason(exc)
            read.row.update(status="error", reason=reason)
            read.result.errors.append((read.item.location, reason, read.item.id))
            log.debug("extraction failed for %s", read.item.location, exc_info=exc)

    def _finish(self, read: _Read) -> None:
        """The item's findings and person-index entries, into its result."""
        read.result.findings.extend(read.tally.rows(read.item.id, read.root_id))
        for indexer in self.indexers:
            entries = indexer.take_index()
            if read.row["status"] in ("scanned", "error"):
                read.result.index.append((read.item.id, name_index.hashed_entries(self.index_key, entries)))
