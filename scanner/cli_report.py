"""The ``report`` command: the DPO findings report from the store (see scanner/cli.py).

Thin over reports.dpo_report (what the report says) and reports.dpo_formats (HTML, PDF, CSV, XLSX).
"""

from __future__ import annotations

from pathlib import Path

import click

from scanner.errors import GdprscanError

FORMATS = ("html", "pdf", "csv", "xlsx")


@click.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Findings store (SQLite).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Report file to write (created 0600).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Default: from --out's extension, else html.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config whose retention schedule judges what is past retention (default: the built-in one).")
@click.option("--retention-years", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Instead of the schedule: treat items unchanged for this many years as past retention.")
@click.option("--school", default=None, help="School or trust name for the report's heading.")
def report(db, out, fmt, config_file, retention_years, school):
    """Write the DPO findings report: headline figures, charts, risky items with what to do, changes since
    the previous scan, encrypted items, errors and items not read.

    HTML is one self-contained file that opens offline; PDF is the same pages for printing; CSV and XLSX hold
    the summary and the risky items (XLSX also the changes, encrypted items and errors). Nothing is rescanned.

    \b
    Example:
      gdprscan report --db /var/lib/gdprscan/findings.db --out report.html
      gdprscan report --db findings.db --out report.pdf --school "Hartfield Academy"
    """
    from reports.dpo_formats import WRITERS
    from reports.dpo_report import build_report
    from reports.export import private_output
    from scanner.config import load_config
    from scanner.store import open_store

    target = Path(out)
    fmt = fmt or (target.suffix.lower().lstrip(".") if target.suffix.lower().lstrip(".") in FORMATS else "html")
    config = load_config(Path(config_file)) if config_file else None
    store = open_store(db, must_exist=True)
    try:
        data = build_report(store, config=config, retention_years=retention_years, school=school)
    finally:
        store.close()
    try:
        with private_output(target, binary=True) as handle:
            WRITERS[fmt](data, handle)
    except OSError as exc:
        raise GdprscanError(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    click.echo(
        f"Report written to {target.absolute()} ({fmt}): {data.figure('sensitive'):,} items with sensitive data, "
        f"{data.figure('act_now'):,} to act on now, {data.figure('high'):,} high priority"
    )
