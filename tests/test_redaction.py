"""Snippets keep the words that explain a finding and mask values, including ones no detector caught."""

from detectors.redaction import redacted_snippet
from scanner.items import Segment, TextBatch


def snippet(text, value, label, chars=60, others=()):
    batch = TextBatch.of([Segment("Heading in another segment", "line 1"), Segment(text, "line 2")])
    start = batch.text.index(value)
    spans = [(start, start + len(value), label)]
    for other, other_label in others:
        at = batch.text.index(other)
        spans.append((at, at + len(other), other_label))
    return redacted_snippet(batch, start, start + len(value), spans, chars)


def test_the_value_and_other_detected_values_are_masked():
    text = "Dear parent, NHS number 943 476 5919 for pupil Olivia Hart."
    out = snippet(text, "943 476 5919", "UK_NHS", others=[("Olivia Hart", "PERSON")])
    assert out == "Dear parent, NHS number [UK_NHS] for pupil [PERSON]."


def test_undetected_names_numbers_and_emails_are_masked_label_words_kept():
    text = "Pupil: Tomasz Lomax | DOB: 14/03/2011 | Contact: t.lomax@example.com, 12 Oakfield Drive"
    out = snippet(text, "14/03/2011", "DATE_OF_BIRTH", chars=100)
    assert out == "Pupil: […] […] | DOB: [DATE_OF_BIRTH] | Contact: [EMAIL], ## […] […]"


def test_the_snippet_stays_inside_its_segment_and_marks_cuts():
    out = snippet("x" * 100 + " DOB 14/03/2011 " + "y" * 100, "14/03/2011", "DATE_OF_BIRTH", chars=10)
    assert out.startswith("…") and out.endswith("…") and "Heading" not in out
    assert "[DATE_OF_BIRTH]" in out
