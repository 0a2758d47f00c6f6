"""The person index: per item, the normalised tokens that can identify people, for subject access searches.

Registered last, this detector reports nothing; it collects, for each item, the tokens a SAR search needs and
hands them to the engine (``take_index``), which has the store keep them only as keyed hashes (see
``scanner.store.Store.replace_trees`` and ``reports.sar``). What is collected:

* ``w``: capitalised words ("Hart", "Olivia", "O", "Mrs") that are not common English or form-label words,
  with their place: segment number in the item, word number in the segment (every word counts, so adjacency
  is exact: "Olivia Hart", "Hart, Olivia", "O. Hart", "Mrs Hart"), and for a table row the cell number;
* ``e``: email addresses (lower case);
* ``i``: identifiers: the UPN, ULN, NHS and NI numbers detectors found, and ID-like codes (admission and staff
  numbers) written as letters and digits, upper case without spaces;
* ``d``: dates of birth the detectors found, as ISO dates.

Example: the row ``Forename: Olivia | Surname: Hart | DOB: 14/03/2011`` gives ``w olivia`` (word 1, cell 0),
``w hart`` (word 3, cell 1) and ``d 2011-03-14``; the words "Forename", "Surname" and "DOB" are labels and are
left out. Nothing here is written anywhere until the store hashes it.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Iterator, Sequence
from datetime import datetime

from scanner.config import DetectionConfig
from scanner.items import Finding, TextBatch

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
ID_LIKE = re.compile(r"\b[A-Za-z]{0,3}\d{5,}[A-Za-z]?\b")
CELL_SEPARATOR = " | "  # scanner.extractors.tables joins a row's cells with this
TITLES = ("mr", "mrs", "miss", "ms", "mx", "dr")
IDENTIFIER_TYPES = ("UK_UPN", "UK_ULN", "UK_NHS", "UK_NINO")

# Words never indexed: they are common English or the labels of school forms, not names. Names that are also
# English words (May, June, Will, Mark) stay in: spaCy's stop words "may" and "will" are taken out.
_LABELS = """
    academy account address admission admissions allergy allergies applicant application attendance bank birth
    card carer class code condition conditions contact date dear details dob email employee ethnicity form
    forename forenames gender given group head health home known last legal list medical medication mobile
    mother father name names national nhs ni nino no number parent parents phone post postcode preferred pupil
    pupils record ref reference register relationship religion report review school sen send senco sex staff
    student surname teacher tel telephone upn uln year yours sincerely regards kind best to cc re subject from
    sent date monday tuesday wednesday thursday friday saturday sunday january february march september october
    november december yes
"""


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS - {"may", "will", "bill"}) | frozenset(_LABELS.split())


STOP_WORDS = _stop_words()


def normalise_word(word: str) -> str:
    """``Hart's`` → ``hart``; ``O’Brien`` → ``o'brien``."""
    word = word.replace("’", "'").casefold()
    return word[:-2] if word.endswith("'s") else word


_IDENTIFIER_GAPS = re.compile(r"[\s\-]")


def normalise_identifier(value: str) -> str:
    return _IDENTIFIER_GAPS.sub("", value).upper()


def normalise_email(value: str) -> str:
    return value.strip().strip(".").casefold()


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%d/%m/%y", "%B %d, %Y")


def normalise_dob(value: str) -> str | None:
    """A written date as ISO ``YYYY-MM-DD``, or None if it is not one of the forms schools write."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(value.replace(",", ", ").split())).strip()
    text = text.replace(" ,", ",")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


class _NameForms(dict):
    """Capitalised word → its normalised form, or None for a stop word (a single letter is never one: whether it
    is an initial depends on the next word). A cache, as a school's texts repeat the same names and labels;
    emptied when it grows large."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= 1 << 14:
            self.clear()
        norm = normalise_word(word)
        form = self[word] = norm if len(word) == 1 or norm not in STOP_WORDS else None
        return form


_name_form = _NameForms().__getitem__
_FIRST = operator.itemgetter(0)


def _numbered_name_words(words: list[str]) -> list[tuple[int, str]]:
    """(word number, normalised word) of the capitalised words worth indexing among ``words`` (a text's words,
    in order): a single capital letter only when a capitalised word follows (an initial: "O. Hart"). Only the
    capitalised words reach Python code."""
    capitalised = list(itertools.compress(range(len(words)), map(str.isupper, map(_FIRST, words))))
    last = len(words) - 1
    return [
        (number, norm)
        for number, norm in zip(capitalised, map(_name_form, map(words.__getitem__, capitalised)))
        if norm is not None and (len(words[number]) > 1 or number < last and words[number + 1][0].isupper())
    ]


# One entry: (kind, normalised token, segment number, word number, cell number); -1 where it does not apply.
Entry = tuple[str, str, int, int, int]


def segment_entries(text: str, seg: int) -> list[Entry]:
    """Index entries of one segment's text (words and emails; identifiers like codes)."""
    if CELL_SEPARATOR in text:
        # A table row, cell by cell: no word holds a separator's spaces, so the row's words are its cells' words
        # one after the other, and a word's cell is the number of cells whose words all come before it (the
        # separators before it, found left to right without overlap).
        words: list[str] = []
        cell_ends: list[int] = []  # per cell, the number of words up to its end
        for cell in text.split(CELL_SEPARATOR):
            words += WORD.findall(cell)
            cell_ends.append(len(words))
        entries: list[Entry] = [("w", norm, seg, number, bisect.bisect_right(cell_ends, number))
                                for number, norm in _numbered_name_words(words)]
    else:
        entries = [("w", norm, seg, number, -1) for number, norm in _numbered_name_words(WORD.findall(text))]
    if "@" in text:  # what every EMAIL match holds
        for m in EMAIL.finditer(text):
            entries.append(("e", normalise_email(m.group(0)), seg, -1, -1))
    if five := _FIVE_DIGITS.search(text):  # what every ID_LIKE match holds
        for code in id_like(text, five):
            entries.append(("i", normalise_identifier(code), seg, -1, -1))
    return entries


_FIVE_DIGITS = re.compile(r"\d\d\d\d\d")  # not "\d{5}": a pattern that starts with a digit class is searched faster


def id_like(text: str, five: re.Match | None) -> Iterator[str]:
    """``ID_LIKE``'s matches in ``text``, as ``finditer`` finds them, given the first five digits in it (``five``:
    ``_FIVE_DIGITS.search(text)``): each is searched for only from three characters before the next five digits,
    as every match holds five digits after at most three letters. (``ID_LIKE`` begins with a word boundary, which
    ``re`` tries at every character; the digits are found fast.)"""
    pos = 0
    while five:
        match = ID_LIKE.search(text, max(pos, five.start() - 3))
        if match is None:
            return
        yield match.group(0)
        pos = match.end()
        five = _FIVE_DIGITS.search(text, pos)


class PersonIndexer:
    """Collects the person-index entries of each item; the engine takes them after the item's last batch."""

    name = "person_index"

    def __init__(self, config: DetectionConfig | None = None):
        self._entries: list[Entry] = []
        self._segments = 0

    def detect(self, batch: TextBatch, found: Sequence[Finding] = ()) -> Iterator[Finding]:
        base = self._segments
        for index, segment in enumerate(batch.segments):
            self._entries.extend(segment_entries(segment.text, base + index))
        for finding in found:
            if finding.start < 0 or not finding.value:
                continue
            if finding.entity_type in IDENTIFIER_TYPES:
                seg = base + batch.segment_index_at(finding.start)
                self._entries.append(("i", normalise_identifier(finding.value), seg, -1, -1))
            elif finding.entity_type == "DATE_OF_BIRTH":
                iso = normalise_dob(finding.value)
                if iso:
                    self._entries.append(("d", iso, base + batch.segment_index_at(finding.start), -1, -1))
        self._segments += len(batch.segments)
        return iter(())

    def take_index(self) -> list[Entry]:
        """This item's entries (once each); the next item starts from nothing."""
        entries = list(dict.fromkeys(self._entries))
        self._entries, self._segments = [], 0
        return entries
