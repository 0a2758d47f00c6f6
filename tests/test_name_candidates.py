"""The NER prefilter: which lines and sentences spaCy sees, and that entity offsets map back to the whole text."""

from __future__ import annotations

import re

import pytest

from detectors.name_candidates import NameCandidates, chunks

GIVEN_AND_SURNAME = re.compile(r"\b(?:Noah|Olivia) [A-Z][a-z]+\b")


class FakeDoc:
    def __init__(self, text):
        self.ents = [type("Ent", (), {"label_": "PERSON", "start_char": m.start(), "end_char": m.end()})()
                     for m in re.finditer(r"Amara Okafor|Mrs Hart", text)]


class FakeNlp:
    def __init__(self):
        self.seen = []

    def pipe(self, texts, batch_size=64):
        for text in texts:
            self.seen.append(text)
            yield FakeDoc(text)


@pytest.mark.parametrize(
    ("line", "needs_ner"),
    [
        ("Meeting with Amara Okafor about the trip.", True),  # a name no cheaper recognizer knows
        ("Please ask Mrs Hart before Friday.", True),  # a title and a word
        ("Noah Price was absent on Monday.", False),  # given name and surname: already found
        ("The Data Protection Policy applies to all staff.", False),  # words the text also writes in lower case
        ("Attendance", False),  # a lone heading
        ("all lower case text with no names at all", False),
    ],
)
def test_lines_given_to_ner(line, needs_ner):
    text = f"{line}\nthe data protection policy is reviewed yearly."
    picked = NameCandidates(FakeNlp(), [GIVEN_AND_SURNAME]).candidate_chunks(text)
    assert (line in [chunk for _, chunk in picked]) is needs_ner


def test_entity_offsets_are_in_the_whole_text():
    text = "Register\n\nNoah Price, Year 7\nMeeting with Amara Okafor today.\nSigned by Mrs Hart"
    nlp = FakeNlp()
    found = NameCandidates(nlp, [GIVEN_AND_SURNAME]).entities(text)
    assert sorted(text[e.start_char : e.end_char] for e in found) == ["Amara Okafor", "Mrs Hart"]
    assert nlp.seen == ["Meeting with Amara Okafor today.", "Signed by Mrs Hart"]


def test_long_lines_are_cut_into_sentences():
    line = "First sentence here. " * 30 + "Then Amara Okafor came."
    pieces = list(chunks(line))
    assert all(len(text) <= 400 for _, text in pieces)
    assert all(line[offset : offset + len(text)] == text for offset, text in pieces)


def test_fallback_runs_ner_only_where_no_cheaper_recognizer_found_anyone():
    named = "Noah Price, Year 7\nMeeting with Amara Okafor today."
    unnamed = "Register\nMeeting with Amara Okafor today."
    nlp = FakeNlp()
    names = NameCandidates(nlp, [GIVEN_AND_SURNAME], mode="fallback")
    assert names.entities(named) == []  # Noah Price already shows the text names people
    assert nlp.seen == []
    assert [unnamed[e.start_char : e.end_char] for e in names.entities(unnamed)] == ["Amara Okafor"]
    assert nlp.seen == ["Meeting with Amara Okafor today."]


def test_always_and_off():
    text = "Noah Price, Year 7\nMeeting with Amara Okafor today."
    always, off = FakeNlp(), FakeNlp()
    assert len(NameCandidates(always, [GIVEN_AND_SURNAME], mode="always").entities(text)) == 1
    assert NameCandidates(off, [GIVEN_AND_SURNAME], mode="off").entities(text) == []
    assert always.seen == ["Meeting with Amara Okafor today."] and off.seen == []
    with pytest.raises(ValueError, match="fallback"):
        NameCandidates(off, [], mode="sometimes")


def test_a_chunk_seen_before_is_not_read_again(monkeypatch):
    nlp = FakeNlp()
    names = NameCandidates(nlp, [GIVEN_AND_SURNAME])
    text = "Meeting with Amara Okafor today.\nSigned by Mrs Hart"
    first = [(e.start_char, e.end_char) for e in names.entities(text)]
    moved = "Register\n" + text + "\nMeeting with Amara Okafor today."
    again = [moved[e.start_char : e.end_char] for e in names.entities(moved)]
    assert nlp.seen == ["Meeting with Amara Okafor today.", "Signed by Mrs Hart"]  # each read once
    assert again == ["Amara Okafor", "Mrs Hart", "Amara Okafor"]  # offsets in the new text
    assert [text[s:e] for s, e in first] == ["Amara Okafor", "Mrs Hart"]
    monkeypatch.setattr(NameCandidates, "MEMORY", 1)
    small = NameCandidates(FakeNlp(), [GIVEN_AND_SURNAME])
    small.entities(text)
    assert list(small._seen) == ["Signed by Mrs Hart"]  # bounded: the oldest went
