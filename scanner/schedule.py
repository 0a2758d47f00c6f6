"""Unattended running: systemd units for the nightly scan and the agent, and a cron line as the alternative.

The nightly time is ``schedule.nightly`` (cron syntax) turned into a systemd ``OnCalendar=`` expression. The scan
service skips itself while the agent runs (the agent scans nightly itself and holds the store).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from scanner.errors import ConfigError

SCAN_SERVICE = "gdprscan-scan.service"
SCAN_TIMER = "gdprscan-scan.timer"
AGENT_SERVICE = "gdprscan-agent.service"

_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _field(value: str, name: str, first: int, pad: bool) -> str:
    """One cron field as the matching part of a systemd calendar expression."""
    parts = []
    for part in value.split(","):
        if part == "*":
            parts.append("*")
            continue
        m = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", part)
        if not m:
            raise ConfigError(f"schedule.nightly: cannot express {name} {part!r} as a systemd timer")
        start, end, step = m.groups()
        if end and step:
            raise ConfigError(f"schedule.nightly: a range with a step ({part!r}) has no systemd timer equivalent")
        fmt = (lambda n: f"{int(n):02d}") if pad else (lambda n: str(int(n)))
        if step:
            parts.append(f"{fmt(first if start == '*' else start)}/{int(step)}")
        elif end:
            parts.append(f"{fmt(start)}..{fmt(end)}")
        else:
            parts.append(fmt(start))
    return ",".join(parts)


def _weekdays(value: str) -> str:
    value = value.lower()
    for i, day in enumerate(_DAYS[:7]):
        value = value.replace(day.lower(), str(i))
    parts = []
    for part in value.split(","):
        m = re.fullmatch(r"(\d)(?:-(\d))?", part)
        if not m:
            raise ConfigError(f"schedule.nightly: cannot express weekday {part!r} as a systemd timer")
        start, end = m.groups()
        parts.append(f"{_DAYS[int(start)]}..{_DAYS[int(end)]}" if end else _DAYS[int(start)])
    return ",".join(parts)


def on_calendar(cron: str) -> str:
    """``30 1 * * *`` → ``*-*-* 01:30:00``; ``0 2 * * 1-5`` → ``Mon..Fri *-*-* 02:00:00``."""
    fields = _MACROS.get(cron.strip(), cron).split()
    if len(fields) != 5:
        raise ConfigError(f"schedule.nightly: expected five cron fields, got {cron!r}")
    minute, hour, dom, month, dow = fields
    for i, name in enumerate(_MONTHS, 1):
        month = month.lower().replace(name, str(i))
    if dom != "*" and dow != "*":
        # cron runs when either matches; systemd when both do. Say so rather than change the meaning.
        raise ConfigError("schedule.nightly: give a day of the month or a weekday, not both, for a systemd timer")
    days = "" if dow == "*" else _weekdays(dow) + " "
    return (
        f"{days}*-{_field(month, 'month', 1, True)}-{_field(dom, 'day', 1, True)} "
        f"{_field(hour, 'hour', 0, True)}:{_field(minute, 'minute', 0, True)}:00"
    )


def _command(bin_path: str, *args: str) -> str:
    return " ".join(shlex.quote(str(a)) for a in (bin_path, *args))


def render_units(config_path: Path, bin_path: str, nightly: str | None, user: str = "gdprscan") -> dict[str, str]:
    """The three unit files, by name."""
    config = str(Path(config_path).absolute())
    hardening = f"""User={user}
Group={user}
# The store and exports are created owner-only; keep anything else the service writes private too.
UMask=0077
# Optional: GDPRSCAN_SMB_PASSWORD=... for SMB sources (root:{user}, mode 0640).
EnvironmentFile=-/etc/gdprscan/gdprscan.env
StateDirectory=gdprscan
StateDirectoryMode=0700
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=read-only
"""
    units = {
        SCAN_SERVICE: f"""[Unit]
Description=gdprscan nightly scan for personal data
After=network-online.target remote-fs.target
Wants=network-online.target

[Service]
Type=oneshot
# The agent runs the nightly scan itself and holds the store: skip this run while it is active.
ExecCondition=/bin/sh -c '! systemctl is-active --quiet {AGENT_SERVICE}'
ExecStart={_command(bin_path, "scan", "--config", config, "--no-progress")}
{hardening}Nice=10
IOSchedulingClass=idle
""",
        AGENT_SERVICE: f"""[Unit]
Description=gdprscan monitoring agent (watches the shares, runs the nightly scan)
After=network-online.target remote-fs.target
Wants=network-online.target

[Service]
Type=simple
ExecStart={_command(bin_path, "agent", "--config", config)}
{hardening}Nice=5
IOSchedulingClass=best-effort
IOSchedulingPriority=7
Restart=on-failure
RestartSec=30
# SIGTERM lets the agent finish its current store transaction and stop cleanly.
KillSignal=SIGTERM
TimeoutStopSec=120

[Install]
WantedBy=multi-user.target
""",
    }
    if nightly:
        units[SCAN_TIMER] = f"""[Unit]
Description=gdprscan nightly scan ({nightly} in cron terms)

[Timer]
OnCalendar={on_calendar(nightly)}
# A night missed while the server was off is caught up at the next boot.
Persistent=true
Unit={SCAN_SERVICE}

[Install]
WantedBy=timers.target
"""
    return units


def cron_line(config_path: Path, bin_path: str, nightly: str, user: str = "gdprscan") -> str:
    """A line for /etc/cron.d/gdprscan (with its user field)."""
    config = str(Path(config_path).absolute())
    return (
        f"{nightly} {user} {_command(bin_path, 'scan', '--config', config, '--no-progress')} "
        ">> /var/log/gdprscan/scan.log 2>&1"
    )
