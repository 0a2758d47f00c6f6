"""Filesystem connector: globs, symlinks, permissions as exposure, errors as data, read-only opens."""

import os

import pytest

from connectors import SourceUnavailable
from connectors.filesystem import FilesystemConnector, glob_to_regex
from scanner.config import FilesystemSource
from scanner.items import NotScanned


def listing(root, **options):
    errors = []
    source = FilesystemSource(type="filesystem", name="s", paths=[root], **options)
    items = list(FilesystemConnector(source).items(lambda loc, reason: errors.append((loc, reason))))
    return {os.path.relpath(i.location, root): i for i in items}, errors


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    for rel in ["a.docx", "b.txt", "~$a.docx", "Pupils/c.xlsx", "Pupils/.git/config", "Pupils/Old/d.pdf"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    return root


def test_lists_every_file_with_stat_details(tree):
    items, errors = listing(tree, exclude=[])
    assert set(items) == {"a.docx", "b.txt", "~$a.docx", "Pupils/c.xlsx", "Pupils/.git/config", "Pupils/Old/d.pdf"}
    item = items["Pupils/c.xlsx"]
    st = os.stat(item.location)
    assert item.location == str(tree / "Pupils" / "c.xlsx") and os.path.isabs(item.location)
    assert item.size == st.st_size and item.version == f"{st.st_mtime_ns}:{st.st_size}"
    assert item.modified.timestamp() == pytest.approx(st.st_mtime)
    assert item.owner and item.source == "s" and item.depth == 0
    assert item.open().read() == b"Pupils/c.xlsx"
    assert errors == []


def test_include_and_exclude_globs(tree):
    items, _ = listing(tree, include=["**/*.docx", "**/*.xlsx", "**/*.pdf"], exclude=["**/~$*", "Pupils/Old/**"])
    assert set(items) == {"a.docx", "Pupils/c.xlsx"}
    items, _ = listing(tree, exclude=["**/.git/**"])
    assert "Pupils/.git/config" not in items and "Pupils/Old/d.pdf" in items


@pytest.mark.parametrize(
    "pattern, path, expected",
    [
        ("**/*.docx", "a.docx", True),
        ("**/*.docx", "x/y/a.docx", True),
        ("*.docx", "x/a.docx", False),
        ("HR/**", "HR/Personnel/a.pdf", True),
        ("HR/**", "HRX/a.pdf", False),
        ("**/~$*", "x/~$lock.docx", True),
        ("**/file?.txt", "file1.txt", True),
        ("**/[ab].txt", "b.txt", True),
        ("**/[!ab].txt", "b.txt", False),
    ],
)
def test_glob_semantics(pattern, path, expected):
    assert bool(glob_to_regex(pattern).match(path)) is expected


def test_symlinks_are_not_followed_by_default_and_loops_are_cut(tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    os.symlink(outside, tree / "link-to-outside")
    os.symlink(tree, tree / "Pupils" / "loop")
    os.symlink(tree / "b.txt", tree / "b-link.txt")
    items, errors = listing(tree)
    assert not any("link" in rel or "loop" in rel for rel in items)
    items, errors = listing(tree, follow_symlinks=True)
    assert "link-to-outside/secret.txt" in items and "b-link.txt" in items
    assert not any(rel.startswith("Pupils/loop") for rel in items), "a symlink loop must not be walked"


def test_exposure_from_permissions(tree):
    os.chmod(tree / "a.docx", 0o644)
    os.chmod(tree / "b.txt", 0o600)
    os.chmod(tree / "Pupils" / "c.xlsx", 0o640)
    items, _ = listing(tree)
    assert items["a.docx"].exposure.world_readable and items["a.docx"].exposure.exposed
    assert "everyone" in items["a.docx"].exposure.readers
    assert not items["b.txt"].exposure.world_readable and not items["b.txt"].exposure.group_readable
    assert items["Pupils/c.xlsx"].exposure.group_readable and not items["Pupils/c.xlsx"].exposure.exposed


def test_unreadable_folder_is_reported_and_listing_goes_on(tree, monkeypatch):
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("Pupils"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items, errors = listing(tree)
    assert "a.docx" in items and not any(rel.startswith("Pupils/") for rel in items)
    assert errors == [(str(tree / "Pupils"), "folder not readable: Permission denied")]


def test_missing_root_is_source_unavailable(tmp_path):
    with pytest.raises(SourceUnavailable, match="does not exist"):
        listing(tmp_path / "nope")


def test_large_files_are_listed_but_not_read(tree):
    (tree / "big.bin").write_bytes(b"\0" * 5000)
    items, _ = listing(tree, max_file_size="4KB")
    with pytest.raises(NotScanned, match="larger than max_file_size"):
        items["big.bin"].open()
    assert items["a.docx"].open().read() == b"a.docx"


def test_reading_leaves_atime_alone(tree):
    path = tree / "b.txt"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    items, _ = listing(tree)
    with items["b.txt"].open() as f:
        f.read()
    assert os.stat(path).st_atime == 1_000_000_000
