"""The command line as a user drives it: exit codes, formats, baselines, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.cli import main

# A function without tracing (LOG001, low) and with AdministratorAccess (IAM004, critical).
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies:
        - AdministratorAccess
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_code_follows_fail_on(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", str(app_dir), "--jobs", "1")
    assert code == 1
    assert "IAM004" in out and "template.yaml:10" in out
    code, _, _ = run(capsys, "scan", str(app_dir), "--select", "LOG001", "--fail-on", "medium")
    assert code == 0
    code, _, _ = run(capsys, "scan", str(app_dir), "--select", "LOG001", "--fail-on", "low")
    assert code == 1
    code, out, _ = run(
        capsys, "scan", str(app_dir), "--select", "log001,IAM004", "--format", "json"
    )
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"LOG001", "IAM004"}


def test_json_report_to_file(
    app_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, _ = run(capsys, "scan", str(app_dir), "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    report = json.loads(target.read_text())
    ids = {f["rule_id"] for f in report["findings"]}
    assert {"IAM004", "LOG001"} <= ids


def test_baseline_round_trip(
    app_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, "scan", str(app_dir), "--write-baseline", str(baseline))
    assert code == 0 and "baseline" in err
    code, out, _ = run(
        capsys, "scan", str(app_dir), "--baseline", str(baseline), "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    assert report["findings"] == []
    code, out, _ = run(
        capsys,
        "scan",
        str(app_dir),
        "--baseline",
        str(baseline),
        "--format",
        "json",
        "--show-suppressed",
    )
    assert code == 0
    assert {f["rule_id"] for f in json.loads(out)["findings"]} >= {"IAM004"}


def test_broken_template_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n"
    )
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "json")
    report = json.loads(out)
    broken = [f for f in report["findings"] if f["rule_id"] == "FG001"]
    assert code == 1 and len(broken) == 1
    assert broken[0]["location"]["file"].endswith("template.yaml")
    assert broken[0]["location"]["line"] >= 3


def test_alias_bomb_is_an_error_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = ['AWSTemplateFormatVersion: "2010-09-09"', 'a: &a ["x","x","x","x","x","x","x","x"]']
    prev = "a"
    for name in "bcdefghij":
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    (tmp_path / "template.yaml").write_text("\n".join(rows) + "\n")
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "json")
    messages = [f["message"] for f in json.loads(out)["findings"] if f["rule_id"] == "FG001"]
    assert code == 1 and messages and "nodes" in messages[0]


def test_usage_errors_exit_2(
    app_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path / "missing"))
    assert code == 2 and "no such file or directory" in err and "missing" in err
    bad = tmp_path / "bad.yml"
    bad.write_text("selct: [IAM]\n")
    code, _, err = run(capsys, "scan", str(app_dir), "--config", str(bad))
    assert code == 2 and "unknown configuration key 'selct'" in err
    with pytest.raises(SystemExit) as exc:
        main(["scan", str(app_dir), "--fail-on", "urgent"])
    assert exc.value.code == 2


def test_config_file_is_found_and_applied(
    app_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (app_dir / ".faasguard.yml").write_text("ignore: [IAM]\nseverity:\n  LOG001: critical\n")
    code, out, _ = run(capsys, "scan", str(app_dir), "--format", "json")
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["rule_id"].startswith("IAM")]
    assert any(f["rule_id"] == "LOG001" and f["severity"] == "critical" for f in findings)
    assert code == 1


def test_inline_suppression(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TEMPLATE.replace(
        "- AdministratorAccess", "- AdministratorAccess  # faasguard:ignore[IAM004] break-glass fn"
    )
    (app_dir / "template.yaml").write_text(text)
    code, out, _ = run(capsys, "scan", str(app_dir), "--format", "json", "--select", "IAM004")
    assert code == 0 and json.loads(out)["findings"] == []


def test_inline_suppression_without_reason_is_reported_not_applied(
    app_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TEMPLATE.replace(
        "- AdministratorAccess", "- AdministratorAccess  # faasguard:ignore[IAM004]"
    )
    (app_dir / "template.yaml").write_text(text)
    code, out, _ = run(capsys, "scan", str(app_dir), "--format", "json", "--select", "IAM004")
    found = {(f["rule_id"], f["location"]["line"]) for f in json.loads(out)["findings"]}
    assert code == 1 and found == {("IAM004", 10), ("FG002", 10)}


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "IAM001" in out and "FG001" in out
    code, out, _ = run(capsys, "rules", "iam001")
    assert code == 0 and out.startswith("# IAM001")
    assert run(capsys, "rules", "NOPE999")[0] == 2
