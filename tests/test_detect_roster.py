"""The school's roster: known people recognised exactly, with the variants a school writes."""

import pytest

from detectors.personal_data import PersonalDataDetector
from detectors.roster import RosterPerson, RosterRecognizer, load_roster
from scanner.config import DetectionConfig
from scanner.errors import ConfigError
from scanner.items import Segment, TextBatch


def found(recognizer, text):
    return [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"])]


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "mis.csv"
    path.write_text(
        "Forename,Surname,Preferred forename,Role,DOB\n"
        "Olivia,Hart,Liv,pupil,2011-03-14\n"
        "Sarah,Okonkwo-Hart,,staff,1980-01-02\n",
        encoding="utf-8",
    )
    return path


def test_mis_columns_are_read(roster_file):
    assert load_roster(roster_file) == [
        RosterPerson("Olivia", "Hart", "Liv", "pupil"),
        RosterPerson("Sarah", "Okonkwo-Hart", "", "staff"),
    ]


def test_variants_are_recognised(roster_file):
    recognizer = RosterRecognizer(load_roster(roster_file))
    text = "Olivia Hart; Hart, Olivia; O. Hart; Liv Hart; Hart Olivia; Miss Okonkwo-Hart and Mrs. Okonkwo-Hart"
    assert set(found(recognizer, text)) == {
        "Olivia Hart", "Hart, Olivia", "O. Hart", "Liv Hart", "Hart Olivia", "Miss Okonkwo-Hart", "Mrs. Okonkwo-Hart",
    }


def test_namesakes_and_lower_case_words_are_not_matched(roster_file):
    recognizer = RosterRecognizer(load_roster(roster_file))
    # A sibling with another first name, a pupil with the same first name, a word, a title with a pupil.
    assert found(recognizer, "Noah Hart, Olivia Grant, a hart in the woods, Miss Hart") == []


def test_a_roster_with_no_names_is_a_config_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("UPN,DOB\nB801200005001,2011-03-14\n")
    with pytest.raises(ConfigError, match="detection.roster: no names"):
        load_roster(path)
    with pytest.raises(ConfigError, match="detection.roster: cannot read"):
        load_roster(tmp_path / "missing.csv")


@pytest.mark.model
def test_the_detector_reports_roster_names_the_model_misses(roster_file):
    detector = PersonalDataDetector(DetectionConfig(roster=roster_file))
    findings = list(detector.detect(TextBatch.of([Segment("Okonkwo-Hart, Sarah covered 9R today.", "line 1")])))
    person = [f for f in findings if f.entity_type == "PERSON"]
    assert [(f.value, f.detector, f.confidence) for f in person if f.detector.endswith("roster")] == [
        ("Okonkwo-Hart, Sarah", "personal_data:roster", 0.95)
    ]
