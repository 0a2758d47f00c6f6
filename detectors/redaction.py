"""Redacted snippets: the words around a finding, with every detected value masked.

The store is itself a target, so a snippet shows why something was flagged ("NHS no [UK_NHS] for [PERSON]")
without the values. Anything that still looks like an identifier after the known spans are masked (a run of
digits, an email address, a capitalised word that may be a name the model missed) is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from scanner.items import TextBatch

_LEFTOVER = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d(?:[\d /-]*\d)?")

# A capitalised word is kept only if it is a common English word or one a school's forms and letters use as a
# label; anything else (a name the model missed, a street, a surname in a file heading) becomes "[…]".
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
LABEL_WORDS = frozenset(
    """
    academy account address admission admissions allergy allergies appeal applicant application attendance
    bank birth card carer cc class code concern condition conditions conference contact dbs date dear details
    diagnosis diet disclosure
    doctor dob email employee ehcp eligible emergency ethnicity ethnic form fsm gender gp gross group head health
    home issued leaver list medical medication medicine minutes mobile mother father name names national nhs ni
    nino note notes number parent parents pay payroll phone plan post postcode pupil pupils record records ref
    reference referral register relationship religion report review safeguarding school sen send senco sent
    sex sort staff student subject teacher tel telephone to upn uln year yours sincerely regards kind best
    mr mrs miss ms dr mx sir madam
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    """.split()
)


def _keep(word: str, keep_words: frozenset[str]) -> bool:
    lower = word.lower()
    return lower in STOP_WORDS or lower in LABEL_WORDS or lower in keep_words or word.isupper() and len(word) <= 5


def _mask_leftovers(text: str, keep_words: frozenset[str] = frozenset()) -> str:
    text = _LEFTOVER.sub(lambda m: "[EMAIL]" if "@" in m.group(0) else "#" * min(len(m.group(0)), 4), text)
    return _CAPITALISED.sub(lambda m: m.group(0) if _keep(m.group(0), keep_words) else "[…]", text)


def redacted_snippet(
    batch: TextBatch,
    start: int,
    end: int,
    spans: Iterable[tuple[int, int, str]],
    chars: int,
    keep_words: frozenset[str] = frozenset(),
) -> str:
    """Text from ``chars`` before ``start`` to ``chars`` after ``end``, kept inside the match's segment.

    ``spans`` are (start, end, label) of everything detected in the batch; each one overlapping the window is
    replaced by ``[label]``; digits, emails and capitalised words that are not common or label words are
    masked too (``keep_words`` adds words a detector wants shown). Whitespace is collapsed to one line.
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
        parts.append(_mask_leftovers(batch.text[pos:s], keep_words))
        parts.append(f"[{label}]")
        pos = e
    parts.append(_mask_leftovers(batch.text[pos:hi], keep_words))
    snippet = " ".join("".join(parts).split())
    return ("…" if lo > seg_start else "") + snippet + ("…" if hi < seg_end else "")
