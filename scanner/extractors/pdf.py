"""PDF with pypdfium2: the text layer page by page (``page 3``); a PDF that needs a password is encrypted.

A PDF with pages but no text at all is a scan: recorded as not scanned ("image-only PDF"), since finding
personal data there needs OCR. Pages are read one at a time and closed, so a long PDF is not held whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from scanner.extractors.registry import register
from scanner.items import Document, Encrypted, ExtractionError, ExtractionLimits, Item, Segment

IMAGE_ONLY = "image-only PDF (no text layer)"


@register("pdf", needs_seek=True)
def extract_pdf(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    try:
        pdf = pdfium.PdfDocument(stream)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or _needs_password(stream):
            raise Encrypted() from None
        raise ExtractionError(f"corrupt pdf: {exc}") from None
    try:
        pages = len(pdf)
        first = _first_text_page(pdf)
    except BaseException:
        pdf.close()
        raise
    if first is None:
        pdf.close()
        return Document("pdf", not_scanned=IMAGE_ONLY if pages else "empty PDF (no pages)")
    return Document("pdf", segments=_pages(pdf, first))


def _page_text(pdf, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return _unwrap(textpage.get_text_bounded().replace("\r\n", "\n"))
        finally:
            textpage.close()
    finally:
        page.close()


# A line break inside a sentence or a number is only where the PDF's line was full ("call 0161\n496 0000"):
# joined, so a value wrapped across lines is still one value.
_SOFT_WRAP = re.compile(r"(?<=[\w,])\n(?=[a-z0-9])")


def _unwrap(text: str) -> str:
    return _SOFT_WRAP.sub(" ", text)


def _first_text_page(pdf) -> tuple[int, str] | None:
    for index in range(len(pdf)):
        text = _page_text(pdf, index)
        if text.strip():
            return index, text
    return None


def _pages(pdf, first: tuple[int, str]) -> Iterator[Segment]:
    try:
        index, text = first
        yield Segment(text, f"page {index + 1}")
        for index in range(index + 1, len(pdf)):
            text = _page_text(pdf, index)
            if text.strip():
                yield Segment(text, f"page {index + 1}")
    finally:
        pdf.close()


def _needs_password(stream: BinaryIO) -> bool:
    """pypdf's opinion, for a PDFium build that does not report the password error code.

    Asked only when an ``/Encrypt`` key is near the start or the end (where trailers are): pypdf reads a broken
    file whole while rebuilding it, which for a large corrupt PDF costs minutes and gigabytes.
    """
    from pypdf import PdfReader

    if not _mentions_encrypt(stream):
        return False
    try:
        stream.seek(0)
        reader = PdfReader(stream)
        return reader.is_encrypted and reader.decrypt("") == 0
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read either is simply corrupt
        return False


_TRAILER_WINDOW = 1024 * 1024


def _mentions_encrypt(stream: BinaryIO) -> bool:
    stream.seek(0)
    head = stream.read(_TRAILER_WINDOW)
    end = stream.seek(0, 2)
    stream.seek(max(0, end - _TRAILER_WINDOW))
    tail = stream.read(_TRAILER_WINDOW)
    return b"/Encrypt" in head or b"/Encrypt" in tail
