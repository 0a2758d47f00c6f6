"""The objects that flow through gdprscan: connector → extractor → detectors → store.

An ``Item`` is something a connector found (a file, an email, an archive member). An extractor turns it into a
``Document``: text ``Segment``s with locators, an encrypted flag and child items. Detectors turn a ``TextBatch``
(segments joined, with their offsets) into ``Finding``s. Nothing here does I/O except ``Item.open``.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Protocol

# Separates a container's location from a member's path: ``/share/a.zip!b.zip!c.docx``.
CHILD_SEPARATOR = "!"


@dataclass(frozen=True)
class Exposure:
    """Who can read an item, as far as the connector can tell.

    ``world_readable``: anyone with access to the server/tenant (POSIX other-read, Everyone, anyone-with-link).
    ``group_readable``: a group beyond the owner (POSIX group-read, a domain group).
    ``shared_by_link`` / ``shared_externally``: cloud sharing, filled by cloud connectors.
    ``readers``: principals with read access, where the connector knows them (ACLs).
    ``exposed_to``: the broad principals that make it world-readable (``Everyone``, ``Domain Users``, ...).
    """

    world_readable: bool = False
    group_readable: bool = False
    shared_by_link: bool = False
    shared_externally: bool = False
    readers: tuple[str, ...] = ()
    exposed_to: tuple[str, ...] = ()

    @property
    def exposed(self) -> bool:
        return self.world_readable or self.shared_by_link or self.shared_externally

    def as_dict(self) -> dict:
        return {
            "world_readable": self.world_readable,
            "group_readable": self.group_readable,
            "shared_by_link": self.shared_by_link,
            "shared_externally": self.shared_externally,
            "readers": list(self.readers),
            "exposed_to": list(self.exposed_to),
        }


def item_id(source: str, location: str) -> str:
    """Stable id of an item: the same source and location always give the same id."""
    return hashlib.sha256(f"{source}\0{location}".encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass(frozen=True)
class Item:
    """One thing to scan. Content is read lazily through ``open()``, which returns a binary stream.

    ``location`` is something a person can open: an absolute path, a URL, or for a child
    ``PARENT!member/path`` (nesting as ``a.zip!b.zip!c.docx``). ``version`` is the token an incremental scan
    compares (``mtime_ns:size`` for files; an etag or change id for cloud items).
    """

    source: str
    location: str
    name: str
    size: int | None
    modified: datetime | None
    version: str
    opener: Callable[[], BinaryIO] = field(repr=False, compare=False)
    created: datetime | None = None
    owner: str | None = None
    exposure: Exposure = Exposure()
    parent_location: str | None = None
    depth: int = 0  # 0 for items a connector found; n for the n-th level of nesting
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", item_id(self.source, self.location))

    def open(self) -> BinaryIO:
        return self.opener()

    @property
    def extension(self) -> str:
        name = self.name.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[-1].lower() if "." in name else ""

    def child(
        self,
        member_path: str,
        opener: Callable[[], BinaryIO],
        *,
        size: int | None = None,
        modified: datetime | None = None,
        version: str | None = None,
    ) -> Item:
        """A member of this item (an archive member, an email attachment)."""
        return Item(
            source=self.source,
            location=f"{self.location}{CHILD_SEPARATOR}{member_path}",
            name=member_path.rsplit("/", 1)[-1] or member_path,
            size=size,
            modified=modified or self.modified,
            version=version or self.version,
            opener=opener,
            created=self.created,
            owner=self.owner,
            exposure=self.exposure,
            parent_location=self.location,
            depth=self.depth + 1,
        )


@dataclass(frozen=True)
class Segment:
    """A piece of extracted text and where it came from (``page 3``, ``Sheet1!B4``, ``paragraph 12``, ``line 40``).

    ``record`` groups segments that belong to one record (a table row, a form, an email): detectors that
    link a statement to a person use it. ``None`` means the segment stands alone.
    """

    text: str
    locator: str
    record: str | None = None


@dataclass
class Document:
    """What an extractor made of an item.

    ``segments`` and ``children`` may be lazy iterables (a streaming spreadsheet, a zip's members); the engine
    consumes segments first, then children, each exactly once.
    """

    file_type: str
    segments: Iterable[Segment] = ()
    children: Iterable[Item] = ()
    encrypted: bool = False
    not_scanned: str | None = None  # reason the content was not inspected (unknown binary, image-only PDF)


class Encrypted(Exception):
    """Raised by an extractor or opener when content is password-protected: the item is recorded encrypted."""


class NotScanned(Exception):
    """Raised when an item's content cannot be inspected for a known, non-error reason (e.g. an unknown binary)."""


class ExtractionError(Exception):
    """A per-item failure with a reason a person can read (corrupt, truncated, over a limit)."""


@dataclass(frozen=True)
class TextBatch:
    """Segments joined into one text for detection, with the offsets to map a match back to its segment."""

    text: str
    starts: tuple[int, ...]
    segments: tuple[Segment, ...]

    SEPARATOR = "\n\n"

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> TextBatch:
        starts: list[int] = []
        parts: list[str] = []
        pos = 0
        for seg in segments:
            starts.append(pos)
            parts.append(seg.text)
            pos += len(seg.text) + len(cls.SEPARATOR)
        return cls(cls.SEPARATOR.join(parts), tuple(starts), tuple(segments))

    def segment_at(self, offset: int) -> Segment:
        return self.segments[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def segment_index_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)


# Finding kinds: an identifier or entity (PERSON, UK_NHS, …), an Art. 9 special category, Art. 10 criminal
# offence data, or a school context (safeguarding, send, …).
ENTITY = "entity"
SPECIAL_CATEGORY = "special_category"
CRIMINAL_OFFENCE = "criminal_offence"
CONTEXT = "context"
# Dates read from content for retention triggers (BIRTH_YEAR, LEAVING_DATE): the engine keeps only the latest
# per item, reduced to a year or a year-month, on the item row; they never become finding rows.
CONTENT_DATE = "content_date"


class _OnFirstRead:
    """A dataclass field that may be given a function of no arguments instead of its value: the function is
    called the first time the field is read, and its result kept.

    For ``Finding.snippet``: the scan keeps one snippet per item and finding type (the best finding's), so most
    findings' snippets are never read, and masking one costs more than finding the match did.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.key = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            raise AttributeError(self.key)  # read on the class: the field has no default
        value = obj.__dict__[self.key]
        if callable(value):
            value = obj.__dict__[self.key] = value()
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.key] = value


@dataclass(frozen=True)
class Finding:
    """One detection in a batch. ``snippet`` is already redacted (a detector may hand in a function of no
    arguments giving it, called when the snippet is first read); ``value`` is the raw match and is only stored
    when the configuration asks for raw values."""

    entity_type: str
    locator: str
    confidence: float
    snippet: str = _OnFirstRead()  # type: ignore[assignment]
    detector: str
    kind: str = ENTITY
    value: str = field(default="", repr=False)
    evidence: tuple[str, ...] = ()
    start: int = -1  # offsets of the match in the batch's text (-1: not tied to one span)
    end: int = -1

    def __getstate__(self) -> dict:
        self.snippet  # noqa: B018 - a pickled finding carries its snippet, not the function making it
        return self.__dict__


class Detector(Protocol):
    """Turns a batch of text into findings. ``name`` is what findings record as their detector.

    ``found`` holds what the detectors before this one found in the same batch (with offsets), so a later
    detector can build on them: special-category detection links a health term to a PERSON found before it.

    A detector may also have ``prepare(batches)``: the scan calls it with a group of batches before detecting
    them one by one, for work that is cheaper done for many at once (NER runs the model once over all of them).
    What ``detect`` finds must not depend on whether it was called.
    """

    name: str

    def detect(self, batch: TextBatch, found: Sequence[Finding] = ()) -> Iterator[Finding]: ...


class Extractor(Protocol):
    """Turns an item into a document. Raises ``Encrypted``, ``NotScanned`` or ``ExtractionError``."""

    def __call__(self, item: Item, limits: ExtractionLimits) -> Document: ...


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds that keep one hostile item from taking the scan down."""

    max_depth: int = 5  # nesting of archives and attachments
    max_members: int = 10_000  # per archive
    max_member_size: int = 512 * 1024 * 1024  # uncompressed bytes of one member
    max_total_uncompressed: int = 2 * 1024 * 1024 * 1024  # per top-level archive
    max_compression_ratio: float = 200.0  # uncompressed / compressed, per member
    max_text_chars: int = 20_000_000  # text kept per item; the rest is skipped with a note
    spool_in_memory: int = 16 * 1024 * 1024  # members larger than this are spooled to a temp file
