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

import _sre
import bisect
import functools
import itertools
import operator
import re
import re._casefix as sre_casefix
import re._constants as sre_constants
import re._parser as sre_parser
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
# Possessive ("*+"): a shorter run would be followed by a character of the run, which none of the ends matches,
# so giving characters back never found a sentence, only took time at each start inside a run such as "e.g.x".
_SENTENCE = re.compile(r"[^\n.!?]*+(?:[.!?]+(?=\s|$)|\n|$)")
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|none|without|nil|never|denies|denied|n/a|free from|negative for)\b"
                              r"(?:\s+\S+){0,3}\s*$", re.IGNORECASE)
# After a term, it counts if it begins within NEGATION_REACH characters, on the term's line (``_negated``).
_NEGATION_AFTER = re.compile(r"\bnone (?:recorded|known|declared|disclosed|reported)\b|"
                             r":\s*(?:none|nil|no|n/a)\b|\bno trace\b|\bnot applicable\b", re.IGNORECASE)
NEGATION_REACH = 80
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


_NONE: frozenset[int] = frozenset()  # no term of a list can occur

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
        elif op is sre_constants.AT:  # \b, ^, $: consume nothing, the next item has the first character
            continue
        else:  # lookarounds, ".", back-references
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


def _first_char_compile(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """``re.compile(pattern, flags)`` behind a lookahead of the characters a match can start with (see
    ``_first_chars``): the same matches, found without trying every alternative at every position."""
    first = _first_chars([pattern], flags)
    return re.compile(f"(?={first})(?:{pattern})" if first else pattern, flags)


# The case-insensitive alternations above, behind a lookahead of their first characters (same matches).
(_NAME_FIELD, _PRONOUN, _NEGATION_BEFORE, _NEGATION_AFTER, _DEFINITIONAL, _PUPIL_CUES, _STAFF_CUES,
 _PARENT_CUES) = (
    _first_char_compile(p.pattern, p.flags)
    for p in (_NAME_FIELD, _PRONOUN, _NEGATION_BEFORE, _NEGATION_AFTER, _DEFINITIONAL, _PUPIL_CUES, _STAFF_CUES,
              _PARENT_CUES)
)


# --- which terms can occur in a text: a literal prefilter ---------------------------------------------------
#
# Running ~40 big case-insensitive alternations over every text is most of this detector's time, and most texts
# hold none of their terms. Each term's parse gives strings one of which every match contains ("allerg" for
# "(?:nut|peanut) allerg(?:y|ies)"); one cheap substring test per string tells which terms can match anywhere in
# a text, and only those run. A term that cannot match at any position never decides a match of the alternation,
# so the matches are the same.
#
# The terms that can occur differ from text to text, and compiling their alternation for each new combination
# cost more than running it. Nor is it needed: the whole alternation is tried only where one of those terms can
# begin a match, where a string all its matches begin with occurs ("asthma", or "nut allerg" and "peanut
# allerg"); the others cannot match there either (``Terms.finditer``).


def _case_representatives() -> dict[int, int]:
    """Characters ``re`` treats as equal beyond simple lower case ("s" and "ſ") → one of each such class."""
    reps: dict[int, int] = {}
    for lower, others in sre_casefix._EXTRA_CASES.items():
        members = {lower, *others}
        for member in list(members):
            members.update(sre_casefix._EXTRA_CASES.get(member, ()))
        for member in members:
            reps[member] = min(members)
    assert all(reps.get(c, c) == c for c in range(128)), "ASCII folding must be plain lower()"
    return reps


class _Folding(dict):
    """``str.translate`` table: code point → the folded code point, filled in as characters are seen."""

    _reps = _case_representatives()

    def __missing__(self, code: int) -> int:
        lower = _sre.unicode_tolower(code)  # the simple lower case ``re`` compares with under IGNORECASE
        self[code] = folded = self._reps.get(lower, lower)
        return folded


_FOLDING = _Folding()


_FIRST_THREE = operator.itemgetter(slice(3))
# ASCII bytes → themselves if a word character (a letter, a digit, "_"), else a space ("?" too: see _word_starts).
_ASCII_WORDS = bytes(code if chr(code).isalnum() or chr(code) == "_" else ord(" ") for code in range(128)).ljust(
    256, b" ")


class _LowerIsFold(dict):
    """Character → whether ``str.lower`` gives its fold (``_FOLDING``): "£", "é" yes; "İ" (two characters), "ſ"
    (folded to "s"), "Σ" (lowered by its context) no. Filled in as characters are seen."""

    def __missing__(self, char: str) -> bool:
        self[char] = same = char != "Σ" and char.lower() == chr(_FOLDING[ord(char)])
        return same


_LOWER_IS_FOLD = _LowerIsFold()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold(text: str) -> str:
    """Case-folded as ``re.IGNORECASE`` compares: two characters match case-insensitively only if their folds
    are equal, so a folded literal absent from the folded text cannot be matched. Per character, so
    ``_fold(text)[a:b] == _fold(text[a:b])``. (``str.lower`` alone would not do: "İ".lower() is two characters,
    and "ſ" matches "s".) ``str.lower`` does it when it lowers each of the text's characters to its fold (an
    ASCII one always does): most texts have only a few non-ASCII characters ("£", "é"), and a table looked up
    character by character takes ten times as long."""
    if text.isascii() or all(map(_LOWER_IS_FOLD.__getitem__, set(_NON_ASCII.findall(text)))):
        return text.lower()
    return text.translate(_FOLDING)


MIN_LITERAL = 3  # shorter required strings (" ", "is") are in almost every text: not worth a test


def _is_gap(char: str) -> bool:
    """An ASCII character that is not a word character: in a pattern it matches only itself, case ignored."""
    return char.isascii() and not char.isalnum() and char != "_"


def _gap_after(parsed, gap: bool) -> bool:
    """Whether every match of ``parsed`` ends in a character that is not a word character (or, consuming
    nothing, wherever it began, when ``gap`` says that was after one)."""
    for op, av in parsed:
        if op is sre_constants.LITERAL:
            gap = _is_gap(chr(av))
        elif op is sre_constants.IN:
            gap = all(item_op is sre_constants.LITERAL and _is_gap(chr(item))
                      or item_op is sre_constants.CATEGORY and item in (sre_constants.CATEGORY_SPACE,
                                                                        sre_constants.CATEGORY_NOT_WORD)
                      for item_op, item in av)
        elif op is sre_constants.SUBPATTERN and not (av[1] or av[2]):
            gap = _gap_after(av[3], gap)
        elif op is sre_constants.BRANCH:
            gap = all([_gap_after(branch, gap) for branch in av[1]])
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            once = _gap_after(av[2], gap)
            gap = once and _gap_after(av[2], once) and (av[0] > 0 or gap)  # after 1, 2+ or (maybe) 0 times
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue  # consumes nothing
        else:
            gap = False
    return gap


def _required(parsed, gap: bool = True, min_literal: int = MIN_LITERAL) -> frozenset[tuple[str, bool]] | None:
    """Strings one of which every match of ``parsed`` contains, as written in the pattern, each with whether
    what comes before it in the text is never a word character (``gap``: true where ``parsed`` begins, as at a
    term's start); ``None`` if no useful ones. Only literals that must be consumed count: runs of literals, a
    group or a repeat of at least one of something that has them, an alternation whose every branch has them
    (the union), a run and the start of each branch of an alternation after it. Of several, those that begin
    words (see ``_word_start_key``), then the longest."""
    candidates: list[frozenset[tuple[str, bool]]] = []
    run: list[str] = []
    run_gap = False
    for op, av in [*parsed, (None, None)]:
        if op is sre_constants.LITERAL:
            run_gap = run_gap if run else gap
            run.append(chr(av))
            gap = _is_gap(chr(av))
            continue
        if run:
            candidates.append(frozenset([("".join(run), run_gap)]))
            if op is sre_constants.BRANCH:  # "yo(?:uth offending|t)": {"youth offending", "yot"}
                candidates.append(frozenset(("".join(run) + _leading_literals(branch), run_gap) for branch in av[1]))
            run = []
        sub = None
        if op is sre_constants.SUBPATTERN and not (av[1] or av[2]):  # no local flags: (?-i:…)
            sub = _required(av[3], gap, min_literal)
        elif op is sre_constants.BRANCH:
            branches = [_required(branch, gap, min_literal) for branch in av[1]]
            sub = None if None in branches else frozenset().union(*branches)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            sub = _required(av[2], gap, min_literal)  # in the first time round
        if sub:
            candidates.append(sub)
        if op is not None:
            gap = _gap_after([(op, av)], gap)
    def rank(candidate):
        keys = [_word_start_key(literal, gap) for literal, gap in candidate]
        return (all(keys), min(len(key or "") for key in keys), min(len(literal) for literal, _ in candidate),
                -len(candidate))

    useful = [c for c in candidates if rank(c)[0] or rank(c)[2] >= min_literal]
    return max(useful, default=None, key=rank)


def _leading_literals(parsed) -> str:
    return "".join(chr(av) for op, av in itertools.takewhile(lambda item: item[0] is sre_constants.LITERAL, parsed))


def _word_start_chunks(literal: str, gap: bool, size: int) -> Iterator[str]:
    """Each ``size`` ASCII letters or digits of ``literal`` that begin a word of the text wherever a term match
    holds the literal: its first ones when no word character comes before it (``gap``: a term match begins a
    word, or a space comes before it in the term), or ones after a character such as a space in the literal.
    ASCII only: an ASCII letter matches, ignoring case, only letters ("k" also "K", "s" also "ſ"); an ASCII
    space or sign only itself."""
    for i in range(len(literal) - size + 1):
        chunk = literal[i : i + size]
        if (gap if i == 0 else _is_gap(literal[i - 1])) and chunk.isascii() and chunk.isalnum():
            yield chunk


def _word_start_key(literal: str, gap: bool) -> str | None:
    """The first three (else two) characters of ``literal`` that begin a word (``_word_start_chunks``), if any."""
    return next(_word_start_chunks(literal, gap, 3), None) or next(_word_start_chunks(literal, gap, 2), None)


def _word_start_keys(literal: str, gap: bool) -> tuple[str, ...]:
    """Every three characters of ``literal`` that begin a word ("child protection": "chi", "pro"), folded, a
    case-sensitive code's too, as the text's word starts are read."""
    return tuple(_fold(chunk) for chunk in _word_start_chunks(literal, gap, 3))


def _starts(parsed) -> frozenset[str] | None:
    """Strings one of which every match of ``parsed`` (a list of parsed items) begins with, as written in the
    pattern; ``None`` if a match can begin otherwise (with a class, say) or be empty. More strings than needed
    would do no harm (each is only where to try a match); one missing would lose matches."""
    run = _leading_literals(parsed)
    rest = parsed[len(run):]
    if run:
        if len(run) >= MIN_LITERAL or not rest:
            return frozenset([run])
        tails = _starts(rest)  # "n(?:ut|at)": {"nut", "nat"} rather than "n"
        return frozenset([run]) if tails is None or len(tails) > 8 else frozenset(run + tail for tail in tails)
    if not parsed:
        return None
    (op, av), after = parsed[0], parsed[1:]
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):  # \b, ^, (?=…): consume nothing
        return _starts(after)
    if op is sre_constants.SUBPATTERN and not (av[1] or av[2]):  # no local flags: (?-i:…)
        return _starts([*av[3], *after])
    if op is sre_constants.BRANCH:
        return _union([_starts([*branch, *after]) for branch in av[1]])
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, high, item = av
        # Once at most: the item then what follows; more often: the item's first time round only.
        first = _starts([*item, *after]) if high == 1 else _starts(list(item))
        return first if low > 0 else _union([first, _starts(after)])
    return None


def _union(alternatives: list[frozenset[str] | None]) -> frozenset[str] | None:
    return None if None in alternatives else frozenset().union(*alternatives)


def _start_strings(parsed, folded: bool) -> list[str] | None:
    """``_starts`` of a parsed pattern, folded if it ignores case (``folded``), sorted, without those that begin
    with another ("Mrs" after "Mr": no other places); ``None`` also if it can match the empty string
    (``_matches_at`` does not follow finditer's rules for those)."""
    starts = None if parsed.getwidth()[0] == 0 else _starts(list(parsed))
    if starts is None:
        return None
    starts = sorted({_fold(s) if folded else s for s in starts})
    return [s for s in starts if not any(s.startswith(other) for other in starts if other != s)]


def _find_all(haystack: str, literal: str) -> Iterator[int]:
    """Every place ``literal`` occurs in ``haystack``, left to right, overlapping ones too."""
    at = haystack.find(literal)
    while at >= 0:
        yield at
        at = haystack.find(literal, at + 1)


def _positions(haystack: str, literals: list[str]) -> list[int]:
    """Where in ``haystack`` one of ``literals`` occurs, sorted."""
    positions = [at for literal in literals for at in _find_all(haystack, literal)]
    return positions if len(literals) <= 1 else sorted(set(positions))


def _matches_at(pattern: re.Pattern, places: list[int], text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern whose every match is non-empty and begins at one of ``places``
    (sorted): the leftmost match is the one at the first place where it matches (``match`` with a position: the
    look-behind still sees the text before it); the next is looked for after its end."""
    pos = 0
    for at in places:
        if at >= pos and (match := pattern.match(text, at)):
            yield match
            pos = match.end()


class Terms:
    """One alternation of terms (a category's strong terms, say): the compiled whole, and for each term the
    literals (folded unless case-sensitive) one of which its every match contains, each with whether no word
    character comes before it (see ``_required``; ``None``: no such literals), and the strings its every match
    begins with (see ``_starts``)."""

    def __init__(self, terms: list[str], flags: int):
        self.terms = terms
        self.flags = flags
        self.pattern = _compile_alternation(terms, flags)
        self.folded = bool(flags & re.IGNORECASE)
        needs, starts, can_be_empty = [], [], False
        try:
            for term in terms:
                parsed = sre_parser.parse(term, flags)
                if parsed.state.groups > 1:  # a group (a back-reference?) in a school's own pattern
                    raise re.error("kept whole")
                literals = _required(parsed)
                if literals is not None and self.folded:
                    literals = frozenset((_fold(literal), gap) for literal, gap in literals)
                needs.append(literals)
                starts.append(_start_strings(parsed, self.folded))
                can_be_empty = can_be_empty or parsed.getwidth()[0] == 0
        except re.error:  # not a regex on its own: only ever run the whole alternation
            needs, starts = [None] * len(terms), None
        self.needs: list[frozenset[tuple[str, bool]] | None] = needs
        self.always = tuple(i for i, need in enumerate(needs) if need is None)
        # Per term, the strings (folded unless case-sensitive) its matches begin with; ``None`` for the whole
        # list: the alternation is searched for everywhere (an empty match would need finditer's rules).
        self.starts: list[list[str] | None] | None = None if can_be_empty else starts
        self._alone: list[re.Pattern | None] = [None] * len(terms)  # a term without any, when first needed

    def finditer(self, text: str, folded: str, possible: set[int]) -> Iterator[re.Match]:
        """``self.pattern.finditer(text)`` when only the terms numbered ``possible`` can match (``folded`` is
        ``_fold(text)``): the alternation is tried only where one of those can begin a match."""
        if not possible:
            return
        if self.starts is None:
            yield from self.pattern.finditer(text)
            return
        yield from _matches_at(self.pattern, self._places(text, folded, possible), text)

    def _places(self, text: str, folded: str, possible: set[int]) -> list[int]:
        """Where one of the terms numbered ``possible`` can begin a match, sorted: where one of its start strings
        occurs, or, for a term without any, where it matches alone."""
        literals = {literal for i in possible if self.starts[i] is not None for literal in self.starts[i]}
        places = _positions(folded if self.folded else text, list(literals))
        without = [i for i in possible if self.starts[i] is None]
        for i in without:
            alone = self._alone[i]
            if alone is None:
                alone = self._alone[i] = _compile_alternation([self.terms[i]], self.flags)
            match = alone.search(text)
            while match:
                places.append(match.start())
                match = alone.search(text, match.start() + 1)
        return sorted(set(places)) if without else places


def _finditer(pattern: re.Pattern, starts: list[str] | None, text: str, haystack: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, tried only where one of ``starts`` (its ``_start_strings``) occurs in
    ``haystack``: the text, folded (``_fold``) if the pattern ignores case."""
    if starts is None:
        yield from pattern.finditer(text)
    else:
        yield from _matches_at(pattern, _positions(haystack, starts), text)


# Where the name anchors can begin ("Mr", "Dr", …; "pupil", "name", …): they are looked for only there.
_TITLE_STARTS, _NAME_FIELD_STARTS = (
    _start_strings(sre_parser.parse(p.pattern, p.flags), bool(p.flags & re.IGNORECASE))
    for p in (_TITLE_AND_SURNAME, _NAME_FIELD)
)
# A name field's label begins a word (the pattern's \b, then a letter): a label no word of the text begins with the
# first three letters of (``_word_starts``) is not looked for.
_NAME_FIELD_KEYS = [(start, start[:3]) for start in _NAME_FIELD_STARTS]
assert all(key.isascii() and key.isalpha() and len(key) == 3 for _, key in _NAME_FIELD_KEYS), "keys as word starts"


def _word_starts(folded: str) -> set[str]:
    """The first three characters (shorter words whole) of every run of ASCII letters, digits and "_" in
    ``folded`` (``_fold`` of a text), which holds every three ASCII characters a word of the text begins with,
    folded. A word's folded ASCII letters are its letters' folds ("aſthma" → "asthma"), and no character but a word
    character folds to one (a test checks every character), so such a run begins where a word does or after a
    non-ASCII character ("ńasthma" → "asthma"): a start too many only costs a literal test. Bytes: the encoder
    puts "?" for each non-ASCII character, and one translate of bytes takes the place of a lookup per character."""
    words = folded.encode("ascii", "replace").translate(_ASCII_WORDS).decode("ascii")
    return set(map(_FIRST_THREE, words.split()))


class _Prefilter:
    """Every ``Terms`` of a detector, indexed by literal: which terms can match in a given text.

    Terms match whole words, so most literals begin a word wherever they occur in a match ("asthma", " allerg"
    → "all…", the code "WBRI" → "wbr…"): such a literal is searched for only when words of the text begin with
    its word-starting three letters, folded ("child protection": "chi" and "pro"; one pass collects the text's),
    and most of the ~450 literals never are. The rest ("a&e", "gp": keyed by two letters, not worth collecting
    those too) always are. A term counts as possible when one of its literals is in the text (folded unless the
    term is case-sensitive); it is then only possible: ``Terms.finditer`` decides."""

    def __init__(self, all_terms: list[Terms]):
        self.all_terms = all_terms
        owners: dict[tuple[bool, str], list[tuple[int, int]]] = {}  # (folded, literal) → [(Terms, term)]
        keys: dict[tuple[bool, str], set[tuple[str, ...]]] = {}
        for t, terms in enumerate(all_terms):
            for i, need in enumerate(terms.needs):
                for literal, gap in need or ():
                    owners.setdefault((terms.folded, literal), []).append((t, i))
                    keys.setdefault((terms.folded, literal), set()).add(_word_start_keys(literal, gap))
        # Indexed by the first key, with the others: (other keys, folded, literal, [(Terms, term)]).
        self.by_key: dict[str, list[tuple[tuple[str, ...], bool, str, list[tuple[int, int]]]]] = {}
        self.other: list[tuple[bool, str, list[tuple[int, int]]]] = []
        for (folded, literal), where in owners.items():
            literal_keys = keys[folded, literal].pop() if len(keys[folded, literal]) == 1 else ()
            if literal_keys:
                self.by_key.setdefault(literal_keys[0], []).append((literal_keys[1:], folded, literal, where))
            else:
                self.other.append((folded, literal, where))
        self.always = [(t, terms.always) for t, terms in enumerate(all_terms) if terms.always]

    def possible(self, text: str, folded: str, starts: Set[str]) -> dict[int, set[int]]:
        """The numbers of the terms that may match somewhere in ``text`` (``folded`` is ``_fold(text)``, ``starts``
        its ``_word_starts``), by the number of their ``Terms``; a ``Terms`` none of whose terms may is left out."""
        possible = defaultdict(set, ((t, set(always)) for t, always in self.always))
        for key in self.by_key.keys() & starts:
            for more_keys, is_folded, literal, where in self.by_key[key]:
                if starts.issuperset(more_keys) and literal in (folded if is_folded else text):
                    for t, i in where:
                        possible[t].add(i)
        for is_folded, literal, where in self.other:
            if literal in (folded if is_folded else text):
                for t, i in where:
                    possible[t].add(i)
        return possible


class _Occurrences:
    """The literals one of which every match of ``pattern`` contains (folded, so as ``re.IGNORECASE`` compares): a
    part of a text that holds none of them whole cannot hold a match, so ``pattern`` need not be searched there."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        needs = _required(sre_parser.parse(pattern.pattern, pattern.flags), min_literal=1)
        self.literals = None if needs is None else sorted({_fold(literal) for literal, _ in needs})

    def search_part(self, text: str, folded: str, start: int, end: int) -> bool:
        """``bool(pattern.search(text[start:end]))``, searched only if a literal is in that part of ``folded``
        (``_fold(text)``). Part by part: the parts asked about (units with a term, text around a person) are a
        small share of the text, and finding every literal in the whole text cost more."""
        part = folded[start:end]
        if self.literals is not None and not any(literal in part for literal in self.literals):
            return False
        return bool(self.pattern.search(text[start:end]))


_DEFINITIONS = _Occurrences(_DEFINITIONAL)
_CUES = (("parent", _Occurrences(_PARENT_CUES)), ("staff", _Occurrences(_STAFF_CUES)),
         ("pupil", _Occurrences(_PUPIL_CUES)))


def _compile_alternation(terms: list[str], flags: int) -> re.Pattern:
    first = _first_chars(terms, flags)
    prefilter = f"(?={first})" if first else ""
    return re.compile(r"(?<![\w])" + prefilter + "(?:" + "|".join(f"(?:{t})" for t in terms) + r")(?![\w])", flags)


def _terms(terms: Iterable[str], flags: int = re.IGNORECASE) -> Terms | None:
    terms = list(terms)
    for term in terms:
        if not isinstance(term, str):  # YAML read "a(?: b)" unquoted as a mapping
            raise ValueError(f"{LEXICON_FILE.name}: {term!r} is not a string; quote it")
    terms = [t for t in terms if t]
    return Terms(terms, flags) if terms else None


def _label_fields(labels: Terms | None) -> re.Pattern | None:
    return re.compile(labels.pattern.pattern + r"\s*[:|]", re.IGNORECASE) if labels else None


@dataclass(frozen=True)
class Category:
    name: str
    kind: str
    strong: Terms | None
    weak: Terms | None
    labels: Terms | None
    exact: Terms | None  # case-sensitive codes (WBRI), only where ``exact_requires`` appears in the text
    exact_requires: Terms | None
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
        labels = _terms(entry.get("labels", []))
        categories.append(
            Category(
                name=name,
                kind=KINDS[entry["kind"]],
                strong=_terms(entry.get("strong", []) + extra),
                weak=_terms(entry.get("weak", [])),
                labels=labels,
                exact=_terms(entry.get("case_sensitive_terms", []), flags=0),
                exact_requires=_terms(entry.get("requires_in_text_for_case_sensitive", [])),
                label_fields=_label_fields(labels),
            )
        )
    return categories


class Unit(NamedTuple):
    start: int
    end: int
    segment: int


class Anchor(NamedTuple):
    start: int
    end: int
    entity_type: str


class SpecialCategoryDetector:
    name = "special_categories"

    def __init__(self, config: DetectionConfig):
        self.config = config
        self.settings = config.special_categories
        self.categories = load_categories(config) if self.settings.enabled else []
        # Every category's term lists, in a fixed order: strong, exact, exact_requires, weak per category; for
        # each, its category's number and its place in those four.
        all_terms: list[Terms] = []
        self._owners: list[tuple[int, int]] = []
        for c, category in enumerate(self.categories):
            for place, terms in enumerate((category.strong, category.exact, category.exact_requires, category.weak)):
                if terms is not None:
                    all_terms.append(terms)
                    self._owners.append((c, place))
        self._prefilter = _Prefilter(all_terms)

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
                offset, text = batch.starts[i], segments[i].text
                if "." in text or "!" in text or "?" in text or "\n" in text:  # what ends a sentence early
                    units += [Unit(offset + m.start(), offset + m.end(), i) for m in _SENTENCE.finditer(text)
                              if (sentence := m.group()) and not sentence.isspace()]
                elif text and not text.isspace():  # one sentence, the whole text (a heading, a line of a list)
                    units.append(Unit(offset, offset + len(text), i))
            index = last + 1
        return units

    @staticmethod
    def anchors(batch: TextBatch, found: Sequence[Finding], folded: str, starts: Set[str]) -> list[Anchor]:
        """The people the batch names (``folded`` is ``_fold(batch.text)``, ``starts`` its ``_word_starts``), in
        offset order."""
        anchors = [
            Anchor(f.start, f.end, f.entity_type)
            for f in found
            if f.entity_type in ANCHOR_TYPES
            and f.start >= 0
            and (f.entity_type != "PERSON" or f.detector.endswith(_EXACT_NAME_SOURCES) or _is_name(f.value))
        ]
        text = batch.text
        anchors += [
            Anchor(m.start(), m.end(), "PERSON") for m in _finditer(_TITLE_AND_SURNAME, _TITLE_STARTS, text, text)
        ]
        anchors += [
            Anchor(m.start("name"), m.end("name"), "PERSON")
            for m in _finditer(_NAME_FIELD, [label for label, key in _NAME_FIELD_KEYS if key in starts], text, folded)
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
        text = batch.text
        folded = _fold(text)
        starts = _word_starts(folded)
        per_category = [(category, matches) for category, possible in self._possible(text, folded, starts)
                        if (matches := list(self._matches(text, folded, category, possible)))]
        if not per_category:
            return  # no term occurs: units, anchors and subject would go unused
        units = self.units(batch)
        unit_starts = [u.start for u in units]
        anchors = self.anchors(batch, found, folded, starts)
        anchor_starts = [a.start for a in anchors]
        subject = self.subject(batch, anchors)
        spans = [(a.start, a.end, a.entity_type) for a in anchors]
        definitional: dict[int, bool] = {}  # unit → is a definition or lesson (asked once per unit)
        person_types: dict[Anchor, str] = {}  # asked once per anchor
        boxes = any(box in text for box in "[(☐□")  # what _UNTICKED_BOX needs
        for category, matches in per_category:
            reported: set[int] = set()  # one finding per unit and category
            for match, strong in matches:
                u = bisect.bisect_right(unit_starts, match.start()) - 1
                if u < 0 or u in reported:
                    continue
                unit = units[u]
                if self._negated(text, match, unit):
                    continue
                if u not in definitional:
                    definitional[u] = _DEFINITIONS.search_part(text, folded, unit.start, unit.end)
                if definitional[u]:
                    continue
                if boxes and _UNTICKED_BOX.search(text[max(unit.start, match.start() - 6) : match.start()]):
                    continue
                if not strong and not self._second_sign(category, text[unit.start : unit.end], match.group()):
                    continue
                linked = self._link(units, u, anchors, anchor_starts, subject, text)
                if linked is None:
                    continue
                anchor, confidence = linked
                if confidence < self.settings.min_confidence:
                    continue
                reported.add(u)
                if anchor not in person_types:
                    person_types[anchor] = self._person_type(anchor, text, folded)
                term = " ".join(match.group().lower().split())
                yield Finding(
                    entity_type=category.name,
                    locator=batch.segments[unit.segment].locator,
                    confidence=confidence,
                    snippet=functools.partial(  # masked when first read (see Finding)
                        redacted_snippet, batch, match.start(), match.end(), spans, self.config.snippet_chars,
                        keep_words=frozenset(term.split()),
                    ),
                    detector=f"{self.name}:{category.name}",
                    kind=category.kind,
                    value=match.group(),
                    evidence=(term, f"person:{person_types[anchor]}"),
                    start=match.start(),
                    end=match.end(),
                )

    def _possible(self, text: str, folded: str, starts: Set[str]) -> list[tuple[Category, tuple[Set[int], ...]]]:
        """The categories a term of which can occur in ``text``, each with the numbers of the terms of its
        (strong, exact, exact_requires, weak) that can (see ``_Prefilter``; none of a list it has not)."""
        by_category: dict[int, list[Set[int]]] = {}
        for n, numbers in self._prefilter.possible(text, folded, starts).items():
            c, place = self._owners[n]
            by_category.setdefault(c, [_NONE] * 4)[place] = numbers
        per_category = []
        for c in sorted(by_category):
            category, (strong, exact, requires, weak) = self.categories[c], by_category[c]
            if category.exact_requires is not None and not requires:
                exact = _NONE  # the text mentions none of the words the case-sensitive codes require
            if strong or exact or weak:
                per_category.append((category, (strong, exact, requires, weak)))
        return per_category

    @staticmethod
    def _matches(text: str, folded: str, category: Category,
                 possible: tuple[Set[int], ...]) -> Iterator[tuple[re.Match, bool]]:
        """Strong, case-sensitive (where ``exact_requires``, if any, occurs), then weak term matches, of the terms
        that can occur (``possible``, from ``_possible``)."""
        strong, exact, requires, weak = possible
        if strong:
            for m in category.strong.finditer(text, folded, strong):
                yield m, True
        if exact and (category.exact_requires is None
                      or next(category.exact_requires.finditer(text, folded, requires), None)):
            for m in category.exact.finditer(text, folded, exact):
                yield m, True
        if weak:
            for m in category.weak.finditer(text, folded, weak):
                yield m, False

    @staticmethod
    def _negated(text: str, match: re.Match, unit: Unit) -> bool:
        # Within the cell or clause: "Business interests: None | Other interests: Member of…" is not negated.
        before = text[max(unit.start, match.start() - 40) : match.start()]
        if ";" in before or "|" in before or "\n" in before:  # what a clause break needs
            before = _CLAUSE_BREAK_BEFORE.split(before)[-1]
        after = text[match.end() : match.end() + 100]
        if ";" in after or "|" in after:
            after = _CLAUSE_BREAK_AFTER.split(after, maxsplit=1)[0]
        if _NEGATION_BEFORE.search(before):
            return True
        negation = _NEGATION_AFTER.search(after)  # the first: any other begins further along
        return negation is not None and negation.start() <= min(NEGATION_REACH, len(after.partition("\n")[0]))

    @staticmethod
    def _second_sign(category: Category, unit_text: str, term: str) -> bool:
        # The whole term lists, not the batch's reduced ones: those are exact for the batch text only (a match
        # in ``unit_text`` alone has no word character before it to fail its look-behind).
        others = [
            m.group().lower()
            for terms in (category.strong, category.weak)
            if terms
            for m in terms.pattern.finditer(unit_text)
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
    def _person_type(anchor: Anchor, text: str, folded: str) -> str:
        if anchor.entity_type in ("UK_UPN", "UK_ULN"):
            return "pupil"
        if anchor.entity_type == "UK_NINO":
            return "staff"
        for kind, cues in _CUES:  # around the anchor
            if cues.search_part(text, folded, max(0, anchor.start - 80), anchor.end + 80):
                return kind
        return "unknown"
