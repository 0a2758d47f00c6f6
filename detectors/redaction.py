"""Redacted snippets: the words around a finding, with every detected value masked.

The store is itself a target, so a snippet shows why something was flagged ("NHS no [UK_NHS] for [PERSON]")
without the values. Anything that still looks like an identifier after the known spans are masked (a run of
digits, an email address) is masked too, in case a detector missed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scanner.items import TextBatch

_LEFTOVER = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d(?:[\d /-]*\d)?")


def _mask_leftovers(text: str) -> str:
    return _LEFTOVER.sub(lambda m: "[EMAIL]" if "@" in m.group(0) else "#" * min(len(m.group(0)), 4), text)


def redacted_snippet(
    batch: TextBatch,
    start: int,
    end: int,
    spans: Iterable[tuple[int, int, str]],
    chars: int,
) -> str:
    """Text from ``chars`` before ``start`` to ``chars`` after ``end``, kept inside the match's segment.

    ``spans`` are (start, end, label) of everything detected in the batch; each one overlapping the window is
    replaced by ``[label]``. Whitespace is collapsed so a snippet is one line.
    """
    index = batch.segment_index_at(start)
    seg_start = batch.starts[index]
    seg_end = seg_start + len(batch.segments[index].text)
    lo, hi = max(seg_start, start - chars), min(seg_end, end + chars)
    # Widen to whole spans so a half-cut value is never shown.
    inside = sorted((s, e, label) for s, e, label in spans if s < hi and e > lo)
    for s, e, _ in inside:
        lo, hi = min(lo, max(s, seg_start)), max(hi, min(e, seg_end))
    parts: list[str] = []
    pos = lo
    for s, e, label in inside:
        s, e = max(s, lo), min(e, hi)
        if s < pos:  # overlapping spans: the earlier mask already covers this one
            continue
        parts.append(_mask_leftovers(batch.text[pos:s]))
        parts.append(f"[{label}]")
        pos = e
    parts.append(_mask_leftovers(batch.text[pos:hi]))
    snippet = " ".join("".join(parts).split())
    return ("…" if lo > seg_start else "") + snippet + ("…" if hi < seg_end else "")
