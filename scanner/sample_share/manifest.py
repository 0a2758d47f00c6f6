"""What the sample share contains: per file (and per archive/email member) the planted personal data.

``Tally`` records each planted value as the content is written, so counts always match the text.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scanner.config import CONTEXTS, ENTITY_TYPES, SPECIAL_CATEGORIES

from .people import Person


class Tally:
    """Collects what one file's content plants. Each method returns the text to write and counts it once."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.values: dict[str, list[str]] = {}
        self.people: dict[str, tuple[str, str]] = {}
        self.special: set[str] = set()
        self.contexts: set[str] = set()
        self.criminal = False

    def plant(self, entity: str, value: str) -> str:
        assert entity in ENTITY_TYPES, entity
        self.counts[entity] += 1
        known = self.values.setdefault(entity, [])
        if value not in known:
            known.append(value)
        return value

    def name(self, person: Person) -> str:
        self.people[person.key] = (person.name, person.role)
        return self.plant("PERSON", person.name)

    def dob(self, person: Person, style: str = "uk") -> str:
        formats = {"uk": "%d/%m/%Y", "iso": "%Y-%m-%d", "long": "%-d %B %Y"}
        return self.plant("DATE_OF_BIRTH", person.dob.strftime(formats[style]))

    def email(self, person: Person) -> str:
        return self.plant("EMAIL_ADDRESS", person.email)

    def phone(self, person: Person) -> str:
        return self.plant("PHONE_NUMBER", person.phone)

    def postcode(self, person: Person) -> str:
        return self.plant("UK_POSTCODE", person.postcode)

    def address(self, person: Person) -> str:
        return f"{person.street}, Hartfield, {self.postcode(person)}"

    def upn(self, person: Person) -> str:
        return self.plant("UK_UPN", person.upn)

    def uln(self, person: Person) -> str:
        return self.plant("UK_ULN", person.uln)

    def nhs(self, person: Person) -> str:
        return self.plant("UK_NHS", person.nhs)

    def nino(self, person: Person) -> str:
        return self.plant("UK_NINO", person.nino)

    def account(self, person: Person) -> str:
        """The account number; the sort code is written beside it but counted as part of the same entity."""
        return self.plant("UK_BANK_ACCOUNT", person.account)

    def card(self, number: str) -> str:
        return self.plant("CREDIT_CARD", number)

    def mark(self, *special: str, contexts: tuple[str, ...] = (), criminal: bool = False) -> None:
        assert set(special) <= set(SPECIAL_CATEGORIES) and set(contexts) <= set(CONTEXTS), (special, contexts)
        self.special.update(special)
        self.contexts.update(contexts)
        self.criminal = self.criminal or criminal


@dataclass
class FileRecord:
    """One file, or one member (``container!member``), of the share."""

    path: str
    format: str
    entities: dict[str, int] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)
    encrypted: bool = False
    password: str | None = None
    special_categories: list[str] = field(default_factory=list)
    criminal_offence: bool = False
    contexts: list[str] = field(default_factory=list)
    decoy: bool = False
    people: list[dict[str, str]] = field(default_factory=list)
    mtime: str | None = None  # ISO timestamp set on disk; None for members
    container: str | None = None  # path of the enclosing file/member

    @classmethod
    def from_tally(cls, path: str, tally: Tally, **kwargs) -> "FileRecord":
        return cls(
            path=path, format=path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else "",
            entities=dict(sorted(tally.counts.items())), values={k: list(v) for k, v in sorted(tally.values.items())},
            special_categories=sorted(tally.special), criminal_offence=tally.criminal,
            contexts=sorted(tally.contexts),
            people=[{"name": n, "role": r} for n, r in tally.people.values()], **kwargs)

    @property
    def is_member(self) -> bool:
        return self.container is not None


@dataclass
class Manifest:
    school: str
    seed: int
    scale: int
    files: list[FileRecord]
    people: list[Person]

    def top_level(self) -> list[FileRecord]:
        return [f for f in self.files if not f.is_member]

    def get(self, path: str) -> FileRecord:
        return next(f for f in self.files if f.path == path)

    def as_dict(self) -> dict:
        return {"school": self.school, "seed": self.seed, "scale": self.scale,
                "files": [asdict(f) for f in self.files],
                "people": [_person_row(p) for p in self.people]}


def _person_row(p: Person) -> dict[str, str]:
    return {"key": p.key, "role": p.role, "name": p.name, "known_as": p.known_as, "dob": p.dob.isoformat(),
            "upn": p.upn, "uln": p.uln, "nhs": p.nhs, "nino": p.nino, "email": p.email, "phone": p.phone,
            "postcode": p.postcode, "year_group": str(p.year_group or ""), "family": p.family}


def save_manifest(manifest: Manifest, path: Path) -> None:
    """Write the manifest as JSON. Keep it outside the share, or a scan will find its contents."""
    Path(path).write_text(json.dumps(manifest.as_dict(), indent=1, sort_keys=False), encoding="utf-8")


ROSTER_COLUMNS = ("role", "name", "known_as", "dob", "upn", "email", "year_group", "family", "key")


def write_roster(manifest: Manifest, path: Path) -> None:
    """Write pupils, staff and parents (not job candidates) as a CSV, for SAR and name-matching tests."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ROSTER_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for person in manifest.people:
            if person.role in ("pupil", "staff", "parent"):
                writer.writerow(_person_row(person))
