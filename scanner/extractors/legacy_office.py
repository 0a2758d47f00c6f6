"""Legacy binary Office (OLE2 compound files): Word 97-2003 text, encryption checks, and the OLE2 kinds we skip.

Word .doc text comes from the piece table (the CLX in the table stream), which is how Word itself finds the
text; if that is damaged we fall back to runs of readable UTF-16LE and cp1252 text in the WordDocument stream.
Encryption (legacy RC4/XOR and OOXML-in-OLE2) is reported as encrypted, never as an error.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from typing import BinaryIO

import msoffcrypto
import olefile

from scanner.extractors.office_packages import is_encrypted_package
from scanner.extractors.registry import register
from scanner.items import Document, Encrypted, ExtractionError, ExtractionLimits, Item, Segment

_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_FC_CLX = 0x01A2  # FibRgFcLcb97.fcClx / lcbClx, offsets in the WordDocument stream
_COMPRESSED = 0x40000000
_FIELD = re.compile("\x13[^\x13\x14\x15]*\x14?|\x15")  # field code (kept: its result), and the field end mark
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e\xa0-\xff]\x00){4,}")
_CP1252_RUN = re.compile(rb"[\x20-\x7e\x80-\xff]{6,}")


def refuse_if_encrypted(stream: BinaryIO) -> None:
    """Raise ``Encrypted`` if msoffcrypto-tool finds the doc/xls/ppt password-protected."""
    if is_encrypted_package(stream):
        raise Encrypted()
    try:
        encrypted = msoffcrypto.OfficeFile(stream).is_encrypted()
    except Exception:  # noqa: BLE001 - an unrecognised layout is for the text reader to judge, not this check
        encrypted = False
    finally:
        stream.seek(0)
    if encrypted:
        raise Encrypted()


@register("doc", "dot", needs_seek=True)
def extract_doc(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    refuse_if_encrypted(stream)
    try:
        ole = olefile.OleFileIO(stream)
    except Exception as exc:  # noqa: BLE001 - olefile's header errors vary by version
        raise ExtractionError(f"corrupt doc: not an OLE2 compound file ({exc})") from None
    try:
        if not ole.exists("WordDocument"):
            raise ExtractionError("corrupt doc: no WordDocument stream")
        word = ole.openstream("WordDocument").read()
        try:
            text = _piece_table_text(ole, word)
        except (struct.error, OSError, ValueError, IndexError):
            return Document("doc", segments=list(_text_runs(word)))
    finally:
        ole.close()
    return Document("doc", segments=list(_paragraphs(text)))


def _piece_table_text(ole: olefile.OleFileIO, word: bytes) -> str:
    (ident, flags) = struct.unpack_from("<H8xH", word, 0)
    if ident != 0xA5EC:
        raise ValueError("not a Word FIB")
    if flags & _F_ENCRYPTED:
        raise Encrypted()
    table = ole.openstream("1Table" if flags & _F_WHICH_TABLE else "0Table").read()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if clx[pos] != 0x02:
        raise ValueError("no piece table")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    pieces = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    parts = []
    for i in range(pieces):
        (fc,) = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * i + 2)
        length = cps[i + 1] - cps[i]
        if fc & _COMPRESSED:
            start = (fc & ~_COMPRESSED) // 2
            parts.append(word[start : start + length].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def _paragraphs(text: str) -> Iterator[Segment]:
    text = _FIELD.sub("", text)
    for number, paragraph in enumerate(text.split("\r"), 1):
        # \x07 ends a table cell (and a row); \x0b is a line break inside a paragraph.
        paragraph = _CONTROL.sub(" ", paragraph.replace("\x07", " | ")).strip(" |")
        if paragraph.strip():
            yield Segment(paragraph, f"paragraph {number}")


def _text_runs(word: bytes) -> Iterator[Segment]:
    """Best effort for a damaged file: readable runs, UTF-16 first (Word 97+ stores most text that way)."""
    runs = [m.group().decode("utf-16-le") for m in _UTF16_RUN.finditer(word)]
    if not runs:
        runs = [m.group().decode("cp1252", errors="replace") for m in _CP1252_RUN.finditer(word)]
    for number, run in enumerate(runs, 1):
        yield Segment(run, f"text run {number}")


@register("ppt", needs_seek=True)
def extract_ppt(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    refuse_if_encrypted(stream)
    return Document("ppt", not_scanned="legacy PowerPoint (.ppt): text extraction not supported")


@register("ooxml-encrypted", needs_seek=True)
def extract_encrypted_package(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    """An encrypted OOXML package whose name does not say docx/xlsx/pptx: still encrypted."""
    return Document("ooxml-encrypted", encrypted=True)


@register("ole2")
def extract_other_ole2(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("ole2", not_scanned="unknown OLE2 compound file")
