"""Decoding text files line by line with bounded memory: BOM-marked UTF-8/16/32, else UTF-8 with a cp1252 fallback."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO

# A "line" longer than this is cut into pieces, so one newline-free file cannot fill memory.
MAX_LINE = 256 * 1024

# UTF-32 LE's BOM begins with UTF-16 LE's, so it is checked first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """The codec named by a byte-order mark at the start, or None."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return None


def decode_head(head: bytes) -> str:
    """Best-effort text of a file's first bytes, for sniffing."""
    codec = bom_encoding(head)
    if codec:
        return head.decode(codec, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def iter_lines(stream: BinaryIO, head: bytes) -> Iterator[str]:
    """Lines of a text stream, newlines kept; ``head`` (the stream's first bytes) chooses the decoding."""
    codec = bom_encoding(head)
    if codec:
        yield from _bom_lines(stream, codec)
    else:
        yield from _utf8_or_cp1252_lines(stream)


def numbered_lines(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """(line number, text without its newline); the pieces of an over-long line share its number."""
    number = 1
    for piece in lines:
        ended = piece.endswith(("\n", "\r"))
        yield number, piece.rstrip("\r\n")
        if ended:
            number += 1


def _bom_lines(stream: BinaryIO, codec: str) -> Iterator[str]:
    wrapper = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")  # type: ignore[arg-type]
    try:
        while piece := wrapper.readline(MAX_LINE):
            yield piece
    finally:
        wrapper.detach()  # the stream belongs to the caller


def _utf8_or_cp1252_lines(stream: BinaryIO) -> Iterator[str]:
    # Decided per line: share files often mix a UTF-8 body with the odd pasted cp1252 pound sign or quote.
    decoder = codecs.getincrementaldecoder("utf-8")()
    while piece := stream.readline(MAX_LINE):
        try:
            yield decoder.decode(piece, final=False)
        except UnicodeDecodeError:
            decoder.reset()
            yield piece.decode("cp1252", errors="replace")
    leftover = decoder.getstate()[0]  # a multi-byte character cut off by the end of the file
    if leftover:
        yield leftover.decode("cp1252", errors="replace")
