"""Unix mailboxes (mbox): each message is a child item ``message-N.eml``, split while streaming.

A message starts at a ``From `` line at the start of the file or after a blank line; ``>From `` quoting
(mboxrd) is undone. Only one message is held at a time (in memory, or in a temp file when large).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from scanner.extractors.registry import register
from scanner.extractors.streams import HeldBytes
from scanner.items import Document, ExtractionError, ExtractionLimits, Item

_QUOTED_FROM = re.compile(rb"^>(>*From )")
_MAX_LINE = 1024 * 1024


@register("mbox")
def extract_mbox(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("mbox", children=_messages(item, stream, limits))


def _messages(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Iterator[Item]:
    held: HeldBytes | None = None
    number = 0
    previous_blank = True
    try:
        while line := stream.readline(_MAX_LINE):
            if line.startswith(b"From ") and previous_blank:
                if held is not None:
                    yield _child(item, held, number)
                    held.discard()
                number += 1
                if number > limits.max_members:
                    raise ExtractionError(f"more than max_members ({limits.max_members}) messages: the rest not scanned")
                held = HeldBytes(limits.spool_in_memory)
            elif held is not None:
                held.write(_QUOTED_FROM.sub(rb"\1", line))
            elif line.strip():
                raise ExtractionError("corrupt mbox: does not start with a From line")
            previous_blank = line in (b"\n", b"\r\n")
        if held is not None:
            yield _child(item, held, number)
    finally:
        if held is not None:
            held.discard()


def _child(item: Item, held: HeldBytes, number: int) -> Item:
    return item.child(f"message-{number}.eml", held.open, size=held.size)
