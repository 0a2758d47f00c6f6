"""gdprscan: finds personal data on school file shares, mailboxes and cloud drives."""

__version__ = "0.1.0"
