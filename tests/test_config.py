from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.config import (
    ConfigError,
    find_config,
    inline_ignores,
    load_config,
    matches,
    read_baseline,
    render_baseline,
)
from faasguard.model import Severity


def test_yaml_config_is_validated_and_read(tmp_path: Path) -> None:
    path = tmp_path / ".faasguard.yml"
    path.write_text(
        "select: [IAM, API001]\nignore: [FN004]\nseverity:\n  LOG016: info\n"
        "exclude: ['tests/*']\nfail-on: medium\n"
    )
    config = load_config(path)
    assert config.select == frozenset({"IAM", "API001"})
    assert config.ignore == frozenset({"FN004"})
    assert config.severity == (("LOG016", Severity.INFO),)
    assert config.exclude == ("tests/*",)
    assert config.fail_on is Severity.MEDIUM


def test_unknown_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / ".faasguard.yml"
    path.write_text("select: [IAM]\nfail_on: high\n")
    with pytest.raises(ConfigError, match=r":2: unknown configuration key 'fail_on'"):
        load_config(path)


def test_bad_severity_and_bad_ids_are_errors(tmp_path: Path) -> None:
    path = tmp_path / ".faasguard.yml"
    path.write_text("severity:\n  IAM001: urgent\n")
    with pytest.raises(ConfigError, match="unknown severity 'urgent'"):
        load_config(path)
    path.write_text("select: [iam001]\n")
    with pytest.raises(ConfigError, match="not a rule id"):
        load_config(path)


def test_pyproject_table_and_search_upwards(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.faasguard]\nignore = ["FN004"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = find_config(nested)
    assert found == str(tmp_path / "pyproject.toml")
    assert load_config(found).ignore == frozenset({"FN004"})


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".faasguard.yml").write_text("ignore: [FN004]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo) is None


def test_inline_ignores() -> None:
    text = (
        "a: 1\n"
        "b: 2  # faasguard:ignore[IAM001, API003] public by design\n"
        "c: 3 # faasguard:ignore[X1]\n"
    )
    comments = inline_ignores(text)
    assert sorted(comments) == [2, 3]
    assert comments[2].rules == frozenset({"IAM001", "API003"})
    assert comments[2].reason == "public by design"
    assert comments[3].reason == ""


def test_matches_ids_and_prefixes() -> None:
    assert matches("IAM001", ["IAM"])
    assert matches("IAM001", ["IAM001"])
    assert not matches("IAM001", ["API"])


def test_baseline_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(render_baseline([]))
    assert read_baseline(path) == frozenset()
    path.write_text('{"findings": []}')
    with pytest.raises(ConfigError, match="not a faasguard baseline"):
        read_baseline(path)
