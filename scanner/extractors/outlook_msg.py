"""Outlook messages (msg) with extract-msg: headers, body, and attachments as child items (an embedded message
becomes a ``….msg`` child, exported back to bytes so the engine extracts it the same way)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

import extract_msg

from scanner.extractors.mail_parts import AttachmentNames, body_segments, header_segments
from scanner.extractors.registry import register
from scanner.extractors.streams import read_whole
from scanner.items import Document, ExtractionError, ExtractionLimits, Item, Segment


@register("msg", needs_seek=True)
def extract_outlook_msg(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    # extract-msg takes a path or the file's bytes: over streams.MAX_WHOLE_FILE it is refused, not read.
    try:
        message = extract_msg.openMsg(read_whole(stream, "msg"))
    except extract_msg.exceptions.InvalidFileFormatError as exc:
        raise ExtractionError(f"corrupt msg: {exc}") from None
    try:
        segments = list(_segments(message))
        children = list(_attachments(item, message))
    finally:
        message.close()
    return Document("msg", segments=segments, children=children)


def _segments(message) -> Iterator[Segment]:
    headers = [
        ("From", getattr(message, "sender", None)),
        ("To", getattr(message, "to", None)),
        ("Cc", getattr(message, "cc", None)),
        ("Bcc", getattr(message, "bcc", None)),
        ("Subject", getattr(message, "subject", None)),
    ]
    yield from header_segments(headers)
    body = getattr(message, "body", None)
    html = None
    if not (body and body.strip()):
        raw_html = getattr(message, "htmlBody", None)
        html = raw_html.decode("utf-8", errors="replace") if isinstance(raw_html, bytes) else raw_html
    yield from body_segments(body, html)


def _attachments(item: Item, message) -> Iterator[Item]:
    names = AttachmentNames()
    for number, attachment in enumerate(getattr(message, "attachments", ()), 1):
        data = attachment.data
        if isinstance(data, (bytes, bytearray)):
            name = names.name(_filename(attachment), f"attachment-{number}")
        elif hasattr(data, "exportBytes"):  # an embedded Outlook message
            subject = (getattr(data, "subject", None) or "").strip()
            name = names.name(f"{subject[:80]}.msg" if subject else None, f"attached-message-{number}.msg")
            data = data.exportBytes()
        else:
            continue  # a link or an OLE object with no bytes of its own
        data = bytes(data)
        yield item.child(name, (lambda data=data: io.BytesIO(data)), size=len(data))


def _filename(attachment) -> str | None:
    for attribute in ("longFilename", "shortFilename", "displayName", "name"):
        value = getattr(attachment, attribute, None)
        if value:
            return str(value)
    return None
