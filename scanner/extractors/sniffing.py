"""What an item really is: magic bytes first (looking inside zip and OLE2 containers), then the extension.

A school share is full of misnamed files (a .doc that is really RTF, a .xls that is HTML, a renamed .zip), so
content wins over the name; the extension only decides between things the content cannot tell apart.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO

import olefile

from scanner.extractors.registry import EXTRACTORS
from scanner.extractors.streams import seekable
from scanner.extractors.text_decoding import bom_encoding, decode_head
from scanner.items import ExtractionLimits, Item

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)

_OOXML_MAIN_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_OOXML_VARIANTS = {"docx": {"docx", "docm", "dotx"}, "xlsx": {"xlsx", "xlsm"}, "pptx": {"pptx", "pptm"}}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# What the extension of an encrypted OOXML file says it is; the package inside cannot be read without the password.
_OOXML_EXTENSIONS = {"docx", "docm", "xlsx", "xlsm", "pptx", "pptm"}
_ZIP_FAMILY = _OOXML_EXTENSIONS | {"odt", "ods", "odp", "zip"}
_TEXT_TYPES = {"txt", "md", "csv", "tsv", "html", "htm", "eml", "mbox"}

# "From jane@example.org Mon Jun  2 09:00:00 2025": the separator line of an mbox, strict so prose is not taken.
_MBOX_FROM = re.compile(r"From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:[A-Z][a-z]{2}) +\d{1,2} \d")
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9-]*):")
_MAIL_HEADERS = {"from", "to", "cc", "subject", "date", "received", "return-path", "message-id", "mime-version",
                 "delivered-to", "reply-to", "x-mailer", "content-type"}


def sniff(item: Item, head: bytes, stream: BinaryIO, limits: ExtractionLimits) -> tuple[str, BinaryIO]:
    """The registered file type for the item, and the stream to read it from (made seekable if we looked inside)."""
    if head.startswith(ZIP_MAGIC):
        stream = seekable(stream, limits)
        file_type = _zip_type(stream, item.extension)
        stream.seek(0)
        return file_type, stream
    if head.startswith(OLE2_MAGIC):
        stream = seekable(stream, limits)
        file_type = _ole2_type(stream, item.extension)
        stream.seek(0)
        return file_type, stream
    return _flat_type(head, item.extension), stream


def _flat_type(head: bytes, extension: str) -> str:
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic, name in _IMAGE_MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic"
    text = _as_text(head)
    if text is not None:
        if _MBOX_FROM.match(text):
            return "mbox"
        if _looks_like_email(text):
            return "eml"
    if extension in EXTRACTORS:
        if text is None and extension in _TEXT_TYPES:
            return "binary"  # a .txt full of NULs is not text
        # A container type whose magic is missing lands here too: its extractor says it is corrupt.
        return extension
    if text is not None:
        lowered = text.lstrip()[:200].lower()
        if lowered.startswith(("<!doctype html", "<html")):
            return "html"
        return "txt"
    return "binary"


def _as_text(head: bytes) -> str | None:
    """The head as text if it looks like text (a BOM, or no NUL bytes and few control characters)."""
    if bom_encoding(head):
        return decode_head(head)
    if b"\x00" in head:
        return None
    text = decode_head(head)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return text if controls <= len(text) // 100 else None


def _looks_like_email(text: str) -> bool:
    """Header lines from the first line up to a blank line, with at least two names only mail uses."""
    names = set()
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            break
        if line[0] in " \t" and number:
            continue  # a folded header
        match = _HEADER_LINE.match(line)
        if not match:
            return False
        names.add(match.group(1).lower())
    return "from" in names and len(names & _MAIL_HEADERS) >= 2


def _zip_type(stream: BinaryIO, extension: str) -> str:
    """docx/xlsx/pptx/odt/ods/odp by the package's parts, otherwise zip."""
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                mimetype = package.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in _ODF_MIMETYPES:
                    return _ODF_MIMETYPES[mimetype]
            if "[Content_Types].xml" in names:
                for part, family in _OOXML_MAIN_PARTS:
                    if part in names:
                        # docm/xlsm/pptm are the same family: keep the name the file gave, it is registered too
                        return extension if extension in _OOXML_VARIANTS[family] else family
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError):
        # Unreadable: let the extractor its name claims report it as a corrupt docx/xlsx/… or truncated zip.
        return extension if extension in _ZIP_FAMILY else "zip"
    return "zip"


def _ole2_type(stream: BinaryIO, extension: str) -> str:
    """An OLE2 compound file: encrypted OOXML, legacy Word/Excel/PowerPoint, or an Outlook message."""
    try:
        ole = olefile.OleFileIO(stream)
    except Exception:  # noqa: BLE001 - olefile raises several types for a damaged header
        return extension if extension in {"doc", "xls", "msg", "ppt"} | _OOXML_EXTENSIONS else "doc"
    try:
        streams = {"/".join(path) for path in ole.listdir(streams=True, storages=True)}
    finally:
        ole.close()
    if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
        return extension if extension in _OOXML_EXTENSIONS else "ooxml-encrypted"
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "PowerPoint Document" in streams:
        return "ppt"
    if "__properties_version1.0" in streams or any(s.startswith("__substg1.0_") for s in streams):
        return "msg"
    return "ole2"
