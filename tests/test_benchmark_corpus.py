"""The benchmark's "1% changed" rescan edits files for real, on a fresh corpus and on one an earlier run edited."""

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
