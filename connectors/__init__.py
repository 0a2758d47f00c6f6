"""Connectors: list the items of a source and open their bytes lazily.

One module per service. A connector never changes what it reads. A new connector adds its config model to
``scanner.config.SourceConfig`` and one line to ``CONNECTORS`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from scanner.items import Item, NotScanned

# Called with (location, reason) for a problem that is not an item: an unreadable folder, a vanished file.
ErrorReporter = Callable[[str, str], None]


class SourceUnavailable(Exception):
    """The source as a whole could not be listed (missing root, server down). Items it had are not marked gone."""


class Connector(Protocol):
    name: str
    # True when its items can be pickled and opened in another process (``scan.workers``): their openers are
    # module-level callables, not closures over a live connection.
    process_safe: bool

    def items(self, report_error: ErrorReporter) -> Iterator[Item]:
        """Yield every item of the source. Per-item problems go to ``report_error``; the listing goes on."""
        ...


@dataclass(frozen=True)
class RefuseTooBig:
    """The opener of an item over the source's ``max_file_size``: it is recorded as not scanned, never read."""

    limit: int
    size: int

    def __call__(self) -> BinaryIO:
        raise NotScanned(f"larger than max_file_size ({self.size:,} bytes > {self.limit:,})")


def connector_for(source) -> Connector:
    """The connector for a validated source config (see ``scanner.config.SourceConfig``)."""
    from connectors.filesystem import FilesystemConnector
    from connectors.smb import SmbConnector

    connectors: dict[str, Callable[[object], Connector]] = {
        "filesystem": FilesystemConnector,
        "smb": SmbConnector,
    }
    return connectors[source.type](source)
