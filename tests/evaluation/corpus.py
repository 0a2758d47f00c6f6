"""The labelled evaluation set for special-category, criminal-offence, context and identifier detection.

``build_corpus(root, seed)`` writes a fictional school share (Larkfield Community School) of about 270 items in
every supported format and returns one ``Label`` per item, email attachments included (``Mail/x.eml!y.docx``).
Every person, number and address is invented; identifiers pass their checks (NHS mod 11, UPN check letter,
ULN check digit, NINO prefixes, Luhn), phone numbers are allocated UK numbers, never Ofcom's drama range.

Labelling rules (what a careful DPO would say about the item, nothing more):

* A special category, ``criminal_offence`` or a context is labelled only where the item holds that kind of
  data **about an identifiable person**: the statement is tied to a person (name, pupil/staff identifier,
  email, a register's row, a form's subject) in the same sentence, table row, form or record.
  - health: a named person's condition, diagnosis, medication, disability, injury, vaccination, sickness reason,
    mental health or CAMHS involvement.
  - racial_ethnic_origin: a named person's ethnicity (DfE codes such as WBRI or BAFR in a pupil's row count).
  - religious_beliefs: a named person's religion, or a request made on religious grounds (halal/kosher meals
    for a named pupil, withdrawal from RE or collective worship because of the family's faith, fasting).
  - sex_life_or_orientation: a named person's sexual orientation or sex life (any answer on a completed
    monitoring form counts, "heterosexual" included).
  - biometric: a named pupil's fingerprint (or other biometric) enrolled or held, e.g. cashless catering.
    A refusal or a blank consent form is not biometric data.
  - genetic: a named person's genetic test result or inherited variant found by testing.
  - trade_union_membership: a named person's union membership, subscriptions or representative role.
  - political_opinions: a named person's party membership, candidacy or declared political support.
  - criminal_offence (Art. 10): a named person's offences, allegations, arrests, cautions, convictions,
    youth offending team or police involvement as a suspect, DBS disclosures.
  - contexts: safeguarding (a concern, disclosure, referral or allegation about a named child or staff
    member), send (a named pupil's SEN support or EHCP), looked_after_child, free_school_meals (a named
    pupil's eligibility or pupil premium because of it).
* Topics are not data about people: a policy defining the categories, a blank template, lessons (RE, science,
  PSHE, citizenship, history), newsletters naming pupils for achievements, menus, training slides, reading
  lists, invoices, timetables, agreements and anonymised statistics are ``hard_negative`` items with no
  category, no context and ``criminal_offence`` False, whatever vocabulary they use.
* ``entities`` is every entity type whose value is present in the item about a person: PERSON for any person's
  name (staff, pupils, parents, governors, fictional authors), EMAIL_ADDRESS for a person's address (staff
  addresses included), DATE_OF_BIRTH only for a date written as one (a labelled field or column, "born ...").
  Look-alikes are not entities: ISBN-10s (which pass the NHS check), order numbers failing checks, card-like
  references failing Luhn, example numbers from Ofcom's drama range, ordinary dates.
* No organisation contact details appear anywhere (no school phone, postcode or shared mailbox), so every
  identifier in the set is a person's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from scanner.sample_share.formats import DOC_RENDERERS, SHEET_RENDERERS, Doc

from . import people as ids
from .people import SCHOOL_DOMAIN, People, Person

SPECIAL_CATEGORIES = ("health", "racial_ethnic_origin", "religious_beliefs", "sex_life_or_orientation", "biometric",
                      "genetic", "trade_union_membership", "political_opinions")
CONTEXTS = ("safeguarding", "send", "looked_after_child", "free_school_meals")
IDENTIFIERS = ("EMAIL_ADDRESS", "PHONE_NUMBER", "UK_POSTCODE", "UK_NHS", "UK_NINO", "UK_UPN", "UK_ULN",
               "DATE_OF_BIRTH", "UK_BANK_ACCOUNT", "CREDIT_CARD")
ENTITY_TYPES = ("PERSON",) + IDENTIFIERS
FORMATS = ("txt", "md", "csv", "tsv", "html", "docx", "xlsx", "pptx", "odt", "ods", "rtf", "pdf", "eml")
DOC_FORMATS = tuple(DOC_RENDERERS)
SHEET_FORMATS = tuple(SHEET_RENDERERS)


@dataclass(frozen=True)
class Label:
    """What an item truly holds. ``path`` is relative to the corpus root; an attachment is ``mail.eml!file``."""

    path: str
    special_categories: frozenset[str]
    criminal_offence: bool
    contexts: frozenset[str]
    entities: frozenset[str]
    hard_negative: bool
    note: str

    @property
    def format(self) -> str:
        return self.path.rsplit(".", 1)[-1].lower()


class Piece:
    """One item being written: hands out people and identifiers and records what was planted, as it is written.

    A template writes text with these helpers and states the categories it plants (``cat``, ``ctx``, ``crime``)
    right where it writes them, so a label cannot drift from its text.
    """

    def __init__(self, rng: random.Random, people: People, ext: str):
        self.rng = rng
        self.people = people
        self.ext = ext
        self.entities: set[str] = set()
        self.categories: set[str] = set()
        self.contexts: set[str] = set()
        self.criminal = False
        self.hard_negative = False
        self.notes: list[str] = []

    # --- labels -------------------------------------------------------------------------------------------------

    def cat(self, *names: str) -> None:
        assert set(names) <= set(SPECIAL_CATEGORIES), names
        self.categories.update(names)

    def ctx(self, *names: str) -> None:
        assert set(names) <= set(CONTEXTS), names
        self.contexts.update(names)

    def crime(self) -> None:
        self.criminal = True

    def hard(self, note: str) -> None:
        self.hard_negative = True
        self.notes.append(note)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def label(self, path: str) -> Label:
        if self.hard_negative:
            assert not (self.categories or self.contexts or self.criminal), (path, self.categories)
        return Label(path, frozenset(self.categories), self.criminal, frozenset(self.contexts),
                     frozenset(self.entities), self.hard_negative, "; ".join(self.notes))

    def attachment(self, ext: str) -> "Piece":
        """A new piece for an email attachment: an item of its own with its own label."""
        return Piece(self.rng, self.people, ext)

    # --- people -------------------------------------------------------------------------------------------------

    def pupil(self, **kw) -> Person:
        return self.people.one(**kw)

    def pupils(self, n: int, **kw) -> list[Person]:
        return self.people.pupils(n, **kw)

    def adult(self, **kw) -> Person:
        return self.people.one(adult=True, **kw)

    def parent(self, child: Person, sex: str | None = None) -> Person:
        return self.people.parent_of(child, sex)

    def name(self, p: Person, style: str = "full") -> str:
        self.entities.add("PERSON")
        return {"full": p.full, "title": f"{p.title} {p.last}", "last_first": f"{p.last.upper()}, {p.first}",
                "initial": f"{p.title} {p.first[0]}. {p.last}"}[style]

    def author(self) -> str:
        """A fictional author's name (still a person's name)."""
        return self.name(self.adult())

    # --- identifiers: each records its entity type ---------------------------------------------------------------

    def dob(self, p: Person, style: str | None = None) -> str:
        """The date only: the caller writes the label (DOB:, Date of birth, born) or puts it in a DOB column."""
        self.entities.add("DATE_OF_BIRTH")
        style = style or self.rng.choice(["%d/%m/%Y", "%d/%m/%Y", "%d %B %Y", "%Y-%m-%d", "%d.%m.%Y"])
        return p.born.strftime(style).lstrip("0") if style == "%d %B %Y" else p.born.strftime(style)

    def nhs(self) -> str:
        self.entities.add("UK_NHS")
        return ids.nhs_number(self.rng, spaced=self.rng.random() < 0.7)

    def upn(self) -> str:
        self.entities.add("UK_UPN")
        return ids.upn(self.rng)

    def uln(self) -> str:
        self.entities.add("UK_ULN")
        return ids.uln(self.rng)

    def nino(self) -> str:
        self.entities.add("UK_NINO")
        return ids.nino(self.rng)

    def card(self) -> str:
        self.entities.add("CREDIT_CARD")
        return ids.card_number(self.rng)

    def mobile(self) -> str:
        self.entities.add("PHONE_NUMBER")
        return ids.mobile(self.rng)

    def landline(self) -> str:
        self.entities.add("PHONE_NUMBER")
        return ids.landline(self.rng)

    def phone(self) -> str:
        return self.mobile() if self.rng.random() < 0.7 else self.landline()

    def postcode(self) -> str:
        self.entities.add("UK_POSTCODE")
        return ids.postcode(self.rng)

    def address(self) -> str:
        self.entities.add("UK_POSTCODE")
        town, area = self.rng.choice(ids.TOWNS)
        return f"{self.rng.randint(1, 140)} {self.rng.choice(ids.STREETS)}, {town} {ids.postcode(self.rng, area)}"

    def email(self, p: Person, staff: bool = False) -> str:
        self.entities.add("EMAIL_ADDRESS")
        local = ids.fold(f"{p.first}.{p.last}").lower().replace("'", "")
        if staff:
            return f"{local[0]}.{local.split('.', 1)[1]}@{SCHOOL_DOMAIN}"
        return f"{local}{self.rng.randint(1, 99)}@{self.rng.choice(ids.PERSONAL_MAIL)}"

    def bank(self) -> tuple[str, str]:
        self.entities.add("UK_BANK_ACCOUNT")
        return ids.sort_code(self.rng), ids.account_number(self.rng)

    # --- harmless values -----------------------------------------------------------------------------------------

    def day(self, style: str = "%d/%m/%Y") -> str:
        """A date in the 2024/25 school year: an event date, never a date of birth."""
        return (date(2024, 9, 2) + timedelta(days=self.rng.randint(0, 320))).strftime(style)

    def staff_initials(self, p: Person) -> str:
        return (p.first[0] + p.last[0]).upper()

    def year_group(self, p: Person) -> int:
        return 2019 - p.born.year + (1 if p.born.month < 9 else 0)

    def pick(self, options):
        return self.rng.choice(options)


def sheet_as_doc(title: str, sheets: dict[str, list[list[str]]]) -> Doc:
    doc = Doc(title)
    for name, rows in sheets.items():
        if len(sheets) > 1:
            doc.h(name)
        doc.table(rows)
    return doc


def _fold_doc(doc: Doc) -> Doc:
    folded = Doc(ids.fold(doc.title))
    for kind, value in doc.blocks:
        folded.blocks.append((kind, [[ids.fold(c) for c in row] for row in value] if kind == "t" else ids.fold(value)))
    return folded


def render(ext: str, content) -> bytes:
    """Bytes of ``content`` (a Doc, or a (title, sheets) pair) as a file of type ``ext``."""
    if isinstance(content, tuple):
        title, sheets = content
        if ext in SHEET_RENDERERS:
            return SHEET_RENDERERS[ext](sheets)
        content = sheet_as_doc(title, sheets)
    if ext == "pdf":
        content = _fold_doc(content)
    return DOC_RENDERERS[ext](content)


# --- email -------------------------------------------------------------------------------------------------------

MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf", "csv": "text/csv", "txt": "text/plain", "rtf": "application/rtf",
}


@dataclass
class Mail:
    subject: str
    sender: str
    recipients: list[str]
    body: list[str]
    attachments: list[tuple[str, object, Piece]]


def mail_bytes(mail: Mail, when: date, number: int) -> bytes:
    from datetime import datetime, timezone

    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime(when.year, when.month, when.day, 9, 30, tzinfo=timezone.utc))
    message["Message-ID"] = f"<eval-{number:04d}@{SCHOOL_DOMAIN}>"
    message.set_content("\n".join(mail.body) + "\n", cte="quoted-printable")
    for filename, content, piece in mail.attachments:
        ext = filename.rsplit(".", 1)[-1]
        maintype, subtype = MIME_TYPES[ext].split("/")
        message.add_attachment(render(ext, content), maintype=maintype, subtype=subtype, filename=filename)
    if mail.attachments:
        message.set_boundary(f"==larkfield-eval-{number:04d}==")
    return message.as_bytes()


# --- the plan ----------------------------------------------------------------------------------------------------

Template = Callable[[Piece], object]


def plan() -> list[tuple[str, Template, tuple[str, ...]]]:
    from . import mail, negatives, positives

    return positives.PLAN + negatives.PLAN + mail.PLAN


def build_corpus(root: Path, seed: int = 2025) -> list[Label]:
    """Write the evaluation set under ``root`` and return its labels (attachments as items of their own)."""
    rng = random.Random(seed)
    people = People(rng)
    labels: list[Label] = []
    number = 0
    for stem, template, exts in plan():
        for i, ext in enumerate(exts, 1):
            number += 1
            path = f"{stem}-{i:02d}.{ext}"
            piece = Piece(rng, people, ext)
            content = template(piece)
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if ext == "eml":
                assert isinstance(content, Mail), stem
                target.write_bytes(mail_bytes(content, date(2025, 1, 6) + timedelta(days=number % 150), number))
                labels.append(piece.label(path))
                labels.extend(att.label(f"{path}!{filename}") for filename, _, att in content.attachments)
            else:
                target.write_bytes(render(ext, content))
                labels.append(piece.label(path))
    return labels
