"""The evaluation set meets its own specification: size, share of hard negatives, formats, and enough positive
items for every category, context, criminal-offence data and identifier type to be measured."""

import hashlib
import re

import phonenumbers
import pytest
from stdnum import luhn
from stdnum.gb import nhs, upn

from tests.evaluation.corpus import CONTEXTS, FORMATS, IDENTIFIERS, SPECIAL_CATEGORIES, build_corpus

MIN_ITEMS = 150
MIN_POSITIVES = 8


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    return root, build_corpus(root)


def test_size_and_share_of_hard_negatives(corpus):
    _, labels = corpus
    assert len(labels) >= MIN_ITEMS
    assert sum(label.hard_negative for label in labels) * 3 >= len(labels)
    assert len({label.path for label in labels}) == len(labels)


def test_every_format_is_present_and_emails_carry_attachments(corpus):
    _, labels = corpus
    assert {label.format for label in labels} >= set(FORMATS)
    assert sum("!" in label.path for label in labels) >= 2


@pytest.mark.parametrize("name", [*SPECIAL_CATEGORIES, *CONTEXTS, "criminal_offence", *IDENTIFIERS])
def test_enough_positive_items(corpus, name):
    _, labels = corpus
    positives = [label for label in labels
                 if name in label.special_categories | label.contexts | label.entities
                 or (name == "criminal_offence" and label.criminal_offence)]
    assert len(positives) >= MIN_POSITIVES, (name, len(positives))


def test_hard_negatives_hold_no_category_context_or_crime(corpus):
    _, labels = corpus
    for label in labels:
        if label.hard_negative:
            assert not (label.special_categories or label.contexts or label.criminal_offence), label


def test_planted_identifiers_pass_their_checks_and_decoys_fail(corpus):
    """Spot checks on the text files: every NHS-shaped number labelled there is valid; ISBNs pass the NHS check
    (that is what makes them hard); no Ofcom drama number is labelled a phone number."""
    root, labels = corpus
    for label in labels:
        if label.format not in ("txt", "csv", "tsv", "md") or "!" in label.path:
            continue
        text = (root / label.path).read_text(encoding="utf-8")
        if "UK_NHS" in label.entities:
            for number in re.findall(r"NHS[^0-9\n]{0,20}(\d{3} ?\d{3} ?\d{4})", text):
                assert nhs.is_valid(number.replace(" ", "")), (label.path, number)
        if "UK_UPN" in label.entities:
            assert any(upn.is_valid(m) for m in re.findall(r"\b[A-Z]\d{12}\b", text)), label.path
        if "CREDIT_CARD" in label.entities:
            cards = re.findall(r"\b\d{4} \d{4} \d{4} \d{4}\b", text)
            assert cards and all(luhn.is_valid(c.replace(" ", "")) for c in cards), label.path
        if "PHONE_NUMBER" in label.entities:
            for number in re.findall(r"\b0\d{3,4} \d{3} ?\d{3,4}\b", text):
                assert phonenumbers.is_valid_number(phonenumbers.parse(number, "GB")), (label.path, number)
        if "ISBN" in text or "reading list" in label.note:
            assert "UK_NHS" not in label.entities


def test_the_same_seed_writes_the_same_set(corpus, tmp_path):
    root, labels = corpus
    again = build_corpus(tmp_path)
    assert again == labels

    def digest(base):
        return {p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in base.rglob("*") if p.is_file()}

    assert digest(tmp_path) == digest(root)
