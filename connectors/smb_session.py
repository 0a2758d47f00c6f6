"""SMB sessions for the SMB connector: the password, the connection, and reading a file's security descriptor.

Kept apart from traversal (connectors/smb.py). The password comes from an environment variable or a file
named in the configuration; it is never logged or put in a message. Each connector has its own connection
cache, closed when its listing ends.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from connectors import SourceUnavailable

log = logging.getLogger("gdprscan.connectors.smb")

# QUERY_INFO for a security descriptor (MS-SMB2 2.2.37): owner, group and DACL; the SACL needs a privilege.
_OWNER, _GROUP, _DACL = 0x1, 0x2, 0x4
# Access to ask for when reading permissions only: READ_CONTROL | FILE_READ_ATTRIBUTES.
_READ_CONTROL_ACCESS = 0x00020000 | 0x00000080
_MAX_SD_BYTES = 64 * 1024


def smb_password(config) -> str:
    """The password from ``password_env`` or ``password_file``; the error names where it was looked for."""
    if config.password_env is not None:
        value = os.environ.get(config.password_env)
        if not value:
            raise SourceUnavailable(f"environment variable {config.password_env} (password_env) is not set")
        return value
    path = Path(config.password_file)
    try:
        value = path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise SourceUnavailable(f"cannot read password_file {path}: {exc.strerror or exc}") from None
    if not value:
        raise SourceUnavailable(f"password_file {path} is empty")
    return value


class SmbSession:
    """One authenticated connection to a server, with the helpers the connector needs."""

    def __init__(self, config):
        self.config = config
        self.server = config.server
        self.port = config.port
        self.cache: dict = {}

    def __enter__(self) -> SmbSession:
        import smbclient
        from smbprotocol.exceptions import LogonFailure, SMBAuthenticationError, SMBException

        password = smb_password(self.config)
        try:
            smbclient.register_session(
                self.server,
                username=self.config.username,
                password=password,
                port=self.port,
                connection_timeout=self.config.timeout,
                connection_cache=self.cache,
            )
        except (SMBAuthenticationError, LogonFailure):
            raise SourceUnavailable(
                f"\\\\{self.server}: logon failed for {self.config.username} (check the user name and password)"
            ) from None
        except (SMBException, OSError, ValueError) as exc:
            # smbprotocol's messages name the server and the status, never the password.
            raise SourceUnavailable(f"\\\\{self.server}:{self.port}: cannot connect ({_short(exc)})") from None
        return self

    def __exit__(self, *exc) -> None:
        import smbclient

        try:
            smbclient.reset_connection_cache(fail_on_error=False, connection_cache=self.cache)
        except Exception:  # noqa: BLE001 - closing a connection that is already gone is not a problem
            log.debug("closing the SMB connection failed", exc_info=True)

    @property
    def kwargs(self) -> dict:
        return {"port": self.port, "connection_cache": self.cache}

    def scandir(self, path: str):
        import smbclient

        return smbclient.scandir(path, **self.kwargs)

    def open_readonly(self, path: str):
        """A seekable binary stream; others may keep reading, writing and deleting the file meanwhile."""
        import smbclient

        return smbclient.open_file(path, mode="rb", share_access="rwd", **self.kwargs)

    def security_descriptor(self, path: str):
        """The file's owner, group and DACL (an ``SMB2CreateSDBuffer``), read with READ_CONTROL only."""
        from smbclient._io import SMBFileTransaction, SMBRawIO
        from smbprotocol.file_info import InfoType
        from smbprotocol.open import SMB2QueryInfoRequest, SMB2QueryInfoResponse
        from smbprotocol.security_descriptor import SMB2CreateSDBuffer

        raw = SMBRawIO(path, mode="r", share_access="rwd", desired_access=_READ_CONTROL_ACCESS, **self.kwargs)
        # The open, the query and the close go to the server as one compound request.
        with SMBFileTransaction(raw) as transaction:
            request = SMB2QueryInfoRequest()
            request["info_type"] = InfoType.SMB2_0_INFO_SECURITY
            request["output_buffer_length"] = _MAX_SD_BYTES
            request["additional_information"] = _OWNER | _GROUP | _DACL
            request["file_id"] = raw.fd.file_id

            def receive(sent):
                response = raw.fd.connection.receive(sent)
                answer = SMB2QueryInfoResponse()
                answer.unpack(response["data"].get_value())
                descriptor = SMB2CreateSDBuffer()
                descriptor.unpack(answer["buffer"].get_value())
                return descriptor

            transaction += (request, receive)
        return transaction.results[0]


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
