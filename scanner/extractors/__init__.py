"""Extraction room: turns an Item into a Document (text segments with locators, encrypted flag, child items).

``extract`` opens the item, sniffs its type (content first, then the extension), and hands the stream to the
extractor registered for that type. It owns the stream: it closes it once the document's segments and children
have both been consumed (or dropped), and turns any library exception into ``ExtractionError`` with a short
reason. Adding a format is one module that calls ``@register(...)`` plus one import below.

Nesting: an item deeper than ``limits.max_depth`` is not opened; ``extract`` raises
``NotScanned("nested deeper than …")`` so the member is still recorded, with the reason.
"""

from __future__ import annotations

from scanner.extractors import (  # noqa: F401 - imported so each module registers its types
    archive,
    binary,
    email_message,
    html_text,
    legacy_office,
    mbox,
    opendocument,
    outlook_msg,
    pdf,
    plain_text,
    presentation,
    rtf,
    spreadsheet,
    word,
)
from scanner.extractors.lifecycle import extract

__all__ = ["extract"]
