"""Rich Text Format with striprtf: the document's text as numbered lines (``line 7``).

striprtf needs the whole document as a string: over streams.MAX_WHOLE_FILE it is refused, not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from striprtf.striprtf import rtf_to_text

from scanner.extractors.registry import register
from scanner.extractors.streams import read_whole
from scanner.items import Document, ExtractionError, ExtractionLimits, Item, Segment


@register("rtf")
def extract_rtf(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    raw = read_whole(stream, "rtf")
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise ExtractionError("corrupt rtf: no {\\rtf header")
    # RTF is 7-bit; non-ASCII arrives escaped, so latin-1 maps the raw bytes back one to one.
    text = rtf_to_text(raw.decode("latin-1"), errors="replace")
    return Document("rtf", segments=list(_lines(text)))


def _lines(text: str) -> Iterator[Segment]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield Segment(line.strip(), f"line {number}")
