"""The NER prefilter: which lines and sentences spaCy sees, and that entity offsets map back to the whole text."""

from __future__ import annotations

import re

import pytest

from detectors.name_candidates import COMMON_CAPITALISED, TITLES, NameCandidates, chunks

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


def _chunks_the_plain_way(names: NameCandidates, text: str) -> list[tuple[int, str]]:
    """Chunk by chunk: every capitalised run in the chunk (one word or more) is judged on its own."""
    words = r"(?:O'|O’|Mc|Mac)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
    run = re.compile(rf"(?<![\w'’-]){words}(?:[ \t]+{words})*")
    lower = set(re.findall(r"(?<![\w'’-])[a-z][a-z'’]+", text))
    explained = [(m.start(), m.end()) for p in names.explained for m in p.finditer(text)]
    picked = []
    for offset, chunk in chunks(text):
        for m in run.finditer(chunk):
            start, end, found = offset + m.start(), offset + m.end(), m.group().split()
            if len(found) < 2 or any(s < end and e > start for s, e in explained):
                continue
            if found[0] in TITLES or any(w.lower() not in COMMON_CAPITALISED and w.lower() not in lower for w in found):
                picked.append((offset, chunk))
                break
    return picked


AWKWARD = [
    "Dr. O'Neill met Mrs McDonald-Smith.\tMr\tHart signed. Then Amara Okafor left! Noah Price stayed",
    "Seán O’Brien, Mac Donald, MacDonald Jones; Smith-Jones Ltd\nAttendance Register\nData Protection",
    "x" * 390 + ". Amara Okafor and Noah Price. " * 20 + "End Of Line",
    "Amara\nOkafor (split over lines)\n\nLily Evans\r\nMrs Hart\u00a0Evans. Dr.Who Amara",
    "lower then Upper Case Words then lower\nupper case words appear here too",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_whole_text_runs_pick_the_chunks_a_chunk_by_chunk_reading_picks(text):
    names = NameCandidates(FakeNlp(), [GIVEN_AND_SURNAME])
    assert names.candidate_chunks(text) == _chunks_the_plain_way(names, text)
    if not any(p.search(text) for p in names.explained):
        assert names.candidate_chunks(text, explained=False) == names.candidate_chunks(text)


def test_whole_text_runs_on_the_evaluation_set(evaluation_texts):
    names = NameCandidates(FakeNlp(), [GIVEN_AND_SURNAME])
    differing = [t for t in evaluation_texts if names.candidate_chunks(t) != _chunks_the_plain_way(names, t)]
    assert differing == []


def test_prepare_reads_the_chunks_of_many_texts_in_one_call():
    texts = ["Meeting with Amara Okafor today.", "Noah Price only", "Signed by Mrs Hart\nMeeting with Amara Okafor today."]
    calls = []

    class CountingNlp(FakeNlp):
        def pipe(self, texts, batch_size=64):
            calls.append(list(texts))
            return super().pipe(calls[-1], batch_size)

    prepared = NameCandidates(CountingNlp(), [GIVEN_AND_SURNAME], mode="fallback")
    prepared.prepare(texts)
    assert calls == [["Meeting with Amara Okafor today.", "Signed by Mrs Hart"]]  # each chunk once, one call
    found = [[(e.label_, e.start_char, e.end_char) for e in prepared.entities(text)] for text in texts]
    assert all(chunks == [] for chunks in calls[1:])  # nothing left for entities to read
    alone = NameCandidates(FakeNlp(), [GIVEN_AND_SURNAME], mode="fallback")
    assert found == [[(e.label_, e.start_char, e.end_char) for e in alone.entities(text)] for text in texts]
    assert found[2] == [("PERSON", 10, 18), ("PERSON", 32, 44)]
