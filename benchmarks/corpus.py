"""The benchmark corpus: a synthetic school share of a chosen size, and a share of many tiny files.

The school share is made of copies of the labelled evaluation set (``tests/evaluation``: registers, letters,
care plans, HR files, emails with attachments, policies, lessons, reading lists, in 13 formats), each copy
with its own seed, so the people, numbers and wording differ from copy to copy. Everything is fictional.
A corpus already built with the same size and seed is reused.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CORPUS_VERSION = 1


@dataclass(frozen=True)
class CorpusInfo:
    root: Path
    files: int
    bytes: int
    by_format: dict[str, int]


def _write_set(root: str, seed: int) -> int:
    from tests.evaluation.corpus import build_corpus

    build_corpus(Path(root), seed=seed)
    return sum(p.stat().st_size for p in Path(root).rglob("*") if p.is_file())


def _survey(root: Path) -> CorpusInfo:
    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    formats = Counter(p.suffix.lstrip(".").lower() for p in files)
    return CorpusInfo(root, len(files), sum(p.stat().st_size for p in files), dict(sorted(formats.items())))


def school_share(root: Path, size_mb: float, seed: int = 1, processes: int = 2) -> CorpusInfo:
    """A share of at least ``size_mb`` MB (10^6 bytes) of source files under ``root``."""
    marker = root.parent / f"{root.name}.corpus.json"  # outside the share: not scanned
    wanted = {"version": CORPUS_VERSION, "size_mb": size_mb, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return _survey(root)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    first = _write_set(str(root / "set-0000"), seed * 10_000)
    sets = max(1, -(-int(size_mb * 1e6) // first))  # each copy is about the size of the first
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_write_set, [str(root / f"set-{n:04d}") for n in range(1, sets)],
                      [seed * 10_000 + n for n in range(1, sets)]))
    marker.write_text(json.dumps(wanted))
    return _survey(root)


TINY_TEXT = "Reading record for {name}: read {pages} pages of {book} this week. Signed, class teacher.\n"


def tiny_files(root: Path, count: int) -> CorpusInfo:
    """``count`` small text files (a few lines each), 1,000 to a folder: for the rescan-of-many-files figure."""
    marker = root.parent / f"{root.name}.corpus.json"  # outside the share: not scanned
    wanted = {"version": CORPUS_VERSION, "tiny_files": count}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return _survey(root)
    if root.exists():
        shutil.rmtree(root)
    names = ["Amelia Hart", "Noah Price", "Isla Okafor", "Leo Barnes", "Freya Singh"]
    books = ["The Hobbit", "Holes", "Wonder", "Skellig"]
    for n in range(count):
        folder = root / f"class-{n // 1000:04d}"
        if n % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"reading-{n:06d}.txt", "w", encoding="utf-8") as handle:
            handle.write(TINY_TEXT.format(name=names[n % 5], pages=n % 40 + 1, book=books[n % 4]))
    marker.write_text(json.dumps(wanted))
    return _survey(root)


def change_fraction(root: Path, fraction: float) -> int:
    """Edit every (1/fraction)-th file, as a person would: its bytes become those of the same file in the next
    copy of the evaluation set that differs from it (a valid file of the same kind with other people and
    numbers; on a corpus edited by an earlier run, a copy further on). Files whose every copy has the same bytes
    (a policy, a lesson) are left alone. Returns how many files changed."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    sets = sorted(p for p in root.iterdir() if p.is_dir())
    changed = 0
    for path in files[:: max(1, round(1 / fraction))]:
        own = next((i for i, s in enumerate(sets) if s in path.parents), None)
        if own is None:
            continue
        current = path.read_bytes()
        donors = (sets[(own + k) % len(sets)] / path.relative_to(sets[own]) for k in range(1, len(sets)))
        donor = next((d for d in donors if d.is_file() and d.read_bytes() != current), None)
        if donor is None:
            continue
        st = path.stat()
        path.write_bytes(donor.read_bytes())
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        changed += 1
    return changed
