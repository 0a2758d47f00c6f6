"""Special-category (UK GDPR Art. 9), criminal-offence (Art. 10) and school-context data about people.

A category word on its own proves nothing: a GDPR policy says "health", an RE lesson says "halal", a first-aid
course says "asthma". gdprscan reports a category for an item only where the statement is about an
identifiable person. A term is linked to a person when, in the same unit of text, there is a person anchor:

* a unit is a table row (a short one-segment record: ``Segment.record``) or, for running text, email headers
  and bodies, a sentence;
* an anchor is a name (PERSON, found by the personal-data detector before this one and holding a known
  given name, from the roster, or written in a labelled field: "Pupil: Lily Evans"), a pupil or staff
  identifier (UPN, ULN, NHS, NI number), an email address or a date of birth, or a title and surname
  ("Mrs Hart");
* a form or letter is about its subject: a labelled name field ("Pupil name: …", "Re: …", "Dear …") or a
  title line naming someone ("Personal Education Plan – Lily Riley") makes every field and sentence of the
  item about that person;
* a sentence with a pronoun ("She was prescribed…", "I have been a member of…") is about the person named
  in the three sentences or paragraphs just before;
* an unticked option on a form ("[ ] Muslim") is not an answer.

Terms come from ``special_categories.yaml`` plus the school's own (``detection.special_categories``): strong
terms count alone; weak ones need a second sign in the unit (another term, or a field label such as
"Medical:"). A negated term ("no known allergies", "Convictions: none recorded") and a definitional sentence
("special category data such as health") do not count.
"""

from __future__ import annotations

import bisect
import re
import re._constants as sre_constants
import re._parser as sre_parser
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from detectors.personal_data import given_names
from detectors.redaction import redacted_snippet
from scanner.config import DetectionConfig
from scanner.items import CONTEXT, CRIMINAL_OFFENCE, SPECIAL_CATEGORY, Finding, TextBatch

LEXICON_FILE = Path(__file__).with_name("special_categories.yaml")
KINDS = {"special_category": SPECIAL_CATEGORY, "criminal_offence": CRIMINAL_OFFENCE, "context": CONTEXT}

# Entity types that identify (or single out) a person, found by the detectors that ran before this one.
ANCHOR_TYPES = frozenset(
    {"PERSON", "EMAIL_ADDRESS", "UK_UPN", "UK_ULN", "UK_NHS", "UK_NINO", "DATE_OF_BIRTH"}
)
_TITLE_AND_SURNAME = re.compile(r"\b(?:Mr|Mrs|Miss|Ms|Mx|Dr)\.?\s+[A-Z][a-z'’-]+(?:-[A-Z][a-z]+)?")
# A labelled name field filled in: "Pupil: Lily Evans", "Employee name - Sarah Jones".
_NAME_FIELD = re.compile(
    r"\b(?:pupil|student|child|learner|young person|name|full name|employee|staff member|applicant|candidate|"
    r"parent|carer|patient)(?:'s)?(?: name)?\s*[:\-–|]\s*"
    r"(?P<name>[A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+){1,2})",
    re.IGNORECASE,
)
_SUBJECT_LABEL = re.compile(
    r"(?:\b(?:pupil|child|student|young person|learner|name|full name|employee|staff member|member of staff|"
    r"applicant|candidate|patient|re|subject|concerning|regarding|about|dear|for|record for)\b[^:\n|]{0,25}"
    r"[:\-–|]?\s*$)",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she|they|his|her|hers|him|their|them|i|my|me)\b", re.IGNORECASE)
# An option on a form, not an answer: "[ ] Muslim", "☐ Christian".
_UNTICKED_BOX = re.compile(r"(?:\[\s?\]|\(\s?\)|[☐□])\s*$")
_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|none|without|nil|never|denies|denied|n/a|free from|negative for)\b"
                              r"(?:\s+\S+){0,3}\s*$", re.IGNORECASE)
_NEGATION_AFTER = re.compile(r"^[^\n]{0,80}?(?:\bnone (?:recorded|known|declared|disclosed|reported)\b|"
                             r":\s*(?:none|nil|no|n/a)\b|\bno trace\b|\bnot applicable\b)", re.IGNORECASE)
_DEFINITIONAL = re.compile(
    r"special categor|such as|for example|e\.g\.|\bdefined as\b|\bmeans\b|\brefers to\b|learning objective|"
    r"\bpupils will\b|\bstudents will\b|\bwe will learn\b|\blesson\b|\bpolicy\b|\bthis template\b|"
    r"\bhow to\b|\bwhat is\b|\bwhy do\b|\bstatistics?\b|\b\d+(?:\.\d+)?%",
    re.IGNORECASE,
)
_PUPIL_CUES = re.compile(r"\b(?:pupil|student|child|learner|year \d+|form|upn|uln|ehcp|sen|class|tutor group)\b",
                         re.IGNORECASE)
_STAFF_CUES = re.compile(r"\b(?:staff|teacher|employee|payroll|salary|payslip|contract|ni number|national "
                         r"insurance|applicant|candidate|head ?teacher|teaching assistant|governor)\b", re.IGNORECASE)
_PARENT_CUES = re.compile(r"\b(?:parent|mum|dad|mother|father|carer|guardian)\b", re.IGNORECASE)
_FIRST_LOCATOR = re.compile(r"(?:^|\s)1$")
_CLAUSE_BREAK_BEFORE = re.compile(r"\s\|\s|;|\n")  # a negation counts only within its cell or clause
_CLAUSE_BREAK_AFTER = re.compile(r"\s\|\s|;")

_EXACT_NAME_SOURCES = (":roster", ":given_name")  # PERSON findings that are names by construction


def _is_name(value: str) -> bool:
    """A PERSON from the model anchors a category only if it holds a known given name: the small model also
    calls "Chicken" and "Yom Kippur" people, and a false anchor turns a lesson into a record."""
    names = given_names()
    return any(token.strip(".,'’") in names for token in value.split())


MAX_RECORD_UNIT = 2000  # characters: a longer "record" is prose, read sentence by sentence
SENTENCE_CONFIDENCE = 0.9  # the person is named in the same sentence, row or record
SUBJECT_CONFIDENCE = 0.8  # the item is a form or letter about a named person
PRONOUN_CONFIDENCE = 0.7  # "she" / "his" after a sentence that names the person


class _Unknown(Exception):
    """A regex construct ``_first_chars`` does not follow: no prefilter for that alternation."""


_CLASS_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _class_char(code: int) -> str:
    char = chr(code)
    return "\\" + char if char in "-]^\\" else re.escape(char)


def _add_first_chars(parsed, out: set[str]) -> bool:
    """Add to ``out`` character-class items for every character a match of ``parsed`` can start with; return
    whether it can match the empty string. Raises ``_Unknown`` on anything but literals, classes, groups,
    alternations and repeats."""
    for op, av in parsed:
        if op is sre_constants.LITERAL:
            out.add(_class_char(av))
            return False
        if op is sre_constants.IN:
            for item_op, item in av:
                if item_op is sre_constants.LITERAL:
                    out.add(_class_char(item))
                elif item_op is sre_constants.RANGE:
                    out.add(f"{_class_char(item[0])}-{_class_char(item[1])}")
                elif item_op is sre_constants.CATEGORY and item in _CLASS_CATEGORIES:
                    out.add(_CLASS_CATEGORIES[item])
                else:  # a negated class, a locale category
                    raise _Unknown
            return False
        if op is sre_constants.SUBPATTERN:
            if av[1] or av[2]:  # local flags: (?-i:…)
                raise _Unknown
            if not _add_first_chars(av[3], out):
                return False
        elif op is sre_constants.BRANCH:
            if not any([_add_first_chars(branch, out) for branch in av[1]]):  # every branch, no short cut
                return False
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            if not _add_first_chars(av[2], out) and av[0] > 0:
                return False
        else:  # anchors, lookarounds, ".", back-references
            raise _Unknown
    return True


def _first_chars(terms: list[str], flags: int) -> str | None:
    """A character class every match of one of ``terms`` starts with, or ``None`` when not sure.

    Python's ``re`` tries every alternative of a big case-insensitive alternation at every word start (it has no
    first-character index when case is ignored); a ``(?=[…])`` lookahead of the possible first characters in
    front of it skips most positions with one class test. It is a necessary condition of a match, compiled with
    the same flags as the terms, so the matches are the same.
    """
    found: set[str] = set()
    try:
        for term in terms:
            if _add_first_chars(sre_parser.parse(term, flags), found):
                return None  # a term that can match nothing
    except (_Unknown, re.error):
        return None
    return "[" + "".join(sorted(found)) + "]" if found else None


def _alternation(terms: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern | None:
    terms = list(terms)
    for term in terms:
        if not isinstance(term, str):  # YAML read "a(?: b)" unquoted as a mapping
            raise ValueError(f"{LEXICON_FILE.name}: {term!r} is not a string; quote it")
    terms = [t for t in terms if t]
    if not terms:
        return None
    first = _first_chars(terms, flags)
    prefilter = f"(?={first})" if first else ""
    return re.compile(r"(?<![\w])" + prefilter + "(?:" + "|".join(f"(?:{t})" for t in terms) + r")(?![\w])", flags)


def _label_fields(labels: re.Pattern | None) -> re.Pattern | None:
    return re.compile(labels.pattern + r"\s*[:|]", re.IGNORECASE) if labels else None


@dataclass(frozen=True)
class Category:
    name: str
    kind: str
    strong: re.Pattern | None
    weak: re.Pattern | None
    labels: re.Pattern | None
    exact: re.Pattern | None  # case-sensitive codes (WBRI), only where ``exact_requires`` appears in the text
    exact_requires: re.Pattern | None
    label_fields: re.Pattern | None = None  # ``labels`` as a field name: "Medical condition:"


def load_categories(config: DetectionConfig) -> list[Category]:
    settings = config.special_categories
    lexicon = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    categories = []
    for name, entry in lexicon.items():
        if name not in settings.categories:
            continue
        extra = [re.escape(term).replace(r"\ ", r"\s+") for term in settings.extra_terms.get(name, [])]
        extra += settings.extra_patterns.get(name, [])
        labels = _alternation(entry.get("labels", []))
        categories.append(
            Category(
                name=name,
                kind=KINDS[entry["kind"]],
                strong=_alternation(entry.get("strong", []) + extra),
                weak=_alternation(entry.get("weak", [])),
                labels=labels,
                exact=_alternation(entry.get("case_sensitive_terms", []), flags=0),
                exact_requires=_alternation(entry.get("requires_in_text_for_case_sensitive", [])),
                label_fields=_label_fields(labels),
            )
        )
    return categories


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    segment: int


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    entity_type: str


class SpecialCategoryDetector:
    name = "special_categories"

    def __init__(self, config: DetectionConfig):
        self.config = config
        self.settings = config.special_categories
        self.categories = load_categories(config) if self.settings.enabled else []

    # --- the parts of a batch --------------------------------------------------------------------------------

    @staticmethod
    def units(batch: TextBatch) -> list[Unit]:
        """A table row (a short record) whole; running text, email headers and long records (an email body)
        as sentences: the sender of an email is not what its subject line is about. In offset order."""
        units: list[Unit] = []
        index = 0
        segments = batch.segments
        while index < len(segments):
            segment, start = segments[index], batch.starts[index]
            last = index
            if segment.record is not None:
                while last + 1 < len(segments) and segments[last + 1].record == segment.record:
                    last += 1
                end = batch.starts[last] + len(segments[last].text)
                if last == index and end - start <= MAX_RECORD_UNIT and segment.record != "header":
                    units.append(Unit(start, end, index))
                    index += 1
                    continue
            for i in range(index, last + 1):
                for m in _SENTENCE.finditer(segments[i].text):
                    if m.group().strip():
                        units.append(Unit(batch.starts[i] + m.start(), batch.starts[i] + m.end(), i))
            index = last + 1
        return units

    @staticmethod
    def anchors(batch: TextBatch, found: Sequence[Finding]) -> list[Anchor]:
        anchors = [
            Anchor(f.start, f.end, f.entity_type)
            for f in found
            if f.entity_type in ANCHOR_TYPES
            and f.start >= 0
            and (f.entity_type != "PERSON" or f.detector.endswith(_EXACT_NAME_SOURCES) or _is_name(f.value))
        ]
        anchors += [Anchor(m.start(), m.end(), "PERSON") for m in _TITLE_AND_SURNAME.finditer(batch.text)]
        anchors += [
            Anchor(m.start("name"), m.end("name"), "PERSON")
            for m in _NAME_FIELD.finditer(batch.text)
            if m.group("name")[0].isupper()
        ]
        return sorted(anchors, key=lambda a: a.start)

    @staticmethod
    def subject(batch: TextBatch, anchors: list[Anchor]) -> Anchor | None:
        """The person a form or letter is about: a labelled name field, or a name in the item's first line."""
        first_line = batch.segments[0].text.split("\n", 1)[0][:200] if batch.segments else ""
        first_end = batch.starts[0] + len(first_line) if batch.segments else 0
        first_is_title = bool(batch.segments) and bool(_FIRST_LOCATOR.search(batch.segments[0].locator))
        for anchor in anchors:
            if anchor.entity_type not in ("PERSON", "UK_UPN", "UK_ULN", "UK_NHS"):
                continue
            line_start = batch.text.rfind("\n", 0, anchor.start) + 1
            if _SUBJECT_LABEL.search(batch.text[max(line_start, anchor.start - 60) : anchor.start]):
                return anchor
            if first_is_title and anchor.start < first_end:
                return anchor
        return None

    # --- detection -------------------------------------------------------------------------------------------

    def detect(self, batch: TextBatch, found: Sequence[Finding] = ()) -> Iterator[Finding]:
        if not self.categories or not batch.text:
            return
        units = self.units(batch)
        unit_starts = [u.start for u in units]
        anchors = self.anchors(batch, found)
        anchor_starts = [a.start for a in anchors]
        subject = self.subject(batch, anchors)
        spans = [(a.start, a.end, a.entity_type) for a in anchors]
        text = batch.text
        definitional: dict[int, bool] = {}  # unit → is a definition or lesson (asked once per unit)
        for category in self.categories:
            reported: set[int] = set()  # one finding per unit and category
            for match, strong in self._matches(category, text):
                u = bisect.bisect_right(unit_starts, match.start()) - 1
                if u < 0 or u in reported:
                    continue
                unit = units[u]
                unit_text = text[unit.start : unit.end]
                if self._negated(text, match, unit):
                    continue
                if u not in definitional:
                    definitional[u] = bool(_DEFINITIONAL.search(unit_text))
                if definitional[u]:
                    continue
                if _UNTICKED_BOX.search(text[max(unit.start, match.start() - 6) : match.start()]):
                    continue
                if not strong and not self._second_sign(category, unit_text, match.group()):
                    continue
                linked = self._link(units, u, anchors, anchor_starts, subject, text)
                if linked is None:
                    continue
                anchor, confidence = linked
                if confidence < self.settings.min_confidence:
                    continue
                reported.add(u)
                term = " ".join(match.group().lower().split())
                yield Finding(
                    entity_type=category.name,
                    locator=batch.segments[unit.segment].locator,
                    confidence=confidence,
                    snippet=redacted_snippet(
                        batch, match.start(), match.end(), spans, self.config.snippet_chars,
                        keep_words=frozenset(term.split()),
                    ),
                    detector=f"{self.name}:{category.name}",
                    kind=category.kind,
                    value=match.group(),
                    evidence=(term, f"person:{self._person_type(anchor, text)}"),
                    start=match.start(),
                    end=match.end(),
                )

    @staticmethod
    def _matches(category: Category, text: str) -> Iterator[tuple[re.Match, bool]]:
        if category.strong:
            for m in category.strong.finditer(text):
                yield m, True
        if category.exact and (category.exact_requires is None or category.exact_requires.search(text)):
            for m in category.exact.finditer(text):
                yield m, True
        if category.weak:
            for m in category.weak.finditer(text):
                yield m, False

    @staticmethod
    def _negated(text: str, match: re.Match, unit: Unit) -> bool:
        # Within the cell or clause: "Business interests: None | Other interests: Member of…" is not negated.
        before = _CLAUSE_BREAK_BEFORE.split(text[max(unit.start, match.start() - 40) : match.start()])[-1]
        after = _CLAUSE_BREAK_AFTER.split(text[match.end() : min(len(text), match.end() + 100)], maxsplit=1)[0]
        return bool(_NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after))

    @staticmethod
    def _second_sign(category: Category, unit_text: str, term: str) -> bool:
        others = [
            m.group().lower()
            for pattern in (category.strong, category.weak)
            if pattern
            for m in pattern.finditer(unit_text)
        ]
        if len({o for o in others if o != term.lower()}) >= 1:
            return True
        return bool(category.label_fields and category.label_fields.search(unit_text))

    @staticmethod
    def _link(units, u, anchors, anchor_starts, subject, text) -> tuple[Anchor, float] | None:
        unit = units[u]
        i = bisect.bisect_left(anchor_starts, unit.start)
        if i < len(anchors) and anchors[i].start < unit.end:
            return anchors[i], SENTENCE_CONFIDENCE
        if subject is not None:
            return subject, SUBJECT_CONFIDENCE
        if _PRONOUN.search(text[unit.start : unit.end]):
            for previous in range(u - 1, max(-1, u - 4), -1):
                j = bisect.bisect_left(anchor_starts, units[previous].start)
                if j < len(anchors) and anchors[j].start < units[previous].end and anchors[j].entity_type == "PERSON":
                    return anchors[j], PRONOUN_CONFIDENCE
        return None

    @staticmethod
    def _person_type(anchor: Anchor, text: str) -> str:
        if anchor.entity_type in ("UK_UPN", "UK_ULN"):
            return "pupil"
        if anchor.entity_type == "UK_NINO":
            return "staff"
        around = text[max(0, anchor.start - 80) : anchor.end + 80]
        for kind, cues in (("parent", _PARENT_CUES), ("staff", _STAFF_CUES), ("pupil", _PUPIL_CUES)):
            if cues.search(around):
                return kind
        return "unknown"
