"""The benchmark: its "1% changed" rescan edits files for real (on a fresh corpus and on one an earlier run edited), and it groups texts as the scan checks them."""

from benchmarks.corpus import change_fraction, school_share


def test_every_run_edits_the_chosen_files(tmp_path):
    info = school_share(tmp_path / "share", 8)  # three copies of the evaluation set
    files = sorted(p for p in info.root.rglob("*") if p.is_file())
    for run in range(3):
        before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
        changed = change_fraction(info.root, 0.05)
        edited = [p for p in files if p.read_bytes() != before[p][0]]
        assert changed == len(edited) > len(files) * 0.05 / 3, run  # most chosen files have other copies
        assert all(p.stat().st_mtime_ns > before[p][1] for p in edited)


def test_the_benchmark_groups_texts_as_the_scan_checks_them(monkeypatch):
    from benchmarks.run import groups
    from scanner.item_scan import ItemScanner
    from scanner.items import Segment, TextBatch
    from scanner.workers import Chunks

    monkeypatch.setattr(Chunks, "CHUNK_ITEMS", 2)
    monkeypatch.setattr(ItemScanner, "HOLD_CHARS", 10)

    def tree(*texts):  # a top-level item and its members, each with one batch
        return [(f"item{i}", [TextBatch.of([Segment(text, "p1")])]) for i, text in enumerate(texts)]

    trees = [tree("a", "b"), tree("c"), tree("a long text"), tree("d"), tree("e")]
    got = [([batch.text for batch in batches], prepared) for batches, prepared in groups(iter(trees))]
    assert got == [(["a", "b", "c"], True), (["a long text"], False), (["d"], True), (["e"], True)]


def test_the_benchmark_times_each_detector_through_the_scan_s_own_steps():
    from benchmarks.run import check
    from scanner.items import Segment, TextBatch
    from tests.fakes import EmailDetector

    class Preparing(EmailDetector):
        name = "preparing"
        prepared: list = []

        def prepare(self, batches):
            self.prepared.append([batch.text for batch in batches])

    batches = [TextBatch.of([Segment(text, "p1")]) for text in ("a@b.uk", "nothing")]
    plain, preparing, timings = EmailDetector(), Preparing(), {}
    check([plain, preparing], batches, True, timings)
    assert preparing.prepared == [["a@b.uk", "nothing"]] and not hasattr(plain, "prepared")
    assert set(timings) == {"fake_email", "preparing"} and all(seconds > 0 for seconds in timings.values())
    check([plain, preparing], batches, False, timings)  # an item too long to hold back: not prepared
    assert len(preparing.prepared) == 1
