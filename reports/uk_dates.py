"""Reports room: dates the UK way, in UK local time (23 Nov 2026 in pages, 23/11/2026 in spreadsheets)."""

from __future__ import annotations

from datetime import date, datetime, timezone

try:
    from zoneinfo import ZoneInfo

    UK = ZoneInfo("Europe/London")
except Exception:  # noqa: BLE001 - no time zone database: UTC is still right, only not local
    UK = timezone.utc


def local(moment: datetime | date | str | None) -> datetime | None:
    """A stored ISO string or a datetime in UK local time (naive values are UTC, as the store writes them)."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return None
    if moment is None:
        return None
    if not isinstance(moment, datetime):  # a plain date has no time zone to convert
        return datetime(moment.year, moment.month, moment.day, tzinfo=UK)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(UK)


def uk_date(moment: datetime | date | str | None) -> str:
    """23 Nov 2026"""
    moment = local(moment)
    return f"{moment.day} {moment:%b %Y}" if moment else "unknown"


def uk_datetime(moment: datetime | str | None) -> str:
    """23 Nov 2026, 14:05"""
    moment = local(moment)
    return f"{moment.day} {moment:%b %Y, %H:%M}" if moment else "unknown"


def uk_numeric_date(moment: datetime | date | str | None) -> str:
    """23/11/2026"""
    moment = local(moment)
    return f"{moment:%d/%m/%Y}" if moment else ""
