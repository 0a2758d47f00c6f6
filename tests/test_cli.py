"""The command line: help with an example on every command, and one-line errors with non-zero exits."""

import click
import pytest
from click.testing import CliRunner

from scanner.cli import main


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [()] + [p for p, _ in all_commands(main)], ids=lambda p: " ".join(p) or "gdprscan")
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert "gdprscan " + " ".join(path) in result.output.split("Example:", 1)[1]


def run(args):
    return CliRunner().invoke(main, args)


def one_line_error(result):
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("gdprscan: error: ")
    return lines[0]


def test_scan_of_a_missing_path_fails_with_its_name(tmp_path):
    line = one_line_error(run(["scan", str(tmp_path / "nope"), "--db", str(tmp_path / "s.db")]))
    assert "nope: no such file or folder" in line
    assert not (tmp_path / "s.db").exists()


def test_scan_with_nothing_to_scan_fails(tmp_path):
    line = one_line_error(run(["scan", "--db", str(tmp_path / "s.db")]))
    assert "nothing to scan" in line


def test_invalid_config_names_the_key_and_value(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("detection:\n  min_confidence: 2\nsources: []\n")
    line = one_line_error(run(["scan", "--config", str(config)]))
    assert "detection.min_confidence" in line and "(got 2)" in line
    line = one_line_error(run(["check-config", str(config)]))
    assert "detection.min_confidence" in line


def test_check_config_lists_sources(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(f"sources:\n  - type: filesystem\n    name: staff\n    paths: [{tmp_path}]\n")
    result = run(["check-config", str(config)])
    assert result.exit_code == 0
    assert "valid" in result.output and "source 'staff' (filesystem)" in result.output


def test_export_from_a_missing_store_fails(tmp_path):
    line = one_line_error(run(["export", "findings", "--db", str(tmp_path / "none.db")]))
    assert "none.db" in line


def test_sample_share_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "keep.txt").write_text("mine")
    line = one_line_error(run(["sample-share", str(tmp_path / "share")]))
    assert "not empty" in line
    assert (tmp_path / "share" / "keep.txt").read_text() == "mine"
