"""``faasguard scan --stage/--region/--param/--var`` choose what Serverless variables resolve to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.cli import main

SERVICE = """service: shop
provider:
  name: aws
  runtime: python3.12
  region: ${opt:region, 'us-east-1'}
functions:
  api:
    handler: app.handler
    environment:
      DB_PASSWORD: ${env:DB_PASSWORD, 'placeholder'}
      STAGE_SECRET_TOKEN: ${param:token, 'none'}
    url: true
"""


def _scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> list[dict[str, object]]:
    (tmp_path / "serverless.yml").write_text(SERVICE, encoding="utf-8")
    args = ["scan", str(tmp_path), "--format", "json", "--jobs", "1", "--select", "SEC001,API002"]
    code = main([*args, *options])
    assert code in (0, 1)
    findings: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def test_var_and_param_values_reach_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = {str(f["rule_id"]) for f in _scan(tmp_path, capsys)}
    assert plain == {"API002"}  # placeholder values are not secrets
    secret = "Zq8#Lm2v!Tr5xW9p"
    given = _scan(tmp_path, capsys, "--var", f"DB_PASSWORD={secret}", "--stage", "prod")
    rules = sorted(str(f["rule_id"]) for f in given)
    assert rules == ["API002", "SEC001"]
    assert secret not in json.dumps(given)


@pytest.mark.parametrize("option", ["--param", "--var"])
@pytest.mark.parametrize("value", ["no-equals-sign", "=value-without-name"])
def test_malformed_name_value_is_a_usage_error(tmp_path: Path, option: str, value: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(tmp_path), option, value])
    assert exit_info.value.code == 2


def test_inline_suppressions_work_as_for_cloudformation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SERVICE.replace(
        "    url: true\n",
        "    url: true  # faasguard:ignore[API002] public status page by design\n",
    )
    (tmp_path / "serverless.yml").write_text(text, encoding="utf-8")
    code = main(["scan", str(tmp_path), "--format", "json", "--jobs", "1", "--select", "API002"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 0 and findings == []
