"""The ``gdprscan`` command: thin click commands over the engine, the store and the reports.

Every failure that stops a command is printed on one line (``gdprscan: error: ...``) with a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.filesystem import displayable
from scanner.config import Config, FilesystemSource, load_config
from scanner.errors import GdprscanError

DEFAULT_DB = Path("gdprscan.db")

err_console = Console(stderr=True)


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


class GdprscanGroup(click.Group):
    """Turns user-facing errors into one line on stderr and an exit status."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GdprscanError as exc:
            err_console.print(f"gdprscan: error: {exc}", markup=False, highlight=False, soft_wrap=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err_console.print(
                "gdprscan: interrupted: work so far is saved; run the same command again to resume",
                markup=False,
            )
            sys.exit(130)


@click.group(cls=GdprscanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More detail in logs (-vv for debug).")
@click.version_option(package_name="gdprscan")
def main(verbose: int) -> None:
    """gdprscan finds personal and special-category data on school shares.

    \b
    Example:
      gdprscan scan /srv/shares/staff --db /var/lib/gdprscan/findings.db
      gdprscan export findings --db /var/lib/gdprscan/findings.db --format csv --out findings.csv
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


def _resolve_config(paths: tuple[str, ...], config_file: str | None, db: str | None) -> Config:
    config = load_config(Path(config_file)) if config_file else Config()
    if paths:
        sources = []
        for raw in paths:
            path = Path(raw).expanduser().absolute()
            if not path.exists():
                raise GdprscanError(f"{raw}: no such file or folder")
            # An ad hoc path is its own source, so scanning /a then /b never marks /a's items gone.
            sources.append(FilesystemSource(type="filesystem", name=displayable(str(path)), paths=[path]))
        config = config.model_copy(update={"sources": sources})
    elif not config.sources:
        raise GdprscanError("nothing to scan: give one or more paths, or --config with sources")
    if db:
        config = config.model_copy(update={"store": config.store.model_copy(update={"path": Path(db)})})
    elif not config_file:
        config = config.model_copy(update={"store": config.store.model_copy(update={"path": DEFAULT_DB})})
    return config


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="YAML config (see config.example.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Findings store (SQLite). Default: the config's, or ./gdprscan.db.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
@click.option("--reread", is_flag=True, help="Read every file again, changed or not (after a roster update, say).")
def scan(paths, config_file, db, progress, reread):
    """Scan files for personal data and record what is found.

    Paths scan ad hoc with default settings; --config scans the configured sources. Rescans are incremental:
    unchanged files cost a stat, changed files are re-read, vanished files are marked gone. After a change to
    the detection or extraction settings (or an upgrade) every file is read again; --reread asks for that.

    \b
    Example:
      gdprscan scan /mnt/staff-share --db findings.db
      gdprscan scan --config /etc/gdprscan/config.yaml
      gdprscan scan --config /etc/gdprscan/config.yaml --reread
    """
    from detectors import build_detectors
    from scanner.engine import Engine
    from scanner.lock import StoreLock
    from scanner.store import open_store

    config = _resolve_config(paths, config_file, db)
    show = sys.stderr.isatty() if progress is None else progress
    with StoreLock(config.store.path):
        store = open_store(config.store.path)
        detectors = None  # with scan.workers > 1, each worker process loads its own
        if config.scan.workers == 1:
            with err_console.status("Loading detectors…", spinner="dots") if show else nullcontext():
                detectors = build_detectors(config.detection)
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.completed:,}[/] items"),
            TextColumn("{task.fields[bytes]}"),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[current]}", justify="left"),
            console=err_console,
            transient=True,
            disable=not show,
        ) as bar:
            task = bar.add_task("scan", total=None, bytes="", current="")
            done_bytes = 0

            def on_item(item, outcome):
                nonlocal done_bytes
                done_bytes += item.size or 0
                bar.update(task, advance=1, bytes=_human_bytes(done_bytes), current=item.name[-60:])

            summary = Engine(config, store, detectors, on_item=on_item, reread=reread).run()
        _print_summary(summary, config.store.path)
        store.close()


def _print_summary(summary, db_path: Path) -> None:
    console = Console()
    table = Table(title=f"Scan {summary.scan_id} {summary.status}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rate = summary.bytes_scanned / summary.seconds if summary.seconds else 0
    table.add_row("Items listed", f"{summary.items_seen:,}")
    table.add_row("Items read (members included)", f"{summary.items_scanned:,}")
    table.add_row("Unchanged since last scan", f"{summary.items_unchanged:,}")
    if summary.items_copied:
        table.add_row("Copies of files already read", f"{summary.items_copied:,}")
    table.add_row("Bytes read", _human_bytes(summary.bytes_scanned))
    table.add_row("Encrypted items", f"{summary.encrypted:,}")
    table.add_row("Errors", f"{summary.errors:,}")
    table.add_row("Marked gone", f"{summary.gone:,}")
    table.add_row("Time", f"{summary.seconds:,.1f} s ({_human_bytes(int(rate))}/s)")
    console.print(table)
    if summary.findings:
        found = Table(title="Findings by type", title_justify="left", min_width=40)
        found.add_column("Type")
        found.add_column("Matches", justify="right")
        for entity, count in summary.findings.items():
            found.add_row(entity, f"{count:,}")
        console.print(found)
    console.print(f"Findings store: {Path(db_path).absolute()}")


@main.group()
def export():
    """Export what the store holds.

    \b
    Example:
      gdprscan export findings --db findings.db --format jsonl --out findings.jsonl
    """


@export.command("findings")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Findings store (SQLite).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (created 0600). Default: standard output.")
def export_findings_cmd(db, fmt, out):
    """One record per item: location, source, encrypted, entities, special_categories, criminal_offence, size,
    modified (see the README's export contract).

    \b
    Example:
      gdprscan export findings --db findings.db --format csv --out findings.csv
    """
    from reports.export import export_findings, private_output
    from scanner.store import open_store

    store = open_store(db, must_exist=True)
    if out:
        with private_output(Path(out)) as handle:
            n = export_findings(store, fmt, handle)
        err_console.print(f"{n:,} records written to {Path(out).absolute()}", markup=False)
    else:
        export_findings(store, fmt, sys.stdout)


@main.command("sample-share")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--seed", default=7, show_default=True, help="Same seed, same share.")
@click.option("--scale", default=1, show_default=True, help="Multiply the bulk content.")
def sample_share_cmd(out, seed, scale):
    """Write the fictional sample school share (for demos and tests).

    \b
    Example:
      gdprscan sample-share demo/share
    """
    from scanner.sample_share import generate, save_manifest

    target = Path(out)
    if target.exists() and any(target.iterdir()):
        raise GdprscanError(f"{out}: folder is not empty; choose a new folder")
    manifest = generate(target, seed=seed, scale=scale)
    save_manifest(manifest, target.parent / f"{target.name}.manifest.json")
    click.echo(f"Sample share written to {target.absolute()}")


@main.command("check-config")
@click.argument("config_file", type=click.Path(dir_okay=False))
def check_config(config_file):
    """Validate a config file and say what it would scan.

    \b
    Example:
      gdprscan check-config /etc/gdprscan/config.yaml
    """
    config = load_config(Path(config_file))
    click.echo(f"{config_file}: valid. Store: {config.store.path}")
    for source in config.sources:
        click.echo(f"  source {source.name!r} ({source.type})")


# Running unattended (agent, status, schedule) lives in its own module; registered here.
from scanner.cli_service import agent, schedule, status  # noqa: E402

main.add_command(agent)
main.add_command(status)
main.add_command(schedule)

# Retention schedule (candidates, apply, restore) and processing records (ropa); registered here.
from scanner.cli_retention import retention, ropa  # noqa: E402

main.add_command(retention)
main.add_command(ropa)


# The DPO findings report (HTML, PDF, CSV, XLSX); registered here.
from scanner.cli_report import report  # noqa: E402

main.add_command(report)

# Subject access requests: where data about one person is held; registered here.
from scanner.cli_sar import sar  # noqa: E402

main.add_command(sar)

if __name__ == "__main__":
    main()
