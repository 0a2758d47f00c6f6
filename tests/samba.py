"""A real Samba smbd on a loopback port for the SMB connector tests, and a way to set Windows ACLs on its files.

The server has its own smb.conf, lock/state/cache/pid folders and password database in a temporary folder, so
it touches nothing of the machine's Samba. ``vfs objects = acl_xattr`` keeps Windows ACLs in an extended
attribute, as a Windows file server would keep them in NTFS; they are set over SMB, as a technician would from
Windows Explorer. Needs root (smbd changes to the logged-on user) and the Debian packages samba and
samba-vfs-modules (scripts/debian-packages).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

USER = "root"  # an existing Unix account; tests do not create system users
PASSWORD = "Hartfield-Test-Only-7"  # used only by this throwaway server


def why_no_samba() -> str | None:
    if shutil.which("smbd") is None or shutil.which("smbpasswd") is None:
        return "smbd is not installed (run scripts/setup-system as root)"
    if not Path("/usr/lib/x86_64-linux-gnu/samba/vfs/acl_xattr.so").exists() and not list(
        Path("/usr/lib").glob("*/samba/vfs/acl_xattr.so")
    ):
        return "Samba's acl_xattr module is not installed (Debian package samba-vfs-modules)"
    if os.geteuid() != 0:
        return "smbd needs root"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SambaServer:
    base: Path
    port: int
    share: str = "school"
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = None
    domain_sid: str = ""
    _cache: dict = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.base / "share"

    def unc(self, rel: str = "") -> str:
        parts = [p for p in rel.split("/") if p]
        return "\\".join([f"\\\\{self.host}", self.share, *parts])

    def start(self) -> None:
        for sub in ("share", "lock", "state", "cache", "pid", "private", "ncalrpc", "log"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        conf = self.base / "smb.conf"
        conf.write_text(
            f"""[global]
  workgroup = HARTFIELD
  netbios name = GDPRTEST
  server role = standalone server
  smb ports = {self.port}
  interfaces = lo
  bind interfaces only = yes
  lock directory = {self.base}/lock
  state directory = {self.base}/state
  cache directory = {self.base}/cache
  pid directory = {self.base}/pid
  private dir = {self.base}/private
  ncalrpc dir = {self.base}/ncalrpc
  log file = {self.base}/log/smbd.log
  log level = 1
  passdb backend = tdbsam:{self.base}/private/passdb.tdb
  server min protocol = SMB2_02
  map to guest = never
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
[{self.share}]
  path = {self.root}
  read only = no
  vfs objects = acl_xattr
  acl_xattr:ignore system acls = yes
"""
        )
        subprocess.run(
            ["smbpasswd", "-c", str(conf), "-s", "-a", USER],
            input=f"{PASSWORD}\n{PASSWORD}\n",
            text=True,
            check=True,
            capture_output=True,
        )
        log = open(self.base / "log" / "stdout.txt", "wb")
        self.process = subprocess.Popen(
            ["smbd", "--foreground", "--no-process-group", "--debug-stdout", "-s", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # smbd signals its process group on the way out; keep pytest out of it
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"smbd exited: {(self.base / 'log' / 'stdout.txt').read_text()[-2000:]}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("smbd did not start listening within 20 s") from None
                time.sleep(0.1)
        import smbclient

        smbclient.register_session(self.host, USER, PASSWORD, port=self.port, connection_cache=self._cache)
        # The server's own SID: its "Domain Users" is <that>-513, as a domain's would be.
        probe = self.root / ".probe"
        probe.write_text("x")
        owner = str(self.descriptor(".probe").get_owner())
        probe.unlink()
        self.domain_sid = owner.rsplit("-", 1)[0]

    def stop(self) -> None:
        import smbclient

        smbclient.reset_connection_cache(fail_on_error=False, connection_cache=self._cache)
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # --- permissions, set over SMB --------------------------------------------------------------------------

    def descriptor(self, rel: str):
        from connectors.smb_session import SmbSession

        session = SmbSession(SimpleNamespace(server=self.host, port=self.port))
        session.cache = self._cache  # the server's own logged-on connection
        return session.security_descriptor(self.unc(rel))

    def set_dacl(self, rel: str, grants: list[tuple[str, int]], denies: list[tuple[str, int]] = ()) -> None:
        """Replace the file's DACL: ``grants``/``denies`` are (SID, access mask); denies come first (canonical)."""
        from smbclient._io import SMBFileTransaction, SMBRawIO
        from smbprotocol.file_info import InfoType
        from smbprotocol.open import SMB2SetInfoRequest
        from smbprotocol.security_descriptor import (
            AccessAllowedAce,
            AccessDeniedAce,
            AclPacket,
            SDControl,
            SIDPacket,
            SMB2CreateSDBuffer,
        )

        aces = []
        for kind, entries in ((AccessDeniedAce, denies), (AccessAllowedAce, grants)):
            for sid, mask in entries:
                ace = kind()
                ace["mask"] = mask
                packet = SIDPacket()
                packet.from_string(sid)
                ace["sid"] = packet
                aces.append(ace)
        acl = AclPacket()
        acl["aces"] = aces
        descriptor = SMB2CreateSDBuffer()
        descriptor["control"].set_flag(SDControl.SELF_RELATIVE)
        descriptor.set_dacl(acl)
        write_dac_read_control = 0x00040000 | 0x00020000
        raw = SMBRawIO(
            self.unc(rel),
            mode="r",
            share_access="rwd",
            desired_access=write_dac_read_control,
            port=self.port,
            connection_cache=self._cache,
        )
        with SMBFileTransaction(raw) as transaction:
            request = SMB2SetInfoRequest()
            request["info_type"] = InfoType.SMB2_0_INFO_SECURITY
            request["additional_information"] = 0x4  # DACL
            request["file_id"] = raw.fd.file_id
            request["buffer"] = descriptor
            transaction += (request, lambda sent: raw.fd.connection.receive(sent))

    def owner_of(self, rel: str) -> str:
        return str(self.descriptor(rel).get_owner())
