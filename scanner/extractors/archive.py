"""Zip archives: each member is a child item (``a.zip!folder/b.docx``), extracted in turn by the engine.

Limits guard against zip bombs before a byte is inflated, using the sizes the central directory declares
(``zipfile`` will not inflate past a declared size): a member over ``max_member_size``, over
``max_compression_ratio`` (judged only above 1 MiB, where a high ratio can hurt), or beyond
``max_total_uncompressed`` for the whole tree of nested archives is still listed as a child, whose opening fails
with the reason. An encrypted member (ZipCrypto or AES) is a child that extracts as encrypted. More than
``max_members`` members: the first ones are listed, then the parent records the rest as not read.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import BinaryIO

from scanner.extractors.registry import register
from scanner.extractors.sniffing import ZIP_MAGIC
from scanner.extractors.streams import read_up_to
from scanner.items import Document, Encrypted, ExtractionError, ExtractionLimits, Item

RATIO_FLOOR = 1024 * 1024
_SUPPORTED = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHOD_NAMES = {9: "deflate64", 6: "implode", 12: "bzip2", 93: "zstandard", 98: "ppmd"}
_COPY_CHUNK = 1024 * 1024


class UncompressedBudget:
    """Bytes that may still be inflated in one tree of nested archives (``max_total_uncompressed``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, size: int) -> bool:
        if self.used + size > self.limit:
            return False
        self.used += size
        return True


class MemberSpool(tempfile.SpooledTemporaryFile):
    """A member's bytes, carrying the tree's budget so a nested archive keeps counting against it."""

    uncompressed_budget: UncompressedBudget | None = None


@register("zip", needs_seek=True)
def extract_zip(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        stream.seek(0)
        starts_like_zip = read_up_to(stream, 4) in ZIP_MAGIC
        raise ExtractionError(f"{'truncated' if starts_like_zip else 'corrupt'} zip: {exc}") from None
    budget = getattr(stream, "uncompressed_budget", None) or UncompressedBudget(limits.max_total_uncompressed)
    return Document("zip", children=_members(item, archive, budget, limits))


def _members(item: Item, archive: zipfile.ZipFile, budget: UncompressedBudget, limits: ExtractionLimits) -> Iterator[Item]:
    with archive:
        count = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            count += 1
            if count > limits.max_members:
                raise ExtractionError(f"more than max_members ({limits.max_members}) members: the rest not scanned")
            opener = _opener(archive, info, budget, limits)
            yield item.child(info.filename, opener, size=info.file_size, modified=_modified(info))


def _opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget, limits: ExtractionLimits) -> Callable[[], BinaryIO]:
    """How to open one member, or, for a member we refuse, an opener that says why."""
    if info.flag_bits & 0x1:
        return _raising(Encrypted())
    if info.compress_type not in _SUPPORTED:
        method = _METHOD_NAMES.get(info.compress_type, str(info.compress_type))
        return _raising(ExtractionError(f"unsupported zip compression method {method}"))
    if info.file_size > limits.max_member_size:
        return _raising(ExtractionError(
            f"zip member too large: {info.file_size:,} bytes uncompressed, over max_member_size "
            f"({limits.max_member_size:,})"
        ))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > limits.max_compression_ratio:
        return _raising(ExtractionError(
            f"zip bomb suspected: compression ratio {ratio:.0f}:1 over the limit {limits.max_compression_ratio:.0f}:1"
        ))
    if not budget.take(info.file_size):
        return _raising(ExtractionError(
            f"archive tree over max_total_uncompressed ({limits.max_total_uncompressed:,} bytes): member not inflated"
        ))

    def open_member() -> BinaryIO:
        spool = MemberSpool(max_size=limits.spool_in_memory)
        spool.uncompressed_budget = budget
        try:
            with archive.open(info) as member:
                shutil.copyfileobj(member, spool, _COPY_CHUNK)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
            spool.close()
            if isinstance(exc, OSError) and exc.errno is not None:
                raise
            raise ExtractionError(f"corrupt zip member: {exc}") from None
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool  # type: ignore[return-value]

    return open_member


def _raising(exc: Exception) -> Callable[[], BinaryIO]:
    def refuse() -> BinaryIO:
        raise exc

    return refuse


def _modified(info: zipfile.ZipInfo) -> datetime | None:
    # Zip stores local time without a zone; taken as UTC, like the other connectors' timestamps.
    try:
        return datetime(*info.date_time, tzinfo=timezone.utc)
    except ValueError:
        return None
