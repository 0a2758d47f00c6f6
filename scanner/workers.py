"""``scan.workers``: processes that read and check items (``scanner.item_scan.ItemScanner``) for the scanning
process, which lists the share, skips what is unchanged and writes the store (``scanner.engine``). With one
worker the items are read and checked in the scanning process, in chunks all the same (``InlinePool``)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from scanner.config import Config
from scanner.item_scan import ItemScanner, TreeResult, failed_tree, failure_reason
from scanner.items import Item

log = logging.getLogger("gdprscan.engine")

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
    return _worker.scan_many(items, scan_id)


WORKER_DIED = "the process reading it stopped (it crashed or was killed): not checked"


class Chunks:
    """Items to read and check, gathered into chunks: an ``ItemScanner`` reads a chunk's items before checking
    them, so its detectors see many texts at once (NER reads them in one call)."""

    CHUNK_ITEMS = 64
    CHUNK_BYTES = 4 * 1024**2

    def __init__(self):
        self.chunk: list[Item] = []
        self.chunk_bytes = 0

    def submit(self, item: Item, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        """Queue ``item``; yields results of items queued before, when a chunk is done."""
        self.chunk.append(item)
        self.chunk_bytes += item.size or 0
        if len(self.chunk) >= self.CHUNK_ITEMS or self.chunk_bytes >= self.CHUNK_BYTES:
            yield from self._full(scan_id)

    def take_chunk(self) -> list[Item]:
        chunk, self.chunk, self.chunk_bytes = self.chunk, [], 0
        return chunk

    def _full(self, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        raise NotImplementedError


class InlinePool(Chunks):
    """Items read and checked in this process (``scan.workers: 1``), a chunk at a time."""

    def __init__(self, scanner: ItemScanner):
        super().__init__()
        self.scanner = scanner

    def _full(self, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        return self.drain(scan_id)

    def drain(self, scan_id: int, until: int = 0) -> Iterator[tuple[Item, TreeResult]]:
        """Read and check every item queued."""
        chunk = self.take_chunk()
        if chunk:
            yield from zip(chunk, self.scanner.scan_many(chunk, scan_id))

    def close(self, finished: bool) -> None:
        self.take_chunk()


class WorkerPool(Chunks):
    """``scan.workers`` processes reading and checking items; the scanning process lists, skips unchanged items
    and writes the store. Items go to the workers in chunks (fewer, larger messages), and a few chunks per
    worker are in flight at once, so no worker waits while a batch is written and memory stays bounded.

    A worker that dies (a crash inside a C library, the out-of-memory killer) breaks the whole pool: the items
    in flight are then retried one at a time in a new pool, so only the item that kills its worker again is
    recorded as an error and the others are checked as usual.
    """

    CHUNKS_PER_WORKER = 3

    def __init__(self, config: Config, workers: int, index_key: bytes):
        super().__init__()
        self.config = config
        self.workers = workers
        self.index_key = index_key
        self.limit = self.CHUNKS_PER_WORKER * workers
        self.in_flight: dict[Future, list[Item]] = {}
        self.executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: the scanning process may hold threads (the agent's watcher) and an open store.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.config, self.index_key))

    def _full(self, scan_id: int) -> Iterator[tuple[Item, TreeResult]]:
        """Send the chunk; yields finished results while too many are in flight."""
        self._send(scan_id)
        return self.drain(scan_id, self.limit - 1)

    def _send(self, scan_id: int, parts: int = 1) -> None:
        """Send the chunk, in ``parts`` of about the same size."""
        chunk = self.take_chunk()
        for part in (chunk[i::parts] for i in range(parts)):
            if part:
                self.in_flight[self.executor.submit(_scan_in_worker, part, scan_id)] = part

    def drain(self, scan_id: int, until: int = 0) -> Iterator[tuple[Item, TreeResult]]:
        """Yield finished results until at most ``until`` chunks are in flight (0: everything queued; the last
        chunk is shared among the workers, so a rescan of a few files uses them all)."""
        if until == 0:
            self._send(scan_id, parts=self.workers)
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
                    yield from ((item, failed_tree(item, scan_id, failure_reason(exc))) for item in items)

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
                result = failed_tree(item, scan_id, failure_reason(exc))
            yield item, result

    def close(self, finished: bool) -> None:
        """Stop the workers; unless ``finished``, without waiting for the items they are reading."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            for process in processes:
                process.terminate()
