"""The presidio-based detector with the real spaCy model: entities, locators, masked snippets, config."""

import re
import socket

import pytest

from detectors import build_detectors
from detectors.redaction import redacted_snippet
from detectors.personal_data import GivenNameMatcher, PersonalDataDetector, given_names, load_spacy_model
from scanner.config import DetectionConfig
from scanner.errors import ConfigError
from scanner.items import Segment, TextBatch

pytestmark = pytest.mark.model

RECORD = [
    Segment("Pupil: Olivia Hartley, DOB 14/03/2011, NHS number 943 476 5919, UPN B801200005001", "Sheet1 row 2"),
    Segment("Contact Sarah Hartley on 07912 345678 or sarah.hartley@example.com, postcode SW1A 1AA", "Sheet1 row 3"),
    Segment("NI number AB 12 34 56 C. ULN 9276308686. Sort code 12-34-56 account 12345678.", "paragraph 4"),
    Segment("Card 4111 1111 1111 1111. Staff: head@hartfield.sch.uk", "paragraph 5"),
]
VALUES = {
    "PERSON": {"Olivia Hartley", "Sarah Hartley"},
    "DATE_OF_BIRTH": {"14/03/2011"},
    "UK_NHS": {"943 476 5919"},
    "UK_UPN": {"B801200005001"},
    "PHONE_NUMBER": {"07912 345678"},
    "EMAIL_ADDRESS": {"sarah.hartley@example.com", "head@hartfield.sch.uk"},
    "UK_POSTCODE": {"SW1A 1AA"},
    "UK_NINO": {"AB 12 34 56 C"},
    "UK_ULN": {"9276308686"},
    "UK_BANK_ACCOUNT": {"12345678"},
    "CREDIT_CARD": {"4111 1111 1111 1111"},
}


@pytest.fixture(scope="module")
def detector():
    return PersonalDataDetector(DetectionConfig())


def by_type(findings):
    out = {}
    for f in findings:
        out.setdefault(f.entity_type, set()).add(f.value)
    return out


def test_finds_every_entity_type_in_a_record(detector):
    found = by_type(detector.detect(TextBatch.of(RECORD)))
    for entity, values in VALUES.items():
        assert values <= found.get(entity, set()), entity


def test_findings_carry_locator_detector_and_masked_snippet(detector):
    findings = list(detector.detect(TextBatch.of(RECORD)))
    nhs = next(f for f in findings if f.entity_type == "UK_NHS")
    assert nhs.locator == "Sheet1 row 2"
    assert nhs.detector == "personal_data:uk_nhs"
    assert nhs.evidence == ("nhs",)
    assert "[UK_NHS]" in nhs.snippet and "NHS number" in nhs.snippet
    for f in findings:
        for values in VALUES.values():
            for value in values:
                assert value not in f.snippet, (f.entity_type, f.snippet)
    # A snippet never reaches into the next segment.
    assert "Sarah" not in nhs.snippet and "[EMAIL_ADDRESS]" not in nhs.snippet


def test_text_without_personal_data_gives_nothing(detector):
    text = [Segment("The school trip to the museum leaves at 9am. Bring a packed lunch and a coat.", "line 1")]
    assert list(detector.detect(TextBatch.of(text))) == []


def test_entities_and_threshold_come_from_config(detector):
    only_nhs = PersonalDataDetector(DetectionConfig(entities=["UK_NHS"]), analyzer=detector.analyzer)
    assert set(by_type(only_nhs.detect(TextBatch.of(RECORD)))) == {"UK_NHS"}
    strict = PersonalDataDetector(DetectionConfig(min_confidence=0.99), analyzer=detector.analyzer)
    assert set(by_type(strict.detect(TextBatch.of(RECORD)))) <= {"EMAIL_ADDRESS", "CREDIT_CARD", "UK_UPN"}


def test_reference_numbers_are_not_phone_numbers(detector):
    text = [Segment("DBS certificate number: 001234567890. Call the office on 07912 345678.", "line 1")]
    assert by_type(detector.detect(TextBatch.of(text)))["PHONE_NUMBER"] == {"07912 345678"}


def test_email_validation_needs_no_network(detector, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the detector tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    found = by_type(detector.detect(TextBatch.of([Segment("mail j.bloggs@example.org today", "line 1")])))
    assert found["EMAIL_ADDRESS"] == {"j.bloggs@example.org"}


def test_missing_model_is_a_config_error_not_a_download():
    with pytest.raises(ConfigError, match="detection.spacy_model.*not installed"):
        load_spacy_model("en_core_web_nonexistent_model")


def test_registry_builds_the_personal_data_detector_first():
    detectors = build_detectors(DetectionConfig(entities=["UK_NHS"]))
    assert detectors[0].name == "personal_data"


def test_given_name_and_surname_found_where_the_model_misses_them(detector):
    text = [Segment("Genetic testing confirmed cystic fibrosis for Noah Price in 2019. Deliveries to Ivy Lane.", "p 1")]
    people = by_type(detector.detect(TextBatch.of(text)))["PERSON"]
    assert "Noah Price" in people
    assert not any("Ivy" in name for name in people)  # a street, not a person


GIVEN_NAME_TEXTS = [
    "Xyz Noah Price; Noah Street; Noah  Price-Jones and Noah\tO'Brien, Noah McKay (Noah MacLeod)",
    "NoahPrice Noah price Noah, Price McNoah Price Ava-Noah Price Noah Price Noah Price Lily Evans",
    "Olivia\u00a0Hartley Olivia\nHartley Émile Noah Price's book; Jo Smith, Joanne Smith, Jo-Anne Smith",
    "", "Noah", "Noah Price",
]


@pytest.mark.parametrize("text", GIVEN_NAME_TEXTS)
def test_given_name_matcher_finds_what_the_alternation_finds(text):
    matcher = GivenNameMatcher(given_names())
    alternation = re.compile(matcher.pattern)
    assert [m.span() for m in matcher.finditer(text)] == [m.span() for m in alternation.finditer(text)]
    assert (matcher.search(text) is None) == (alternation.search(text) is None)


def test_given_name_matcher_on_the_evaluation_set(evaluation_texts):
    matcher = GivenNameMatcher(given_names())
    alternation = re.compile(matcher.pattern)
    found = [[m.span() for m in matcher.finditer(t)] for t in evaluation_texts]
    assert found == [[m.span() for m in alternation.finditer(t)] for t in evaluation_texts]
    assert sum(map(len, found)) > 100


def test_given_name_matcher_remembers_a_bounded_amount_of_text(monkeypatch):
    matcher = GivenNameMatcher(given_names())
    monkeypatch.setattr(matcher, "MEMORY_CHARS", 100)
    texts = [f"{i}: Noah Price and Lily Evans" for i in range(10)]  # 29 characters each
    for text in texts + texts[::-1] + texts:
        assert [m.span() for m in matcher.finditer(text)] == [m.span() for m in re.finditer(matcher.pattern, text)]
    assert list(matcher._recent) == texts[-3:]
    assert matcher._recent_chars == sum(map(len, matcher._recent))


def test_each_text_is_read_for_given_names_once(detector, monkeypatch):
    matcher = next(pattern.compiled_regex for recognizer in detector.analyzer.registry.recognizers
                   if recognizer.name == "given_name" for pattern in recognizer.patterns)
    read = []
    find = matcher._find
    monkeypatch.setattr(matcher, "_find", lambda text: read.append(text) or find(text))
    texts = ["Read once: Noah Price met Lily Evans.", "Read once: nothing here.", "Read once: ask Mrs Okonkwo."]
    batches = [TextBatch.of([Segment(text, "p 1")]) for text in texts]
    detector.prepare(batches)
    people = [by_type(detector.detect(batch)).get("PERSON", set()) for batch in batches]
    assert people == [{"Noah Price", "Lily Evans"}, set(), {"Mrs Okonkwo"}]
    assert sorted(read) == sorted(texts)  # NameCandidates and the recognizer both asked, each text was read once


def test_names_nothing_cheaper_knows_still_reach_ner_in_fallback_mode(detector):
    assert detector.config.ner == "fallback"
    text = [Segment("Meeting notes: Ekundayo Oyelaran attended with her grandmother.", "p 1")]
    assert "PERSON" in by_type(detector.detect(TextBatch.of(text)))


def test_a_title_and_surname_is_a_person_without_the_model():
    off = PersonalDataDetector(DetectionConfig(ner="off"))
    found = by_type(off.detect(TextBatch.of([Segment("Please ask Mrs Okonkwo and Dr. O'Neill before Friday.", "p 1")])))
    assert found["PERSON"] == {"Mrs Okonkwo", "Dr. O'Neill"}
    assert "PERSON" not in by_type(off.detect(TextBatch.of([Segment("Meeting with Ekundayo Oyelaran today.", "p 1")])))


def test_phone_numbers_as_schools_write_them(detector):
    text = ("Mum: +48 601 234 567; Dad (020) 7946 0018 or +44 (0)7912 345678; Childline 0800 1111. "
            "NHS 943 476 5919, UPN B801200005001, DBS certificate 001234567890, born 14/03/2011.")
    phones = by_type(detector.detect(TextBatch.of([Segment(text, "p 1")])))["PHONE_NUMBER"]
    assert phones == {"+48 601 234 567", "(020) 7946 0018", "+44 (0)7912 345678", "0800 1111"}


PHONE_RUN_TEXTS = [
    "(+44 7912 345678, ((0 20 7946 0018, x(020 7946 0018, +(0)20 7946 0018, ++44 7912 345678, a+44 7912 345678",
    "(+ 44 7912 345678; 00 44 7912 345678; 0\n0123456789; (\n01234567; _01234567; ²01234567; +\u00a04479123456",
    "0123456; 01234567; 0(1)2-3.4 5678; 07912 345678 and 07912 345678, 0800 1111. (0)7912 345678; 0", "",
]


@pytest.mark.parametrize("text", PHONE_RUN_TEXTS)
def test_phone_runs_are_those_of_the_plain_pattern(text, evaluation_texts):
    from detectors.personal_data import UkPhoneRecognizer

    plain = re.compile(UkPhoneRecognizer.CANDIDATE_PLAIN)
    for sample in [text] + (evaluation_texts if text == "" else []):
        runs = [m.span() for m in UkPhoneRecognizer.CANDIDATE.finditer(sample)]
        assert runs == [m.span() for m in plain.finditer(sample)], sample[:80]
    assert any(plain.search(sample) for sample in [text] + evaluation_texts)


def test_recognizers_added_later_are_used(detector):
    from presidio_analyzer import Pattern, PatternRecognizer

    text = "Locker code ZX-99-QQ"
    registry = detector.analyzer.registry
    before = detector.analyzer.analyze(text, language="en", entities=["PERSON"])
    extra = PatternRecognizer(supported_entity="PERSON", name="locker", patterns=[Pattern("l", r"ZX-\d\d-QQ", 0.9)])
    registry.add_recognizer(extra)
    try:
        after = detector.analyzer.analyze(text, language="en", entities=["PERSON"])
    finally:
        registry.remove_recognizer("locker")
    assert before == [] and [(r.start, r.end) for r in after] == [(12, 20)]
    assert detector.analyzer.analyze(text, language="en", entities=["PERSON"]) == []


def test_snippets_are_masked_when_first_read_and_travel_masked(detector, monkeypatch):
    import pickle

    import detectors.personal_data as personal_data

    made = []

    def counting(*args, **kwargs):
        made.append(args[1:3])
        return redacted_snippet(*args, **kwargs)

    monkeypatch.setattr(personal_data, "redacted_snippet", counting)
    batch = TextBatch.of([Segment("Email ann@school.uk or call 01632 960 001 about Noah Price.", "p1")])
    found = list(detector.detect(batch))
    assert len(found) == 2 and made == []  # nothing masked yet: most snippets are never read
    assert found[0].snippet == redacted_snippet(batch, found[0].start, found[0].end,
                                                [(f.start, f.end, f.entity_type) for f in found], 40)
    assert made == [(found[0].start, found[0].end)]
    assert found[0].snippet and made == [(found[0].start, found[0].end)]  # made once
    pickled = pickle.dumps(found[1])
    assert pickle.loads(pickled).snippet == found[1].snippet
    assert b"call 01632" not in pickled  # the masked snippet travels, not the batch's text


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1111", "card 5500-0000-0000-0004", "card 4111111111111111", "١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦ 4111 111",
    "mail ann@school.uk", "no at sign", "a@b", "", "2024 123 4567890",
])
def test_gated_recognizers_find_what_presidio_s_find(text, evaluation_texts):
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    from detectors.personal_data import GatedCreditCardRecognizer, OfflineEmailRecognizer

    class UngatedEmail(OfflineEmailRecognizer):
        analyze = OfflineEmailRecognizer.__mro__[1].analyze  # the email recognizer's own, looking at every text

    pairs = [(GatedCreditCardRecognizer(), CreditCardRecognizer()), (OfflineEmailRecognizer(), UngatedEmail())]
    for gated, ungated in pairs:
        for sample in [text] + (evaluation_texts if text == "" else []):
            found = [(r.entity_type, r.start, r.end, r.score) for r in gated.analyze(sample, gated.supported_entities)]
            assert found == [(r.entity_type, r.start, r.end, r.score)
                             for r in ungated.analyze(sample, ungated.supported_entities)], (gated.name, sample[:80])
