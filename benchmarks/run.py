"""Scan speed and accuracy against Presidio's default analyzer, in one run: ``python -m benchmarks.run``.

1. writes a synthetic school share (``benchmarks.corpus``) of ``--size-mb`` MB;
2. runs ``gdprscan scan`` on it three times in a separate process: cold, unchanged, and with 1% of the files
   changed (items/s, source MB/s, wall time, peak RSS of the whole process tree);
3. in this process, extracts every item (a byte-for-byte copy of one read before skipped, as the scan skips it)
   and runs gdprscan's detectors, timing extraction and detection apart (MB/s of extracted text);
4. runs Presidio's default ``AnalyzerEngine`` (its default recognizers, the same spaCy model with its full
   default pipeline) and gdprscan's detectors on a sample of the same extracted texts, group by group in turn;
5. scores both on the labelled evaluation set (``tests/evaluation``): item-level F1 for PERSON and identifiers;
6. with ``--files N``, writes N tiny files, fills a store with them (extraction only) and times the unchanged
   rescan.

MB here is 10^6 bytes; text MB/s counts UTF-8 bytes of extracted text.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmarks import corpus as bench_corpus

MB = 1e6


# --- scans in a child process -------------------------------------------------------------------------------

def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (Linux /proc), in KB; 0 when gone."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass
class ScanRun:
    label: str
    wall: float  # the whole command, model loading included
    seconds: float  # the scan itself (the store's started → finished)
    items_seen: int
    items_scanned: int
    items_unchanged: int
    bytes_scanned: int
    peak_rss_mb: float
    status: str
    # Model loading before the scan in the scanning process (one worker); workers load theirs within the scan.
    load_seconds: float = 0.0

    @property
    def seconds_loaded(self) -> float:
        """The scan with its model loading, wherever that happens: comparable between worker counts."""
        return self.seconds + self.load_seconds

    @property
    def items_per_s(self) -> float:
        return self.items_seen / self.seconds if self.seconds else 0.0

    @property
    def source_mb_per_s(self) -> float:
        return self.bytes_scanned / MB / self.seconds if self.seconds else 0.0


def write_config(path: Path, db: Path, root: Path, workers: int) -> Path:
    config = {"store": {"path": str(db)}, "sources": [{"type": "filesystem", "name": "bench", "paths": [str(root)]}],
              "scan": {"workers": workers}}
    path.write_text(yaml.safe_dump(config))
    return path


def run_scan(label: str, config: Path, detect: bool = True) -> ScanRun:
    """``gdprscan scan --config`` (through ``benchmarks.scan_once``, which also reports its own timings)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.scan_once", str(config)] + ([] if detect else ["--no-detect"]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    if proc.returncode:
        raise SystemExit(f"gdprscan scan failed ({proc.returncode}): {err.decode()[-2000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    return ScanRun(label, wall, result["seconds"], result["items_seen"], result["items_scanned"],
                   result["items_unchanged"], result["bytes_scanned"], peak / 1024, result["status"],
                   result["load_seconds"])


# --- extraction and detection, timed apart ------------------------------------------------------------------

@dataclass
class Split:
    items: int = 0
    copies: int = 0  # files skipped as byte-for-byte copies of one read before, as the scan skips them
    source_bytes: int = 0  # of the files read
    text_bytes: int = 0
    extract_s: float = 0.0
    detect_s: dict[str, float] = field(default_factory=dict)
    # The sample handed to Presidio: groups of batches as the scan checks them (see ``groups``).
    sample: list[tuple[list, bool]] = field(default_factory=list)
    sample_bytes: int = 0

    @property
    def sample_batches(self) -> list:
        return [batch for batches, _ in self.sample for batch in batches]

    @property
    def detect_total_s(self) -> float:
        return sum(self.detect_s.values())


def item_trees(root: Path) -> Iterator:
    from connectors import connector_for
    from scanner.config import FilesystemSource

    connector = connector_for(FilesystemSource(type="filesystem", name="bench", paths=[root]))
    yield from connector.items(lambda location, reason: None)


def extracted(item, limits) -> list[tuple[str, list]]:
    """(location, text batches) for ``item`` and every member/attachment in it, as the engine would read them."""
    from scanner.item_scan import batches
    from scanner.extractors import extract

    out: list[tuple[str, list]] = []
    try:
        doc = extract(item, limits)
    except Exception:  # noqa: BLE001 - the scan records these; here they only have no text
        return [(item.location, [])]
    texts = [] if doc.encrypted or doc.not_scanned else _safe(lambda: list(batches(doc.segments)))
    out.append((item.location, texts))
    for child in _safe(lambda: list(doc.children)):
        out.extend(extracted(child, limits))
    return out


def _safe(read):
    try:
        return read()
    except Exception:  # noqa: BLE001
        return []


class _Timed:
    """A detector whose ``detect`` and ``prepare`` (when it has one) add their time to ``timings[name]``."""

    def __init__(self, detector, timings: dict[str, float]):
        self.detector, self.timings, self.name = detector, timings, detector.name

    def __getattr__(self, attr: str):
        method = getattr(self.detector, attr)  # AttributeError for a prepare the detector does not have
        if attr not in ("detect", "prepare"):
            return method

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                result = method(*args, **kwargs)
                return list(result) if attr == "detect" else result  # detect's findings are made as read
            finally:
                self.timings[self.name] = self.timings.get(self.name, 0.0) + time.perf_counter() - started

        return timed


def check(detectors, batches: list, prepared: bool, timings: dict[str, float] | None = None) -> None:
    """Detection on ``batches`` with the scan's own steps (``scanner.item_scan``): a group the detectors prepare
    for first (``prepared``), or an item too long to hold back, checked batch by batch."""
    from scanner.item_scan import detect, prepare

    if timings is not None:
        detectors = [_Timed(detector, timings) for detector in detectors]
    if prepared:
        prepare(detectors, batches)
    for batch in batches:
        detect(detectors, batch)


def groups(trees: Iterator[list[tuple[str, list]]]) -> Iterator[tuple[list, bool]]:
    """(batches, prepared) as the scan checks them: the items of a chunk of ``Chunks.CHUNK_ITEMS`` top-level
    items are held back and checked as a group (up to ``ItemScanner.GROUP_CHARS`` of text); an item with more than
    ``ItemScanner.HOLD_CHARS`` of text is checked alone, unprepared."""
    from scanner.item_scan import ItemScanner
    from scanner.workers import Chunks

    held: list = []
    held_chars = 0
    for n, tree in enumerate(trees, 1):
        for _, texts in tree:
            chars = sum(len(batch.text) for batch in texts)
            if chars > ItemScanner.HOLD_CHARS:
                yield texts, False
                continue
            held += texts
            held_chars += chars
            if held_chars >= ItemScanner.GROUP_CHARS:
                yield held, True
                held, held_chars = [], 0
        if n % Chunks.CHUNK_ITEMS == 0 and held:
            yield held, True
            held, held_chars = [], 0
    if held:
        yield held, True


def split_run(root: Path, detectors, sample_mb: float) -> Split:
    from scanner.config import ExtractionConfig, extraction_limits

    limits = extraction_limits(ExtractionConfig())
    split = Split()

    def trees() -> Iterator[list[tuple[str, list]]]:
        from scanner.copies import content_digest

        read: set[str] = set()
        for item in item_trees(root):
            digest = content_digest(item)
            if digest in read:
                split.copies += 1
                continue  # a byte-for-byte copy: the scan takes the first one's results, detecting nothing
            if digest is not None:
                read.add(digest)
            split.source_bytes += item.size or 0
            started = time.perf_counter()
            tree = extracted(item, limits)
            split.extract_s += time.perf_counter() - started
            split.items += len(tree)
            yield tree

    for batches, prepared in groups(trees()):
        size = sum(len(batch.text.encode("utf-8")) for batch in batches)
        split.text_bytes += size
        check(detectors, batches, prepared, split.detect_s)
        if split.sample_bytes < sample_mb * MB:
            split.sample.append((batches, prepared))
            split.sample_bytes += size
    return split


# --- Presidio's default analyzer ----------------------------------------------------------------------------

def presidio_default(model: str):
    """Presidio's ``AnalyzerEngine()`` with its default registry and NLP configuration, on ``model`` loaded here.

    Nothing is downloaded: the model is a package, and presidio's email check gets the Public Suffix List
    snapshot bundled with tldextract instead of fetching it.
    """
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    import presidio_analyzer.predefined_recognizers.generic.email_recognizer as email_module

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_module.tldextract = types.SimpleNamespace(extract=offline)  # the default registry's EmailRecognizer
    assert EmailRecognizer.__module__ == email_module.__name__

    class Preloaded(SpacyNlpEngine):
        def __init__(self, nlp):
            super().__init__(models=[{"lang_code": "en", "model_name": model}],
                             ner_model_configuration=NerModelConfiguration())
            self.nlp = {"en": nlp}

        def load(self) -> None:
            pass

    return AnalyzerEngine(nlp_engine=Preloaded(spacy.load(model)), supported_languages=["en"])


PRESIDIO_TYPES = {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "UK_NHS", "UK_NINO", "UK_POSTCODE"}


def sample_times(detectors, analyzer, sample: list[tuple[list, bool]]) -> tuple[float, float | None]:
    """Seconds gdprscan's detectors and Presidio's ``analyzer`` (None: not run) take on ``sample``, group by
    group in turn: the host's speed drifts (other machines share it), and a short run measured apart from a long
    one would catch a different moment of it."""
    ours = theirs = 0.0
    for batches, prepared in sample:
        started = time.perf_counter()
        check(detectors, batches, prepared)
        ours += time.perf_counter() - started
        if analyzer is not None:
            started = time.perf_counter()
            for batch in batches:
                analyzer.analyze(batch.text, language="en")
            theirs += time.perf_counter() - started
    return ours, theirs if analyzer is not None else None


# --- accuracy on the labelled evaluation set ----------------------------------------------------------------

def evaluation_scores(root: Path, detectors, analyzer) -> dict:
    from scanner.config import ExtractionConfig, extraction_limits
    from scanner.item_scan import detect
    from scanner.items import ENTITY
    from tests.evaluation.corpus import ENTITY_TYPES, build_corpus
    from tests.evaluation.metrics import score_labels

    labels = build_corpus(root)
    limits = extraction_limits(ExtractionConfig())
    ours: dict[str, set[str]] = {}
    theirs: dict[str, set[str]] = {}
    for item in item_trees(root):
        for location, texts in extracted(item, limits):
            ours[location] = {f.entity_type for b in texts for f in detect(detectors, b) if f.kind == ENTITY}
            theirs[location] = {r.entity_type for b in texts for r in analyzer.analyze(b.text, language="en")}
    truth = {f"{root}/{label.path}": set(label.entities) for label in labels}
    return {
        name: score_labels([(t, predicted.get(loc, set())) for loc, t in truth.items()], ENTITY_TYPES)
        for name, predicted in (("gdprscan", ours), ("presidio", theirs))
    }


# --- the report ---------------------------------------------------------------------------------------------

def _rate(size: float, seconds: float) -> float:
    return size / seconds if seconds else float("inf")


def report(info, scans: list[ScanRun], split: Split, ours_sample_s: float, presidio_s: float | None,
           scores: dict | None, tiny: list[ScanRun], self_rss_mb: float) -> str:
    from tests.evaluation.corpus import IDENTIFIERS
    from tests.evaluation.metrics import micro

    lines = [
        f"Corpus: {info.files:,} files, {info.bytes / MB:.1f} MB "
        f"({', '.join(f'{k} {v}' for k, v in info.by_format.items())}); {os.cpu_count()} CPUs",
        "",
        "End to end (gdprscan scan, separate process)",
        f"  {'run':<16}{'items':>8}{'read':>8}{'scan s':>9}{'wall s':>9}{'items/s':>10}{'src MB/s':>10}{'peak RSS':>11}",
    ]
    for s in scans + tiny:
        lines.append(f"  {s.label:<16}{s.items_seen:>8,}{s.items_scanned:>8,}{s.seconds:>9.1f}{s.wall:>9.1f}"
                     f"{s.items_per_s:>10,.0f}{s.source_mb_per_s:>10.2f}{s.peak_rss_mb:>8.0f} MB")
    best = {}
    for s in scans:
        if s.label.startswith("cold, ") and (s.label not in best or s.wall < best[s.label].wall):
            best[s.label] = s
    cold, one = next(iter(best.values())), best.get("cold, 1 wkr")
    lines.append(f"  end to end (best {cold.label}): {cold.source_mb_per_s:.2f} MB/s of source (target >= 2)")
    if one is not None and one is not cold:
        lines.append(f"  {cold.label.split(', ')[1]} vs 1 (best of each): {one.wall / cold.wall:.2f}x wall time, "
                     f"{one.seconds_loaded / cold.seconds_loaded:.2f}x scan time with model loading (target >= 1.7x)")
    text_mb = split.text_bytes / MB
    lines += [
        "",
        f"Extraction and detection apart (this process): {split.items:,} items, {text_mb:.1f} MB of text "
        f"({split.copies:,} byte-for-byte copies skipped, as the scan skips them)",
        f"  extraction       {split.extract_s:8.1f} s  {_rate(text_mb, split.extract_s):7.2f} MB/s of text"
        f"  ({_rate(split.source_bytes / MB, split.extract_s):.2f} MB/s of source)",
        f"  detection        {split.detect_total_s:8.1f} s  {_rate(text_mb, split.detect_total_s):7.2f} MB/s of text",
    ]
    for name, seconds in split.detect_s.items():
        lines.append(f"    {name:<15}{seconds:8.1f} s  {_rate(text_mb, seconds):7.2f} MB/s")
    sample_mb = split.sample_bytes / MB
    if presidio_s is not None:
        ours = _rate(sample_mb, ours_sample_s)
        theirs = _rate(sample_mb, presidio_s)
        lines += [
            "",
            f"Detection on the same {sample_mb:.2f} MB sample of extracted text",
            f"  gdprscan (all detectors)   {ours_sample_s:8.1f} s  {ours:7.3f} MB/s",
            f"  presidio AnalyzerEngine()  {presidio_s:8.1f} s  {theirs:7.3f} MB/s",
            f"  ratio                      {ours / theirs:8.1f}x  (target >= 50x)",
        ]
    if scores:
        lines += ["", "Accuracy on the labelled evaluation set (item-level F1)",
                  f"  {'':<34}{'gdprscan':>9}{'presidio':>9}"]
        presidio_ids = [e for e in IDENTIFIERS if e in PRESIDIO_TYPES]
        rows = [("PERSON", ["PERSON"]), ("identifiers (micro, all 10)", list(IDENTIFIERS)),
                (f"identifiers presidio has ({len(presidio_ids)})", presidio_ids)]
        rows += [(f"  {e}", [e]) for e in IDENTIFIERS]
        for title, labels in rows:
            f1 = [micro({k: scores[who][k] for k in labels}).f1 for who in ("gdprscan", "presidio")]
            lines.append(f"  {title:<34}{f1[0]:>9.3f}{f1[1]:>9.3f}")
    lines += ["", f"Peak RSS of this benchmark process: {self_rss_mb:.0f} MB"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=50, help="source MB of the school share (default 50)")
    parser.add_argument("--files", type=int, default=0, help="also time an unchanged rescan of N tiny files")
    parser.add_argument("--work", type=Path, default=Path("bench-work"), help="corpus and stores (default ./bench-work)")
    parser.add_argument("--workers", type=int, default=2,
                        help="scan.workers for the gdprscan scans (default 2); other than 1, a cold scan with 1 "
                             "worker is also run as the baseline of the speed-up")
    parser.add_argument("--repeat", type=int, default=2, help="cold scans of each kind, best one compared (default 2)")
    parser.add_argument("--presidio-sample-mb", type=float, default=1.0,
                        help="MB of extracted text Presidio analyses (it runs about 0.03 MB/s; default 1)")
    parser.add_argument("--no-presidio", action="store_true", help="skip Presidio and the accuracy comparison")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    info = bench_corpus.school_share(work / f"share-{args.size_mb:g}mb-seed{args.seed}", args.size_mb, args.seed)
    print(f"corpus ready ({time.monotonic() - started:.0f} s): {info.files:,} files, {info.bytes / MB:.1f} MB",
          file=sys.stderr)

    # Cold scans with scan.workers and, as the baseline of the speed-up, with 1 worker, alternately, each on a
    # fresh store, --repeat times: the best of each is compared (a shared machine's timings wander).
    configs = {workers: write_config(work / f"bench-{workers}w.yaml", work / f"bench-{workers}w.db", info.root, workers)
               for workers in dict.fromkeys([args.workers, 1])}
    cold: dict[int, list[ScanRun]] = {workers: [] for workers in configs}
    for _ in range(args.repeat):
        for workers, config in configs.items():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work / f'bench-{workers}w.db'}{suffix}").unlink(missing_ok=True)
            cold[workers].append(run_scan(f"cold, {workers} wkr", config))
    config = configs[args.workers]  # its store holds the last cold scan's results
    scans = [run for workers in configs for run in cold[workers]]
    scans.append(run_scan("unchanged", config))
    changed = bench_corpus.change_fraction(info.root, 0.01)
    scans.append(run_scan(f"{changed} changed", config))
    print("scans done", file=sys.stderr)

    tiny: list[ScanRun] = []
    if args.files:
        tiny_info = bench_corpus.tiny_files(work / f"tiny-{args.files}", args.files)
        tiny_db = work / "tiny.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tiny_db}{suffix}").unlink(missing_ok=True)
        tiny_config = write_config(work / "tiny.yaml", tiny_db, tiny_info.root, args.workers)
        # The first scan only fills the store (no detectors): the figure wanted is the unchanged rescan.
        tiny = [run_scan("tiny fill", tiny_config, detect=False), run_scan("tiny unchanged", tiny_config)]
        print("tiny-file scans done", file=sys.stderr)

    from detectors import build_detectors
    from scanner.config import DetectionConfig

    detection = DetectionConfig()
    detectors = build_detectors(detection)
    split = split_run(info.root, detectors, args.presidio_sample_mb)
    print("extraction/detection split done", file=sys.stderr)

    scores = None
    # Fresh detectors for the comparison: the ones above have already seen the sample (NER remembers the lines
    # it read), and Presidio sees it for the first time.
    detectors = build_detectors(detection)
    analyzer = None if args.no_presidio else presidio_default(detection.spacy_model)
    ours_sample_s, presidio_s = sample_times(detectors, analyzer, split.sample)
    if analyzer is not None:
        print("presidio done", file=sys.stderr)
        scores = evaluation_scores(work / "evaluation", detectors, analyzer)

    import resource

    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(report(info, scans, split, ours_sample_s, presidio_s, scores, tiny, self_rss))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
