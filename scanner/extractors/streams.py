"""Stream plumbing for extractors: reading a sniffed head without losing it, and spooling a stream that must seek."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from typing import BinaryIO

from scanner.items import ExtractionError, ExtractionLimits

HEAD_SIZE = 8192
# For formats whose library takes the whole file as bytes (rtf, xls, msg): past this, the item is refused
# rather than read, since the library's own copies multiply it in memory.
MAX_WHOLE_FILE = 256 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes: ``read(n)`` on a pipe or a decompressor may return fewer bytes than are left."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_whole(stream: BinaryIO, file_type: str, limit: int = MAX_WHOLE_FILE) -> bytes:
    """All of ``stream``, or ``ExtractionError`` if it holds more than ``limit`` bytes (judged without reading
    when the stream can seek)."""
    too_large = ExtractionError(
        f"{file_type} too large to read: over {limit // 2**20} MiB, and it can only be parsed whole in memory"
    )
    if is_seekable(stream):
        start = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(start)
        if end - start > limit:
            raise too_large
    data = read_up_to(stream, limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def is_seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def read_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first ``HEAD_SIZE`` bytes, and a stream that still starts at the beginning."""
    head = read_up_to(stream, HEAD_SIZE)
    if is_seekable(stream):
        stream.seek(0)
        return head, stream
    return head, io.BufferedReader(_Replay(head, stream), buffer_size=64 * 1024)


def seekable(stream: BinaryIO, limits: ExtractionLimits) -> BinaryIO:
    """The stream itself if it can seek; else a copy (in memory up to ``limits.spool_in_memory``, then on disk).

    The original stream is closed after copying: the caller keeps only the returned one.
    """
    if is_seekable(stream):
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=limits.spool_in_memory)
    try:
        shutil.copyfileobj(stream, spool, _COPY_CHUNK)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    finally:
        stream.close()
    return spool  # type: ignore[return-value]


class _Replay(io.RawIOBase):
    """Serves an already-read head, then the rest of the original stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._rest.close()
        finally:
            super().close()


class HeldBytes:
    """Bytes gathered once and reopened as often as needed: in memory up to ``in_memory`` bytes, then on disk."""

    def __init__(self, in_memory: int) -> None:
        self._in_memory = in_memory
        self._buffer = bytearray()
        self._file: tempfile._TemporaryFileWrapper | None = None  # type: ignore[name-defined]
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self._file is None and self.size > self._in_memory:
            self._file = tempfile.NamedTemporaryFile(prefix="gdprscan-", delete=False)
            self._file.write(self._buffer)
            self._buffer = bytearray()
        if self._file is not None:
            self._file.write(data)
        else:
            self._buffer += data

    def open(self) -> BinaryIO:
        if self._file is None:
            return io.BytesIO(bytes(self._buffer))
        self._file.flush()
        return open(self._file.name, "rb")

    def discard(self) -> None:
        self._buffer = bytearray()
        if self._file is not None:
            self._file.close()
            try:
                os.unlink(self._file.name)
            except FileNotFoundError:
                pass
            self._file = None
