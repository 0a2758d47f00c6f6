"""The scan loop on its own: incremental rescans, per-item failures, members, batching.

Extraction and detection are replaced by small fakes here so each test is about the engine; the end-to-end
test (test_cli_end_to_end.py) runs the real ones.
"""

import json
import os
import signal
import time
from pathlib import Path

import pytest

from scanner.config import Config, FilesystemSource
from scanner.engine import Engine
from scanner.item_scan import ItemScanner, batches
from scanner.items import Document, ExtractionError, Segment
from scanner.store import Store
from scanner.workers import Chunks
from tests.fakes import CountingExtractor, EmailDetector


def make_engine(tmp_path, root, extractor=None, batch_size=50):
    config = Config(
        sources=[FilesystemSource(type="filesystem", name="share", paths=[root])],
        scan={"batch_size": batch_size},
    )
    store = Store(tmp_path / "store.db")
    extractor = extractor or CountingExtractor()
    return Engine(config, store, [EmailDetector()], extract=extractor), store, extractor


def findings_of(store, location):
    row = next(store.db.query("SELECT id FROM items WHERE location = ?", [str(location)]))
    return {f["entity_type"]: f["count"] for f in store.db.query("SELECT * FROM findings WHERE item_id = ?", [row["id"]])}


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("contact ann@school.uk\nand bob@school.uk\n")
    (root / "sub" / "b.txt").write_text("nothing personal here\n")
    (root / "sub" / "c.txt").write_text("carl@home.uk\n")
    return root


def test_unchanged_rescan_extracts_nothing(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    first = engine.run()
    assert first.items_scanned == 3 and first.status == "completed"
    assert len(extractor.calls) == 3

    engine2 = Engine(engine.config, store, engine.detectors, extract=extractor)
    second = engine2.run()
    assert len(extractor.calls) == 3, "an unchanged item must not be extracted again"
    assert second.items_unchanged == 3 and second.items_scanned == 0
    assert findings_of(store, share / "a.txt") == {"EMAIL_ADDRESS": 2}
    rows = {r["location"]: r for r in store.items()}
    assert all(r["last_seen_scan"] == second.scan_id for r in rows.values())
    assert all(r["first_seen_scan"] == first.scan_id for r in rows.values())


def test_changed_item_replaces_findings(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    target = share / "a.txt"
    target.write_text("only one now: dan@school.uk, and a longer line\n")
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert extractor.calls.count(str(target)) == 2
    assert summary.items_scanned == 1 and summary.items_unchanged == 2
    assert findings_of(store, target) == {"EMAIL_ADDRESS": 1}
    assert store.db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 2  # a.txt and c.txt


def test_deleted_item_is_marked_gone_and_comes_back(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    content = (share / "sub" / "c.txt").read_bytes()
    (share / "sub" / "c.txt").unlink()
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert summary.gone == 1
    gone = {r["location"] for r in store.items(include_gone=True) if r["gone"]}
    assert gone == {str(share / "sub" / "c.txt")}
    assert str(share / "sub" / "c.txt") not in {r["location"] for r in store.items()}

    (share / "sub" / "c.txt").write_bytes(content)
    Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert str(share / "sub" / "c.txt") in {r["location"] for r in store.items()}


def test_unavailable_source_marks_nothing_gone(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    moved = tmp_path / "elsewhere"
    share.rename(moved)
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert summary.gone == 0
    assert summary.errors == 1
    assert "source not scanned" in store.errors(summary.scan_id)[0]["reason"]
    assert all(not r["gone"] for r in store.items(include_gone=True))


def test_per_item_outcomes_are_recorded_and_scan_goes_on(tmp_path, share):
    (share / "locked.docx").write_bytes(b"x")
    (share / "logo.png").write_bytes(b"\x89PNG")
    (share / "corrupt.docx").write_bytes(b"PK")
    engine, store, _ = make_engine(tmp_path, share)
    summary = engine.run()
    rows = {os.path.basename(r["location"]): r for r in store.items()}
    assert rows["locked.docx"]["status"] == "encrypted" and rows["locked.docx"]["encrypted"] == 1
    assert rows["a.txt"]["encrypted"] == 0
    assert rows["logo.png"]["status"] == "not_scanned"
    assert rows["logo.png"]["reason"] == "not scanned: unsupported type image/png"
    assert rows["corrupt.docx"]["status"] == "error"
    assert rows["corrupt.docx"]["reason"] == "corrupt docx: bad zip header"
    assert summary.encrypted == 1 and summary.errors == 1
    assert [e["reason"] for e in store.errors(summary.scan_id)] == ["corrupt docx: bad zip header"]
    assert findings_of(store, share / "sub" / "c.txt") == {"EMAIL_ADDRESS": 1}


def test_unexpected_exception_in_extractor_is_an_item_error(tmp_path, share):
    class Exploding(CountingExtractor):
        def __call__(self, item, limits):
            if item.name == "b.txt":
                raise ValueError("boom")
            return super().__call__(item, limits)

    engine, store, _ = make_engine(tmp_path, share, extractor=Exploding())
    summary = engine.run()
    assert summary.status == "completed"
    row = next(r for r in store.items() if r["location"].endswith("b.txt"))
    assert row["status"] == "error" and row["reason"] == "unexpected ValueError: boom"


def test_an_item_over_the_time_limit_is_recorded_and_the_scan_goes_on(tmp_path, share):
    class Slow(CountingExtractor):
        def __call__(self, item, limits):
            if item.name == "b.txt":
                time.sleep(30)  # a pathological file
            return super().__call__(item, limits)

    config = Config(
        sources=[FilesystemSource(type="filesystem", name="share", paths=[share])],
        scan={"item_timeout": 0.5},
    )
    store = Store(tmp_path / "store.db")
    started = time.monotonic()
    summary = Engine(config, store, [EmailDetector()], extract=Slow()).run()
    assert time.monotonic() - started < 10
    assert summary.status == "completed"
    rows = {os.path.basename(r["location"]): r for r in store.items()}
    assert rows["b.txt"]["status"] == "error"
    assert rows["b.txt"]["reason"] == "took longer than 0.5 s (scan.item_timeout): not fully checked"
    assert findings_of(store, share / "sub" / "c.txt") == {"EMAIL_ADDRESS": 1}
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # the handler is put back


def test_members_are_stored_as_children_with_bang_locations(tmp_path, share):
    (share / "mail.bundle").write_text("to eve@school.uk\n---\nfrom fay@school.uk and gus@school.uk")
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    parent = str(share / "mail.bundle")
    part2 = f"{parent}!part2.txt"
    rows = {r["location"]: r for r in store.items()}
    assert rows[part2]["parent_id"] == rows[parent]["id"]
    assert rows[part2]["root_id"] == rows[parent]["id"]
    assert rows[part2]["depth"] == 1
    assert findings_of(store, part2) == {"EMAIL_ADDRESS": 2}

    # Unchanged parent: members are not re-read either, and stay present.
    calls = len(extractor.calls)
    Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert len(extractor.calls) == calls
    assert part2 in {r["location"] for r in store.items()}


def test_raw_values_kept_only_when_configured(tmp_path, share):
    engine, store, _ = make_engine(tmp_path, share)
    engine.run()
    raw = [r["raw_values"] for r in store.db.query("SELECT raw_values FROM findings")]
    assert raw and all(v is None for v in raw)
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("store.db*"))
    assert b"ann@school.uk" not in blob

    config = engine.config.model_copy(update={"store": engine.config.store.model_copy(update={"keep_raw_values": True})})
    store2 = Store(tmp_path / "raw.db")
    Engine(config, store2, engine.detectors, extract=CountingExtractor()).run()
    values = [json.loads(r["raw_values"]) for r in store2.db.query("SELECT raw_values FROM findings")]
    assert ["ann@school.uk", "bob@school.uk"] in values


def test_interrupted_scan_keeps_committed_batches_and_resumes(tmp_path, share, monkeypatch):
    for i in range(10):
        (share / f"n{i:02}.txt").write_text(f"p{i}@school.uk\n")

    class Interrupting(CountingExtractor):
        def __call__(self, item, limits):
            if len(self.calls) == 7:
                raise KeyboardInterrupt
            return super().__call__(item, limits)

    # Items are read three at a time, then checked: the interrupt comes while the third chunk is being read.
    monkeypatch.setattr(Chunks, "CHUNK_ITEMS", 3)
    engine, store, _ = make_engine(tmp_path, share, extractor=Interrupting(), batch_size=2)
    finished = []
    engine.on_item = lambda item, outcome: finished.append(item.location)
    with pytest.raises(KeyboardInterrupt):
        engine.run()
    first = store.last_scan()
    assert first["status"] == "interrupted"
    kept = store.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    assert kept == len(finished) == 6  # every finished item was committed on the way out

    resumed = CountingExtractor()
    summary = Engine(engine.config, store, engine.detectors, extract=resumed).run()
    assert len(resumed.calls) == 13 - kept, "only what the interrupted scan did not finish is read"
    assert summary.items_unchanged == kept
    assert store.db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 13
    assert store.db.execute("SELECT SUM(count) FROM findings").fetchone()[0] == 13


def test_batches_cut_long_segments_and_map_offsets_back():
    segs = [Segment("a" * 30, "line 1"), Segment("b" * 120, "line 2"), Segment("  ", "line 3"), Segment("c", "line 4")]
    out = list(batches(segs, max_chars=50))
    texts = [[s.text for s in b.segments] for b in out]
    assert texts == [["a" * 30], ["b" * 50], ["b" * 50], ["b" * 20, "c"]]
    last = out[-1]
    assert last.segment_at(last.text.index("c")).locator == "line 4"
    assert last.segment_at(0).locator == "line 2"


def test_text_read_before_a_file_breaks_is_still_checked(tmp_path, share):
    class BreaksHalfway(CountingExtractor):
        def __call__(self, item, limits):
            if item.name != "a.txt":
                return super().__call__(item, limits)

            def segments():
                yield Segment("write to early@school.uk", "line 1")
                raise ExtractionError("corrupt txt: broken after line 1")

            return Document("txt", segments=segments())

    engine, store, _ = make_engine(tmp_path, share, extractor=BreaksHalfway())
    engine.run()
    row = next(r for r in store.items() if r["location"].endswith("a.txt"))
    assert row["status"] == "error" and row["reason"] == "corrupt txt: broken after line 1"
    assert findings_of(store, share / "a.txt") == {"EMAIL_ADDRESS": 1}


class PreparingEmailDetector(EmailDetector):
    """Records what it is asked to prepare for, and which batches it then sees unprepared."""

    def __init__(self):
        self.prepared: list[list[str]] = []
        self.unprepared: list[str] = []

    def prepare(self, batches):
        self.prepared.append([batch.text for batch in batches])

    def detect(self, batch, found=()):
        if not any(batch.text in texts for texts in self.prepared):
            self.unprepared.append(batch.text)
        return super().detect(batch, found)


def test_items_are_read_first_and_checked_together(tmp_path, share, monkeypatch):
    for i in range(5):
        (share / f"n{i}.txt").write_text(f"p{i}@school.uk\n")
    (share / "long.txt").write_text("long@school.uk " + "x" * 100 + "\n")
    monkeypatch.setattr(ItemScanner, "HOLD_CHARS", 100)  # long.txt is checked as it is read, not held back
    monkeypatch.setattr(Chunks, "CHUNK_ITEMS", 4)
    config = Config(sources=[FilesystemSource(type="filesystem", name="share", paths=[share])])
    detector = PreparingEmailDetector()
    store = Store(tmp_path / "store.db")
    summary = Engine(config, store, [detector], extract=CountingExtractor()).run()
    assert summary.status == "completed" and summary.items_scanned == 9
    # Three chunks of up to four items; each chunk's held texts prepared for in one call.
    assert [len(texts) for texts in detector.prepared] == [3, 4, 1]
    assert detector.unprepared == ["long@school.uk " + "x" * 100]
    assert findings_of(store, share / "long.txt") == findings_of(store, share / "n4.txt") == {"EMAIL_ADDRESS": 1}
    assert sum(f["count"] for f in store.db.query("SELECT count FROM findings")) == 9

    monkeypatch.setattr(ItemScanner, "GROUP_CHARS", 30)  # held text over this is checked at once
    detector = PreparingEmailDetector()
    Engine(config, Store(tmp_path / "again.db"), [detector], extract=CountingExtractor()).run()
    assert max(sum(map(len, texts)) for texts in detector.prepared) < 30 + 15
    assert len(detector.prepared) > 3


def test_reading_time_counts_towards_the_item_time_limit(tmp_path, share):
    class SlowExtractor(CountingExtractor):
        def __call__(self, item, limits):
            if item.name == "a.txt":
                time.sleep(0.6)
            return super().__call__(item, limits)

    class SlowDetector(EmailDetector):
        def detect(self, batch, found=()):
            if "ann@" in batch.text:
                time.sleep(0.6)
            return super().detect(batch, found)

    config = Config(sources=[FilesystemSource(type="filesystem", name="share", paths=[share])], scan={"item_timeout": 1})
    store = Store(tmp_path / "store.db")
    Engine(config, store, [SlowDetector()], extract=SlowExtractor()).run()
    rows = {Path(r["location"]).name: r for r in store.items()}
    assert rows["a.txt"]["status"] == "error" and "took longer than 1 s" in rows["a.txt"]["reason"]
    assert rows["c.txt"]["status"] == "scanned"


def test_a_copy_waiting_for_an_original_that_failed_is_read_on_its_own(tmp_path, share):
    import shutil

    shutil.copy(share / "a.txt", share / "sub" / "a (copy).txt")

    class FailsOnce(CountingExtractor):
        def __call__(self, item, limits):
            if item.name == "a.txt":
                raise ExtractionError("cannot read: busy")
            return super().__call__(item, limits)

    extractor = FailsOnce()
    engine, store, _ = make_engine(tmp_path, share, extractor=extractor)
    summary = engine.run()
    assert summary.items_copied == 0 and summary.items_scanned == 4
    assert extractor.calls.count(str(share / "sub" / "a (copy).txt")) == 1
    assert findings_of(store, share / "sub" / "a (copy).txt") == {"EMAIL_ADDRESS": 2}


def test_run_paths_rescans_moves_and_marks_gone_only_what_it_covers(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    first = engine.run()
    source = engine.config.sources[0]
    os.rename(share / "sub", share / "moved")
    (share / "a.txt").unlink()
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run_paths(
        source, [str(share / "a.txt")], moves=[(str(share / "sub"), str(share / "moved"))]
    )
    assert summary.gone == 1 and summary.items_scanned == 0, "moved files are re-keyed, not read again"
    rows = {r["location"]: r for r in store.items(include_gone=True)}
    assert rows[str(share / "a.txt")]["gone"] == 1
    assert rows[str(share / "moved" / "c.txt")]["first_seen_scan"] == first.scan_id
    assert findings_of(store, share / "moved" / "c.txt") == {"EMAIL_ADDRESS": 1}
    assert not any(loc.startswith(str(share / "sub")) for loc in rows)
    assert store.last_scan()["kind"] == "watch"


def test_run_paths_on_an_unmounted_root_marks_nothing_gone(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    share.rename(tmp_path / "unmounted")
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run_paths(
        engine.config.sources[0], [str(share)]
    )
    assert summary.gone == 0 and summary.errors == 1
    assert all(not r["gone"] for r in store.items(include_gone=True))


def test_a_permission_change_alone_updates_exposure_without_reading(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    os.chmod(share / "a.txt", 0o600)
    engine.run()
    assert not next(r for r in store.items() if r["name"] == "a.txt")["exposed"]
    os.chmod(share / "a.txt", 0o644)
    calls = len(extractor.calls)
    Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert len(extractor.calls) == calls
    row = next(r for r in store.items() if r["name"] == "a.txt")
    assert row["exposed"] == 1 and json.loads(row["exposure"])["exposed_to"] == ["everyone"]


def test_copies_of_the_same_bytes_are_read_once(tmp_path, share):
    import shutil
    import zipfile

    with zipfile.ZipFile(share / "trip.zip", "w") as archive:
        archive.writestr("consent.txt", "parent: pat@home.uk\n")
        archive.writestr("inner/list.txt", "ann@school.uk and bob@school.uk\n")
    (share / "copies").mkdir()
    shutil.copy(share / "a.txt", share / "copies" / "a (copy).txt")
    shutil.copy(share / "trip.zip", share / "copies" / "trip-2019.zip")
    config = Config(sources=[FilesystemSource(type="filesystem", name="share", paths=[share])])
    store = Store(tmp_path / "store.db")
    opened = []
    from scanner.extractors import extract

    def counting_extract(item, limits):
        opened.append(item.location)
        return extract(item, limits)

    summary = Engine(config, store, [EmailDetector()], extract=counting_extract).run()
    assert summary.items_copied == 2 and summary.status == "completed"
    assert str(share / "copies" / "a (copy).txt") not in opened
    assert not any(location.startswith(str(share / "copies" / "trip-2019.zip")) for location in opened)
    copy = str(share / "copies" / "trip-2019.zip")
    assert findings_of(store, share / "copies" / "a (copy).txt") == findings_of(store, share / "a.txt") == {"EMAIL_ADDRESS": 2}
    assert findings_of(store, f"{copy}!consent.txt") == {"EMAIL_ADDRESS": 1}
    assert findings_of(store, f"{copy}!inner/list.txt") == {"EMAIL_ADDRESS": 2}
    rows = {r["location"]: r for r in store.items()}
    member = rows[f"{copy}!inner/list.txt"]
    assert member["root_id"] == rows[copy]["id"] and member["parent_id"] == rows[copy]["id"]
    assert rows[copy]["name"] == "trip-2019.zip" and rows[copy]["content_hash"] == rows[str(share / "trip.zip")]["content_hash"]
    assert len(rows) == 3 + 1 + 2 * (1 + 2)  # a, b, c, the copy of a, and two zips with two members each


def test_a_touched_file_with_the_same_bytes_is_not_read_again(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    target = share / "a.txt"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched: new time, same bytes
    summary = Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert extractor.calls.count(str(target)) == 1 and summary.items_unchanged == 3
    row = next(r for r in store.items() if r["location"] == str(target))
    assert row["version"] == f"{st.st_mtime_ns + 5_000_000_000}:{st.st_size}"  # the next scan skips it by version
    assert findings_of(store, target) == {"EMAIL_ADDRESS": 2}
    target.write_text(target.read_text().replace("ann@", "amy@"))  # same size, new bytes: read again
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 9_000_000_000))
    Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert extractor.calls.count(str(target)) == 2


def test_changed_detection_settings_have_every_item_read_again(tmp_path, share):
    engine, store, extractor = make_engine(tmp_path, share)
    engine.run()
    assert len(extractor.calls) == 3
    Engine(engine.config, store, engine.detectors, extract=extractor).run()
    assert len(extractor.calls) == 3  # same settings: nothing read again
    changed = engine.config.model_copy(update={"detection": engine.config.detection.model_copy(update={"snippet_chars": 10})})
    summary = Engine(changed, store, engine.detectors, extract=extractor).run()
    assert len(extractor.calls) == 6 and summary.items_unchanged == 0 and summary.items_scanned == 3
    Engine(changed, store, engine.detectors, extract=extractor).run()
    assert len(extractor.calls) == 6  # recorded: the next scan is incremental again
    Engine(changed, store, engine.detectors, extract=extractor, reread=True).run()
    assert len(extractor.calls) == 9  # --reread
    assert findings_of(store, share / "a.txt") == {"EMAIL_ADDRESS": 2}
