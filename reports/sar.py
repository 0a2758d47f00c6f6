"""Subject access requests: which items hold data about one person, found through the store's person index.

The query's name, aliases, emails, identifiers and dates of birth are normalised and hashed with the index key
(``scanner.name_index``), looked up, and the places found are checked for the ways a school writes a name:

* ``full name`` "Olivia Hart" (middle names may come between), ``surname, first name`` "Hart, Olivia" (not
  followed by another capitalised word: "Noah Hart, Olivia Grant" is two other people),
  ``initial + surname`` "O. Hart", ``known-as name`` "Liv Hart" (an ``--alias`` of one word);
* ``title + surname`` "Mrs Hart", only for the titles asked for and only where it is unambiguous: no other
  first name is written with that surname anywhere in the item;
* ``first name + surname in one record``: both in cells of the same table row ("Forename: Olivia |
  Surname: Hart"), neither written beside another name;
* ``email``, ``identifier`` (UPN, ULN, NHS, NI number or any code given), and ``date of birth`` (counted only
  where the first name or surname is also in the item: many people share a birthday);
* ``name in file path``: the location itself names the person (found even when the item is encrypted).

A namesake is never a match by name: "Yusuf Hussain" is not Amira Hussain, and "Oliver Grant" is not Oliver
Bennett; such an item is listed only when it also holds one of the person's emails, identifiers or (with a
name) date of birth.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO

from detectors.person_index import (
    TITLES,
    normalise_dob,
    normalise_email,
    normalise_identifier,
    normalise_word,
    WORD,
)
from scanner.errors import GdprscanError
from scanner.items import CONTEXT, CRIMINAL_OFFENCE, SPECIAL_CATEGORY
from scanner.name_index import indexed_item_count, load_key, occurrences, segment_words, token_hash
from scanner.sql import in_parts, marks
from scanner.store import Store

FORMATS = ("jsonl", "csv", "html")

FULL_NAME = "full name"
SURNAME_FIRST = "surname, first name"
INITIAL = "initial + surname"
TITLE = "title + surname"
KNOWN_AS = "known-as name"
ONE_RECORD = "first name + surname in one record"
EMAIL = "email"
IDENTIFIER = "identifier"
DATE_OF_BIRTH = "date of birth"
FILE_PATH = "name in file path"
MATCH_ORDER = (FULL_NAME, SURNAME_FIRST, INITIAL, KNOWN_AS, TITLE, ONE_RECORD, EMAIL, IDENTIFIER, DATE_OF_BIRTH,
               FILE_PATH)

CSV_COLUMNS = ["location", "source", "modified", "matched_by", "match_count", "special_categories",
               "criminal_offence", "contexts", "status", "encrypted", "id"]


@dataclass(frozen=True)
class Subject:
    """The person a request is about, as the DPO knows them."""

    name: str
    aliases: tuple[str, ...] = ()  # one word: a known-as first name; more: another full name (a former surname)
    emails: tuple[str, ...] = ()
    dobs: tuple[str, ...] = ()  # ISO dates
    identifiers: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # "Mrs", "Dr": match "Mrs Hart" (adults are addressed so; pupils are not)

    def names(self) -> list[list[str]]:
        """Each full name as normalised words: the name, then aliases of more than one word."""
        out = []
        for text in (self.name, *self.aliases):
            words = [normalise_word(w) for w in WORD.findall(text)]
            if len(words) >= 2:
                out.append(words)
        return out

    def known_as(self) -> list[str]:
        return [normalise_word(a.strip()) for a in self.aliases if len(WORD.findall(a)) == 1]


def parse_subject(name: str, aliases=(), emails=(), dobs=(), identifiers=(), titles=()) -> Subject:
    """A Subject from what the DPO typed; a ``GdprscanError`` saying what is wrong otherwise."""
    if len(WORD.findall(name)) < 2:
        raise GdprscanError(f"--name {name!r}: give the full name (first name and surname)")
    isos = []
    for dob in dobs:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", dob) or normalise_dob(dob) is None:
            raise GdprscanError(f"--dob {dob!r}: expected a date as YYYY-MM-DD")
        isos.append(normalise_dob(dob))
    for email in emails:
        if "@" not in email:
            raise GdprscanError(f"--email {email!r}: not an email address")
    known = {t.lower(): t for t in TITLES}
    for title in titles:
        if title.lower().rstrip(".") not in known:
            raise GdprscanError(f"--title {title!r}: expected one of {', '.join(t.capitalize() for t in TITLES)}")
    return Subject(
        name=" ".join(name.split()),
        aliases=tuple(" ".join(a.split()) for a in aliases if a.strip()),
        emails=tuple(emails),
        dobs=tuple(isos),
        identifiers=tuple(identifiers),
        titles=tuple(t.lower().rstrip(".") for t in titles),
    )


@dataclass
class SarResult:
    subject: Subject
    records: list[dict]
    searched: int  # items the index covers
    not_searchable: dict[str, int]  # encrypted / not read / read before the index existed → count
    seconds: float
    generated: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


@dataclass
class _Form:
    """One full name's hashes."""

    first: int
    last: int
    initial: int
    middles: frozenset[int]
    words: list[str]


def find_subject(store: Store, subject: Subject, key: bytes | None = None) -> SarResult:
    """Every item present now that holds data about ``subject``, with how it matched."""
    started = time.perf_counter()
    key = key or load_key(store, create=False)

    def h(kind: str, token: str) -> int:
        return token_hash(key, kind, token)

    forms = [
        _Form(h("w", w[0]), h("w", w[-1]), h("w", w[0][0]), frozenset(h("w", m) for m in w[1:-1]), w)
        for w in subject.names()
    ]
    known_as = {h("w", a) for a in subject.known_as()}
    titles = {h("w", t) for t in subject.titles}
    all_titles = {h("w", t) for t in TITLES}
    exact = {h("e", normalise_email(e)): EMAIL for e in subject.emails}
    exact.update({h("i", normalise_identifier(i)): IDENTIFIER for i in subject.identifiers})
    exact.update({h("d", d): DATE_OF_BIRTH for d in subject.dobs})
    surnames = {f.last for f in forms}
    firsts = {f.first for f in forms} | known_as

    db = store.db
    matches: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    has_name_word: set[str] = set()
    surname_places = set()
    for item_id, hv, seg, pos, cell in occurrences(db, surnames | firsts | set(exact)):
        if hv in exact:
            matches[item_id][exact[hv]] += 1
            continue
        has_name_word.add(item_id)
        if hv in surnames:
            surname_places.add((item_id, seg))

    titled: dict[str, int] = defaultdict(int)
    other_first: set[str] = set()
    for (item_id, _seg), words in segment_words(db, surname_places).items():
        at = {pos: (cell, hv) for pos, cell, hv in words}

        def tok(p: int) -> int | None:
            return at[p][1] if p in at else None

        for form in forms:
            for pos, (cell, hv) in at.items():
                if hv != form.last:
                    continue
                kind = _name_match(form, pos, tok, known_as, titles, all_titles)
                if kind == TITLE:
                    titled[item_id] += 1
                elif kind == "other":
                    other_first.add(item_id)
                elif kind:
                    matches[item_id][kind] += 1
                if kind in (None, TITLE) and cell >= 0 and tok(pos - 1) is None:
                    if _first_in_other_cell(form, cell, at, known_as):
                        matches[item_id][ONE_RECORD] += 1
    for item_id, n in titled.items():
        if item_id not in other_first:
            matches[item_id][TITLE] += n
    for item_id in list(matches):
        kinds = matches[item_id]
        if DATE_OF_BIRTH in kinds and item_id not in has_name_word:
            del kinds[DATE_OF_BIRTH]  # a date of birth alone is anyone born that day
        if not kinds:
            del matches[item_id]
    for item_id in _path_matches(db, subject, forms):
        matches[item_id][FILE_PATH] += 1

    records = _records(store, matches)
    return SarResult(
        subject=subject,
        records=records,
        searched=indexed_item_count(db),
        not_searchable=_not_searchable(db),
        seconds=time.perf_counter() - started,
    )


def _name_match(form: _Form, pos: int, tok, known_as: set[int], titles: set[int], all_titles: set[int]) -> str | None:
    """How the surname at ``pos`` is written: a match kind, ``"other"`` (another person's first name with it), or None."""
    q = pos - 1
    while tok(q) in form.middles:
        q -= 1
    before, after, after2 = tok(q), tok(pos + 1), tok(pos + 2)
    if before == form.first:
        return FULL_NAME
    if before in known_as and q == pos - 1:
        return KNOWN_AS
    if before == form.initial and q == pos - 1:
        return INITIAL
    if after in ({form.first} | known_as) and (after2 is None or after2 in form.middles or after2 in all_titles):
        return SURNAME_FIRST
    if before in titles:
        return TITLE
    if before is not None and before not in all_titles:
        return "other"  # "Yusuf Hussain": a namesake
    if before is None and after is not None and after2 is None and after not in all_titles:
        return "other"  # "Hussain, Yusuf"
    return None


def _first_in_other_cell(form: _Form, cell: int, at: dict[int, tuple[int, int]], known_as: set[int]) -> bool:
    for pos, (c, hv) in at.items():
        if c >= 0 and c != cell and (hv == form.first or hv in known_as) and pos + 1 not in at:
            return True
    return False


_SEP = r"[\s_.,\-]+"


def _path_matches(db, subject: Subject, forms: list[_Form]) -> set[str]:
    """Items whose location names the person (a folder "Hussain, Amira", a file "Amira_Hussain_EHCP.pdf")."""
    patterns = []
    known_as = subject.known_as()
    for form in forms:
        first, last = form.words[0], form.words[-1]
        firsts = "|".join(re.escape(w) for w in [first, *known_as])
        last_re = re.escape(last)
        patterns += [rf"(?:{firsts}){_SEP}(?:\w+{_SEP})?{last_re}", rf"{last_re}{_SEP}(?:{firsts})(?![a-z])",
                     rf"{re.escape(first[0])}\.{_SEP}?{last_re}"]
        patterns += [rf"{t}\.?{_SEP}{last_re}" for t in subject.titles]
    values = [normalise_email(e) for e in subject.emails] + [i.lower() for i in subject.identifiers]
    if not patterns and not values:
        return set()
    regex = re.compile(r"(?<![a-z])(?:" + "|".join(patterns + [re.escape(v) for v in values]) + r")(?![a-z])")
    needles = list({f.words[-1] for f in forms} | set(values))
    where = " OR ".join("instr(lower(location), ?) > 0" for _ in needles)
    rows = db.execute(f"SELECT id, location FROM items WHERE gone = 0 AND ({where})", needles).fetchall()
    return {item_id for item_id, location in rows if regex.search(location.casefold())}


def _records(store: Store, matches: dict[str, dict[str, int]]) -> list[dict]:
    if not matches:
        return []
    db = store.db
    ids = list(matches)
    items, findings = {}, defaultdict(list)
    for chunk in in_parts(ids):
        for row in db.query(
            "SELECT id, location, source, modified, status, encrypted FROM items "
            f"WHERE gone = 0 AND id IN ({marks(chunk)})",
            chunk,
        ):
            items[row["id"]] = row
        for row in db.query(f"SELECT item_id, kind, entity_type FROM findings WHERE item_id IN ({marks(chunk)})", chunk):
            findings[row["item_id"]].append(row)
    records = []
    for item_id, item in items.items():
        kinds = matches[item_id]
        rows = findings[item_id]
        records.append({
            "location": item["location"],
            "source": item["source"],
            "modified": item["modified"],
            "matched_by": [k for k in MATCH_ORDER if k in kinds],
            "match_count": sum(kinds.values()),
            "special_categories": sorted({f["entity_type"] for f in rows if f["kind"] == SPECIAL_CATEGORY}),
            "criminal_offence": any(f["kind"] == CRIMINAL_OFFENCE for f in rows),
            "contexts": sorted({f["entity_type"] for f in rows if f["kind"] == CONTEXT}),
            "status": item["status"],
            "encrypted": bool(item["encrypted"]),
            "id": item_id,
        })
    return sorted(records, key=lambda r: r["location"])


def _not_searchable(db) -> dict[str, int]:
    rows = db.execute(
        "SELECT CASE WHEN encrypted = 1 THEN 'encrypted' WHEN status = 'not_scanned' THEN 'not read (see reason)' "
        "ELSE 'read before the person index existed (rescan to include)' END AS why, COUNT(*) FROM items "
        "WHERE gone = 0 AND (encrypted = 1 OR status = 'not_scanned' OR (status IN ('scanned', 'error') "
        "AND id NOT IN (SELECT item_id FROM index_items))) GROUP BY why"
    ).fetchall()
    return {why: n for why, n in rows}


# --- writers --------------------------------------------------------------------------------------------------


def write_jsonl(result: SarResult, out: IO[str]) -> int:
    for record in result.records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(result.records)


def write_csv(result: SarResult, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in result.records:
        row = dict(record)
        for column in ("matched_by", "special_categories", "contexts"):
            row[column] = ";".join(record[column])
        writer.writerow(row)
    return len(result.records)


def write_html(result: SarResult, out: IO[str]) -> int:
    """A self-contained, printable page for the SAR file (no scripts, no outside resources)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html", "j2"]))
    subject = result.subject
    searched_for = [f"name: {subject.name}"]
    searched_for += [f"also known as: {a}" for a in subject.aliases]
    searched_for += [f"title: {t.capitalize()}" for t in subject.titles]
    searched_for += [f"email: {e}" for e in subject.emails]
    searched_for += [f"date of birth: {d}" for d in subject.dobs]
    searched_for += [f"identifier: {i}" for i in subject.identifiers]
    out.write(
        env.get_template("sar.html.j2").render(
            result=result, searched_for=searched_for, match_kinds=MATCH_ORDER,
            with_special=sum(1 for r in result.records if r["special_categories"] or r["criminal_offence"]),
        )
    )
    return len(result.records)


def write_result(result: SarResult, fmt: str, out: IO[str]) -> int:
    return {"jsonl": write_jsonl, "csv": write_csv, "html": write_html}[fmt](result, out)


def describe(result: SarResult) -> Iterable[str]:
    """Lines for the terminal: what was found and what could not be searched."""
    yield (
        f"{len(result.records):,} items hold data about {result.subject.name} "
        f"({result.searched:,} items searched in {result.seconds:.2f} s)"
    )
    for why, n in result.not_searchable.items():
        yield f"{n:,} items could not be searched: {why}"
