"""Checks shared by the zip-based office formats (docx/xlsx/pptx, odt/ods/odp) before a library parses them.

An encrypted OOXML file is an OLE2 container, not a zip: it is reported encrypted, whatever its extension. A
package whose parts would inflate beyond the limits is refused before the library reads it into memory. (XML
entity expansion is refused up front, with a clear reason, when a part declares entities; behind that,
python-docx and python-pptx parse with ``resolve_entities=False`` and openpyxl and odfpy go through defusedxml.)
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

import olefile

from scanner.extractors.sniffing import OLE2_MAGIC
from scanner.extractors.streams import read_up_to
from scanner.items import Encrypted, ExtractionError, ExtractionLimits

# Office XML compresses well; below this size a part's compression ratio is not worth judging.
_RATIO_FLOOR = 1024 * 1024
# How much of each XML part is searched for entity declarations (they can only come before the root element).
_PROLOG_BYTES = 16 * 1024


def check_package(stream: BinaryIO, file_type: str, limits: ExtractionLimits) -> None:
    """Raise ``Encrypted`` for an encrypted package, ``ExtractionError`` for a broken or bomb-like one."""
    magic = read_up_to(stream, 8)
    stream.seek(0)
    if magic == OLE2_MAGIC:
        if is_encrypted_package(stream):
            raise Encrypted()
        raise ExtractionError(f"corrupt {file_type}: an OLE2 compound file, not a {file_type} package")
    try:
        with zipfile.ZipFile(stream) as package:
            total = 0
            for info in package.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
                    raise ExtractionError(
                        f"{file_type} bomb suspected: part {info.filename} compression ratio {ratio:.0f}:1 "
                        f"over the limit {limits.max_compression_ratio:.0f}:1"
                    )
                if info.filename.endswith((".xml", ".rels")) and _declares_entities(package, info):
                    raise ExtractionError(
                        f"{file_type} refused: part {info.filename} declares XML entities (entity expansion attack "
                        "suspected; Office never writes them)"
                    )
            if total > limits.max_member_size:
                raise ExtractionError(
                    f"{file_type} too large: {total:,} bytes uncompressed, over max_member_size "
                    f"({limits.max_member_size:,})"
                )
    except zipfile.BadZipFile as exc:
        raise ExtractionError(f"corrupt {file_type}: {exc}") from None
    finally:
        stream.seek(0)


def _declares_entities(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """An internal DTD with ``<!ENTITY`` in the part's prolog: how a billion-laughs document starts."""
    with package.open(info) as part:
        return b"<!ENTITY" in read_up_to(part, _PROLOG_BYTES)


def is_encrypted_package(stream: BinaryIO) -> bool:
    """True for an OLE2 file holding an ECMA-376 encrypted OOXML package (what Office writes with a password)."""
    try:
        ole = olefile.OleFileIO(stream)
    except Exception:  # noqa: BLE001 - a damaged header is simply "not an encrypted package"
        return False
    try:
        return ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
    finally:
        ole.close()
        stream.seek(0)
