"""Content dates for retention triggers: the latest birth year and the latest leaving date in a text.

Retention rules such as "pupil record: date of birth + 25 years" and "staff file: end of employment + 6 years"
need a date read from the file. The store keeps no raw values, so this detector reduces them at scan time:

- ``BIRTH_YEAR``: the latest year among the dates of birth found before it (``DATE_OF_BIRTH`` findings from
  ``personal_data``), e.g. ``"2011"``. The latest, so a register of many pupils expires with its youngest.
- ``LEAVING_DATE``: the latest date written after a leaving label, as a year-month, e.g. ``"2019-07"``.
  Labels: "date of leaving", "leaving date", "date left", "left (the school) on", "end of employment",
  "employment ended", "contract ended", "last day of employment/service", "termination date". A date in the
  future, or not a real date, is ignored (``detectors.uk_identifiers.parse_date``).

Findings are of kind ``content_date``; the engine keeps the latest per item on the item row (``birth_year``,
``leaving_date``) and never stores them as findings. ``detection.content_dates: false`` turns this off.
Example: ``Date of leaving: 19/07/2019`` → ``LEAVING_DATE 2019-07``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from detectors.uk_identifiers import parse_date
from scanner.config import DetectionConfig
from scanner.items import CONTENT_DATE, ENTITY, Finding, TextBatch

_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DATE = (
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}([/.-])\d{1,2}\2(?:\d{4}|\d{2})"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTHS + r")\.?,?\s+\d{4})"
)
_LABEL = (
    r"date\s+of\s+leaving|leaving\s+date|date\s+left|left(?:\s+the\s+school)?\s+on|end\s+of\s+employment"
    r"|employment\s+(?:ended|end\s+date)|contract\s+(?:ended|end\s+date)|last\s+day\s+of\s+(?:employment|service)"
    r"|termination\s+date|date\s+of\s+termination"
)
# The label, then up to 30 characters that are not a digit or a line break (": ", " was ", " | "), then the date.
# Every label starts with c, d, e, l or t: the lookahead lets the search pass over other characters without
# trying each label there (it matches nothing more: under IGNORECASE the class and the letters fold alike).
LEAVING = re.compile(r"(?=[cdelt])\b(?:" + _LABEL + r")\b[^\d\n]{0,30}?" + _DATE, re.IGNORECASE)
# Every label holds one of these words.
_LABEL_WORDS = ("leaving", "left", "employment", "contract", "service", "termination")
# The only characters IGNORECASE matches to an ASCII letter that ``str.lower`` does not turn into that letter.
_FOLDED_TO_ASCII = ("İ", "ı", "ſ")  # i, i, s


def _may_hold_label(text: str) -> bool:
    """False only where no label can be: none of the label words is in the lower-cased text, which is what
    IGNORECASE matches (text holding one of the characters it folds further is searched in full)."""
    if any(char in text for char in _FOLDED_TO_ASCII):
        return True
    lower = text.lower()
    return any(word in lower for word in _LABEL_WORDS)


class ContentDateDetector:
    name = "content_dates"

    def __init__(self, config: DetectionConfig):
        self.enabled = config.content_dates

    def detect(self, batch: TextBatch, found: Sequence[Finding] = ()) -> Iterator[Finding]:
        if not self.enabled:
            return
        births = []
        for f in found:
            if f.kind == ENTITY and f.entity_type == "DATE_OF_BIRTH":
                raw = f.value or (batch.text[f.start : f.end] if f.start >= 0 else "")
                parsed = parse_date(raw)
                if parsed:
                    births.append((parsed.year, f.locator))
        if births:
            year, locator = max(births)
            yield Finding("BIRTH_YEAR", locator, 1.0, "", self.name, kind=CONTENT_DATE, value=str(year))
        if not _may_hold_label(batch.text):
            return
        for m in LEAVING.finditer(batch.text):
            parsed = parse_date(m.group("date"))
            if parsed:
                locator = batch.segment_at(m.start()).locator
                yield Finding(
                    "LEAVING_DATE", locator, 1.0, "", self.name, kind=CONTENT_DATE, value=f"{parsed:%Y-%m}",
                    start=m.start(), end=m.end(),
                )
