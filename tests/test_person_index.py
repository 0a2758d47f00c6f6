"""The person index's shortcuts (words found cell by cell, cached word forms, prefilters) collect exactly what the
plain way collects, on awkward text too."""

import bisect
import random
import re

import pytest

from detectors import person_index
from detectors.person_index import (
    EMAIL,
    ID_LIKE,
    IDENTIFIER_TYPES,
    STOP_WORDS,
    WORD,
    PersonIndexer,
    normalise_dob,
    normalise_email,
    normalise_identifier,
    normalise_word,
    segment_entries,
)
from scanner.items import Finding, Segment, TextBatch


def plain_name_words(text):
    """One match object per word, every word checked."""
    words = list(WORD.finditer(text))
    for number, m in enumerate(words):
        word = m.group(0)
        if not word[0].isupper():
            continue
        norm = normalise_word(word)
        if len(word) == 1:  # an initial only before a capitalised word
            if number + 1 == len(words) or not words[number + 1].group(0)[0].isupper():
                continue
        elif norm in STOP_WORDS:
            continue
        yield number, m.start(), norm


def plain_segment_entries(text, seg):
    """Plain name words; every pattern searched everywhere."""
    cells = [m.start() for m in re.finditer(re.escape(person_index.CELL_SEPARATOR), text)]
    entries = [("w", norm, seg, number, bisect.bisect_right(cells, start) if cells else -1)
               for number, start, norm in plain_name_words(text)]
    entries += [("e", normalise_email(m.group(0)), seg, -1, -1) for m in EMAIL.finditer(text)]
    entries += [("i", normalise_identifier(m.group(0)), seg, -1, -1) for m in ID_LIKE.finditer(text)]
    return entries


def plain_detect(batches):
    entries, base = [], 0
    for batch, found in batches:
        for index, segment in enumerate(batch.segments):
            entries += plain_segment_entries(segment.text, base + index)
        for f in found:
            if f.start < 0 or not f.value:
                continue
            seg = base + batch.segment_index_at(f.start)
            if f.entity_type in IDENTIFIER_TYPES:
                entries.append(("i", normalise_identifier(f.value), seg, -1, -1))
            elif f.entity_type == "DATE_OF_BIRTH" and normalise_dob(f.value):
                entries.append(("d", normalise_dob(f.value), seg, -1, -1))
        base += len(batch.segments)
    return list(dict.fromkeys(entries))


# Initials at the end of a text or before a lower-case word, stop words and labels in capitals, possessives,
# letters that case-fold oddly, digits in other scripts (ID-like codes), cell separators, emails.
PIECES = [
    "Olivia", "Hart", "O", "O.", "J", "I", "A", "Mrs", "Hart's", "O’Brien’s", "Hart-Smith", "The", "THE", "May", "Will",
    "Surname", "Forename:", "DOB", "Ünal", "Çelik", "ölçü", "İlker", "ǅemal", "Ⓐ", "x'Y", "ab-Cd", "a", "and",
    "12345", "AB123456C", "٣٤٥٦٧", "1234", "_X", "t.lomax@Example.com", "o'hart@school.org.", "@", " ", " ",
    " | ", "|", " || ", "\n", ",", ".", "'", "’", "-", "(", ")",
]


def _random_text(rng):
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))


def test_segment_entries_are_the_plain_ones_on_awkward_text():
    rng = random.Random(1729)
    for _ in range(3000):
        text = _random_text(rng)
        assert segment_entries(text, 3) == plain_segment_entries(text, 3), text


# Codes and near misses: letters before and after the digits (up to four), digits of other scripts, word
# characters that join or end a code, runs of digits split and joined.
CODE_PIECES = ["A", "ab", "ABC", "abcd", "12345", "1234", "5", "678901", "٣٤٥٦٧", "_", " ", "-", ".", "|", "é", "\n"]


def test_id_like_finds_what_finditer_finds():
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(CODE_PIECES) for _ in range(rng.randint(0, 14)))
        assert list(person_index.id_like(text, person_index._FIVE_DIGITS.search(text))) == [m.group(0) for m in ID_LIKE.finditer(text)], text


@pytest.mark.parametrize("text", [
    "Forename: Olivia | Surname: Hart | DOB: 14/03/2011 | | O. Hart, O'Brien’s X Y z",
    "O hart O Hart O", "J", "I Hart, A Hart, I a", "Mrs May | Will Hart | UPN A123456789012 | ٣٤٥٦٧٨ | t.lomax@example.com",
    "", " | ", "İlker ǅemal Ⓐb",
])
def test_name_words_and_entries(text):
    assert segment_entries(text, 0) == plain_segment_entries(text, 0)


def test_the_indexer_collects_what_the_plain_way_collects_across_batches():
    rng = random.Random(31)
    batches = []
    for _ in range(40):
        batch = TextBatch.of([Segment(_random_text(rng), f"line {n}") for n in range(rng.randint(1, 4))])
        found = []
        for entity, value in [("UK_UPN", "A123 4567 89012"), ("UK_NHS", "943-476-5919"), ("PERSON", "Olivia"),
                              ("DATE_OF_BIRTH", "14th March 2011"), ("DATE_OF_BIRTH", "not a date"),
                              ("DATE_OF_BIRTH", "2011-03-14"), ("UK_NINO", "")]:
            if rng.random() < 0.5:
                found.append(Finding(entity, "line", 0.9, "", "test", value=value,
                                     start=rng.choice([-1, rng.randrange(len(batch.text) + 1)])))
        batches.append((batch, found))
    indexer = PersonIndexer()
    for batch, found in batches:
        assert list(indexer.detect(batch, found)) == []
    assert indexer.take_index() == plain_detect(batches)
    assert indexer.take_index() == []
