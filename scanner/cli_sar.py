"""The ``sar`` command: where the store says data about one person is held (a subject access request).

Thin over reports.sar; registered in scanner/cli.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Findings store (SQLite).")
@click.option("--name", required=True, help="The person's full name, as the school records it.")
@click.option("--alias", "aliases", multiple=True,
              help="A known-as first name (Liv), or another full name (a former surname). Repeatable.")
@click.option("--email", "emails", multiple=True, help="An email address of the person. Repeatable.")
@click.option("--dob", "dobs", multiple=True, help="Date of birth, YYYY-MM-DD. Repeatable.")
@click.option("--id", "identifiers", multiple=True,
              help="An identifier: UPN, ULN, NHS or NI number, or a school code (admission, staff number). Repeatable.")
@click.option("--title", "titles", multiple=True,
              help="A title the person is addressed by (Mrs, Mr, Miss, Ms, Mx, Dr): also match 'Mrs Hart' "
                   "where no other Hart is named. Repeatable; leave out for pupils.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "html"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (created 0600). Default: standard output.")
@click.option("--key-file", type=click.Path(dir_okay=False),
              help="The person-index key, if kept away from the store. Default: the store's path + .key.")
def sar(db, name, aliases, emails, dobs, identifiers, titles, fmt, out, key_file):
    """Find every item that holds data about one person, for a subject access request.

    Searches the person index the scans keep (keyed hashes, never names) for the name and the variants a
    school writes (Hart, Olivia; O. Hart; a known-as name; first name and surname in one table row; Mrs Hart
    with --title), and for the person's emails, identifiers and date of birth. A namesake (a sibling with the
    same surname, another pupil with the same first name) is not a match unless an identifier links them.
    Lists location, source, modified date, how it matched, match count and the categories present; the html
    format is a printable page for the SAR file.

    \b
    Example:
      gdprscan sar --db findings.db --name "Olivia Hart" --alias Liv --dob 2011-03-14 --id B801200005001 --format html --out sar-olivia-hart.html
    """
    from reports.export import private_output
    from reports.sar import describe, find_subject, parse_subject, write_result
    from scanner.cli import err_console
    from scanner.store import open_store

    subject = parse_subject(name, aliases, emails, dobs, identifiers, titles)
    store = open_store(db, must_exist=True)
    try:
        if key_file:
            store.index_key_file = Path(key_file)
        result = find_subject(store, subject)
    finally:
        store.close()
    if out:
        with private_output(Path(out)) as handle:
            write_result(result, fmt, handle)
    else:
        write_result(result, fmt, sys.stdout)
    for line in describe(result):
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    if out:
        err_console.print(f"Written to {Path(out).absolute()}", markup=False, highlight=False, soft_wrap=True)

