"""User-facing errors: one family, each with a message a DPO or technician can act on.

A failure on one item is never one of these: it is recorded in the store and the scan goes on.
"""


class GdprscanError(Exception):
    """A failure that stops a command; the CLI prints its message on one line and exits non-zero."""

    exit_code = 1


class ConfigError(GdprscanError):
    exit_code = 2


class StoreError(GdprscanError):
    pass
