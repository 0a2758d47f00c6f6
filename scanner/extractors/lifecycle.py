"""One item's extraction from open to close: sniff, pick the registered extractor, bound the text, close the stream.

Library exceptions never leave this module as themselves: they become ``ExtractionError("corrupt docx: …")``.
A real I/O error (an ``OSError`` with an errno) passes through so the engine can say "permission denied".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from scanner.extractors.registry import EXTRACTORS
from scanner.extractors.sniffing import sniff
from scanner.extractors.streams import read_head, seekable
from scanner.items import Document, Encrypted, ExtractionError, ExtractionLimits, Item, NotScanned, Segment

log = logging.getLogger("gdprscan.extract")

_PASS_THROUGH = (ExtractionError, NotScanned, Encrypted)


def extract(item: Item, limits: ExtractionLimits) -> Document:
    """The document of ``item``; raises ``NotScanned`` (too deep), ``ExtractionError`` or ``OSError``."""
    if item.depth > limits.max_depth:
        raise NotScanned(f"nested deeper than max_depth ({limits.max_depth})")
    file_type = item.extension or "binary"
    try:
        stream = item.open()
    except Encrypted:
        # An opener may know before any byte is read (an encrypted zip member).
        return Document(file_type=file_type, encrypted=True)
    except Exception as exc:
        raise as_extraction_error(exc, file_type) from exc
    try:
        head, stream = read_head(stream)
        file_type, stream = sniff(item, head, stream, limits)
        registration = EXTRACTORS[file_type]
        if registration.needs_seek:
            stream = seekable(stream, limits)
            stream.seek(0)
        doc = registration.extract(item, stream, limits)
    except BaseException as exc:
        stream.close()
        if isinstance(exc, Encrypted):
            return Document(file_type=file_type, encrypted=True)
        if isinstance(exc, NotScanned):
            return Document(file_type=file_type, not_scanned=str(exc) or "not scanned")
        if isinstance(exc, Exception):
            raise as_extraction_error(exc, file_type) from exc
        raise
    doc.file_type = file_type
    return _closing(doc, stream, limits, file_type)


def as_extraction_error(exc: Exception, file_type: str) -> Exception:
    """The exception the engine should see for ``exc`` raised while reading a ``file_type``."""
    if isinstance(exc, _PASS_THROUGH):
        return exc
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc  # a real read failure: the engine words it (permission denied, vanished, …)
    if isinstance(exc, RecursionError):
        return ExtractionError(f"corrupt {file_type}: structure nested too deeply")
    if isinstance(exc, MemoryError):
        return ExtractionError(f"{file_type} too large to process in memory")
    detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    log.debug("%s extractor failed", file_type, exc_info=exc)
    return ExtractionError(f"corrupt {file_type}: {detail}")


def _closing(doc: Document, stream: BinaryIO, limits: ExtractionLimits, file_type: str) -> Document:
    """The document with its iterables wrapped so the stream closes once both are done with."""
    if isinstance(doc.segments, (list, tuple)) and isinstance(doc.children, (list, tuple)):
        stream.close()  # everything was read eagerly
        doc.segments = list(_bounded(doc.segments, limits.max_text_chars))
        return doc
    lease = _Lease(stream)
    doc.segments = _Guarded(_bounded(doc.segments, limits.max_text_chars), lease, file_type)
    doc.children = _Guarded(doc.children, lease, file_type)
    return doc


def _bounded(segments: Iterable[Segment], max_chars: int) -> Iterator[Segment]:
    """Segments until ``max_chars`` characters have been given; the one that crosses the line is cut."""
    left = max_chars
    for segment in segments:
        if left <= 0:
            return
        if len(segment.text) > left:
            yield Segment(segment.text[:left], segment.locator, segment.record)
            return
        left -= len(segment.text)
        yield segment


class _Lease:
    """Closes a stream when its two holders (segments and children) have both let go."""

    def __init__(self, stream: BinaryIO, holders: int = 2) -> None:
        self._stream = stream
        self._holders = holders

    def release(self) -> None:
        self._holders -= 1
        if self._holders == 0:
            self._stream.close()


class _Guarded:
    """An iterable consumed once that releases its lease when exhausted, failed, abandoned or never started."""

    def __init__(self, iterable: Iterable, lease: _Lease, file_type: str) -> None:
        self._iterable = iterable
        self._lease = lease
        self._file_type = file_type
        self._released = False
        self._started = False

    def __iter__(self) -> Iterator:
        if self._started:
            raise RuntimeError("a document's segments and children can be consumed only once")
        self._started = True
        return self._run()

    def _run(self) -> Iterator:
        try:
            yield from self._iterable
        except Exception as exc:
            raise as_extraction_error(exc, self._file_type) from exc
        finally:
            self._release()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._lease.release()

    def __del__(self) -> None:
        # A generator that never started has no finally to run: let go here so the stream is not held open.
        if not self._started:
            self._release()
