"""The detectors' shortcuts (prefilters, gates) give exactly what the plain way gives, on awkward text too."""

import itertools
import random
import re
import re._parser as sre_parser

import pytest
import regex

from detectors import person_index, special_categories
from detectors.special_categories import _DEFINITIONAL, _DEFINITIONS, SpecialCategoryDetector
from detectors.uk_identifiers import SPECS, IdentifierRecognizer
from scanner.config import DetectionConfig, SpecialCategoryConfig
from scanner.items import Segment, TextBatch

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


def _spans(matches):
    return [m.span() for m in matches]


def _term_by_term(terms, text, numbers):
    return _spans(terms.finditer(text, special_categories._fold(text), numbers))


def _possible(detector, text):
    """Per ``Terms`` of the detector, the numbers of its terms the prefilter lets run."""
    folded = special_categories._fold(text)
    possible = detector._prefilter.possible(text, folded, special_categories._word_starts(folded))
    return [(terms, possible.get(t, set())) for t, terms in enumerate(detector._prefilter.all_terms)]


@pytest.mark.parametrize("text", TEXTS)
def test_reduced_term_lists_match_like_the_whole(detector, text):
    for terms, numbers in _possible(detector, text):
        assert _term_by_term(terms, text, numbers) == _spans(terms.pattern.finditer(text)), terms.terms


@pytest.mark.parametrize("text", TEXTS)
def test_every_term_list_on_every_part_of_the_text(detector, text):
    """Also on each slice: a term can begin anywhere a unit does."""
    for start, end in itertools.combinations(range(0, len(text) + 1, 7), 2):
        part = text[start:end]
        for terms, numbers in _possible(detector, part):
            assert _term_by_term(terms, part, numbers) == _spans(terms.pattern.finditer(part))


# Term lists where the order of the terms decides: overlapping terms, terms that begin others, terms ending in a
# sign, optional and repeated parts before a term's literal, a class at its start, case-sensitive codes.
AWKWARD_TERMS = [
    (["abc", "ab", "abc d", "b c", "c", r"c\+\+", r"c\+", "a&e", "a&", r"e\.g\.", "e", r"x \+e", r"[&+]e\w*",
      "x(?:y|yz)?", "xyz", "(?:type [12] )?diabet(?:es|ic)", "DIABETES", "(?:nut|peanut) allerg(?:y|ies)",
      "n(?:ut|at)", "Peanut", "(?:is|as) (?:a )?gay", "Gay", "a-?b", r"[a-z]\w*'s syndrome", "syndrome", r"zz\d+",
      "(?:ab)+c", "(?:a|b)c", "bi", "bis?", "(?:ab|a)(?:c|bc)", r"\bfoo\b", r"ward\s+7", "ſt", "\u212aelvin", "İi",
      r"a-a[-x]b"],  # its start string "a-a" overlaps itself in "a-a-a-b", where the match is the second one
     re.IGNORECASE),
    (["WBRI", "WB", "BRI", "W", "ab", "AB", "a&E", r"W\w+", "Aſ"], 0),
]
PIECES = ["ab", "abc", "ABC", "aB", "ababc", "abbc", " ", "  ", "d", "c", "c++", "c+", "a&e", "A&E", "e.g.", "e", "x",
          "y", "yz", "xyz", "type 1 ", "type 3 ", "diabetes", "DIABETIC", "peanut", "nut", "nat", " allergy",
          " allergies", "is ", "as a ", "gay", "-", "_", "'s", " syndrome", "zz12", "zz", "bi", "bis", "foo",
          "ward", "7", "\n", "WBRI", "wbri", "WB", "BRI", "W", "İ", "ı", "i", "ſ", "s", "t", "K", "\u212a", "elvin",
          "Aſ", "AS", "é", "2", "&e", "+e", " ſt ", " İi ", " Kelvin ", " ST "]


def _awkward_texts(count=300, seed=7):
    """Random texts of the pieces, after a few where a match ends just before a term that begins with a sign."""
    rng = random.Random(seed)
    return ["x +e&e +e", "x +ex&e ab&e +e", "c++e", "a-a-a-b"] + [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)
    ]


@pytest.mark.parametrize("words,flags", AWKWARD_TERMS)
def test_alternation_tried_only_where_a_possible_term_can_begin(words, flags):
    """Tried only at the places where a string a term's matches begin with occurs (or, for a term without any,
    where it matches alone), the alternation matches as searched for everywhere: all terms possible, the terms
    a prefilter lets through, and random lists of the terms (their order decides between overlapping ones)."""
    rng = random.Random(11)
    lists = [special_categories.Terms(words, flags)] + [
        special_categories.Terms(rng.sample(words, rng.randint(1, len(words))), flags) for _ in range(30)
    ]
    for terms in lists:
        assert terms.starts is not None  # tried at places
        prefilter = special_categories._Prefilter([terms])
        for text in _awkward_texts():
            folded = special_categories._fold(text)
            expected = [(m.span(), m.group()) for m in terms.pattern.finditer(text)]
            starts = special_categories._word_starts(folded)
            for possible in (set(range(len(terms.terms))), prefilter.possible(text, folded, starts).get(0, set())):
                found = [(m.span(), m.group()) for m in terms.finditer(text, folded, possible)]
                assert found == expected, (text, terms.terms)


def test_a_term_without_start_strings_is_tried_wherever_it_matches_alone():
    """Its matches overlap ("ab cd", "cd ef"): the alternation's second begins where its first does not."""
    terms = special_categories.Terms(["ab", r"[a-z]+ [a-z]+"], re.IGNORECASE)
    assert terms.starts[1] is None
    text = "ab cd ef"
    found = terms.finditer(text, special_categories._fold(text), {0, 1})
    assert _spans(found) == _spans(terms.pattern.finditer(text)) == [(0, 2), (3, 8)]


@pytest.mark.parametrize("words", [["ab", "x?"], ["(a)b", r"(c)\1"], ["ab", "ab)|(?:cd"]], ids=str)
def test_terms_not_matched_one_by_one_run_the_alternation(words):
    """A term that can match nothing (finditer has its own rules for empty matches), a group (a back-reference
    counts groups across the alternation) or a term that is no pattern alone: the whole alternation runs."""
    terms = special_categories.Terms(words, re.IGNORECASE)
    assert terms.starts is None
    for text in _awkward_texts(50):
        found = terms.finditer(text, special_categories._fold(text), set(range(len(words))))
        assert _spans(found) == _spans(terms.pattern.finditer(text))


@pytest.mark.parametrize("pattern,starts", [
    ("asthma(?:tic)?", {"asthma"}),
    ("n(?:ut|at)", {"nut", "nat"}),
    ("(?:type [12] )?diabet(?:es|ic)", {"type ", "diabet"}),
    ("(?:ab)+c", {"ab"}),  # "ababc": not "abc"
    ("(?:ab)?c", {"abc", "c"}),
    (r"\bx(?:yz)*", {"x"}),
    (r"[a-z]+ syndrome", None),
    ("a?", None),
])
def test_strings_a_match_begins_with(pattern, starts):
    assert special_categories._starts(list(sre_parser.parse(pattern, re.IGNORECASE))) == starts


NAMED = [
    "Mr Hart, Mrs. Evans-Jones, Miss O'Brien; MR HART, xMr Hart, Dr  Patel, Mx Lee-Smith, Mrs\nBrown, Ms évans",
    "Pupil: Lily Evans | pupil name - Sarah Jones | Child's name: Tom Lee | Full name: Amira Hussain | surname: X",
    "PUPIL: LILY EVANS; young person | Jo Bloggs; Employee name – Sarah Jones; İ Name: Ada Lovelace; name:Al Bo",
    "Forename - Lily Evans | Surname: Hart | xpupil: Ada Lovelace | ñname: Bo Li | 2child: Al Bo | _carer: Jo Li",
]


@pytest.mark.parametrize("pattern,starts", [
    (special_categories._TITLE_AND_SURNAME, special_categories._TITLE_STARTS),
    (special_categories._NAME_FIELD, special_categories._NAME_FIELD_STARTS),
], ids=["title and surname", "name field"])
def test_name_anchors_found_at_their_start_strings(pattern, starts):
    assert starts is not None  # looked for at those strings only
    for text in TEXTS + NAMED + _awkward_texts(100):
        haystack = special_categories._fold(text) if pattern.flags & re.IGNORECASE else text
        found = list(special_categories._finditer(pattern, starts, text, haystack))
        assert [(m.span(), m.span("name") if "name" in pattern.groupindex else None) for m in found] == [
            (m.span(), m.span("name") if "name" in pattern.groupindex else None) for m in pattern.finditer(text)
        ]


@pytest.mark.parametrize("text", NAMED)
def test_name_anchors_of_a_batch(text):
    batch = TextBatch.of([Segment(text, "paragraph 1")])
    folded = special_categories._fold(text)
    anchors = SpecialCategoryDetector.anchors(batch, [], folded, special_categories._word_starts(folded))
    plain = [(m.start(), m.end()) for m in special_categories._TITLE_AND_SURNAME.finditer(text)] + [
        m.span("name") for m in special_categories._NAME_FIELD.finditer(text) if m.group("name")[0].isupper()
    ]
    assert [(a.start, a.end) for a in anchors] == sorted(plain, key=lambda span: span[0])


@pytest.mark.parametrize("text", TEXTS)
def test_definitional_gate(text):
    folded = special_categories._fold(text)
    for start, end in itertools.combinations(range(0, len(text) + 1, 5), 2):
        assert _DEFINITIONS.search_part(text, folded, start, end) == bool(_DEFINITIONAL.search(text[start:end]))


@pytest.mark.parametrize("text", TEXTS + NAMED + [
    "Mum and Dad; the class TEACHER; payroll; GUARDIAN; Year 7 pupil; ſtaff room; \u212aS2; head of year; carer's",
])
def test_person_cue_gate(text):
    folded = special_categories._fold(text)
    for _, cues in special_categories._CUES:
        for start, end in itertools.combinations(range(0, len(text) + 1, 5), 2):
            assert cues.search_part(text, folded, start, end) == bool(cues.pattern.search(text[start:end]))


NEGATIONS = [
    "No asthma; none | asthma: none recorded\nnot diabetic | Convictions: none; Business interests: None | member",
    "Allergies: n/a | epilepsy - without seizures since 2019;epilepsy ; no\tknown | | allergy: NIL | x |y| asthma",
    "Asthma; none recorded. Epilepsy: none known;diabetes: nil",
    "asthma" + "." * 80 + ": none, epilepsy" + "." * 80 + " none recorded; diabetes" + "." * 81 + ":nil",
    "asthma ok\n: none recorded | asthma: \nnone | asthma\nnot applicable | x: no trace",
]


@pytest.mark.parametrize("text", TEXTS + NEGATIONS)
def test_negation_within_the_clause(text):
    """The clause is split off only where a clause break can be, the first negation after a term is measured
    against the reach: the same answers as always splitting and searching for one within the reach."""
    sc = special_categories
    negation_after = re.compile(r"^[^\n]{0,80}?(?:\bnone (?:recorded|known|declared|disclosed|reported)\b|"
                                r":\s*(?:none|nil|no|n/a)\b|\bno trace\b|\bnot applicable\b)", re.IGNORECASE)

    def plain(match, unit):
        before = sc._CLAUSE_BREAK_BEFORE.split(text[max(unit.start, match.start() - 40) : match.start()])[-1]
        after = sc._CLAUSE_BREAK_AFTER.split(text[match.end() : match.end() + 100])[0]
        return bool(sc._NEGATION_BEFORE.search(before) or negation_after.search(after))

    for unit_start in range(0, len(text), 9):
        unit = special_categories.Unit(unit_start, len(text), 0)
        for match in re.compile(r"\w+").finditer(text, unit_start):
            assert SpecialCategoryDetector._negated(text, match, unit) == plain(match, unit)


@pytest.mark.parametrize("unit_text,expected", [
    ("She has migraines.", False),  # a weak term alone
    ("Migraines, migraines again.", False),  # the same term twice is one sign
    ("Migraines and anxiety.", True),  # another weak term
    ("Migraines; uses an inhaler.", True),  # a strong term
    ("Medical: migraines", True),  # a field label
])
def test_a_weak_term_needs_a_second_sign(detector, unit_text, expected):
    """A weak term counts only with a second sign in its unit: another term (not itself again) or a field label."""
    health = next(category for category in detector.categories if category.name == "health")
    term = health.weak.pattern.search(unit_text).group()
    assert SpecialCategoryDetector._second_sign(health, unit_text, term) is expected


@pytest.mark.parametrize("text", TEXTS + NEGATIONS + [
    "e.g.x", "a.b.c. d", "end.\n", "x!?y", "...", "a\n", "abc.def ghi. ", "trailing newline\n", "22q11.2 deletion.",
    "www.example.com/a?b=c! Next.\n\nLast line without a stop", "?! .. \n. x",
])
def test_sentences_without_backtracking(text):
    plain = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")
    assert [m.span() for m in special_categories._SENTENCE.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("texts", [
    ["Learning objectives", "Medical: asthma", "   ", "", "Dear Mrs Hart, she has asthma. Kind regards"],
    ["no stop at all  ", "one line\n", "\n", "Stop! Go on", "what? yes", "e.g.x", "a\tb", "x\r\ny"],
])
def test_units_of_a_text_without_sentence_ends_are_the_plain_ones(texts):
    """A segment without ".", "!", "?" or a new line is one sentence (unless blank) without being matched."""
    batch = TextBatch.of([Segment(text, f"paragraph {n}") for n, text in enumerate(texts)])
    plain = [(batch.starts[i] + m.start(), batch.starts[i] + m.end(), i)
             for i, text in enumerate(texts) for m in special_categories._SENTENCE.finditer(text)
             if m.group() and not m.group().isspace()]
    assert SpecialCategoryDetector.units(batch) == plain


@pytest.mark.parametrize("text", TEXTS + NAMED + [
    "x\u0345yz a\u0300bc ǅemal ﬁne ŉxx a_b_c 12ab ab ½xy x²yz Ⅻab 𝟙𝟚𝟛 ᾈᾈᾈ ΣΑΣ ßxy \u1680abc\u2028def",
])
def test_word_starts(text):
    """Every three ASCII characters a word begins with, folded, are among the starts (the prefilter's keys are
    such); an ASCII text has no others."""
    three = {start for start in special_categories._word_starts(special_categories._fold(text)) if len(start) == 3}
    plain = {special_categories._fold(start) for start in re.findall(r"(?<!\w)\w\w\w", text)}
    assert {start for start in plain if start.isascii()} <= three
    if text.isascii():
        assert three == plain


def test_only_word_characters_fold_to_ascii_word_characters():
    """What ``_word_starts`` relies on: a character that is not a word character never folds to one that is
    (it would join two words, and a word start would be missed)."""
    ascii_word = set("abcdefghijklmnopqrstuvwxyz0123456789_")
    folding = special_categories._Folding()  # a table of its own: this one holds every character
    assert not [code for code in range(0x110000)
                if chr(folding[code]) in ascii_word and not (chr(code).isalnum() or chr(code) == "_")]


def test_fold_keeps_offsets_and_matches_ignorecase():
    for char in map(chr, range(0x250)):
        assert len(special_categories._fold(char)) == 1
    assert special_categories._fold("İſ\u212a") == "isk"


@pytest.mark.parametrize("text", TEXTS + NAMED + [
    "Fees £120 – Zofia Wiśniewska, Łódź, café", "ΣΑΣ ΣΑΣ. σας", "İstanbul", "Aſthma \u212aosher", "£ İ",
])
def test_fold_by_lower_is_the_folding_table(text):
    """``str.lower`` is used only where it gives what the folding table gives."""
    assert special_categories._fold(text) == text.translate(special_categories._FOLDING)


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
    separators = [m.start() for m in re.finditer(re.escape(" | "), text)]
    plain = [(number, norm, sum(at < start for at in separators) if separators else -1)
             for number, start, norm in _name_words_plain(text)]
    entries = person_index.segment_entries(text, 0)
    assert [(number, norm, cell) for kind, norm, _, number, cell in entries if kind == "w"] == plain


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.entity)
@pytest.mark.parametrize("flags", [None, re.IGNORECASE | re.MULTILINE | re.DOTALL])
def test_identifier_gate_never_hides_a_match(spec, flags):
    recognizer = IdentifierRecognizer(spec)
    texts = TEXTS + ["sw1a 1aa SW1A 1AA GIR 0AA", "NHS 943 476 5919", "NI QQ 12 34 56 C qq123456c",
                     "UPN B801200005001", "ULN 9276308686", "DOB 3 March 2010, dob 31/01/2010",
                     "sort code 12-34-56 account 12345678"]
    flags_used = flags or recognizer.global_regex_flags  # as analyze decides
    for text in texts:
        if not recognizer._may_match(text, flags_used):
            assert not any(regex.search(pattern, text, flags_used) for _, pattern in spec.patterns)
