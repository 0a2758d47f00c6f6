"""Redacted snippets: the words around a finding, with every detected value masked.

The store is itself a target, so a snippet shows why something was flagged ("NHS no [UK_NHS] for [PERSON]")
without the values. Anything that still looks like an identifier after the known spans are masked (a run of
digits, an email address, a capitalised word that may be a name the model missed) is masked too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from scanner.items import TextBatch

# A capitalised word is kept only if it is a common English word or one a school's forms and letters use as a
# label; anything else (a name the model missed, a street, a surname in a file heading) becomes "[…]".
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


_COMMON_WORDS = frozenset(STOP_WORDS) | LABEL_WORDS

# Leftovers, masked in two passes: emails and runs of digits (spaces, "/" and "-" between them), then
# capitalised words in the text with those masked (a mask can start a word: "12Cd" → "##Cd", or end one:
# "Ab12cd" → "Ab##cd"). Each pattern has its match as its one group, so ``split`` gives [gap, match, gap, match,
# …, gap]: the matches ``sub`` would replace (none can be empty), replaced without a callback per match.
_DIGITS = r"\d(?:[\d /-]*\d)?"
_EMAIL_OR_DIGITS = re.compile(r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+|" + _DIGITS + ")")
_ONLY_DIGITS = re.compile(f"({_DIGITS})")  # the same where there is no "@": the email branch is slow to fail
# "[A-Z] not after a word character" is "\b[A-Z]", written so the search can skip to the capitals.
_CAPITALISED = re.compile(r"([A-Z](?<!\w[A-Z])[\w'’-]*)")


@functools.lru_cache(maxsize=1 << 14)
def _shown(word: str) -> str:
    """A capitalised word as a snippet shows it (keep words aside): itself if it is common, a label or a short
    all-capitals word ("NHS", "SEN"), else "[…]". Cached: the same words come back finding after finding."""
    return word if word.lower() in _COMMON_WORDS or word.isupper() and len(word) <= 5 else "[…]"


@functools.lru_cache(maxsize=4096)
def _mask_leftovers(text: str, keep_words: frozenset[str] = frozenset()) -> str:
    """``text`` with emails, digits and the capitalised words not kept masked. Cached: the snippets of
    neighbouring findings share the text between their spans."""
    parts = (_EMAIL_OR_DIGITS if "@" in text else _ONLY_DIGITS).split(text)
    if len(parts) > 1:
        parts[1::2] = ["[EMAIL]" if "@" in value else "#" * min(len(value), 4) for value in parts[1::2]]
        text = "".join(parts)
    parts = _CAPITALISED.split(text)
    if len(parts) == 1:
        return text
    if keep_words:
        parts[1::2] = [word if word.lower() in keep_words else _shown(word) for word in parts[1::2]]
    else:
        parts[1::2] = map(_shown, parts[1::2])
    return "".join(parts)


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
    inside = sorted([span for span in spans if span[0] < hi and span[1] > lo])
    if inside:  # sorted: the first span starts first
        lo = min(lo, max(inside[0][0], seg_start))
        hi = max(hi, min(max([span[1] for span in inside]), seg_end))
    text = batch.text
    parts: list[str] = []
    pos = lo
    for s, e, label in inside:
        s, e = max(s, lo), min(e, hi)
        if s < pos:  # overlapping spans: the earlier mask already covers this one
            continue
        parts.append(_mask_leftovers(text[pos:s], keep_words))
        parts.append(f"[{label}]")
        pos = e
    parts.append(_mask_leftovers(text[pos:hi], keep_words))
    snippet = " ".join("".join(parts).split())
    return ("…" if lo > seg_start else "") + snippet + ("…" if hi < seg_end else "")
