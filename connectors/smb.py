"""SMB connector: a Windows or Samba share read over the network without mounting it (smbprotocol).

Walks ``\\\\server\\share\\path``, applies include/exclude globs (on ``/``-separated paths relative to that
folder) and yields one Item per file, located by its UNC path. The version token is the last-write time and
size, so an unchanged file costs nothing on the next scan. Exposure comes from each file's DACL: read access
for a broad principal (Everyone, Authenticated Users, Domain Users, ...) makes it exposed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from connectors import ErrorReporter, RefuseTooBig, SourceUnavailable
from connectors.filesystem import PathFilter
from connectors.smb_session import SmbSession
from scanner.items import Exposure, Item

log = logging.getLogger("gdprscan.connectors.smb")

# Well-known SIDs (MS-DTYP 2.4.2.4) whose read access means "anyone at the school can open this".
BROAD_SIDS = {
    "S-1-1-0": "Everyone",
    "S-1-5-7": "Anonymous Logon",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-32-545": "Users",
    "S-1-5-32-546": "Guests",
}
# Domain-relative: S-1-5-21-<domain>-<rid>.
BROAD_DOMAIN_RIDS = {"513": "Domain Users", "514": "Domain Guests", "515": "Domain Computers"}
# Principals that can read everything anyway; their access says nothing about exposure.
ADMIN_SIDS = {
    "S-1-5-18": "SYSTEM",
    "S-1-5-32-544": "Administrators",
    "S-1-3-0": "CREATOR OWNER",
    "S-1-5-32-551": "Backup Operators",
}
ADMIN_DOMAIN_RIDS = {"500": "Administrator", "512": "Domain Admins", "519": "Enterprise Admins"}

# Rights that let a principal read a file's content (MS-DTYP 2.4.3, MS-SMB2 2.2.13.1.1).
FILE_READ_DATA = 0x00000001
GENERIC_READ = 0x80000000
GENERIC_ALL = 0x10000000
READ_RIGHTS = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL
ACCESS_ALLOWED, ACCESS_DENIED = 0x00, 0x01
INHERIT_ONLY_ACE = 0x08
SD_DACL_PRESENT = 0x0004


def principal_name(sid: str) -> str:
    """A readable name for well-known SIDs; others stay as SIDs (names need a lookup on the domain)."""
    if sid in BROAD_SIDS:
        return BROAD_SIDS[sid]
    if sid in ADMIN_SIDS:
        return ADMIN_SIDS[sid]
    if sid.startswith("S-1-5-21-"):
        rid = sid.rsplit("-", 1)[-1]
        if rid in BROAD_DOMAIN_RIDS:
            return BROAD_DOMAIN_RIDS[rid]
        if rid in ADMIN_DOMAIN_RIDS:
            return ADMIN_DOMAIN_RIDS[rid]
    return sid


def _is_broad(sid: str) -> bool:
    return sid in BROAD_SIDS or (sid.startswith("S-1-5-21-") and sid.rsplit("-", 1)[-1] in BROAD_DOMAIN_RIDS)


def _is_admin(sid: str) -> bool:
    return sid in ADMIN_SIDS or (sid.startswith("S-1-5-21-") and sid.rsplit("-", 1)[-1] in ADMIN_DOMAIN_RIDS)


def readers_from_aces(aces: list[tuple[int, int, int, str]], owner: str | None = None) -> Exposure:
    """Exposure from a DACL given as (ace type, ace flags, access mask, SID) in order.

    An ACE that only passes to children (inherit-only) does not apply to the file. ACEs are read in order, as
    Windows does: a deny for a principal (or for Everyone) before an allow stops that allow.
    """
    denied: set[str] = set()
    readers: list[str] = []
    for ace_type, flags, mask, sid in aces:
        if flags & INHERIT_ONLY_ACE or not mask & READ_RIGHTS:
            continue
        if ace_type == ACCESS_DENIED:
            denied.add(sid)
        elif ace_type == ACCESS_ALLOWED and sid not in denied and "S-1-1-0" not in denied and sid not in readers:
            readers.append(sid)
    broad = [sid for sid in readers if _is_broad(sid)]
    others = [sid for sid in readers if not _is_broad(sid) and not _is_admin(sid) and sid != owner]
    return Exposure(
        world_readable=bool(broad),
        group_readable=bool(others),
        readers=tuple(principal_name(sid) for sid in readers),
        exposed_to=tuple(principal_name(sid) for sid in broad),
    )


def exposure_of(descriptor) -> Exposure:
    """Exposure from an ``SMB2CreateSDBuffer`` (smbprotocol). No DACL at all means everyone has full access."""
    owner_sid = descriptor.get_owner()
    owner = str(owner_sid) if owner_sid is not None else None
    if not descriptor["control"].get_value() & SD_DACL_PRESENT or not descriptor["offset_dacl"].get_value():
        return Exposure(world_readable=True, readers=("Everyone (no DACL)",), exposed_to=("Everyone (no DACL)",))
    aces = []
    for ace in descriptor.get_dacl()["aces"].get_value():
        if isinstance(ace, bytes):  # an ACE type smbprotocol does not parse (object, callback): not a file grant
            continue
        aces.append(
            (ace["ace_type"].get_value(), ace["ace_flags"].get_value(), ace["mask"].get_value(), str(ace["sid"]))
        )
    return readers_from_aces(aces, owner)


def unc_path(server: str, share: str, folder: str = "") -> str:
    parts = [p for p in folder.replace("/", "\\").split("\\") if p]
    return "\\".join([f"\\\\{server}", share, *parts])


def _version(modified: datetime, size: int) -> str:
    # Microseconds since the epoch: the last-write time as far as the protocol library keeps it.
    return f"{int(modified.timestamp() * 1_000_000)}:{size}"


class SmbConnector:
    separator = "\\"
    process_safe = False  # items open through this connector's SMB session: scanned in the scanning process

    def __init__(self, config):
        self.config = config
        self.name = config.name
        self.filter = PathFilter(config.include, config.exclude)
        self.root = unc_path(config.server, config.share, config.path)

    def items(self, report_error: ErrorReporter) -> Iterator[Item]:
        with SmbSession(self.config) as session:
            yield from self._walk(session, report_error)

    def _walk(self, session: SmbSession, report_error: ErrorReporter) -> Iterator[Item]:
        from smbprotocol.exceptions import SMBException

        stack = [(self.root, "")]
        while stack:
            folder, rel_folder = stack.pop()
            try:
                entries = sorted(session.scandir(folder), key=lambda e: e.name)
            except (SMBException, OSError) as exc:
                if folder == self.root:
                    raise SourceUnavailable(f"{folder}: cannot list ({_reason(exc)})") from None
                report_error(folder, f"folder not readable: {_reason(exc)}")
                continue
            subfolders = []
            for entry in entries:
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                path = f"{folder}\\{entry.name}"
                info = entry.smb_info
                if entry.is_symlink():
                    continue  # reparse points (links, junctions) are not followed: nothing is scanned twice
                if entry.is_dir():
                    if not self.filter.prunes_dir(rel):
                        subfolders.append((path, rel))
                elif self.filter.wants_file(rel):
                    yield self._item(session, path, info, report_error)
            stack.extend(reversed(subfolders))

    def _item(self, session: SmbSession, path: str, info, report_error: ErrorReporter) -> Item:
        from smbprotocol.exceptions import SMBException

        try:
            descriptor = session.security_descriptor(path)
            exposure = exposure_of(descriptor)
            owner_sid = descriptor.get_owner()
            owner = principal_name(str(owner_sid)) if owner_sid is not None else None
        except (SMBException, OSError) as exc:
            # Without READ_CONTROL the content may still be readable: scan it, say exposure is unknown.
            report_error(path, f"permissions not readable (READ_CONTROL): exposure unknown ({_reason(exc)})")
            exposure, owner = Exposure(), None
        size = int(info.end_of_file)
        limit = self.config.max_file_size
        return Item(
            source=self.name,
            location=path,
            name=path.rsplit("\\", 1)[-1],
            size=size,
            modified=info.last_write_time,
            created=info.creation_time,
            version=_version(info.last_write_time, size),
            opener=RefuseTooBig(limit, size) if size > limit else (lambda p=path: session.open_readonly(p)),
            owner=owner,
            exposure=exposure,
        )


def _reason(exc: BaseException) -> str:
    status = getattr(exc, "ntstatus", None)
    text = getattr(exc, "strerror", None) or str(exc)
    if status is not None:
        return f"{text.split(':')[0].strip()} (NTSTATUS 0x{status:08x})"
    return text[:200]
