"""Schedule files: the cron time as a systemd calendar, and units that systemd itself accepts.

Units are checked with ``systemd-analyze verify`` where it is installed (it needs no running systemd); without
it, they are parsed as INI and checked for the keys that matter.
"""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from croniter import croniter

from scanner.cli import main
from scanner.errors import ConfigError
from scanner.schedule import AGENT_SERVICE, SCAN_SERVICE, SCAN_TIMER, cron_line, on_calendar, render_units

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
GDPRSCAN = str(Path(sys.executable).parent / "gdprscan")


@pytest.mark.parametrize(
    "cron, calendar",
    [
        ("30 1 * * *", "*-*-* 01:30:00"),
        ("0 2 * * 1-5", "Mon..Fri *-*-* 02:00:00"),
        ("*/15 22 * * sat,sun", "Sat,Sun *-*-* 22:00/15:00"),
        ("0 3 1 * *", "*-*-01 03:00:00"),
        ("@daily", "*-*-* 00:00:00"),
        ("0 4 * 8 0", "Sun *-08-* 04:00:00"),
    ],
)
def test_cron_becomes_a_systemd_calendar(cron, calendar):
    assert on_calendar(cron) == calendar
    if SYSTEMD_ANALYZE:
        result = subprocess.run([SYSTEMD_ANALYZE, "calendar", calendar], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_cron_that_systemd_cannot_say_is_refused():
    with pytest.raises(ConfigError, match="not both"):
        on_calendar("0 1 1 * 1")  # cron: the 1st OR Mondays


def write_config(tmp_path, nightly="30 1 * * *"):
    config = tmp_path / "config.yaml"
    config.write_text(f"store: {{path: /var/lib/gdprscan/findings.db}}\nschedule: {{nightly: '{nightly}'}}\n")
    return config


def test_units_are_valid_systemd_units(tmp_path):
    config = write_config(tmp_path)
    units = render_units(config, GDPRSCAN, "30 1 * * *", user="root")
    assert set(units) == {SCAN_SERVICE, SCAN_TIMER, AGENT_SERVICE}
    for name, text in units.items():
        (tmp_path / name).write_text(text)
        parsed = configparser.ConfigParser(strict=True, interpolation=None)
        parsed.optionxform = str
        parsed.read_string(text)  # well-formed INI, no repeated keys
    timer = configparser.ConfigParser(interpolation=None)
    timer.optionxform = str
    timer.read_string(units[SCAN_TIMER])
    assert timer["Timer"]["OnCalendar"] == "*-*-* 01:30:00" and timer["Timer"]["Unit"] == SCAN_SERVICE
    assert f"ExecStart={GDPRSCAN} scan --config {config}" in units[SCAN_SERVICE]
    assert f"ExecStart={GDPRSCAN} agent --config {config}" in units[AGENT_SERVICE]
    assert "KillSignal=SIGTERM" in units[AGENT_SERVICE] and "UMask=0077" in units[AGENT_SERVICE]
    if not SYSTEMD_ANALYZE:
        pytest.skip("systemd-analyze is not installed: units checked as INI only")
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", *(str(tmp_path / n) for n in units)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_cron_line_is_valid_cron(tmp_path):
    line = cron_line(write_config(tmp_path), GDPRSCAN, "30 1 * * *")
    fields = line.split()
    assert croniter.is_valid(" ".join(fields[:5])) and fields[5] == "gdprscan" and fields[6] == GDPRSCAN


def test_schedule_show_and_install(tmp_path):
    config = write_config(tmp_path, "0 2 * * 1-5")
    shown = CliRunner().invoke(main, ["schedule", "show", "--config", str(config), "--user", "svc-gdprscan"])
    assert shown.exit_code == 0, shown.output
    assert "OnCalendar=Mon..Fri *-*-* 02:00:00" in shown.output and "User=svc-gdprscan" in shown.output
    assert "0 2 * * 1-5 svc-gdprscan" in shown.output

    target = tmp_path / "units"
    installed = CliRunner().invoke(main, ["schedule", "install", "--config", str(config), "--dir", str(target)])
    assert installed.exit_code == 0, installed.output
    assert sorted(p.name for p in target.iterdir()) == sorted([AGENT_SERVICE, SCAN_SERVICE, SCAN_TIMER])
    assert "systemctl enable --now gdprscan-agent.service" in installed.output

    cron = CliRunner().invoke(main, ["schedule", "install", "--config", str(config), "--cron", "--dir", str(tmp_path / "cron.d")])
    assert cron.exit_code == 0, cron.output
    assert (tmp_path / "cron.d" / "gdprscan").read_text().splitlines()[1].startswith("0 2 * * 1-5 gdprscan ")
