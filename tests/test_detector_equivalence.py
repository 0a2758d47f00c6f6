"""The detectors' shortcuts (prefilters, gates) give exactly what the plain way gives, on awkward text too."""

import itertools
import re

import pytest
import regex

from detectors import person_index, special_categories
from detectors.special_categories import _DEFINITIONAL, _DEFINITIONS, SpecialCategoryDetector
from detectors.uk_identifiers import SPECS, IdentifierRecognizer
from scanner.config import DetectionConfig, SpecialCategoryConfig

# Case folding that str.lower() gets wrong ("İ" → two characters; "ſ" matches "s"; the Kelvin sign "k"),
# terms cut mid-word, codes that need a word elsewhere, and text with no term at all.
TEXTS = [
    "Pupil: Lily Evans has ASTHMA and uses an inhaler; EpiPen kept in the office.",
    "aſthma, İnsulin, ſelf-harm, diabetic, type 1 diabetes, autiſtic spectrum disorder, \u212aosher food",
    "pre-asthma xasthma asthmatic_x asthma_ 2asthma asthma2 epi-pens autoinjector",
    "Ethnicity: WBRI | Religion: Muslim | Diet: halal, no pork | is a Jehovah's Witness",
    "WBRI without the word; ethnic group white british; Mixed heritage; gypsy/roma",
    "He came out as bi. She is gay. They identify as queer. Bi-weekly GP visit. gp",
    "Referred to YOT; youth offending team; arrested; convicted 2019; caution 2020",
    "Nothing of interest here at all, only the weather and a trip to the seaside.",
    "NEU subs; Unison member; trade union rep; facility time; member of the NASUWT",
    "Fracture clinic, Down's syndrome, Williams syndrome, a&e, A&E visit, 22q11.2 deletion",
    "e.g. a lesson on policy: 45% of pupils will learn what is asthma — such as inhalers",
    "",
]


@pytest.fixture(scope="module")
def detector():
    config = DetectionConfig(special_categories=SpecialCategoryConfig(
        extra_terms={"health": ["Ward 7 clinic"]},
        extra_patterns={"health": [r"(med)ical \1", r"zz\d+"]},
    ))
    return SpecialCategoryDetector(config)


def _spans(pattern, text):
    return [m.span() for m in pattern.finditer(text)] if pattern else []


@pytest.mark.parametrize("text", TEXTS)
def test_reduced_term_lists_match_like_the_whole(detector, text):
    possible = detector._prefilter.possible(text)
    for terms, numbers in zip(detector._prefilter.all_terms, possible):
        assert _spans(terms.within(numbers), text) == _spans(terms.pattern, text), terms.terms


@pytest.mark.parametrize("text", TEXTS)
def test_every_term_list_on_every_part_of_the_text(detector, text):
    """Also on each slice: a term can begin anywhere a unit does."""
    for start, end in itertools.combinations(range(0, len(text) + 1, 7), 2):
        part = text[start:end]
        for terms, numbers in zip(detector._prefilter.all_terms, detector._prefilter.possible(part)):
            assert _spans(terms.within(numbers), part) == _spans(terms.pattern, part)


@pytest.mark.parametrize("text", TEXTS)
def test_definitional_gate(text):
    spans = _DEFINITIONS.spans(text)
    for start, end in itertools.combinations(range(0, len(text) + 1, 5), 2):
        assert _DEFINITIONS.search(text, spans, start, end) == bool(_DEFINITIONAL.search(text[start:end]))


def test_fold_keeps_offsets_and_matches_ignorecase():
    for char in map(chr, range(0x250)):
        assert len(special_categories._fold(char)) == 1
    assert special_categories._fold("İſ\u212a") == "isk"


def _name_words_plain(text):
    words = list(person_index.WORD.finditer(text))
    for number, m in enumerate(words):
        word = m.group(0)
        if not word[0].isupper():
            continue
        norm = person_index.normalise_word(word)
        if len(word) == 1:
            if number + 1 < len(words) and words[number + 1].group(0)[0].isupper():
                yield number, m.start(), norm
            continue
        if norm in person_index.STOP_WORDS:
            continue
        yield number, m.start(), norm


@pytest.mark.parametrize("text", TEXTS + [
    "Forename: Olivia | Surname: Hart | DOB: 14/03/2011 | | O. Hart, O'Brien’s X Y z",
    "Ünal Çelik | ölçü Ö. Çelik | Hart-Smith 12345 ab-Cd x'Y",
])
def test_name_words_and_cells(text):
    assert list(person_index.name_words(text)) == list(_name_words_plain(text))
    assert person_index._cell_starts(text) == [m.start() for m in re.finditer(re.escape(" | "), text)]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.entity)
@pytest.mark.parametrize("flags", [None, re.IGNORECASE | re.MULTILINE | re.DOTALL])
def test_identifier_gate_never_hides_a_match(spec, flags):
    recognizer = IdentifierRecognizer(spec)
    texts = TEXTS + ["sw1a 1aa SW1A 1AA GIR 0AA", "NHS 943 476 5919", "NI QQ 12 34 56 C qq123456c",
                     "UPN B801200005001", "ULN 9276308686", "DOB 3 March 2010, dob 31/01/2010",
                     "sort code 12-34-56 account 12345678"]
    for text in texts:
        if not recognizer._may_match(text, flags):
            flags_used = flags or recognizer.global_regex_flags
            assert not any(regex.search(pattern, text, flags_used) for _, pattern in spec.patterns)
