"""The scan loop: connector items → extraction → detectors → store, incremental by version token.

An unchanged item costs a stat (its version is compared with the store's); a changed item is extracted again
and its findings replaced; an item a completed listing no longer yields is marked gone. A failure on one item
is recorded with its reason and the scan goes on. Work is committed in batches, so an interrupted scan keeps
what it finished and the next run carries on from there.

One item is read and checked by ``scanner.item_scan``, here or in worker processes (``scanner.workers``); a file
with the same bytes as one already read is not read again (``scanner.copies``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from connectors import SourceUnavailable, connector_for
from scanner import name_index
from scanner.config import Config
from scanner.copies import REMEMBERED_TREES, content_digest, copied_tree, fully_read, small_enough
from scanner.item_scan import ItemScanner, TreeResult
from scanner.items import Detector, Document, Item
from scanner.store import Store
from scanner.workers import Chunks, InlinePool, WorkerPool

log = logging.getLogger("gdprscan.engine")


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


READING_SETTINGS = "reading_settings"  # store meta: a digest of what the findings were made with


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gdprscan")
    except PackageNotFoundError:
        return "unknown"


class Engine:
    """Runs one scan over a list of sources into a store.

    ``detectors``: the detectors to run in this process; None builds them from ``config.detection`` when first
    needed. ``workers``: with more than 1, a full scan of a source whose items open in another process
    (``Connector.process_safe``) is read and checked in that many worker processes, each building its own
    detectors from the configuration (the same detectors, when ``detectors`` were built from it too). By
    default ``scan.workers`` when no detectors are given, else 1 (tests hand in detectors of their own). In
    one process too, such a source's items are read a chunk at a time and then checked together
    (``InlinePool``), so detectors see many texts at once; copies of an item being read wait for its result.
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
        self.on_item = on_item or (lambda item, outcome: None)
        self._pending: list[tuple[str, list[dict], list[dict], list | None]] = []  # (root id, rows, findings, index)
        self._pending_seen: list[str] = []
        self._pending_errors: list[tuple[str, str, str | None]] = []
        self._pending_exposure: list[tuple[str, str, bool]] = []
        self._pending_touched: list[tuple[str, str, str | None]] = []  # (id, version, modified): same bytes
        self._digests: dict[str, str] = {}  # item id → digest of its bytes, for items being read
        self._read: OrderedDict[str, tuple[Item, TreeResult]] = OrderedDict()  # digest → a result of this scan
        # Copies of an item being read (queued in a chunk) wait for its result: digest → the copies.
        self._waiting: dict[str, list[Item]] = {}
        self._unread: list[Item] = []  # copies whose original's result could not serve: read on their own
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
                self.store.reread_everything(why)
        if stored != fingerprint:
            self.store.set_meta(READING_SETTINGS, fingerprint)

    def _scan_source(self, source, summary: ScanSummary) -> None:
        connector = connector_for(source)
        pool: Chunks | None = None  # None: items open through the listing's connection, read as they are listed
        # Worker processes build their detectors from the configuration, and use the real extractors.
        if self.workers > 1 and self._extract is None and connector.process_safe:
            pool = self._pool = self._pool or WorkerPool(self.config, self.workers, self._index_key)
        elif connector.process_safe:
            pool = InlinePool(self.scanner)
        try:
            self._scan_items(connector.items(lambda loc, reason: self._error(loc, reason)), summary, pool)
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

    def _finish_pool(self, pool: Chunks | None, summary: ScanSummary) -> None:
        """Take every result still in the workers (before anything is marked gone)."""
        if pool is not None:
            while True:
                for item, result in pool.drain(summary.scan_id):
                    self._accept(item, result, summary)
                if not self._unread:
                    break
                self._read_unread(summary, pool)

    def _read_unread(self, summary: ScanSummary, pool: Chunks | None) -> None:
        while self._unread:
            self._scan_top_level(self._unread.pop(0), summary, pool)

    def _scan_paths(self, source, paths: list[str], moves: list[tuple[str, str]], summary: ScanSummary) -> None:
        connector = connector_for(source)
        sep = getattr(connector, "separator", "/")
        if moves:
            with self.store.transaction():
                for old, new in moves:
                    self.store.move_tree(source.name, old, new, sep)
        for path in dict.fromkeys(paths + [new for _, new in moves] + [old for old, _ in moves]):
            try:
                self._scan_items(connector.items_under(path, lambda loc, reason: self._error(loc, reason)), summary)
            except SourceUnavailable as exc:
                self._error(path, f"not rescanned: {exc}")
                continue
            self._flush()
            with self.store.transaction():
                summary.gone += self.store.mark_gone(source.name, summary.scan_id, under=path, sep=sep)

    def _scan_items(self, items: Iterable[Item], summary: ScanSummary, pool: Chunks | None = None) -> None:
        for item in items:
            summary.items_seen += 1
            self._scan_top_level(item, summary, pool)
            self._read_unread(summary, pool)
            if len(self._pending) + len(self._pending_seen) >= self.config.scan.batch_size:
                self._flush()

    def _scan_top_level(self, item: Item, summary: ScanSummary, pool: Chunks | None = None) -> None:
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
        if digest is not None and digest in self._waiting:
            self._waiting[digest].append(item)  # a copy of a file being read: it takes that result when it comes
            return
        if digest is not None:
            self._digests[item.id] = digest
            self._waiting[digest] = []
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
            copies = self._waiting.pop(digest, []) if digest is not None else []
            if digest is not None and fully_read(result):
                result.rows[0]["content_hash"] = digest  # a touched copy of these bytes is not read again
                if small_enough(result):
                    self._read[digest] = (item, result)
                    if len(self._read) > REMEMBERED_TREES:
                        self._read.popitem(last=False)
        for location, reason, failed_id in result.errors:
            self._error(location, reason, failed_id)
        self._pending.append((item.id, result.rows, result.findings, result.index))
        self.on_item(item, result.rows[0]["status"])
        if read:
            for copy in copies:
                if digest in self._read:
                    summary.items_copied += 1
                    self._accept(copy, copied_tree(item, result, copy, summary.scan_id), summary, read=False)
                else:
                    self._unread.append(copy)

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
            self.store.replace_trees(self._pending)
            for seen_id in self._pending_seen:
                self.store.mark_seen(seen_id, scan_id)
            for root_id, exposure, exposed in self._pending_exposure:
                self.store.update_exposure(root_id, exposure, exposed)
            for location, reason, failed_id in self._pending_errors:
                self.store.record_error(scan_id, location, reason, failed_id)
        self._pending, self._pending_seen, self._pending_errors, self._pending_exposure = [], [], [], []
        self._pending_touched = []
