"""UK identifier checks and recognizers: valid numbers found, look-alikes that fail the check or lack context not."""

from datetime import date

import pytest

from detectors.uk_identifiers import (
    SPECS,
    IdentifierRecognizer,
    nhs_is_valid,
    nino_is_valid,
    parse_date,
    uln_is_valid,
    upn_is_valid,
)


def found(entity, text):
    """Values the recognizer for ``entity`` reports in ``text`` (pure regex + checks, no spaCy needed)."""
    spec = next(s for s in SPECS if s.entity == entity)
    return [text[r.start : r.end] for r in IdentifierRecognizer(spec).analyze(text, [entity])]


def test_nhs_check_digit():
    assert nhs_is_valid("943 476 5919")
    assert nhs_is_valid("943-476-5919")
    assert not nhs_is_valid("943 476 5918")  # wrong check digit
    assert not nhs_is_valid("0000000000")  # placeholder


def test_nino_prefix_rules():
    assert nino_is_valid("AB 12 34 56 C")
    assert nino_is_valid("ab123456c")
    for bad in ("QQ123456C", "DA123456A", "AO123456A", "GB123456A", "TN123456A", "AB123456E"):
        assert not nino_is_valid(bad), bad


def test_uln_and_upn_checks():
    assert uln_is_valid("9276308686")
    assert not uln_is_valid("9276308687")
    assert not uln_is_valid("0276308686")  # cannot start with 0
    assert upn_is_valid("B801200005001")
    assert not upn_is_valid("A801200005001")  # wrong check letter


def test_dates_must_exist():
    today = date(2026, 11, 23)
    assert parse_date("31/01/2010", today) == date(2010, 1, 31)
    assert parse_date("3rd March 2010", today) == date(2010, 3, 3)
    assert parse_date("2010-01-31", today) == date(2010, 1, 31)
    assert parse_date("1/2/15", today) == date(2015, 2, 1)
    assert parse_date("31/02/2010", today) is None
    assert parse_date("01/01/2031", today) is None  # not born yet


def test_nhs_found_only_when_the_check_passes_and_not_as_an_isbn():
    assert found("UK_NHS", "NHS number 943 476 5919") == ["943 476 5919"]
    assert found("UK_NHS", "NHS number 943 476 5918") == []
    # 0306406152 is a real ISBN-10 that also passes the NHS mod-11 check.
    assert nhs_is_valid("0306406152")
    assert found("UK_NHS", "Reading list: ISBN 0306406152, Penguin") == []
    reading_list = "Title | Publisher | ISBN\n" + "\n".join(f"Book {i} | Moorside Books | 0306406152" for i in range(9))
    assert found("UK_NHS", reading_list) == []
    # …but an NHS number with its own context in the same text still counts.
    assert found("UK_NHS", reading_list + "\nPupil NHS no 943 476 5919") == ["943 476 5919"]


def test_nino_found_with_spaces_and_bad_prefixes_ignored():
    assert found("UK_NINO", "NI number: AB 12 34 56 C") == ["AB 12 34 56 C"]
    assert found("UK_NINO", "ref QQ123456C") == []


def test_uln_needs_its_name_nearby():
    assert found("UK_ULN", "ULN: 9276308686") == ["9276308686"]
    assert found("UK_ULN", "Order 9276308686 dispatched") == []


def test_upn_found():
    assert found("UK_UPN", "UPN B801200005001 (Year 9)") == ["B801200005001"]
    assert found("UK_UPN", "Part no A801200005001") == []


def test_postcode_format_rules():
    assert found("UK_POSTCODE", "Address: 12 Mill Lane, Hartfield SW1A 1AA") == ["SW1A 1AA"]
    assert found("UK_POSTCODE", "lives at M1 1AE") == ["M1 1AE"]
    assert found("UK_POSTCODE", "the code QA1 1AA or sw1a 1aa") == []  # Q never first; lower case not taken


def test_date_of_birth_needs_birth_context():
    assert found("DATE_OF_BIRTH", "DOB: 14/03/2011") == ["14/03/2011"]
    assert found("DATE_OF_BIRTH", "Date of birth 3 March 2010") == ["3 March 2010"]
    assert found("DATE_OF_BIRTH", "Meeting on 14/03/2011 in the hall") == []
    assert found("DATE_OF_BIRTH", "DOB: 31/02/2011") == []


def test_bank_account_needs_sort_code_or_account_words():
    assert found("UK_BANK_ACCOUNT", "Sort code 12-34-56, account 12345678") == ["12345678"]
    assert found("UK_BANK_ACCOUNT", "Account number: 87654321") == ["87654321"]
    assert found("UK_BANK_ACCOUNT", "Invoice 12345678 paid") == []


CONTEXT_EDGES = [
    "xdob 01/02/2010 and adob: 3 March 2011; date of birthday 2010-01-31",
    "Born 01/02/2010. reborn 02/02/2010 " + "x" * 35 + "dob 03/02/2010",
    "ULN: 9276308686; xuln 9276308686; unique learners 9276308686; learner number\n9276308686",
    "12-34-56 12345678; 112-34-567 12345678; sort code: 87654321; a/c 11112222; acc no. 33334444",
    "nothing near 01/02/2010 or 9276308686 or 12345678 at all",
]


@pytest.mark.parametrize("spec", [s for s in SPECS if s.requires_context], ids=lambda s: s.name)
def test_required_context_gate_drops_only_texts_no_match_could_keep(spec, evaluation_texts):
    def spans(recognizer, text):
        return [(r.start, r.end, r.score) for r in recognizer.analyze(text, [spec.entity])]

    gated, plain = IdentifierRecognizer(spec), IdentifierRecognizer(spec)
    plain._any_context = None
    texts = CONTEXT_EDGES + evaluation_texts
    assert [spans(gated, t) for t in texts] == [spans(plain, t) for t in texts]
    assert any(spans(plain, t) for t in texts)  # the texts hold matches this spec keeps


def test_a_single_match_is_kept_as_presidio_keeps_it():
    import dataclasses

    from presidio_analyzer import EntityRecognizer

    upn = next(s for s in SPECS if s.entity == "UK_UPN")
    for spec, text in [(upn, "UPN B801200005001"), (dataclasses.replace(upn, score=0.0), "B801200005001")]:
        recognizer = IdentifierRecognizer(spec)
        one = recognizer.analyze(text, [spec.entity])
        two = recognizer.analyze(f"{text} and {text}", [spec.entity])
        assert len(two) == 2 * len(one)
        assert [(r.start, r.end, r.score) for r in EntityRecognizer.remove_duplicates(two)] == \
            [(r.start, r.end, r.score) for r in two]
        assert one == ([] if spec.score == 0 else one) and (one or spec.score == 0)  # a score of 0 is dropped
