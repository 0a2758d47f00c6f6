"""Filesystem connector: local and mounted folders (a mapped school share, an NFS or CIFS mount).

Walks each configured path, applies include/exclude globs, and yields one Item per regular file. Symlinks are
not followed unless configured (and then loops are cut). Files are opened read-only, with O_NOATIME where the
OS allows it, so scanning leaves access times alone.
"""

from __future__ import annotations

import errno
import functools
import grp
import os
import pwd
import re
import stat
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from connectors import ErrorReporter, RefuseTooBig, SourceUnavailable
from scanner.items import Exposure, Item


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """A path glob where ``**`` spans folders and ``*``/``?`` stay inside one name (matched on ``/`` paths)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    # DOTALL: a file name may hold a newline, and "**" must still match it.
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)


class PathFilter:
    """Include/exclude globs, matched against the path relative to the configured root."""

    def __init__(self, include: list[str], exclude: list[str]):
        self.include = [glob_to_regex(p) for p in include]
        self.exclude = [glob_to_regex(p) for p in exclude]

    def wants_file(self, rel: str) -> bool:
        return any(p.match(rel) for p in self.include) and not any(p.match(rel) for p in self.exclude)

    def prunes_dir(self, rel: str) -> bool:
        # "**/.git/**" excludes everything below .git: test a notional child so the folder is never walked.
        return any(p.match(rel + "/\0") for p in self.exclude)


@lru_cache(maxsize=256)
def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


@lru_cache(maxsize=256)
def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def exposure_of(st: os.stat_result) -> Exposure:
    """POSIX permissions as exposure: other-read is world-readable, group-read is group-readable."""
    readers = [f"user:{_user(st.st_uid)}"]
    if st.st_mode & stat.S_IRGRP:
        readers.append(f"group:{_group(st.st_gid)}")
    if st.st_mode & stat.S_IROTH:
        readers.append("everyone")
    return Exposure(
        world_readable=bool(st.st_mode & stat.S_IROTH),
        group_readable=bool(st.st_mode & stat.S_IRGRP),
        readers=tuple(readers),
        exposed_to=("everyone",) if st.st_mode & stat.S_IROTH else (),
    )


def open_readonly(path: str) -> BinaryIO:
    """Open for reading without touching atime where allowed (O_NOATIME needs ownership or CAP_FOWNER)."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    noatime = getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, flags | noatime)
    except PermissionError as exc:
        if not noatime or exc.errno != errno.EPERM:
            raise
        fd = os.open(path, flags)
    return os.fdopen(fd, "rb")


def displayable(path: str) -> str:
    """``path`` as text a store can hold: a name with bytes that are not UTF-8 (decoded by Python with lone
    surrogates, which SQLite refuses) shows each such byte as ``\\xNN``. The item still opens the real path."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def _timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


class FilesystemConnector:
    process_safe = True  # items open by path (see Connector)

    def __init__(self, config):
        self.config = config
        self.name = config.name
        self.filter = PathFilter(config.include, config.exclude)

    def items(self, report_error: ErrorReporter) -> Iterator[Item]:
        for root in self.config.paths:
            if not os.path.lexists(root):
                raise SourceUnavailable(f"{root}: path does not exist")
            yield from self._walk(Path(root), report_error)

    def root_of(self, path: str) -> Path | None:
        """The configured root that holds ``path``, if any."""
        for root in self.config.paths:
            base = str(root).rstrip(os.sep) or os.sep
            if path == base or path.startswith(base.rstrip(os.sep) + os.sep):
                return root
        return None

    def items_under(self, path: str, report_error: ErrorReporter) -> Iterator[Item]:
        """The items at or below ``path`` (a file or folder inside a root), as a full listing would give them.

        Used by the agent to rescan what changed. A path that no longer exists, or that the filters leave out,
        yields nothing.
        """
        root = self.root_of(path)
        if root is None:
            return
        if not os.path.lexists(root):
            # An unmounted share is not a share whose files were all deleted: mark nothing gone.
            raise SourceUnavailable(f"{root}: path does not exist")
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        parts = [] if rel == "." else rel.split("/")
        if any(self.filter.prunes_dir("/".join(parts[:i])) for i in range(1, len(parts))):
            return
        try:
            st = os.stat(path) if self.config.follow_symlinks else os.lstat(path)
        except OSError:
            return
        if stat.S_ISREG(st.st_mode):
            if not parts or self.filter.wants_file(rel):
                yield self._item(path, st)
        elif stat.S_ISDIR(st.st_mode) and not (parts and self.filter.prunes_dir(rel)):
            yield from self._walk(Path(root), report_error, start=path)

    def _item(self, path: str, st: os.stat_result) -> Item:
        limit = self.config.max_file_size
        return Item(
            source=self.name,
            location=displayable(path),
            name=displayable(os.path.basename(path)),
            size=st.st_size,
            modified=_timestamp(st.st_mtime),
            created=None,  # Linux stat has no birth time; retention falls back to modified
            version=f"{st.st_mtime_ns}:{st.st_size}",
            opener=RefuseTooBig(limit, st.st_size) if st.st_size > limit else functools.partial(open_readonly, path),
            owner=_user(st.st_uid),
            exposure=exposure_of(st),
        )

    def _walk(self, root: Path, report_error: ErrorReporter, start: str | None = None) -> Iterator[Item]:
        """Walk ``start`` (default: the root), filtering on paths relative to ``root``."""
        follow = self.config.follow_symlinks
        root_str = str(root)
        start = start or root_str
        try:
            st = os.stat(start) if follow else os.lstat(start)
        except OSError as exc:
            raise SourceUnavailable(f"{start}: {exc.strerror}") from None
        if stat.S_ISREG(st.st_mode):
            yield self._item(start, st)
            return
        if not stat.S_ISDIR(st.st_mode):
            raise SourceUnavailable(f"{start}: not a folder or a regular file")

        seen_dirs = {(st.st_dev, st.st_ino)}
        stack = [start]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                if folder == start:
                    raise SourceUnavailable(f"{folder}: {exc.strerror}") from None
                report_error(displayable(folder), f"folder not readable: {exc.strerror}")
                continue
            subfolders = []
            for entry in entries:
                path = entry.path
                rel = os.path.relpath(path, root_str).replace(os.sep, "/")
                try:
                    if entry.is_symlink() and not follow:
                        continue
                    est = entry.stat(follow_symlinks=follow)
                except OSError as exc:
                    # A broken link, a file that vanished while we listed, a symlink loop when following.
                    report_error(displayable(path), f"cannot stat: {exc.strerror}")
                    continue
                if stat.S_ISDIR(est.st_mode):
                    key = (est.st_dev, est.st_ino)
                    if key in seen_dirs or self.filter.prunes_dir(rel):
                        continue
                    seen_dirs.add(key)
                    subfolders.append(path)
                elif stat.S_ISREG(est.st_mode) and self.filter.wants_file(rel):
                    yield self._item(path, est)
            stack.extend(reversed(subfolders))
