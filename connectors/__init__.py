"""Connectors: list the items of a source and open their bytes lazily.

One module per service. A connector never changes what it reads. A new connector adds its config model to
``scanner.config.SourceConfig`` and one line to ``CONNECTORS`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from scanner.items import Item

# Called with (location, reason) for a problem that is not an item: an unreadable folder, a vanished file.
ErrorReporter = Callable[[str, str], None]


class SourceUnavailable(Exception):
    """The source as a whole could not be listed (missing root, server down). Items it had are not marked gone."""


class Connector(Protocol):
    name: str

    def items(self, report_error: ErrorReporter) -> Iterator[Item]:
        """Yield every item of the source. Per-item problems go to ``report_error``; the listing goes on."""
        ...


def connector_for(source) -> Connector:
    """The connector for a validated source config (see ``scanner.config.SourceConfig``)."""
    from connectors.filesystem import FilesystemConnector
    from connectors.smb import SmbConnector

    connectors: dict[str, Callable[[object], Connector]] = {
        "filesystem": FilesystemConnector,
        "smb": SmbConnector,
    }
    return connectors[source.type](source)
