"""Internet mail (eml) with the standard library's email package: headers, body, attachments as child items.

An attachment (or a forwarded message/rfc822 part, named ``….eml``) becomes a child item, which the engine
extracts in turn, so a spreadsheet attached to an email is scanned as a spreadsheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import BinaryIO

from scanner.extractors.mail_parts import AttachmentNames, body_segments, header_segments
from scanner.extractors.registry import register
from scanner.items import Document, ExtractionError, ExtractionLimits, Item, Segment

HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Subject")


@register("eml")
def extract_eml(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    message = BytesParser(policy=policy.default).parse(stream)
    if not message.keys():
        raise ExtractionError("corrupt eml: no mail headers")
    return Document("eml", segments=list(message_segments(message)), children=list(_attachments(item, message)))


def message_segments(message: EmailMessage) -> Iterator[Segment]:
    yield from header_segments([(name, _header(message, name)) for name in HEADERS])
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return
    text = _text_of(body)
    if body.get_content_type() == "text/html":
        yield from body_segments(None, text)
    else:
        yield from body_segments(text, None)


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
        return None if value is None else str(value)
    except Exception:  # noqa: BLE001 - a malformed header is skipped, not fatal: the body is what matters
        return None


def _text_of(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachment_parts(part: EmailMessage) -> Iterator[EmailMessage]:
    """Attachments at any multipart depth; a forwarded message is one attachment (its own parts stay inside)."""
    if not part.is_multipart() or part.get_content_type() == "message/rfc822":
        return
    for sub in part.iter_parts():
        if sub.get_content_type() == "message/rfc822":
            yield sub
        elif sub.is_multipart():
            yield from _attachment_parts(sub)
        elif sub.get_content_disposition() == "attachment" or sub.get_filename():
            yield sub


def _attachments(item: Item, message: EmailMessage) -> Iterator[Item]:
    names = AttachmentNames()
    for number, part in enumerate(_attachment_parts(message), 1):
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()[0] if isinstance(part.get_payload(), list) else part.get_payload()
            data = inner.as_bytes(policy=policy.default) if hasattr(inner, "as_bytes") else bytes(inner)
            subject = str(inner.get("Subject", "") or "") if hasattr(inner, "get") else ""
            name = names.name(f"{subject[:80]}.eml" if subject.strip() else None, f"attached-message-{number}.eml")
        else:
            data = part.get_payload(decode=True) or b""
            name = names.name(part.get_filename(), f"attachment-{number}")
        yield item.child(name, (lambda data=data: io.BytesIO(data)), size=len(data))
