"""Where spaCy's NER can change a result: the lines and sentences holding a name-like word nothing cheaper explains.

NER is the slow part of detection (about 0.04 MB/s with the small English model; every regex recognizer
together runs at several MB/s). A PERSON the model finds is a run of capitalised words, so NER only needs to
see a line (or, in a long paragraph, a sentence) with such a run, and only when the run is not already a name
a cheaper recognizer found (a given name and surname, a roster name) and is not made of ordinary words.
Ordinary means: a word the text itself also writes in lower case ("Health" beside "health"), or one of
``COMMON_CAPITALISED`` (headings, months, days, school vocabulary). A title ("Mrs", "Dr") before a word always
makes a candidate. The candidates go through ``nlp.pipe`` in batches; their entities come back with offsets in
the whole text, as presidio's spaCy engine would give them.

spaCy's CNN sees a few tokens either side of a word, so a line on its own is tagged as it would be in the whole
text; what is lost is NER on sentences with no candidate run at all, where it could only have mislabelled an
ordinary capitalised word.

How much NER runs is ``detection.ner``:

* ``fallback`` (the default): only in a batch of text where no cheaper recognizer found anyone (no given name
  and surname, roster name, or title and surname). Whether a file names people is then settled either way; what
  NER would add is more names in a file already known to name people (its PERSON count), which no report,
  retention rule or SAR search depends on (the SAR index reads every capitalised word, not NER's PERSONs).
  On the labelled evaluation set it gives the same PERSON results as ``always`` with NER on 3.5% of the text
  instead of 24%.
* ``always``: every candidate line and sentence, in every batch.
* ``off``: never; names come only from the given-name list, the roster and titles.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = r"(?:O'|O’|Mc|Mac)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
# Two or more capitalised words in a row (a lone capitalised word is a heading, a sentence's first word or a
# surname seen in full). Runs never cross a line or a sentence end, so each lies inside one chunk.
_CAPITALISED_RUN = re.compile(rf"(?<![\w'’-]){_WORD}(?:[ \t]+{_WORD})+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’]+")
_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MAX_CHUNK_CHARS = 400  # longer lines are cut at sentence ends

TITLES = frozenset({"Mr", "Mrs", "Miss", "Ms", "Mx", "Dr", "Prof", "Sir", "Dame", "Lady", "Lord", "Rev"})
# A person's title and surname ("Mrs Hart", "Dr. O'Neill"): a name without any model.
TITLE_AND_SURNAME = re.compile(rf"\b(?:Mr|Mrs|Miss|Ms|Mx|Dr)\.?\s+{_WORD}\b")
NER_MODES = ("fallback", "always", "off")

# Words written capitalised for reasons other than naming a person, in school documents.
COMMON_CAPITALISED = frozenset(
    """
    a an the this that these those there their they them then than thank thanks it its is are was were be been
    i we you he she his her our your my me us if in on at of to for from by with without as and or but not no
    yes all any each every some many more most other such only also very so do does did done can could will would
    should may might must shall have has had please dear re fw fwd subject sent cc bcc attached attachment
    attachments regards kind best wishes yours sincerely faithfully hi hello morning afternoon
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    year years term autumn spring summer half week day date time today tomorrow yesterday
    school academy college trust primary secondary infant junior nursery reception sixth form class group set
    pupil pupils student students child children learner parent parents carer carers staff teacher teachers
    head headteacher deputy assistant governor governors trustee trustees office officer manager lead leader
    name names first last surname forename address postcode email phone tel telephone mobile contact number no
    dob birth gender sex age upn uln nhs ni sort code account bank card total notes note comments comment
    page section part item items table appendix annex summary details detail record records report reports log
    plan plans policy policies procedure form forms letter list register review meeting minutes agenda action
    actions outcome outcomes date signed signature approved agreed update updated version draft final
    medical health care support special educational needs sen send ehcp safeguarding pastoral behaviour
    attendance absence exclusion incident referral concern concerns consent trip visit
    english maths mathematics science history geography art music drama computing french spanish german
    religious education physical pe pshe rse citizenship design technology reading writing phonics
    uk england english british london council county local authority department government service services
    new old key main general annual monthly weekly daily north south east west street road lane avenue
    """.split()
)


@dataclass
class CandidateEntity:
    """What presidio's spaCy recognizer reads from an entity: label and offsets in the whole text."""

    label_: str
    start_char: int
    end_char: int


def chunks(text: str) -> Iterable[tuple[int, str]]:
    """(offset, text) of each line, long lines cut into sentences."""
    for line in _LINE.finditer(text):
        if len(line.group()) <= MAX_CHUNK_CHARS:
            yield line.start(), line.group()
            continue
        start = line.start()
        for end in _SENTENCE_END.finditer(line.group()):
            cut = line.start() + end.start()
            if cut > start:
                yield start, text[start:cut]
            start = line.start() + end.end()
        if start < line.end():
            yield start, text[start : line.end()]


class NameCandidates:
    """Runs ``nlp`` only on the chunks of a text where a PERSON could be found that ``explained`` has not.

    ``mode`` is one of ``NER_MODES`` (see the module's notes); with ``fallback``, a text in which any of the
    ``explained`` patterns matches goes to no NER at all.
    """

    MEMORY = 20_000  # chunks whose entities are remembered (at most ~8 MB of text)

    def __init__(self, nlp, explained: Iterable[re.Pattern], batch_size: int = 64, mode: str = "always"):
        if mode not in NER_MODES:
            raise ValueError(f"NER mode must be one of {', '.join(NER_MODES)}, not {mode!r}")
        self.nlp = nlp
        self.explained = list(explained)
        self.batch_size = batch_size
        self.mode = mode
        self._seen: dict[str, tuple] = {}  # chunk → its entities (label, start, end), oldest first
        self._planned: dict[str, list[tuple[int, str]]] = {}  # text → its chunks, worked out by ``prepare``

    def candidate_chunks(self, text: str, explained: bool = True) -> list[tuple[int, str]]:
        """The chunks of ``text`` NER should read; ``explained=False``: the caller knows no ``explained`` pattern
        matches in ``text``."""
        runs = list(_CAPITALISED_RUN.finditer(text))  # most texts have none: nothing more to do
        if not runs:
            return []
        found = (m.span() for pattern in self.explained for m in pattern.finditer(text)) if explained else ()
        spans = sorted(found)
        starts = [s for s, _ in spans]
        lower = set(_LOWER_WORD.findall(text))
        needed = [run.start() for run in runs if self._needs_ner(run, lower, spans, starts)]
        picked = []
        for offset, chunk in chunks(text) if needed else ():
            end = offset + len(chunk)
            i = bisect.bisect_left(needed, offset)
            if i < len(needed) and needed[i] < end:
                picked.append((offset, chunk))
        return picked

    @staticmethod
    def _needs_ner(run: re.Match, lower: set[str], spans: list[tuple[int, int]], starts: list[int]) -> bool:
        start, end = run.start(), run.end()
        before = bisect.bisect_left(starts, end)
        if any(e > start for _, e in spans[max(0, before - 4) : before]):  # a cheaper recognizer named this person
            return False
        words = run.group().split()
        if words[0] in TITLES:
            return True
        return any(w.lower() not in COMMON_CAPITALISED and w.lower() not in lower for w in words)

    def picked(self, text: str) -> list[tuple[int, str]]:
        """The chunks of ``text`` NER reads in this ``mode`` (none in ``fallback`` when a cheaper recognizer named
        someone)."""
        if self.mode == "off" or (self.mode == "fallback" and any(p.search(text) for p in self.explained)):
            return []
        return self.candidate_chunks(text, explained=self.mode != "fallback")

    def prepare(self, texts: Iterable[str]) -> None:
        """Run NER at once on every chunk ``entities`` will want for ``texts``.

        One ``nlp.pipe`` over the chunks of many texts instead of one per text: the model's fixed cost per call
        (~5 ms here, against ~2 ms per line in a batch) is paid once. The entities are remembered as ``entities``
        remembers them, so what it finds does not depend on whether this ran.
        """
        self._planned = {text: self.picked(text) for text in texts}
        unseen = dict.fromkeys(chunk for picked in self._planned.values() for _, chunk in picked
                               if chunk not in self._seen)
        self._read(list(unseen)[: self.MEMORY // 2])  # more could not all be remembered until asked for

    def entities(self, text: str) -> list[CandidateEntity]:
        picked = self._planned.pop(text, None)
        if picked is None:
            picked = self.picked(text)
        known = {chunk: self._seen.get(chunk) for _, chunk in picked}
        known.update(self._read([chunk for chunk, entities in known.items() if entities is None]))
        found = []
        for offset, chunk in picked:
            found.extend(CandidateEntity(label, offset + start, offset + end) for label, start, end in known[chunk])
        return found

    def _read(self, chunks: list[str]) -> dict[str, tuple]:
        """NER's entities (label, start, end) in each of ``chunks``, remembered."""
        read: dict[str, tuple] = {}
        if not chunks:
            return read  # (the model's pipe costs something even for nothing)
        for chunk, doc in zip(chunks, self.nlp.pipe(chunks, batch_size=self.batch_size)):
            read[chunk] = tuple((e.label_, e.start_char, e.end_char) for e in doc.ents)
            self._remember(chunk, read[chunk])
        return read

    def _remember(self, chunk: str, entities: tuple) -> None:
        # The model gives a chunk the same entities wherever it appears; shares repeat lines a great deal (the same
        # policy, lesson plan or letter template saved in many folders), so recent chunks are kept (bounded).
        self._seen[chunk] = entities
        if len(self._seen) > self.MEMORY:
            del self._seen[next(iter(self._seen))]
