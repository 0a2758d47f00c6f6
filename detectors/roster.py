"""The school's own people (an MIS export): known pupils, staff and parents recognised exactly, with variants.

``detection.roster`` points to a CSV with a header row. Recognised columns (any case, spaces or underscores):
``name`` (full name) or ``forename``/``first_name``/``legal_forename`` with ``surname``/``last_name``;
``known_as``/``preferred_forename``; ``role`` (pupil, staff, parent). Other columns are ignored. The roster is
read at start-up and never copied into the store.

For each person the variants a school writes are matched: "Olivia Hart", "Hart, Olivia", "Hart Olivia",
"O. Hart", "O Hart", the known-as name with the surname ("Liv Hart"), and a title with the surname
("Miss Hart") for staff. Matching is case-sensitive on capitalised names, so "hart" in running text is not
Miss Hart.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from presidio_analyzer import Pattern, PatternRecognizer

from scanner.errors import ConfigError

ROSTER_SCORE = 0.95
TITLES = ("Mr", "Mrs", "Miss", "Ms", "Mx", "Dr")


@dataclass(frozen=True)
class RosterPerson:
    first: str
    last: str
    known_as: str = ""
    role: str = ""

    def reversed_variants(self) -> set[str]:
        """Surname first: in a list ("Noah Hart, Olivia Grant") these only count when no surname follows."""
        return {f"{self.last}, {self.first}", f"{self.last} {self.first}"}

    def variants(self) -> set[str]:
        first, last = self.first, self.last
        found = {f"{first} {last}", f"{first[0]}. {last}", f"{first[0]} {last}"}
        if self.known_as and self.known_as != first:
            found.add(f"{self.known_as} {last}")
        if self.role == "staff":
            found.update(f"{title} {last}" for title in TITLES)
            found.update(f"{title}. {last}" for title in TITLES if title != "Miss")
        return found


def _column(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value and value.strip():
            return value.strip()
    return ""


def load_roster(path: Path) -> list[RosterPerson]:
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"detection.roster: cannot read {path}: {exc.strerror or exc}") from None
    people = []
    with handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise ConfigError(f"detection.roster: {path} is empty; expected a CSV with a header row")
        reader.fieldnames = [re.sub(r"[\s-]+", "_", f.strip().lower()) for f in reader.fieldnames]
        for row in reader:
            first = _column(row, "forename", "first_name", "legal_forename", "firstname", "given_name")
            last = _column(row, "surname", "last_name", "legal_surname", "lastname", "family_name")
            if not (first and last):
                parts = _column(row, "name", "full_name").split()
                if len(parts) >= 2:
                    first, last = parts[0], " ".join(parts[1:])
            if first and last:
                people.append(
                    RosterPerson(
                        first=first,
                        last=last,
                        known_as=_column(row, "known_as", "preferred_forename", "preferred_name"),
                        role=_column(row, "role", "type").lower(),
                    )
                )
    if not people:
        raise ConfigError(
            f"detection.roster: no names in {path}; expected columns 'name' or 'forename' and 'surname'"
        )
    return people


class RosterRecognizer(PatternRecognizer):
    """PERSON for every name variant of the people on the roster (one compiled alternation)."""

    def __init__(self, people: list[RosterPerson]):
        def alternation(variants: set[str]) -> str:
            ordered = sorted(variants, key=len, reverse=True)
            return r"(?<![\w])(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered) + r")(?![\w])"

        forward = alternation({v for person in people for v in person.variants()})
        reverse = alternation({v for person in people for v in person.reversed_variants()}) + r"(?!\s+[A-Z][a-z])"
        super().__init__(
            supported_entity="PERSON",
            name="roster",
            patterns=[
                Pattern("roster name", forward, ROSTER_SCORE),
                Pattern("roster name, surname first", reverse, ROSTER_SCORE),
            ],
            global_regex_flags=0,
        )
        self.people = people
