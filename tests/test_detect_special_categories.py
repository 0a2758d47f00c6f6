"""Special-category, criminal-offence and context detection: about a person, not about a topic."""

import pytest

from detectors import build_detectors
from detectors.personal_data import PersonalDataDetector
from detectors.special_categories import SpecialCategoryDetector
from scanner.config import DetectionConfig
from scanner.errors import ConfigError
from scanner.config import config_from_dict
from scanner.items import CONTEXT, CRIMINAL_OFFENCE, ENTITY, SPECIAL_CATEGORY, Segment, TextBatch

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def personal():
    return PersonalDataDetector(DetectionConfig())


def detect(personal, segments, config=None):
    batch = TextBatch.of(segments)
    found = list(personal.detect(batch))
    special = SpecialCategoryDetector(config or DetectionConfig())
    return [f for f in special.detect(batch, found) if f.kind != ENTITY]


def categories(personal, segments, config=None):
    return {f.entity_type for f in detect(personal, segments, config)}


def row(text, n=2):
    return Segment(text, f"Sheet1!A{n}", record=f"Sheet1 row {n}")


POSITIVES = [
    ("health", [row("Name: Olivia Hart | Condition: Asthma | Medication: Salbutamol inhaler")]),
    ("health", [Segment("Amira Hussain joined in September. She was diagnosed with epilepsy last year.", "paragraph 2")]),
    ("racial_ethnic_origin", [row("UPN: B801200005001 | Pupil name: Olivia Hart | Ethnicity: WBRI")]),
    ("religious_beliefs", [row("Pupil: Yusuf Khan | Form: 8H | Meal request: Halal meals")]),
    ("sex_life_or_orientation", [Segment("During tutor time Jamie Cole disclosed that he is gay and has told no one at home.", "line 4")]),
    ("biometric", [row("Pupil: Lily Evans | Fingerprint enrolled for cashless catering: yes")]),
    ("genetic", [Segment("Genetic testing in 2019 confirmed that Amelia Hargreaves has cystic fibrosis.", "paragraph 3")]),
    ("trade_union_membership", [row("Employee: Sarah Jones | NI number AB 12 34 56 C | NEU subs 25.10")]),
    ("political_opinions", [Segment("Mr Daniel Okafor is standing as a Green Party candidate in the May council election.", "line 2")]),
    (CRIMINAL_OFFENCE, [Segment("Applicant: Tom Reed. His DBS certificate showed a conviction for drink-driving.", "page 1")]),
    ("safeguarding", [row("Pupil: Ella Moss | Category: Neglect | Action: referred to MASH by the DSL")]),
    ("send", [row("Pupil: Harry Wood | SEN status: EHCP | Need: Autism")]),
    ("looked_after_child", [Segment("Personal Education Plan for Ruby Nwosu, a looked after child in Year 8.", "paragraph 1")]),
    ("free_school_meals", [row("Pupil: Kai Moss | UPN: B801200005001 | FSM: eligible for free school meals")]),
]


@pytest.mark.parametrize("category, segments", POSITIVES, ids=[c for c, _ in POSITIVES])
def test_a_statement_about_a_named_person_is_reported(personal, category, segments):
    assert category in categories(personal, segments)


NEGATIVES = {
    "policy": [Segment("Special category data such as health, ethnicity or religion must be stored securely.", "paragraph 3")],
    "RE lesson": [Segment("Muslims eat halal food and many fast during Ramadan.", "paragraph 2")],
    "science": [Segment("Cystic fibrosis is a genetic condition caused by a recessive allele.", "paragraph 5")],
    "first aid": [Segment("An asthma attack is treated with a reliever inhaler; call 999 if it does not help.", "slide 3")],
    "blank form": [Segment("Pupil name: ____________  Medical condition: ____________", "line 2")],
    "negated": [Segment("Olivia Hart has no known allergies.", "line 2")],
    "DBS clear": [Segment("Applicant | Poppy Brennan\nPolice records of convictions, cautions, reprimands and warnings: None recorded", "page 1")],
    "newsletter": [Segment("Well done to Olivia Hart and Noah Price for their county athletics medals.", "paragraph 4")],
    "history": [Segment("In 1834 the Tolpuddle Martyrs were convicted for forming a trade union.", "paragraph 2")],
}


@pytest.mark.parametrize("name", NEGATIVES)
def test_a_topic_a_template_or_a_negation_is_not_reported(personal, name):
    assert categories(personal, NEGATIVES[name]) == set()


def test_a_definition_or_lesson_about_a_named_pupil_is_not_reported(personal):
    """The unit is about the topic, though the item names its pupil; the same item saying it of her is reported."""
    lesson = Segment("Pupil: Lily Evans. In this lesson we will learn what asthma is.", "paragraph 1")
    record = Segment("Pupil: Lily Evans. She has asthma.", "paragraph 1")
    assert (categories(personal, [lesson]), categories(personal, [record])) == (set(), {"health"})


def test_findings_explain_themselves_without_values(personal):
    findings = detect(personal, [row("UPN: B801200005001 | Pupil name: Olivia Hart | Condition: Asthma")])
    health = next(f for f in findings if f.entity_type == "health")
    assert health.kind == SPECIAL_CATEGORY
    assert health.detector == "special_categories:health"
    assert health.evidence == ("asthma", "person:pupil")
    assert health.confidence == 0.9
    assert "Asthma" in health.snippet and "Olivia" not in health.snippet and "B801200005001" not in health.snippet
    assert health.locator == "Sheet1!A2"


def test_contexts_and_criminal_offence_have_their_own_kinds(personal):
    findings = detect(personal, [row("Pupil: Ella Moss | arrested for shoplifting; referred to MASH")])
    kinds = {f.entity_type: f.kind for f in findings}
    assert kinds["criminal_offence"] == CRIMINAL_OFFENCE and kinds["safeguarding"] == CONTEXT


def test_categories_can_be_switched_off(personal):
    config = DetectionConfig(special_categories={"categories": ["send"]})
    assert categories(personal, POSITIVES[0][1], config) == set()
    off = DetectionConfig(special_categories={"enabled": False})
    assert categories(personal, POSITIVES[0][1], off) == set()


def test_a_school_adds_its_own_terms_and_patterns(personal):
    segments = [row("Pupil: Ella Moss | Referred to Hartfield Wellbeing Hub | Ref SEN-0042")]
    assert categories(personal, segments) == set()
    config = DetectionConfig(
        special_categories={"extra_terms": {"health": ["Hartfield Wellbeing Hub"]}, "extra_patterns": {"send": [r"SEN-\d{4}"]}}
    )
    assert categories(personal, segments, config) == {"health", "send"}


def test_confidence_threshold(personal):
    pronoun = POSITIVES[1][1]  # linked through "She" to the previous sentence: 0.7
    assert "health" in categories(personal, pronoun)
    assert categories(personal, pronoun, DetectionConfig(special_categories={"min_confidence": 0.75})) == set()


def test_invalid_extra_pattern_names_the_key():
    with pytest.raises(ConfigError, match=r"detection.special_categories.extra_patterns.*not a valid regular expression"):
        config_from_dict({"detection": {"special_categories": {"extra_patterns": {"health": ["(unclosed"]}}}})
    with pytest.raises(ConfigError, match=r"unknown category 'wellbeing'"):
        config_from_dict({"detection": {"special_categories": {"extra_terms": {"wellbeing": ["x"]}}}})


def test_registered_after_personal_data():
    names = [d.name for d in build_detectors(DetectionConfig())]
    assert names.index("personal_data") < names.index("special_categories")
