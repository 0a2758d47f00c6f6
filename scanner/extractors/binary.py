"""Content with no text to read: images (until OCR exists) and unknown binaries are recorded as not scanned."""

from __future__ import annotations

from typing import BinaryIO

from scanner.extractors.registry import register
from scanner.items import Document, ExtractionLimits, Item

@register("png", "jpeg", "jpg", "gif", "bmp", "tiff", "tif", "webp", "heic")
def extract_image(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("image", not_scanned="image (no text layer; OCR is not enabled)")


@register("binary")
def extract_binary(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("binary", not_scanned="unknown binary type")
