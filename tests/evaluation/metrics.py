"""Item-level precision, recall and F1: each item either holds a label (a category, a context, an entity type) or
not, and the scanner either reports it or not. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        """Items that truly hold the label."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        # No item holds the label and none is reported: perfect. Otherwise the usual 2TP / (2TP + FP + FN).
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def score_labels(pairs: Iterable[tuple[set[str] | frozenset[str], set[str] | frozenset[str]]],
                 labels: Iterable[str]) -> dict[str, Score]:
    """Per label, over items given as (truth, predicted) sets: TP where both hold it, FP where only the
    prediction does, FN where only the truth does."""
    counts = {label: [0, 0, 0] for label in labels}
    for truth, predicted in pairs:
        for label, c in counts.items():
            t, p = label in truth, label in predicted
            c[0] += t and p
            c[1] += p and not t
            c[2] += t and not p
    return {label: Score(*c) for label, c in counts.items()}


def micro(scores: Mapping[str, Score]) -> Score:
    """Micro average: pool every label's counts, then compute the scores once."""
    total = Score()
    for score in scores.values():
        total = total + score
    return total


def table(title: str, scores: Mapping[str, Score], micro_row: bool = True) -> str:
    """A fixed-width table: label, support, TP, FP, FN, precision, recall, F1 (and a micro row)."""
    rows = list(scores.items()) + ([("micro", micro(scores))] if micro_row and len(scores) > 1 else [])
    width = max([len(title)] + [len(name) for name, _ in rows])
    lines = [f"{title:<{width}}  support   TP   FP   FN  precision  recall     F1"]
    for name, s in rows:
        lines.append(f"{name:<{width}}  {s.support:7d} {s.tp:4d} {s.fp:4d} {s.fn:4d}  {s.precision:9.3f}  "
                     f"{s.recall:6.3f}  {s.f1:5.3f}")
    return "\n".join(lines)
