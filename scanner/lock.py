"""One writer per store: a scan or the agent holds an exclusive lock beside the store file.

The lock file holds the holder's pid and role (``1234 scan``, ``1234 agent``), so a refusal can say who
holds it and ``gdprscan status`` can tell whether an agent is running.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import GdprscanError


class StoreBusy(GdprscanError):
    exit_code = 3


@dataclass(frozen=True)
class LockHolder:
    pid: str
    role: str  # scan | agent | unknown


def _parse_holder(text: str) -> LockHolder:
    parts = text.split()
    return LockHolder(parts[0] if parts else "unknown", parts[1] if len(parts) > 1 else "scan")


def lock_holder(store_path: Path | str) -> LockHolder | None:
    """Who holds the store's lock now, or None if nobody does (a stale pid in the file does not count)."""
    path = Path(str(store_path) + ".lock")
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _parse_holder(os.pread(fd, 64, 0).decode(errors="replace"))
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class StoreLock:
    """``with StoreLock(db_path):`` — refuses at once, with the holder's pid, if another process holds it."""

    def __init__(self, store_path: Path | str, role: str = "scan"):
        self.path = Path(str(store_path) + ".lock")
        self.role = role
        self.fd: int | None = None

    def __enter__(self) -> StoreLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _parse_holder(os.pread(fd, 64, 0).decode(errors="replace"))
            os.close(fd)
            store = str(self.path)[:-5]
            if holder.role == "agent":
                raise StoreBusy(
                    f"the gdprscan agent (pid {holder.pid}) is running on {store}; it keeps the store current "
                    "and runs the nightly scan itself (stop it first: systemctl stop gdprscan-agent)"
                ) from None
            raise StoreBusy(
                f"another gdprscan process (pid {holder.pid}) is scanning into {store}; wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.role}".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
