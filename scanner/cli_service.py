"""The commands for running unattended: ``agent``, ``status`` and ``schedule show|install`` (see scanner/cli.py).

Thin over scanner.agent, scanner.store and scanner.schedule.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import click

from scanner.errors import GdprscanError

log = logging.getLogger("gdprscan.agent")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="YAML config (see config.example.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Findings store (SQLite). Default: the config's, or ./gdprscan.db.")
def agent(paths, config_file, db):
    """Watch the shares and keep the findings current, and run the nightly scan.

    Files created, changed, moved or deleted in the filesystem sources (or PATHS) are rescanned a few seconds
    after the folder goes quiet; every source is scanned incrementally at schedule.nightly. Runs until SIGTERM
    or Ctrl-C; only one agent (or scan) can use a store at a time.

    \b
    Example:
      gdprscan agent --config /etc/gdprscan/config.yaml
      gdprscan agent /srv/shares/staff --db /var/lib/gdprscan/findings.db
    """
    from detectors import build_detectors
    from scanner.agent import Agent
    from scanner.cli import _resolve_config
    from scanner.lock import StoreLock
    from scanner.store import open_store

    config = _resolve_config(paths, config_file, db)
    if logging.getLogger().level > logging.INFO:
        logging.getLogger("gdprscan").setLevel(logging.INFO)  # an agent says what it does, in the journal
    with StoreLock(config.store.path, role="agent"):
        store = open_store(config.store.path)
        detectors = build_detectors(config.detection)
        try:
            Agent(config, store, detectors).run()
        finally:
            store.close()


def _ago(iso: str | None) -> str:
    return iso or "never"


@click.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Findings store (SQLite).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config, for the nightly time when no agent runs.")
def status(db, config_file):
    """Show the last scan, whether an agent is running, and the next scheduled scan.

    \b
    Example:
      gdprscan status --db /var/lib/gdprscan/findings.db
    """
    from scanner.agent import next_run
    from scanner.config import load_config
    from scanner.lock import lock_holder
    from scanner.store import open_store

    store = open_store(db, must_exist=True)
    last = store.last_scan(full_only=True)
    lines = [f"Store: {Path(db).absolute()}"]
    if last is None:
        lines.append("Last scan: none yet")
    else:
        seconds = None
        if last["finished"]:
            seconds = (datetime.fromisoformat(last["finished"]) - datetime.fromisoformat(last["started"])).total_seconds()
        took = f"took {seconds:,.0f} s" if seconds is not None else "not finished"
        lines.append(
            f"Last scan: #{last['id']} ({last['kind'] or 'scan'}) {last['status']}, started {last['started']}, {took}; "
            f"{last['items_seen'] or 0:,} items listed, {last['items_scanned'] or 0:,} read, "
            f"{last['findings'] or 0:,} findings, {last['errors'] or 0:,} errors"
        )
    holder = lock_holder(db)
    if holder is None:
        lines.append("Agent: not running")
    elif holder.role == "agent":
        started = store.meta("agent_started")
        change = store.db.execute("SELECT MAX(finished) FROM scans WHERE kind = 'watch'").fetchone()[0]
        lines.append(f"Agent: running (pid {holder.pid}) since {_ago(started)}; last change recorded {_ago(change)}")
    else:
        lines.append(f"Agent: not running; a scan is running now (pid {holder.pid})")
    upcoming = store.meta("agent_next_nightly") if holder and holder.role == "agent" else None
    if upcoming:
        lines.append(f"Next scheduled scan: {upcoming} (by the agent)")
    elif config_file:
        when = next_run(load_config(Path(config_file)).schedule.nightly)
        lines.append(
            f"Next scheduled scan: {when.isoformat(timespec='minutes')} (schedule.nightly)"
            if when
            else "Next scheduled scan: none (schedule.nightly is null)"
        )
    else:
        lines.append("Next scheduled scan: no agent running; give --config to see schedule.nightly")
    store.close()
    click.echo("\n".join(lines))


@click.group()
def schedule():
    """Run gdprscan unattended: systemd units (or a cron line) for the nightly scan and the agent.

    \b
    Example:
      gdprscan schedule show --config /etc/gdprscan/config.yaml
    """


def _default_bin() -> str:
    beside = Path(sys.executable).parent / "gdprscan"
    return str(beside) if beside.exists() else (shutil.which("gdprscan") or "/usr/local/bin/gdprscan")


_common = [
    click.option("--config", "config_file", required=True, type=click.Path(dir_okay=False, exists=True),
                 help="The config the scans use (its schedule.nightly sets the time)."),
    click.option("--user", default="gdprscan", show_default=True, help="Account the services run as."),
    click.option("--bin", "bin_path", default=None, help="The gdprscan program. Default: this installation's."),
]


def _with_common(f):
    for option in reversed(_common):
        f = option(f)
    return f


def _render(config_file, user, bin_path):
    from scanner.config import load_config
    from scanner.schedule import cron_line, render_units

    config = load_config(Path(config_file))
    bin_path = bin_path or _default_bin()
    units = render_units(Path(config_file), bin_path, config.schedule.nightly, user)
    cron = cron_line(Path(config_file), bin_path, config.schedule.nightly, user) if config.schedule.nightly else None
    return units, cron


@schedule.command("show")
@_with_common
def schedule_show(config_file, user, bin_path):
    """Print the systemd units and the cron line, changing nothing.

    \b
    Example:
      gdprscan schedule show --config /etc/gdprscan/config.yaml --user gdprscan
    """
    units, cron = _render(config_file, user, bin_path)
    for name, text in units.items():
        click.echo(f"# /etc/systemd/system/{name}\n{text}")
    if cron:
        click.echo(f"# Without systemd: /etc/cron.d/gdprscan (the nightly scan only)\n{cron}")


@schedule.command("install")
@_with_common
@click.option("--dir", "target", default="/etc/systemd/system", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the unit files (or, with --cron, the cron file).")
@click.option("--cron", "use_cron", is_flag=True, help="Write /etc/cron.d/gdprscan (in --dir) instead of systemd units.")
def schedule_install(config_file, user, bin_path, target, use_cron):
    """Write the systemd units (or the cron file) and say how to enable them.

    \b
    Example:
      gdprscan schedule install --config /etc/gdprscan/config.yaml
      gdprscan schedule install --config /etc/gdprscan/config.yaml --cron --dir /etc/cron.d
    """
    units, cron = _render(config_file, user, bin_path)
    folder = Path(target if not (use_cron and target == "/etc/systemd/system") else "/etc/cron.d")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if use_cron:
            if not cron:
                raise GdprscanError("schedule.nightly is null in the config: there is nothing to schedule")
            path = folder / "gdprscan"
            path.write_text(f"# gdprscan nightly scan (written by gdprscan schedule install)\n{cron}\n")
            os.chmod(path, 0o644)
            click.echo(f"Written {path}. cron reads it by itself; logs go to /var/log/gdprscan/scan.log "
                       f"(create that folder, owned by {user}).")
            return
        for name, text in units.items():
            path = folder / name
            path.write_text(text)
            os.chmod(path, 0o644)
            click.echo(f"Written {path}")
    except OSError as exc:
        raise GdprscanError(f"cannot write to {folder}: {exc.strerror or exc} (run as root, or choose --dir)") from None
    click.echo(
        "Then, as root:\n"
        "  systemctl daemon-reload\n"
        "  systemctl enable --now gdprscan-agent.service   # watch the shares and scan nightly, or\n"
        "  systemctl enable --now gdprscan-scan.timer      # the nightly scan only, without the agent"
    )
