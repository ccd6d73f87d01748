"""``faasguard logs scan|rules|export`` through ``main``, and the ``logs:`` configuration key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cloudtrail_events import ACCOUNT, event, role_session, write_records

from faasguard.cli import main
from faasguard.config import ConfigError, parse_config


def _logs(tmp_path: Path) -> Path:
    folder = tmp_path / "AWSLogs" / ACCOUNT / "CloudTrail" / "eu-west-1"
    folder.mkdir(parents=True)
    deploy = role_session("deploy-pipeline", "codebuild-7")
    write_records(
        folder / f"{ACCOUNT}_CloudTrail_eu-west-1_20261120T1000Z_x.json.gz",
        [
            event("StopLogging", "cloudtrail.amazonaws.com", request={"name": "main"}),
            event(
                "UpdateFunctionCode20150331v2",
                "lambda.amazonaws.com",
                request={"functionName": "orders"},
                identity=deploy,
            ),
        ],
    )
    return tmp_path


def test_logs_rules_lists_every_detection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", "rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 20
    assert lines[0].split()[:3] == ["CT001", "high", "base"]


def test_logs_scan_json_report_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _logs(tmp_path)
    assert main(["logs", "scan", str(root), "--format", "json"]) == 1  # CT017 is high
    report = json.loads(capsys.readouterr().out)
    assert sorted(f["rule_id"] for f in report["findings"]) == ["CT006", "CT017"]


def test_logs_scan_config_allows_the_deploy_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _logs(tmp_path)
    config = tmp_path / ".faasguard.yml"
    config.write_text(
        f"logs:\n  deploy_principals:\n    - arn:aws:iam::{ACCOUNT}:role/deploy-*\n",
        encoding="utf-8",
    )
    assert (
        main(
            [
                "logs",
                "scan",
                str(root),
                "--config",
                str(config),
                "--format",
                "json",
                "--fail-on",
                "critical",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in report["findings"]] == ["CT017"]


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit"])
def test_logs_scan_other_formats(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["logs", "scan", str(_logs(tmp_path)), "--format", fmt, "-o", str(out)]) == 1
    assert "CT017" in out.read_text(encoding="utf-8")


def test_logs_scan_since_until(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _logs(tmp_path)  # both events are at 2026-11-20T10:00:00Z
    assert (
        main(["logs", "scan", str(root), "--since", "2026-11-20T10:00:01Z", "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert (
        main(["logs", "scan", str(root), "--until", "2026-11-20T10:00:00", "--format", "json"]) == 1
    )
    assert len(json.loads(capsys.readouterr().out)["findings"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["logs", "scan", str(root), "--until", "not-a-date"])
    assert exit_info.value.code == 2


def test_logs_scan_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["logs", "scan", str(tmp_path / "nope")]) == 2


def test_logs_config_key_is_validated() -> None:
    config = parse_config({"logs": {"deploy_principals": ["arn:aws:iam::1:role/d"]}}, "x.yml")
    assert config.deploy_principals == ("arn:aws:iam::1:role/d",)
    with pytest.raises(ConfigError, match="deploy_principals"):
        parse_config({"logs": {"deploy_principals": "arn"}}, "x.yml")
    with pytest.raises(ConfigError, match="'logs'"):
        parse_config({"logs": {"other": 1}}, "x.yml")
