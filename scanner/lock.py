"""One writer per store: a scan (or, later, the agent) holds an exclusive lock beside the store file."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from scanner.errors import GdprscanError


class StoreBusy(GdprscanError):
    exit_code = 3


class StoreLock:
    """``with StoreLock(db_path):`` — refuses at once, with the holder's pid, if another process holds it."""

    def __init__(self, store_path: Path | str):
        self.path = Path(str(store_path) + ".lock")
        self.fd: int | None = None

    def __enter__(self) -> StoreLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreBusy(
                f"another gdprscan process (pid {holder}) is scanning into {str(self.path)[:-5]}; "
                "wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
