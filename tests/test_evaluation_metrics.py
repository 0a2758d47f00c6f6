"""The evaluation metrics on a tiny example computed by hand."""

import pytest

from tests.evaluation.metrics import Score, micro, score_labels, table


def test_item_level_scores_by_hand():
    # Four items. "health": truth in items 1, 2, 4; reported in 1, 3, 4 → TP 2 (1, 4), FP 1 (3), FN 1 (2).
    # "genetic": truth in item 2 only; reported nowhere → TP 0, FP 0, FN 1.
    pairs = [
        ({"health"}, {"health"}),
        ({"health", "genetic"}, set()),
        (set(), {"health"}),
        ({"health"}, {"health", "send"}),  # "send" is not a scored label here: ignored
    ]
    scores = score_labels(pairs, ["health", "genetic"])
    assert scores["health"] == Score(tp=2, fp=1, fn=1)
    assert scores["health"].precision == pytest.approx(2 / 3)
    assert scores["health"].recall == pytest.approx(2 / 3)
    assert scores["health"].f1 == pytest.approx(2 / 3)
    assert scores["genetic"] == Score(tp=0, fp=0, fn=1)
    assert (scores["genetic"].precision, scores["genetic"].recall, scores["genetic"].f1) == (1.0, 0.0, 0.0)
    # Micro: pooled TP 2, FP 1, FN 2 → P 2/3, R 1/2, F1 = 4 / (4 + 1 + 2) = 4/7.
    pooled = micro(scores)
    assert pooled == Score(2, 1, 2)
    assert pooled.f1 == pytest.approx(4 / 7)


def test_a_label_nobody_holds_and_nobody_reports_is_perfect_and_a_false_alarm_is_not():
    assert score_labels([(set(), set())], ["biometric"])["biometric"].f1 == 1.0
    alarm = score_labels([(set(), {"biometric"})], ["biometric"])["biometric"]
    assert (alarm.precision, alarm.recall, alarm.f1) == (0.0, 1.0, 0.0)


def test_table_lists_every_label_and_the_micro_row():
    text = table("category", {"health": Score(2, 1, 1), "genetic": Score(0, 0, 1)})
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["category", "support"]
    assert lines[1].split() == ["health", "3", "2", "1", "1", "0.667", "0.667", "0.667"]
    assert lines[3].split() == ["micro", "4", "2", "1", "2", "0.667", "0.500", "0.571"]
