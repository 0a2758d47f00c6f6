"""UK identifiers as data: one ``IdentifierSpec`` per identifier, one shared presidio recognizer class.

Each spec is patterns + a check + context rules; ``IdentifierRecognizer`` turns a spec into a presidio
``PatternRecognizer``. Context is matched on the raw text (case-insensitive whole-word regexes within N
characters of the match), so it works without a lemmatizer. Scores: ``score`` without supporting context,
``score_with_context`` with it; ``requires_context`` drops a match that has none; ``negative_context`` drops a
match near a word that says it is something else.

UK_POSTCODE
    Royal Mail format: outward code ``A9``, ``A99``, ``A9A``, ``AA9``, ``AA99`` or ``AA9A``, an optional space,
    inward code ``9AA``; ``GIR 0AA``. Letter rules: first letter not Q, V, X; second not I, J, Z; a letter in
    third position one of ABCDEFGHJKPSTUW; in fourth position one of ABEHMNPRVWXY; inward letters never C, I,
    K, M, O, V. Upper case only (lower-case letter/digit runs are too often not postcodes). ``SW1A 1AA``.
    The NHS pseudo-postcode ``ZZ99 9ZZ`` fails the second-letter rule.
UK_NHS
    10 digits, written ``943 476 5919``, ``943-476-5919`` or ``9434765919``. Check: weights 10..2 on the first
    nine digits, ``11 - (sum mod 11)`` (11 → 0, 10 → invalid) is the tenth (python-stdnum ``stdnum.gb.nhs``).
    Every ISBN-10 without an X passes this check too, so a match near "ISBN" is dropped, and so is one with no
    NHS context in a text that mentions ISBNs at all (a reading list with an ISBN column).
UK_NINO
    National Insurance number ``QQ 12 34 56 C``: two prefix letters, six digits, suffix A-D, spaces allowed.
    HMRC prefix rules: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; BG, GB, KN, NK, NT, TN
    and ZZ are never issued.
UK_UPN
    Unique Pupil Number ``B801200005001``: check letter, 3-digit LA number, 4-digit establishment number,
    2-digit year, 3-character serial. Check: mod-23 check letter and a known LA number (``stdnum.gb.upn``).
UK_ULN
    Unique Learner Number ``9276308686``: 10 digits, first non-zero. Check (Learning Records Service, as
    published in the HESA ULN field notes): weights 10..2 on the first nine digits, ``10 - (sum mod 11)`` is
    the tenth; a sum divisible by 11 is invalid. Designed never to collide with a valid NHS number. Ten-digit
    numbers are common, so "ULN" / "unique learner" must appear nearby.
DATE_OF_BIRTH
    ``31/01/2010``, ``1/2/10`` (also with ``.`` or ``-``), ``3 March 2010`` / ``3rd Mar 2010``, ``2010-01-31``;
    the date must exist in the calendar (a four-digit year from 1900 to this year) and "DOB", "D.O.B", "date of
    birth", "birth date" or "born" must appear just before (or shortly after) it.
UK_BANK_ACCOUNT
    An 8-digit account number reported only when a sort code ``12-34-56``, "sort code", "account number",
    "account no" or "a/c" is nearby.
"""

from __future__ import annotations

import logging
import re as stdlib_re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import regex as re
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS
from stdnum.gb import nhs, upn

log = logging.getLogger("gdprscan.detectors")


@dataclass(frozen=True)
class IdentifierSpec:
    """One identifier: what to match, how to check it, and which nearby words matter."""

    entity: str
    name: str  # recognizer name; findings record it as ``personal_data:<name>``
    patterns: tuple[tuple[str, str], ...]  # (pattern name, regex)
    score: float  # a checked match without supporting context
    score_with_context: float
    check: Callable[[str], bool] | None = None
    context: tuple[str, ...] = ()  # case-insensitive regexes, matched as whole words
    requires_context: bool = False
    negative_context: tuple[str, ...] = ()
    # A match WITHOUT supporting context is dropped when one of these appears anywhere in the text (a reading
    # list whose ISBN column heading is rows away from the numbers).
    document_negative_context: tuple[str, ...] = ()
    context_before: int = 40  # characters searched for context before the match
    context_after: int = 20  # … and after it
    ignore_case: bool = False
    # A regex every match of ``patterns`` contains a match of (with the same flags), far cheaper to search for:
    # a text without one is not searched with the patterns at all ("\d{10}" before a ULN pattern).
    requires: str = ""


def _context_regex(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


class IdentifierRecognizer(PatternRecognizer):
    """A presidio ``PatternRecognizer`` driven by an ``IdentifierSpec``: regex, check, context rules."""

    def __init__(self, spec: IdentifierSpec, supported_language: str = "en"):
        flags = re.MULTILINE | (re.IGNORECASE if spec.ignore_case else 0)
        super().__init__(
            supported_entity=spec.entity,
            name=spec.name,
            supported_language=supported_language,
            patterns=[Pattern(name, regex, spec.score) for name, regex in spec.patterns],
            global_regex_flags=flags,
        )
        self.spec = spec
        self._context = _context_regex(spec.context)
        self._negative = _context_regex(spec.negative_context)
        self._document_negative = _context_regex(spec.document_negative_context)
        # Where context is required, a text in which no context word occurs at all (boundaries aside: the
        # context is searched in slices, whose ends can cut a word) keeps no match: nothing to search. The words
        # are looked for one at a time: ``regex`` finds one word (most start with a letter or two) 2-3x faster
        # than their alternation.
        self._any_context = (tuple(re.compile(w, re.IGNORECASE) for w in spec.context)
                             if spec.requires_context and spec.context else None)
        self._requires: dict[int, re.Pattern] = {}  # flags → spec.requires compiled with them

    def _may_match(self, text: str, flags: int) -> bool:
        """False only when no pattern can match: the text holds nothing ``spec.requires`` matches, compiled with
        ``flags``, those the patterns are compiled with."""
        if not self.spec.requires:
            return True
        requires = self._requires.get(flags)
        if requires is None:
            requires = self._requires[flags] = re.compile(self.spec.requires, flags)
        return requires.search(text) is not None

    def invalidate_result(self, pattern_text: str) -> bool | None:
        # The check is a gate, not a score: presidio's validate_result would lift every checked match to 1.0.
        if self.spec.check is None:
            return None
        return not self.spec.check(pattern_text)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None) -> list[RecognizerResult]:
        """What presidio's ``PatternRecognizer.analyze`` gives, then the context rules; a result object is built
        only for a match that is kept (most dates are not near "DOB", most ten-digit numbers are not ULNs)."""
        flags = regex_flags if regex_flags else self.global_regex_flags  # as PatternRecognizer decides
        if not self._may_match(text, flags):
            return []  # what the rest returns for a text without a match
        if self._any_context is not None and not any(word.search(text) for word in self._any_context):
            return []  # every match would lack its required context
        kept = []
        document_negative = None  # searched once, only if a match without context needs it
        for pattern in self.patterns:
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:  # as PatternRecognizer does
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = re.compile(pattern.regex, flags=flags)
            try:
                matches = list(pattern.compiled_regex.finditer(text, timeout=REGEX_TIMEOUT_SECONDS))
            except TimeoutError:
                log.warning("pattern %r of %s timed out; skipped", pattern.name, self.name)
                continue
            for match in matches:
                start, end = match.span()
                if start == end:
                    continue
                before = text[max(0, start - self.spec.context_before) : start]
                # Context after a match stays on its line: the next line is the next row or sentence.
                after = text[end : end + self.spec.context_after].split("\n", 1)[0]
                if self._negative and (self._negative.search(before) or self._negative.search(after)):
                    continue
                word = self._context and (self._context.search(before) or self._context.search(after))
                if not word:
                    if self.spec.requires_context:
                        continue
                    if self._document_negative:
                        if document_negative is None:
                            document_negative = bool(self._document_negative.search(text))
                        if document_negative:
                            continue
                if self.invalidate_result(text[start:end]):  # presidio's check: a failed one scores 0, dropped
                    continue
                explanation = self.build_regex_explanation(self.name, pattern.name, pattern.regex, pattern.score,
                                                           None, flags)
                result = RecognizerResult(
                    entity_type=self.supported_entities[0], start=start, end=end, score=pattern.score,
                    analysis_explanation=explanation,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                )
                if word:
                    result.score = max(result.score, self.spec.score_with_context)
                    result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
                    # Digits in a context match (a sort code) become "n": evidence never carries a value.
                    explanation.set_supportive_context_word(_DIGIT.sub("n", word.group(0).lower()))
                    explanation.set_improved_score(result.score)
                kept.append(result)
        return EntityRecognizer.remove_duplicates(kept)


_DIGIT = re.compile(r"\d")


# --- checks: small pure functions -------------------------------------------------------------------------

_NINO_FIRST_BAD = set("DFIQUV")
_NINO_SECOND_BAD = set("DFIOQUV")
_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_is_valid(text: str) -> bool:
    """HMRC National Insurance number rules (format and prefix letters; there is no check digit)."""
    value = "".join(text.split()).upper()
    if not stdlib_re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", value):
        return False
    prefix = value[:2]
    return (
        prefix[0] not in _NINO_FIRST_BAD
        and prefix[1] not in _NINO_SECOND_BAD
        and prefix not in _NINO_BAD_PREFIXES
    )


def nhs_is_valid(text: str) -> bool:
    """NHS number mod-11 check; all-same-digit numbers (0000000000) are placeholders, not numbers."""
    digits = stdlib_re.sub(r"[\s-]", "", text)
    return nhs.is_valid(digits) and len(set(digits)) > 1


def uln_is_valid(text: str) -> bool:
    """Unique Learner Number check (see the module docstring)."""
    if not stdlib_re.fullmatch(r"[1-9]\d{9}", text):
        return False
    remainder = sum(int(d) * w for d, w in zip(text[:9], range(10, 1, -1))) % 11
    return remainder != 0 and int(text[9]) == 10 - remainder


def upn_is_valid(text: str) -> bool:
    return upn.is_valid(text)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))


def parse_date(text: str, today: date | None = None) -> date | None:
    """A UK-order or ISO date → ``date``, or ``None`` when it is not a real calendar date.

    Two-digit years are read as the most recent such year not after ``today``; four-digit years must be
    between 1900 and this year (nobody on a school roll was born outside that range).
    """
    today = today or date.today()
    text = text.strip()
    if m := stdlib_re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := stdlib_re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})", text):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
        if len(m[4]) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
    elif m := stdlib_re.fullmatch(
        r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{4})", text, stdlib_re.IGNORECASE
    ):
        day, month, year = int(m[1]), _MONTHS.get(m[2].lower(), 0), int(m[3])
    else:
        return None
    if not 1900 <= year <= today.year:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_real_date(text: str) -> bool:
    return parse_date(text) is not None


# --- the identifiers ----------------------------------------------------------------------------------------

# Not part of a longer number or code: no word character or hyphenated digit run either side.
_START = r"(?<![\w-])"
_END = r"(?![\w]|-\w)"

SPECS: tuple[IdentifierSpec, ...] = (
    IdentifierSpec(
        entity="UK_POSTCODE",
        name="uk_postcode",
        patterns=(
            (
                "UK postcode",
                _START
                + r"(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
                r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})" + _END,
            ),
        ),
        score=0.6,
        score_with_context=0.9,
        context=(r"post\s*code", r"address", r"postal"),
        requires=r"[0-9][ABD-HJLNP-UW-Z]{2}",  # the inward code ("GIR 0AA" too)
    ),
    IdentifierSpec(
        entity="UK_NHS",
        name="uk_nhs",
        patterns=(("NHS number", _START + r"(?:\d{3} \d{3} \d{4}|\d{3}-\d{3}-\d{4}|\d{10})" + _END),),
        score=0.6,
        score_with_context=0.95,
        check=nhs_is_valid,
        context=(r"nhs", r"national\s+health(?:\s+service)?", r"health\s+(?:service\s+)?(?:number|no)", r"patient"),
        negative_context=(r"isbn(?:-1[03])?",),
        document_negative_context=(r"isbn(?:-1[03])?",),
        context_before=30,
        context_after=10,
        requires=r"\d{3}",
    ),
    IdentifierSpec(
        entity="UK_NINO",
        name="uk_nino",
        patterns=(("NINO", _START + r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]" + _END),),
        score=0.65,
        score_with_context=0.95,
        check=nino_is_valid,
        context=(r"national\s+insurance(?:\s+(?:number|no))?", r"nino", r"ni\s+(?:number|no)\.?"),
        requires=r"[A-Z]{2} ?\d{2}",
    ),
    IdentifierSpec(
        entity="UK_UPN",
        name="uk_upn",
        patterns=(("UPN", _START + r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]" + _END),),
        score=0.85,
        score_with_context=1.0,
        check=upn_is_valid,
        context=(r"upn", r"unique\s+pupil(?:\s+number)?", r"pupil\s+number"),
        requires=r"\d{11}",
    ),
    IdentifierSpec(
        entity="UK_ULN",
        name="uk_uln",
        patterns=(("ULN", _START + r"[1-9]\d{9}" + _END),),
        score=0.8,
        score_with_context=0.8,
        check=uln_is_valid,
        context=(r"uln", r"unique\s+learner(?:\s+number)?", r"learner\s+number"),
        requires_context=True,
        context_before=60,
        context_after=30,
        requires=r"\d{10}",
    ),
    IdentifierSpec(
        entity="DATE_OF_BIRTH",
        name="date_of_birth",
        patterns=(
            ("numeric date", _START + r"\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})" + _END),
            ("ISO date", _START + r"\d{4}-\d{2}-\d{2}" + _END),
            (
                "written date",
                r"(?<!\w)\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTH_NAMES + r")\.?,?\s+\d{4}(?!\w)",
            ),
        ),
        score=0.85,
        score_with_context=0.85,
        check=is_real_date,
        context=(r"dob", r"d\.\s?o\.\s?b\.?", r"date\s+of\s+birth", r"birth\s*date", r"born"),
        requires_context=True,
        context_before=40,
        context_after=15,
        ignore_case=True,
        requires=r"\d",
    ),
    IdentifierSpec(
        entity="UK_BANK_ACCOUNT",
        name="uk_bank_account",
        patterns=(("account number", _START + r"\d{8}" + _END),),
        score=0.7,
        score_with_context=0.7,
        context=(r"\d{2}-\d{2}-\d{2}", r"sort\s*code", r"account\s+(?:number|no)\.?", r"acc(?:ount)?\s+no\.?", r"a/c"),
        requires_context=True,
        context_before=60,
        context_after=40,
        requires=r"\d{8}",
    ),
)


def identifier_recognizers(entities: list[str] | tuple[str, ...]) -> list[IdentifierRecognizer]:
    """Recognizers for the UK identifiers among ``entities``."""
    return [IdentifierRecognizer(spec) for spec in SPECS if spec.entity in entities]
