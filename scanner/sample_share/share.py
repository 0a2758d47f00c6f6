"""Writes files into the share directory and keeps their manifest records, with fixed modification times."""

from __future__ import annotations

import calendar
import io
import os
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from .formats import FIXED_ZIP_TIME, Doc, Sheets, render
from .manifest import FileRecord, Tally

WORLD_READABLE = ("Email/Trips/", "Admin/Contacts/", "Pastoral/Medical/")  # planted exposures
SHARE_NOW = datetime(2025, 7, 1, 12, 0, 0)  # "today" for the share; recent files are dated before this


class ShareWriter:
    """Owns the output root and the list of records; every file of the share goes through ``write``."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.records: list[FileRecord] = []
        self._paths: set[str] = set()

    def recent(self) -> datetime:
        return SHARE_NOW - timedelta(days=self.rng.randint(1, 600), minutes=self.rng.randint(0, 600))

    def write(self, rel: str, data: bytes, tally: Tally | None = None, *, mtime: datetime | None = None,
              decoy: bool = False, encrypted: bool = False, password: str | None = None) -> FileRecord:
        assert not (decoy and tally and tally.counts), f"{rel}: a decoy plants nothing"
        assert rel not in self._paths, f"{rel} written twice; the manifest would lie"
        self._paths.add(rel)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        # A school share is readable by staff (the group), not by everyone on the server; a few folders are
        # left open to all, as the shares a DPO should hear about are.
        os.chmod(path, 0o644 if rel.startswith(WORLD_READABLE) else 0o640)
        when = mtime or self.recent()
        stamp = calendar.timegm(when.timetuple())
        os.utime(path, (stamp, stamp))
        record = FileRecord.from_tally(rel, tally or Tally(), decoy=decoy, encrypted=encrypted, password=password,
                                       mtime=when.isoformat())
        self.records.append(record)
        return record

    def doc(self, rel: str, content: Doc | Sheets, tally: Tally | None = None, **kwargs) -> FileRecord:
        return self.write(rel, render(rel, content), tally, **kwargs)

    def member(self, container: str, name: str, tally: Tally | None = None, **kwargs) -> FileRecord:
        """Record a member of an archive or email (its bytes live inside the container)."""
        record = FileRecord.from_tally(f"{container}!{name}", tally or Tally(), container=container, **kwargs)
        self.records.append(record)
        return record


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def aes_zip_bytes(members: list[tuple[str, bytes]], password: str) -> bytes:
    """A zip whose members are WinZip-AES-256 encrypted (random salts, so not byte-stable)."""
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode())
        for name, data in members:
            info = archive.zipinfo_cls(name, FIXED_ZIP_TIME)  # AESZipInfo: a plain ZipInfo would be taken as a name
            info.compress_type = pyzipper.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def encrypt_ooxml(data: bytes, password: str) -> bytes:
    """Password-protect a docx/xlsx/pptx the way Office does (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def encrypt_pdf(data: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
