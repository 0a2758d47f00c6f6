"""The monitoring agent: keeps the store current between nightly scans.

Watchdog observers report files created, changed, moved and deleted in the filesystem sources; once a folder
has been quiet for ``agent.debounce_seconds`` the changed paths are rescanned through the engine (a move keeps
the item's history, a delete marks it gone). The nightly incremental scan of every source runs at
``schedule.nightly`` (cron syntax, local time), and at start-up when the last one was missed. The agent holds
the store's lock for its whole life, so it is the only writer; SIGTERM or SIGINT stops it between two store
transactions, leaving the store consistent.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scanner.config import Config, FilesystemSource
from scanner.engine import Engine
from scanner.items import Detector
from scanner.store import Store

log = logging.getLogger("gdprscan.agent")


class Stopping(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM/SIGINT while it is scanning: the engine records 'interrupted'."""


def next_run(cron: str | None, after: datetime | None = None) -> datetime | None:
    """The next time ``cron`` fires after ``after`` (default now), in local time."""
    if not cron:
        return None
    from croniter import croniter

    return croniter(cron, (after or datetime.now()).astimezone()).get_next(datetime)


def previous_run(cron: str | None, before: datetime | None = None) -> datetime | None:
    if not cron:
        return None
    from croniter import croniter

    return croniter(cron, (before or datetime.now()).astimezone()).get_prev(datetime)


@dataclass
class PendingChanges:
    """Paths to rescan and moves to apply, per source, collected between two debounced rescans."""

    paths: dict[str, dict[str, None]] = field(default_factory=dict)  # source → ordered set of paths
    moves: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    first: float | None = None
    last: float | None = None

    def add(self, source: str, path: str | None = None, move: tuple[str, str] | None = None) -> None:
        now = time.monotonic()
        self.first = self.first or now
        self.last = now
        if move:
            self.moves.setdefault(source, []).append(move)
        if path:
            self.paths.setdefault(source, {})[path] = None

    def due(self, debounce: float, max_delay: float) -> bool:
        if self.last is None:
            return False
        now = time.monotonic()
        return now - self.last >= debounce or now - self.first >= max_delay

    def __bool__(self) -> bool:
        return self.last is not None


class _Forwarder:
    """A watchdog event handler that turns events into (source, kind, path, dest) on a queue."""

    def __init__(self, source: str, events: queue.Queue, ignore: Callable[[str], bool]):
        self.source = source
        self.events = events
        self.ignore = ignore

    def dispatch(self, event) -> None:
        kind = event.event_type
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(getattr(event, "dest_path", "") or "")
        if kind in ("opened", "closed_no_write") or (event.is_directory and kind in ("modified", "closed")):
            return  # reading a file, or a folder's own timestamp: nothing to rescan
        if self.ignore(src) and (not dest or self.ignore(dest)):
            return
        self.events.put((self.source, kind, src, dest))


class Agent:
    """``Agent(config, store, detectors).run()`` until SIGTERM/SIGINT (or ``stop()``)."""

    def __init__(
        self,
        config: Config,
        store: Store,
        detectors: Sequence[Detector],
        *,
        extract=None,
        on_update: Callable[[str, object], None] | None = None,
    ):
        self.config = config
        self.store = store
        self.detectors = list(detectors)
        self.extract = extract
        self.on_update = on_update or (lambda what, summary: None)
        self.events: queue.Queue = queue.Queue()
        self.pending = PendingChanges()
        self.sources = {s.name: s for s in config.sources}
        self.watched = [s for s in config.sources if isinstance(s, FilesystemSource)]
        self._stop = threading.Event()
        self._busy = False
        self.next_nightly: datetime | None = None
        store_file = str(Path(config.store.path).absolute())
        # The store (and its -wal, -shm, .lock files) may sit inside a watched folder: never react to it.
        self._ignore = lambda path: path.startswith(store_file)

    # --- lifecycle ------------------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def _on_signal(self, signum, frame) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        already = self._stop.is_set()
        self._stop.set()
        if self._busy and not already:
            raise Stopping()

    def run(self) -> None:
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                handlers[sig] = signal.signal(sig, self._on_signal)
        observers = self._start_observers()
        self.store.set_meta("agent_started", datetime.now().astimezone().isoformat(timespec="seconds"))
        try:
            if self._missed_nightly():
                log.info("no scan since the last scheduled one: scanning every source now")
                self._nightly()
            self._schedule_next()
            while not self._stop.is_set():
                self._drain(timeout=0.2)
                if self.pending.due(self.config.agent.debounce_seconds, self.config.agent.max_delay_seconds):
                    self._rescan_changes()
                if self.next_nightly and datetime.now().astimezone() >= self.next_nightly:
                    self._nightly()
                    self._schedule_next()
        except Stopping:
            pass
        finally:
            for observer in observers:
                observer.stop()
            for observer in observers:
                observer.join(timeout=10)
            self.store.set_meta("agent_next_nightly", None)
            for sig, previous in handlers.items():
                signal.signal(sig, previous)
            log.info("agent stopped; the store is consistent")

    # --- watching -----------------------------------------------------------------------------------------

    def _start_observers(self) -> list:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        poll = self.config.agent.poll_interval
        observers = []
        for source in self.watched:
            observer = PollingObserver(timeout=poll) if poll else Observer()
            handler = _Forwarder(source.name, self.events, self._ignore)
            for root in source.paths:
                if root.is_dir():
                    observer.schedule(handler, str(root), recursive=True)
                elif root.exists():
                    observer.schedule(handler, str(root.parent), recursive=False)
                else:
                    log.warning("%s: not watched (no such folder); the nightly scan will report it", root)
            observer.start()
            observers.append(observer)
        log.info("watching %d source(s)", len(observers))
        return observers

    def _drain(self, timeout: float) -> None:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._note(*event)
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return

    def _note(self, source: str, kind: str, src: str, dest: str) -> None:
        if kind == "moved":
            self.pending.add(source, move=(src, dest))
        else:
            self.pending.add(source, path=src)

    def _rescan_changes(self) -> None:
        pending, self.pending = self.pending, PendingChanges()
        for name in sorted(set(pending.paths) | set(pending.moves)):
            source = self.sources[name]
            paths = [p for p in pending.paths.get(name, {}) if not self._ignore(p)]
            moves = pending.moves.get(name, [])
            summary = self._engine().run_paths(source, paths, moves, kind="watch")
            log.info(
                "%s: %d change(s): %d read, %d unchanged, %d gone, %d error(s)",
                name, len(paths) + len(moves), summary.items_scanned, summary.items_unchanged, summary.gone,
                summary.errors,
            )
            self.on_update("watch", summary)

    # --- the nightly scan -------------------------------------------------------------------------------

    def _missed_nightly(self) -> bool:
        cron = self.config.schedule.nightly
        if not cron:
            return False
        last = self.store.last_scan(completed_only=True, full_only=True)
        if last is None:
            return True
        return datetime.fromisoformat(last["started"]) < previous_run(cron)

    def _schedule_next(self) -> None:
        self.next_nightly = next_run(self.config.schedule.nightly)
        when = self.next_nightly.isoformat(timespec="minutes") if self.next_nightly else None
        self.store.set_meta("agent_next_nightly", when)
        if when:
            log.info("next nightly scan: %s", when)

    def _nightly(self) -> None:
        # Changes noticed during the scan are rescanned after it (an unchanged file costs a stat).
        log.info("nightly scan of %d source(s) starting", len(self.config.sources))
        summary = self._engine().run(kind="nightly")
        log.info(
            "nightly scan %s: %d items listed, %d read, %d gone, %d error(s) in %.0f s",
            summary.status, summary.items_seen, summary.items_scanned, summary.gone, summary.errors, summary.seconds,
        )
        self.on_update("nightly", summary)

    def _engine(self) -> _BusyEngine:
        return _BusyEngine(self)


class _BusyEngine:
    """Runs one engine call with the agent marked busy, so a signal interrupts it (between transactions)."""

    def __init__(self, agent: Agent):
        self.agent = agent
        # The nightly scan uses scan.workers; rescans of a few changed files (run_paths) stay in this process.
        self.engine = Engine(
            agent.config, agent.store, agent.detectors, extract=agent.extract, on_item=self._after_item,
            workers=agent.config.scan.workers,
        )

    def _after_item(self, item, outcome) -> None:
        # A signal that landed inside a library that swallowed the exception still stops the scan here.
        if self.agent._stop.is_set():
            raise Stopping()

    def _call(self, method, *args, **kwargs):
        if self.agent._stop.is_set():
            raise Stopping()
        self.agent._busy = True
        try:
            return method(*args, **kwargs)
        finally:
            self.agent._busy = False

    def run(self, **kwargs):
        return self._call(self.engine.run, **kwargs)

    def run_paths(self, *args, **kwargs):
        return self._call(self.engine.run_paths, *args, **kwargs)
