"""Shared test set-up: no network but loopback, ever."""

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            ip = ipaddress.ip_address(socket.gethostbyname(host) if not host.replace(".", "").isdigit() and ":" not in host else host)
        except (OSError, ValueError):
            raise RuntimeError(f"tests may only connect to loopback, not {host!r}") from None
        if not ip.is_loopback:
            raise RuntimeError(f"tests may only connect to loopback, not {host!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
