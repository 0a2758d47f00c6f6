"""What the mail extractors (eml, msg, mbox) share: header segments, body segments, unique attachment names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.extractors.html_text import html_to_blocks
from scanner.items import Segment

HEADER_RECORD = "header"
BODY_RECORD = "body"
_UNSAFE_NAME = re.compile(r"[\x00-\x1f/\\!]+")


def header_segments(headers: list[tuple[str, str | None]]) -> Iterator[Segment]:
    """``From: …`` and friends, each its own segment, all in the ``header`` record."""
    for name, value in headers:
        if value and str(value).strip():
            yield Segment(f"{name}: {str(value).strip()}", name, record=HEADER_RECORD)


def body_segments(text: str | None, html: str | None) -> Iterator[Segment]:
    """The plain body as lines (``body line 4``), or the HTML body's visible blocks (``body block 2``)."""
    if text and text.strip():
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield Segment(line.strip(), f"body line {number}", record=BODY_RECORD)
    elif html and html.strip():
        for number, block in enumerate(html_to_blocks(html), 1):
            yield Segment(block, f"body block {number}", record=BODY_RECORD)


class AttachmentNames:
    """Names for attachment children that are safe as a location part and unique within one message."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def name(self, wanted: str | None, fallback: str) -> str:
        name = _UNSAFE_NAME.sub("_", (wanted or "").strip()).strip(". ") or fallback
        unique, n = name, 1
        while unique.lower() in self._used:
            n += 1
            unique = f"{n}-{name}"
        self._used.add(unique.lower())
        return unique
