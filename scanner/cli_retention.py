"""The retention and processing-records commands: ``retention candidates|apply|restore`` and ``ropa``.

Thin over scanner.retention and reports.retention / reports.ropa (registered in scanner/cli.py).
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import click

from scanner.errors import GdprscanError
from scanner.lock import StoreLock

_DB = click.option("--db", required=True, type=click.Path(dir_okay=False), help="Findings store (SQLite).")
_CONFIG = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False),
    help="YAML config with the retention rules, legal holds and quarantine (default: the shipped IRMS rules).",
)
_AS_OF = click.option("--as-of", "as_of", help="Date to judge expiry on, YYYY-MM-DD (default: today).")
_QUARANTINE = click.option(
    "--quarantine", type=click.Path(file_okay=False),
    help="Quarantine folder (default: retention.quarantine, or STORE-quarantine beside the store).",
)
_BY = click.option("--by", help="Who approved or asked for this, for the audit log (the OS user is always logged).")


def _config(config_file: str | None):
    from scanner.config import Config, load_config

    if not config_file:
        return Config()
    config = load_config(Path(config_file))
    base = Path(config_file).absolute().parent
    retention = config.retention
    updates = {k: base / v for k in ("quarantine", "audit_log") if (v := getattr(retention, k)) and not v.is_absolute()}
    if updates:
        config = config.model_copy(update={"retention": retention.model_copy(update=updates)})
    return config


def _as_of(value: str | None) -> date:
    from scanner.retention import today

    if not value:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GdprscanError(f"--as-of: expected a date as YYYY-MM-DD (got {value!r})") from None


def _actions(db: str, config, quarantine: str | None, by: str | None):
    from scanner.retention import Quarantine, RetentionActions, default_quarantine
    from scanner.store import open_store

    store = open_store(db, must_exist=True)
    root = Path(quarantine) if quarantine else (config.retention.quarantine or default_quarantine(Path(db)))
    return RetentionActions(store, config, Quarantine(root.absolute(), config.retention.audit_log), by=by)


def _report(outcomes, dry_run: bool) -> None:
    from collections import Counter

    for o in outcomes:
        detail = o.reason if o.action == "skipped" else (o.quarantined_as or "")
        click.echo(f"{o.action:16} {o.location}" + (f"  ({o.rule}) {detail}" if o.rule or detail else ""))
    counts = Counter(o.action for o in outcomes)
    click.echo(", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "nothing to do")
    if dry_run and outcomes:
        click.echo("Dry run: nothing was moved. Run again with --yes to act.")


@click.group()
def retention():
    """Files past their retention period, and the approval workflow that moves them to quarantine.

    \b
    Example:
      gdprscan retention candidates --db findings.db --format xlsx --out candidates.xlsx
      gdprscan retention apply --db findings.db --approved candidates.xlsx --yes
    """


@retention.command("candidates")
@_DB
@_CONFIG
@_AS_OF
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (created 0600). Default: standard output.")
def candidates_cmd(db, config_file, as_of, fmt, out):
    """List files past their retention period: rule, trigger date, expiry, location, categories.

    Each top-level file present in the store is matched against retention.rules (the first match applies).
    Set the `approved` column to yes for the files to act on and give the file to `retention apply`.

    \b
    Example:
      gdprscan retention candidates --db findings.db --as-of 2025-09-01 --format csv --out candidates.csv
    """
    from reports.retention import write_candidates
    from scanner.retention import candidates
    from scanner.store import open_store

    if fmt == "xlsx" and not out:
        raise GdprscanError("--format xlsx needs --out FILE")
    config = _config(config_file)
    store = open_store(db, must_exist=True)
    n = write_candidates(candidates(store, config, _as_of(as_of)), fmt, Path(out) if out else None, sys.stdout)
    if out:
        click.echo(f"{n:,} candidates written to {Path(out).absolute()}", err=True)


@retention.command("apply")
@_DB
@click.option("--approved", required=True, type=click.Path(dir_okay=False, exists=True),
              help="The candidates export with approved=yes (jsonl/csv/xlsx), or a list of locations (one a line).")
@_CONFIG
@_AS_OF
@_QUARANTINE
@_BY
@click.option("--yes", is_flag=True, help="Act. Without it, only say what would be done.")
def apply_cmd(db, approved, config_file, as_of, quarantine, by, yes):
    """Move approved candidates to the quarantine folder (restorable; nothing is deleted).

    A file is moved only if it is still a candidate, unchanged since the scan (modification time and size),
    on a filesystem source and not under legal hold; anything else is skipped with the reason. Each action
    is written to the audit log. A dry run unless --yes.

    \b
    Example:
      gdprscan retention apply --db findings.db --approved candidates.csv --by "J. Smith, DPO" --yes
    """
    from scanner.retention import read_approved

    config = _config(config_file)
    # Acting changes the store (items marked gone): not while a scan or the agent writes to it.
    with StoreLock(db, role="retention") if yes else nullcontext():
        actions = _actions(db, config, quarantine, by)
        outcomes = actions.apply(read_approved(Path(approved)), _as_of(as_of), dry_run=not yes)
    _report(outcomes, not yes)
    if yes and outcomes:
        click.echo(f"Quarantine: {actions.quarantine.root}; audit log: {actions.quarantine.audit_log}")


@retention.command("restore")
@click.argument("locations", nargs=-1)
@_DB
@_CONFIG
@_QUARANTINE
@_BY
@click.option("--all", "restore_all", is_flag=True, help="Restore everything in the quarantine.")
@click.option("--yes", is_flag=True, help="Act. Without it, only say what would be done.")
def restore_cmd(locations, db, config_file, quarantine, by, restore_all, yes):
    """Put quarantined files back exactly where they were (never over a file that is there now).

    Without LOCATIONS or --all, lists what the quarantine holds.

    \b
    Example:
      gdprscan retention restore --db findings.db /srv/shares/staff/HR/DBS/DBS_Smith_2016.pdf --yes
    """
    config = _config(config_file)
    actions = _actions(db, config, quarantine, by)
    if not locations and not restore_all:
        held = actions.quarantine.held()
        for entry in held:
            click.echo(f"{entry['at']}  {entry['location']}  ({entry['rule']}, by {entry['who']})")
        click.echo(f"{len(held)} file(s) in {actions.quarantine.root}")
        return
    with StoreLock(db, role="retention") if yes else nullcontext():
        outcomes = actions.restore(None if restore_all else locations, dry_run=not yes)
    _report(outcomes, not yes)


@click.command("ropa")
@_DB
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="YAML config whose ropa section lists the processing activities.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="ropa.xlsx (Register and Flags sheets) or ropa.csv (flags in ropa-flags.csv); created 0600.")
def ropa(db, config_file, out):
    """Export the record of processing activities (Art. 30(1)) with the evidence found, and flags.

    Flags: special-category data no activity covers (unrecorded processing), categories found in an
    activity's locations that it does not declare, declared locations holding no personal data.

    \b
    Example:
      gdprscan ropa --db findings.db --config /etc/gdprscan/config.yaml --out ropa.xlsx
    """
    from reports.ropa import flags_path, write_register
    from scanner.store import open_store

    target = Path(out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise GdprscanError(f"--out: give a .xlsx or .csv file (got {out!r})")
    config = _config(config_file)
    store = open_store(db, must_exist=True)
    n, flags = write_register(store, config, target)
    click.echo(f"{n} processing activities, {len(flags)} flags written to {target.absolute()}", err=True)
    if target.suffix.lower() == ".csv":
        click.echo(f"Flags: {flags_path(target).absolute()}", err=True)
