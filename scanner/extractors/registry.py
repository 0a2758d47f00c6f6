"""The one registry of extractors: file type name → function that turns an opened item into a Document.

Each extractor module fills it with ``@register("docx")``; ``scanner.extractors.extract`` picks from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from scanner.items import Document, ExtractionLimits, Item

# An extractor gets the item, its stream (at the start; seekable when registered with needs_seek) and the limits.
# It does not close the stream: extract() does, once the document's segments and children are consumed.
# extract() also sets Document.file_type to the registered name, so one function can serve several types.
ExtractFunction = Callable[[Item, BinaryIO, ExtractionLimits], Document]


@dataclass(frozen=True)
class Registration:
    extract: ExtractFunction
    needs_seek: bool  # the library seeks (zip containers, OLE2, PDF): non-seekable streams are spooled first


EXTRACTORS: dict[str, Registration] = {}


def register(*file_types: str, needs_seek: bool = False) -> Callable[[ExtractFunction], ExtractFunction]:
    def add(function: ExtractFunction) -> ExtractFunction:
        for file_type in file_types:
            if file_type in EXTRACTORS:
                raise ValueError(f"two extractors registered for {file_type!r}")
            EXTRACTORS[file_type] = Registration(function, needs_seek)
        return function

    return add
