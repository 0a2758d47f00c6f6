"""The scan loop: connector items → extraction → detectors → store, incremental by version token.

An unchanged item costs a stat (its version is compared with the store's); a changed item is extracted again
and its findings replaced; an item a completed listing no longer yields is marked gone. A failure on one item
is recorded with its reason and the scan goes on. Work is committed in batches, so an interrupted scan keeps
what it finished and the next run carries on from there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field

from connectors import SourceUnavailable, connector_for
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
    items_unchanged: int = 0  # top-level items skipped as unchanged (same version, or touched with the same bytes)
    items_copied: int = 0  # top-level items with the same bytes as one read earlier in this scan: results copied
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
            "items_copied": self.items_copied,
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


READING_SETTINGS = "reading_settings"  # store meta: a digest of what the findings were made with


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gdprscan")
    except PackageNotFoundError:
        return "unknown"


# --- the same bytes are not read twice -------------------------------------------------------------------------

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


def _fully_read(result: TreeResult) -> bool:
    """Every part of the item read (no errors, no time-outs): a result another copy of the bytes can take."""
    return not result.errors and all(row["status"] != "error" for row in result.rows)


def _small(result: TreeResult) -> bool:
    return result.index is None or sum(len(entries) for _, entries in result.index) <= REMEMBERED_INDEX_ENTRIES


def failed_tree(item: Item, scan_id: int, reason: str) -> TreeResult:
    """The result for an item that could not be read at all (its worker process died)."""
    row = item_row(item, item.id, scan_id)
    row.update(status="error", reason=reason)
    return TreeResult([row], [], None, [(item.location, reason, item.id)])


class ItemScanner:
    """Reads one item and its members and runs the detectors: extraction → detectors → rows and findings.

    It touches no store, so it runs the same in the scanning process and in a worker process (``WorkerPool``).
    """

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

    def scan(self, item: Item, scan_id: int) -> TreeResult:
        result = TreeResult([], [], [] if self.indexers else None, [])
        self._scan_tree(item, item.id, scan_id, result)
        return result

    def _scan_tree(self, item: Item, root_id: str, scan_id: int, result: TreeResult) -> None:
        row = item_row(item, root_id, scan_id)
        result.rows.append(row)
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
        except NotScanned as exc:
            row.update(status="not_scanned", reason=f"not scanned: {_reason(exc)}")
        except Exception as exc:  # noqa: BLE001 - a per-item failure is data, never the end of the scan
            reason = _reason(exc)
            row.update(status="error", reason=reason)
            result.errors.append((item.location, reason, item.id))
            log.debug("extraction failed for %s", item.location, exc_info=True)
        result.findings.extend(tally.rows(item.id, root_id))
        for indexer in self.indexers:
            entries = indexer.take_index()
            if row["status"] in ("scanned", "error"):
                result.index.append((item.id, name_index.hashed_entries(self.index_key, entries)))
        try:
            for child in children:
                self._scan_tree(child, root_id, scan_id, result)
        except Exception as exc:  # noqa: BLE001 - a broken archive listing fails its parent, not the scan
            reason = f"members not all read: {_reason(exc)}"
            if row["status"] == "scanned":
                row.update(status="error", reason=reason)
            result.errors.append((item.location, reason, item.id))


# --- worker processes (scan.workers) ------------------------------------------------------------------------

_worker: ItemScanner | None = None
_worker_start_error: BaseException | None = None


class WorkerStartError(Exception):
    """A worker process could not build its detectors; ``args[0]`` is why (a ``ConfigError`` for a missing model)."""


def _start_worker(config: Config, index_key: bytes) -> None:
    """A worker process's start: its own detectors (and spaCy model). Ctrl-C is the scanning process's to handle.

    A failure is kept and raised with the first item, so the scan stops with the reason (an exception here
    would only say that the pool broke)."""
    global _worker, _worker_start_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    try:
        from detectors import build_detectors

        _worker = ItemScanner(config, build_detectors(config.detection), index_key=index_key)
    except Exception as exc:  # noqa: BLE001 - reported to the scanning process with the first item
        _worker_start_error = exc


def _exit_with_parent() -> None:
    """A worker of a scanning process that was killed (SIGKILL, the out-of-memory killer) is not left behind."""
    multiprocessing.parent_process().join()
    os._exit(1)


def _scan_in_worker(items: list[Item], scan_id: int) -> list[TreeResult]:
    if _worker is None:
        raise WorkerStartError(_worker_start_error)
    return [_worker.scan(item, scan_id) for item in items]


WORKER_DIED = "the process reading it stopped (it crashed or was killed): not checked"


class WorkerPool:
    """``scan.workers`` processes reading and checking items; the scanning process lists, skips unchanged items
    and writes the store. Items go to the workers in small chunks (fewer, larger messages), and a few chunks
    per worker are in flight at once, so no worker waits while a batch is written and memory stays bounded.

    A worker that dies (a crash inside a C library, the out-of-memory killer) breaks the whole pool: the items
    in flight are then retried one at a time in a new pool, so only the item that kills its worker again is
    recorded as an error and the others are checked as usual.
    """

    CHUNK_ITEMS = 8
    CHUNK_BYTES = 4 * 1024**2
    CHUNKS_PER_WORKER = 3

    def __init__(self, config: Config, workers: int, index_key: bytes):
        self.config = config
        self.workers = workers
        self.index_key = index_key
        self.limit = self.CHUNKS_PER_WORKER * workers
        self.in_flight: dict[Future, list[Item]] = {}
        self.chunk: list[Item] = []
        self.chunk_bytes = 0
        self.executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: the scanning process may hold threads (the agent's watcher) and an open store.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.config, self.index_key))

    def submit(self, item: Item, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        """Queue ``item``; yields finished results while too many are in flight."""
        self.chunk.append(item)
        self.chunk_bytes += item.size or 0
        if len(self.chunk) >= self.CHUNK_ITEMS or self.chunk_bytes >= self.CHUNK_BYTES:
            self._send(scan_id)
            yield from self.drain(scan_id, self.limit - 1)

    def _send(self, scan_id: int) -> None:
        if self.chunk:
            self.in_flight[self.executor.submit(_scan_in_worker, self.chunk, scan_id)] = self.chunk
            self.chunk, self.chunk_bytes = [], 0

    def drain(self, scan_id: int, until: int = 0) -> Iterator[tuple[Item, TreeResult]]:
        """Yield finished results until at most ``until`` chunks are in flight (0: everything queued)."""
        if until == 0:
            self._send(scan_id)
        while len(self.in_flight) > until:
            done, _ = wait(self.in_flight, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                yield from self._recover(scan_id)
                continue
            for future in done:
                items = self.in_flight.pop(future)
                exc = future.exception()
                if isinstance(exc, WorkerStartError):
                    raise exc.args[0] from None
                if exc is None:
                    yield from zip(items, future.result())
                else:
                    yield from ((item, failed_tree(item, scan_id, _reason(exc))) for item in items)

    def _recover(self, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        suspects = []
        for future, items in self.in_flight.items():
            if future.done() and future.exception() is None:
                yield from zip(items, future.result())
            else:
                suspects.extend(items)
        self.in_flight = {}
        self.executor.shutdown(wait=False, cancel_futures=True)
        log.warning("a worker process stopped; retrying its %d item(s) one at a time", len(suspects))
        self.executor = self._new_executor()
        for item in suspects:
            try:
                [result] = self.executor.submit(_scan_in_worker, [item], scan_id).result()
            except BrokenProcessPool:
                result = failed_tree(item, scan_id, WORKER_DIED)
                self.executor = self._new_executor()
            except WorkerStartError as exc:
                raise exc.args[0] from None
            except Exception as exc:  # noqa: BLE001 - as in drain: the item's failure, not the scan's
                result = failed_tree(item, scan_id, _reason(exc))
            yield item, result

    def close(self, finished: bool) -> None:
        """Stop the workers; unless ``finished``, without waiting for the items they are reading."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            for process in processes:
                process.terminate()


class Engine:
    """Runs one scan over a list of sources into a store.

    ``detectors``: the detectors to run in this process; None builds them from ``config.detection`` when first
    needed. ``workers``: with more than 1, a full scan of a source whose items open in another process
    (``Connector.process_safe``) is read and checked in that many worker processes, each building its own
    detectors from the configuration (the same detectors, when ``detectors`` were built from it too). By
    default ``scan.workers`` when no detectors are given, else 1 (tests hand in detectors of their own).
    """

    def __init__(
        self,
        config: Config,
        store: Store,
        detectors: Sequence[Detector] | None = None,
        *,
        extract: Callable[..., Document] | None = None,
        on_item: Callable[[Item, str], None] | None = None,
        workers: int | None = None,
        reread: bool = False,
    ):
        self.config = config
        self.store = store
        self._detectors = None if detectors is None else list(detectors)
        self.workers = workers if workers is not None else config.scan.workers if detectors is None else 1
        self.reread = reread  # read every item again, changed or not (``gdprscan scan --reread``)
        self._extract = extract
        self._scanner: ItemScanner | None = None
        self._index_key: bytes | None = None
        self._pool: WorkerPool | None = None
        self._use_pool = False
        self.on_item = on_item or (lambda item, outcome: None)
        self._pending: list[tuple[str, list[dict], list[dict]]] = []
        self._pending_seen: list[str] = []
        self._pending_errors: list[tuple[str, str, str | None]] = []
        self._pending_exposure: list[tuple[str, str, bool]] = []
        self._pending_index: dict[str, list | None] = {}
        self._pending_touched: list[tuple[str, str, str | None]] = []  # (id, version, modified): same bytes
        self._digests: dict[str, str] = {}  # item id → digest of its bytes, for items being read
        self._read: OrderedDict[str, tuple[Item, TreeResult]] = OrderedDict()  # digest → a result of this scan
        if config.store.index_key_file:
            store.index_key_file = config.store.index_key_file

    @property
    def detectors(self) -> list[Detector]:
        if self._detectors is None:
            from detectors import build_detectors

            self._detectors = build_detectors(self.config.detection)
        return self._detectors

    @property
    def scanner(self) -> ItemScanner:
        if self._scanner is None:
            self._scanner = ItemScanner(self.config, self.detectors, self._extract, self._index_key)
        return self._scanner

    # --- the run --------------------------------------------------------------------------------------------

    def run(self, sources: Sequence | None = None, kind: str = "scan") -> ScanSummary:
        sources = list(self.config.sources if sources is None else sources)

        def scan_all(summary: ScanSummary) -> None:
            for source in sources:
                self._scan_source(source, summary)

        self._use_pool = self.workers > 1 and self._extract is None
        return self._run([s.name for s in sources], kind, scan_all)

    def run_paths(
        self, source, paths: Iterable[str], moves: Iterable[tuple[str, str]] = (), kind: str = "watch"
    ) -> ScanSummary:
        """Bring what ``source`` holds at ``paths`` up to date (the agent's rescans of changed files/folders).

        ``moves`` (old, new) are applied first: the items are re-keyed with their history, then rescanned at
        their new place like any other path (an unchanged file is not read again). A path that no longer
        exists marks what the store had there gone. A few files at a time: always in this process.
        """
        paths, moves = list(paths), list(moves)
        self._use_pool = False
        return self._run([source.name], kind, lambda summary: self._scan_paths(source, paths, moves, summary))

    def _run(self, names: list[str], kind: str, work: Callable[[ScanSummary], object]) -> ScanSummary:
        started = time.monotonic()
        # Loaded (or made) before anything is read: a lost key resets the index and has every item re-read.
        self._index_key = name_index.load_key(self.store, create=True)
        self._reread_if_settings_changed()
        if self._scanner is not None:
            self._scanner.index_key = self._index_key
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
            if self._pool is not None:
                self._pool.close(finished=summary.status == "completed")
                self._pool = None
            self._flush()
            summary.seconds = time.monotonic() - started
            summary.findings = self.store.findings_totals()
            self.store.finish_scan(summary.scan_id, summary.status, summary.counts())
        return summary

    def _reread_if_settings_changed(self) -> None:
        """Findings depend on the detection and extraction settings and on gdprscan's version: when these differ
        from the ones the store's findings were made with (or ``reread`` asks for it), every item is marked to be
        read again, in the store, so an interrupted re-read carries on. The roster's contents are left out (an
        MIS export changes weekly; a re-read of every share each time would not be wanted): its path counts."""
        settings = json.dumps(
            {"detection": self.config.detection.model_dump(mode="json"),
             "extraction": self.config.extraction.model_dump(mode="json"), "gdprscan": _version()},
            sort_keys=True,
        )
        fingerprint = hashlib.sha256(settings.encode()).hexdigest()[:16]
        stored = self.store.meta(READING_SETTINGS)
        if self.reread or (stored is not None and stored != fingerprint):
            why = "reread asked for" if self.reread else "settings changed"
            log.warning("%s: every item is read again by this scan", why)
            with self.store.transaction():
                name_index.reread_everything(self.store.db, why)
        if stored != fingerprint:
            self.store.set_meta(READING_SETTINGS, fingerprint)

    def _scan_source(self, source, summary: ScanSummary) -> None:
        connector = connector_for(source)
        pool = None
        if self._use_pool and getattr(connector, "process_safe", False):
            pool = self._pool = self._pool or WorkerPool(self.config, self.workers, self._index_key)
        try:
            for item in connector.items(lambda loc, reason: self._error(loc, reason)):
                summary.items_seen += 1
                self._scan_top_level(item, summary, pool)
                if len(self._pending) + len(self._pending_seen) >= self.config.scan.batch_size:
                    self._flush()
        except SourceUnavailable as exc:
            # Without a full listing we cannot tell vanished items from unreachable ones: mark nothing gone.
            self._error(source.name, f"source not scanned: {exc}")
            self._finish_pool(pool, summary)
            self._flush()
            return
        self._finish_pool(pool, summary)
        self._flush()
        with self.store.transaction():
            summary.gone += self.store.mark_gone(source.name, summary.scan_id)

    def _finish_pool(self, pool: WorkerPool | None, summary: ScanSummary) -> None:
        """Take every result still in the workers (before anything is marked gone)."""
        if pool is not None:
            for item, result in pool.drain(summary.scan_id):
                self._accept(item, result, summary)

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

    def _scan_top_level(self, item: Item, summary: ScanSummary, pool: WorkerPool | None = None) -> None:
        stored = self.store.stored_version(item.id)
        if stored is not None and stored.version == item.version:
            self._unchanged(item, stored, summary)
            return
        digest = content_digest(item)
        if digest is not None and stored is not None and stored.content_hash == digest:
            # Touched (a new time) but the same bytes: the findings stand.
            self._pending_touched.append((item.id, item.version, item.modified.isoformat() if item.modified else None))
            self._unchanged(item, stored, summary)
            return
        if digest is not None and digest in self._read:
            # A copy of a file read earlier in this scan: its results, at this place.
            original, result = self._read[digest]
            summary.items_copied += 1
            self._accept(item, copied_tree(original, result, item, summary.scan_id), summary, read=False)
            return
        if digest is not None:
            self._digests[item.id] = digest
        if pool is None:
            self._accept(item, self.scanner.scan(item, summary.scan_id), summary)
            return
        for done, result in pool.submit(item, summary.scan_id):
            self._accept(done, result, summary)

    def _unchanged(self, item: Item, stored, summary: ScanSummary) -> None:
        self._pending_seen.append(item.id)
        exposure = json.dumps(item.exposure.as_dict())
        if stored.exposure != exposure:
            self._pending_exposure.append((item.id, exposure, item.exposure.exposed))
        summary.items_unchanged += 1
        self.on_item(item, "unchanged")

    def _accept(self, item: Item, result: TreeResult, summary: ScanSummary, read: bool = True) -> None:
        """Count one item's result and queue it for the next store transaction."""
        if read:
            summary.items_scanned += len(result.rows)
            summary.encrypted += sum(row["status"] == "encrypted" for row in result.rows)
            summary.bytes_scanned += item.size or 0
            digest = self._digests.pop(item.id, None)
            if digest is not None and _fully_read(result):
                result.rows[0]["content_hash"] = digest  # a touched copy of these bytes is not read again
                if _small(result):
                    self._read[digest] = (item, result)
                    if len(self._read) > REMEMBERED_TREES:
                        self._read.popitem(last=False)
        for location, reason, failed_id in result.errors:
            self._error(location, reason, failed_id)
        self._pending.append((item.id, result.rows, result.findings))
        self._pending_index[item.id] = result.index
        self.on_item(item, result.rows[0]["status"])

    # --- store writes, in batches ---------------------------------------------------------------------------

    def _error(self, location: str, reason: str, item_id: str | None = None) -> None:
        self.summary.errors += 1
        self._pending_errors.append((location, reason, item_id))

    def _flush(self) -> None:
        if not (self._pending or self._pending_seen or self._pending_errors or self._pending_exposure):
            return  # (touched items are always also in _pending_seen)
        scan_id = self.summary.scan_id
        with self.store.transaction():
            for root_id, version, modified in self._pending_touched:
                self.store.keep_content(root_id, version, modified)
            self.store.replace_trees(
                [(root_id, rows, findings, self._pending_index.get(root_id)) for root_id, rows, findings in self._pending]
            )
            for seen_id in self._pending_seen:
                self.store.mark_seen(seen_id, scan_id)
            for root_id, exposure, exposed in self._pending_exposure:
                self.store.update_exposure(root_id, exposure, exposed)
            for location, reason, failed_id in self._pending_errors:
                self.store.record_error(scan_id, location, reason, failed_id)
        self._pending, self._pending_seen, self._pending_errors, self._pending_exposure = [], [], [], []
        self._pending_index, self._pending_touched = {}, []

