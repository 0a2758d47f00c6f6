"""Small helpers for SQL against the store: ``IN (...)`` lists of any length."""

from __future__ import annotations

from collections.abc import Iterator

IN_PART = 500  # values in one ``IN (...)`` (SQLite allows at least 999 parameters)


def in_parts(values: list) -> Iterator[list]:
    """``values`` in lists of at most ``IN_PART``."""
    for start in range(0, len(values), IN_PART):
        yield values[start : start + IN_PART]


def marks(values: list) -> str:
    """The ``?, ?, …`` placeholders of ``values``."""
    return ", ".join("?" * len(values))
