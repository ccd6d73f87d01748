"""The dependency audit through the CLI: ``db update``, ``scan --offline/--db/--no-deps``, the
``advisories.max_age_days`` setting, and the ``reachable`` property in JSON and SARIF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from faasguard.cli import main

TESTS = Path(__file__).parent.parent
OSV = TESTS / "data" / "osv"
DEP001_APP = TESTS / "fixtures" / "rules" / "DEP001" / "sam" / "vulnerable"
JSON_SCHEMA = TESTS.parent / "docs" / "report-schema.json"
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "advisories.db")
    code, _, err = run(capsys, "db", "update", "--from", str(OSV), "--db", path)
    assert code == 0
    assert "10 records (PyPI, npm), 1 withdrawn dropped, 0 unreadable" in err
    return path


def test_offline_scan_reports_reachability_in_json_and_sarif(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("scan", str(DEP001_APP), "--offline", "--db", db, "--select", "DEP")
    code, out, _ = run(capsys, *args, "--format", "json")
    assert code == 1  # PyYAML 9.8 is critical: above --fail-on high
    document = json.loads(out)
    jsonschema.validate(document, json.loads(JSON_SCHEMA.read_text(encoding="utf-8")))
    findings = document["findings"]
    by_package = {f["location"]["file"].rsplit("/src/", 1)[1]: f for f in findings}
    assert by_package["parse/requirements.txt"]["facts"] == {"reachable": True}
    assert by_package["parse/requirements.txt"]["severity"] == "critical"
    assert by_package["export/requirements.txt"]["facts"] == {"reachable": False}
    assert by_package["export/requirements.txt"]["severity"] == "medium"  # lowered: unused
    code, out, _ = run(capsys, *args, "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = sarif["runs"][0]["results"]
    assert sorted(r["properties"]["reachable"] for r in results) == [False, True]


def test_no_deps_turns_the_audit_off(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "scan", str(DEP001_APP), "--no-deps", "--select", "DEP", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["findings"] == []


def test_configured_max_age_makes_the_database_stale(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    shutil.copytree(DEP001_APP, app)
    config = tmp_path / "faasguard.yml"
    config.write_text("advisories:\n  max_age_days: -1\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(app), "--config", str(config), "--offline")
    assert code == 2
    assert "max_age_days" in err
    # a database built today is 0 days old: fresh at max_age_days 0, so no DEP004
    config.write_text("advisories:\n  max_age_days: 0\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "scan", str(app), "--config", str(config), "--offline", "--db", db,
        "--select", "DEP004", "--format", "json",
    )  # fmt: skip
    assert json.loads(out)["findings"] == []


def test_offline_without_a_database_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "none.db")
    code, out, _ = run(
        capsys, "scan", str(DEP001_APP), "--offline", "--db", missing, "--format", "json"
    )
    assert code != 2  # the scan completes: no crash, no usage error
    dep = [f for f in json.loads(out)["findings"] if f["rule_id"].startswith("DEP")]
    assert [f["rule_id"] for f in dep] == ["DEP004"]
    assert "no advisory database" in dep[0]["message"]
    assert "faasguard db update" in dep[0]["message"]


def test_db_update_with_a_missing_source_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "db", "update", "--from", str(tmp_path / "nope.zip"))
    assert code == 2
    assert "no such file or directory" in err
