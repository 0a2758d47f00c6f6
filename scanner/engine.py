"""The scan loop: connector items → extraction → detectors → store, incremental by version token.

An unchanged item costs a stat (its version is compared with the store's); a changed item is extracted again
and its findings replaced; an item a completed listing no longer yields is marked gone. A failure on one item
is recorded with its reason and the scan goes on. Work is committed in batches, so an interrupted scan keeps
what it finished and the next run carries on from there.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from connectors import SourceUnavailable, connector_for
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
from scanner.store import Store

log = logging.getLogger("gdprscan.engine")

BATCH_CHARS = 50_000  # text handed to detectors at once: big enough to batch, small enough to bound memory
MAX_LOCATORS = 10  # places kept per finding; the count says how many there were
MAX_RAW_VALUES = 50


@dataclass
class ScanSummary:
    scan_id: int
    status: str = "running"
    items_seen: int = 0  # top-level items the connectors listed
    items_scanned: int = 0  # items extracted (members included)
    items_unchanged: int = 0  # top-level items skipped as unchanged
    bytes_scanned: int = 0  # source bytes of top-level items extracted
    encrypted: int = 0
    errors: int = 0
    gone: int = 0
    seconds: float = 0.0
    findings: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "findings": sum(self.findings.values()),
            "items_seen": self.items_seen,
            "items_scanned": self.items_scanned,
            "items_unchanged": self.items_unchanged,
            "bytes_scanned": self.bytes_scanned,
            "encrypted": self.encrypted,
            "errors": self.errors,
            "gone": self.gone,
        }


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
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``ItemTimeout`` in this block after ``seconds`` (main thread, POSIX; elsewhere no limit).

    The alarm interrupts Python code and sleeps; a long call inside a C library ends first, then the item stops.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise ItemTimeout(f"took longer than {seconds:g} s (scan.item_timeout): not fully checked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _reason(exc: BaseException) -> str:
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


class Engine:
    """Runs one scan over a list of sources into a store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        detectors: Sequence[Detector],
        *,
        extract: Callable[..., Document] | None = None,
        on_item: Callable[[Item, str], None] | None = None,
    ):
        if extract is None:
            from scanner.extractors import extract
        self.config = config
        self.store = store
        self.detectors = list(detectors)
        self.extract = extract
        self.limits = extraction_limits(config.extraction)
        self.on_item = on_item or (lambda item, outcome: None)
        self._pending: list[tuple[str, list[dict], list[dict]]] = []
        self._pending_seen: list[str] = []
        self._pending_errors: list[tuple[str, str, str | None]] = []
        self._pending_exposure: list[tuple[str, str, bool]] = []
        # The person index (detectors/person_index.py): its entries are taken per item, stored with the findings.
        self.indexers = [d for d in self.detectors if hasattr(d, "take_index")]
        self._pending_index: dict[str, list | None] = {}
        if config.store.index_key_file:
            store.index_key_file = config.store.index_key_file

    # --- the run --------------------------------------------------------------------------------------------

    def run(self, sources: Sequence | None = None, kind: str = "scan") -> ScanSummary:
        sources = list(self.config.sources if sources is None else sources)

        def scan_all(summary: ScanSummary) -> None:
            for source in sources:
                self._scan_source(source, summary)

        return self._run([s.name for s in sources], kind, scan_all)

    def run_paths(
        self, source, paths: Iterable[str], moves: Iterable[tuple[str, str]] = (), kind: str = "watch"
    ) -> ScanSummary:
        """Bring what ``source`` holds at ``paths`` up to date (the agent's rescans of changed files/folders).

        ``moves`` (old, new) are applied first: the items are re-keyed with their history, then rescanned at
        their new place like any other path (an unchanged file is not read again). A path that no longer
        exists marks what the store had there gone.
        """
        paths, moves = list(paths), list(moves)
        return self._run([source.name], kind, lambda summary: self._scan_paths(source, paths, moves, summary))

    def _run(self, names: list[str], kind: str, work: Callable[[ScanSummary], object]) -> ScanSummary:
        started = time.monotonic()
        summary = ScanSummary(scan_id=self.store.start_scan(names, kind))
        self.summary = summary
        try:
            work(summary)
            summary.status = "completed"
        except KeyboardInterrupt:
            summary.status = "interrupted"
            raise
        except BaseException:
            summary.status = "failed"
            raise
        finally:
            self._flush()
            summary.seconds = time.monotonic() - started
            summary.findings = self.store.findings_totals()
            self.store.finish_scan(summary.scan_id, summary.status, summary.counts())
        return summary

    def _scan_source(self, source, summary: ScanSummary) -> None:
        connector = connector_for(source)
        try:
            for item in connector.items(lambda loc, reason: self._error(loc, reason)):
                summary.items_seen += 1
                self._scan_top_level(item, summary)
                if len(self._pending) + len(self._pending_seen) >= self.config.scan.batch_size:
                    self._flush()
        except SourceUnavailable as exc:
            # Without a full listing we cannot tell vanished items from unreachable ones: mark nothing gone.
            self._error(source.name, f"source not scanned: {exc}")
            self._flush()
            return
        self._flush()
        with self.store.transaction():
            summary.gone += self.store.mark_gone(source.name, summary.scan_id)

    def _scan_paths(self, source, paths: list[str], moves: list[tuple[str, str]], summary: ScanSummary) -> None:
        connector = connector_for(source)
        sep = getattr(connector, "separator", "/")
        if moves:
            with self.store.transaction():
                for old, new in moves:
                    self.store.move_tree(source.name, old, new, sep)
        for path in dict.fromkeys(paths + [new for _, new in moves] + [old for old, _ in moves]):
            try:
                for item in connector.items_under(path, lambda loc, reason: self._error(loc, reason)):
                    summary.items_seen += 1
                    self._scan_top_level(item, summary)
                    if len(self._pending) + len(self._pending_seen) >= self.config.scan.batch_size:
                        self._flush()
            except SourceUnavailable as exc:
                self._error(path, f"not rescanned: {exc}")
                continue
            self._flush()
            with self.store.transaction():
                summary.gone += self.store.mark_gone(source.name, summary.scan_id, under=path, sep=sep)

    def _scan_top_level(self, item: Item, summary: ScanSummary) -> None:
        stored = self.store.stored_version(item.id)
        if stored is not None and stored.version == item.version:
            self._pending_seen.append(item.id)
            exposure = json.dumps(item.exposure.as_dict())
            if stored.exposure != exposure:
                self._pending_exposure.append((item.id, exposure, item.exposure.exposed))
            summary.items_unchanged += 1
            self.on_item(item, "unchanged")
            return
        rows: list[dict] = []
        findings: list[dict] = []
        self._pending_index[item.id] = [] if self.indexers else None
        self._scan_tree(item, item.id, rows, findings, summary)
        summary.bytes_scanned += item.size or 0
        self._pending.append((item.id, rows, findings))
        self.on_item(item, rows[0]["status"])

    # --- one item and its members -------------------------------------------------------------------------

    def _scan_tree(self, item: Item, root_id: str, rows: list[dict], findings: list[dict], summary) -> None:
        row = self._row(item, root_id)
        rows.append(row)
        summary.items_scanned += 1
        tally = FindingTally(self.config.store.keep_raw_values)
        children: Iterable[Item] = ()
        try:
            with time_limit(self.config.scan.item_timeout):
                doc = self.extract(item, self.limits)
                row["file_type"] = doc.file_type
                children = doc.children
                if doc.encrypted:
                    raise Encrypted()
                if doc.not_scanned:
                    raise NotScanned(doc.not_scanned)
                chars = 0
                for batch in batches(doc.segments):
                    chars += len(batch.text)
                    found: list[Finding] = []
                    for detector in self.detectors:
                        found.extend(detector.detect(batch, found))
                    for finding in found:
                        tally.add(finding)
                row["text_chars"] = chars
                row.update(tally.date_columns())
        except Encrypted:
            row.update(status="encrypted", encrypted=1, reason="password-protected: content not inspected")
            summary.encrypted += 1
        except NotScanned as exc:
            row.update(status="not_scanned", reason=f"not scanned: {_reason(exc)}")
        except Exception as exc:  # noqa: BLE001 - a per-item failure is data, never the end of the scan
            reason = _reason(exc)
            row.update(status="error", reason=reason)
            self._error(item.location, reason, item.id)
            log.debug("extraction failed for %s", item.location, exc_info=True)
        findings.extend(tally.rows(item.id, root_id))
        for indexer in self.indexers:
            entries = indexer.take_index()
            if row["status"] in ("scanned", "error") and self._pending_index.get(root_id) is not None:
                self._pending_index[root_id].append((item.id, entries))
        try:
            for child in children:
                self._scan_tree(child, root_id, rows, findings, summary)
        except Exception as exc:  # noqa: BLE001 - a broken archive listing fails its parent, not the scan
            reason = f"members not all read: {_reason(exc)}"
            if row["status"] == "scanned":
                row.update(status="error", reason=reason)
            self._error(item.location, reason, item.id)

    def _row(self, item: Item, root_id: str) -> dict:
        scan_id = self.summary.scan_id
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
        }

    # --- store writes, in batches ---------------------------------------------------------------------------

    def _error(self, location: str, reason: str, item_id: str | None = None) -> None:
        self.summary.errors += 1
        self._pending_errors.append((location, reason, item_id))

    def _flush(self) -> None:
        if not (self._pending or self._pending_seen or self._pending_errors or self._pending_exposure):
            return
        scan_id = self.summary.scan_id
        with self.store.transaction():
            for root_id, rows, findings in self._pending:
                self.store.replace_tree(root_id, rows, findings, index=self._pending_index.get(root_id))
            for seen_id in self._pending_seen:
                self.store.mark_seen(seen_id, scan_id)
            for root_id, exposure, exposed in self._pending_exposure:
                self.store.update_exposure(root_id, exposure, exposed)
            for location, reason, failed_id in self._pending_errors:
                self.store.record_error(scan_id, location, reason, failed_id)
        self._pending, self._pending_seen, self._pending_errors, self._pending_exposure = [], [], [], []
        self._pending_index = {}

