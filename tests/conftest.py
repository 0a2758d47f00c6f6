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


@pytest.fixture(scope="session")
def evaluation_texts(tmp_path_factory) -> list[str]:
    """The plain-text files of the labelled evaluation set, as text: varied school text for equivalence tests."""
    from tests.evaluation.corpus import build_corpus

    root = tmp_path_factory.mktemp("evaluation-texts")
    build_corpus(root)
    plain = {".txt", ".md", ".csv", ".tsv", ".html", ".eml"}
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(root.rglob("*")) if p.suffix in plain]
    assert len(texts) > 50
    return texts
