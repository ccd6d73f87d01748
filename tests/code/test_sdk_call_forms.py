"""The SDK call forms table (sdk_call_forms.yaml): calls found, resource arguments, IAM actions."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from faasguard.code.profile import profile_function
from faasguard.model.app import Function
from faasguard.model.code import CodeProfile, SdkCall
from faasguard.model.values import Location

TABLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "sdk_call_forms.yaml").read_text()
)
PY_PRELUDE = "import os\nimport boto3\n"
RUNTIMES = {"py": "python3.12", "js": "nodejs20.x"}


def _profile(row: dict[str, Any], root: Path) -> CodeProfile:
    lang = row.get("lang", "py")
    code = row["code"] if row.get("raw") or lang != "py" else PY_PRELUDE + row["code"]
    entry = "app.py" if lang == "py" else f"index.{lang}"
    if code:
        (root / entry).write_text(code)
    for name, text in (row.get("files") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    handler = row.get("handler") or ("app.handler" if lang == "py" else "index.handler")
    fn = Function(
        id="Fn",
        type="AWS::Serverless::Function",
        location=Location(file="template.yaml", line=1),
        runtime=RUNTIMES["py" if lang == "py" else "js"],
        handler=handler,
        code_dir=str(root),
    )
    profile = profile_function(fn)
    assert profile is not None
    return profile


def _name(call: SdkCall) -> str:
    return f"{call.service or '?'}:{call.operation or '?'}"


def _matches(call: SdkCall, checks: Iterable[str]) -> bool:
    args = {r.param: r for r in call.resources}
    for check in checks:
        param, _, want = check.partition("=")
        arg = args.get(param)
        if arg is None:
            return False
        if want.startswith("$") and (arg.env_var != want[1:] or arg.template):
            return False
        if want.startswith("'") and arg.literal != want.strip("'"):
            return False
        if want.startswith("~") and arg.template != want[1:]:
            return False
    return True


@pytest.mark.parametrize("row", TABLE, ids=[r["id"] for r in TABLE])
def test_call_form(row: dict[str, Any], tmp_path: Path) -> None:
    profile = _profile(row, tmp_path)
    assert not [p for p in profile.problems if "cannot parse" in p[1]], profile.problems
    found = sorted(_name(c) for c in profile.calls)
    expected = sorted(spec.split()[0] for spec in row["expect"])
    assert found == expected
    for spec in row["expect"]:
        name, *checks = spec.split()
        candidates = [c for c in profile.calls if _name(c) == name]
        assert any(_matches(c, checks) for c in candidates), (spec, candidates)
    for call in profile.calls:  # an unknown is always explained
        assert call.known or call.note, call


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 150
    assert len({r["id"] for r in TABLE}) == len(TABLE)
    assert sum(1 for r in TABLE if r.get("lang", "py") == "py") >= 60
    assert sum(1 for r in TABLE if r.get("lang", "py") != "py") >= 60


def _required_actions() -> Any:
    if importlib.util.find_spec("faasguard.iam.sdkmap") is None:
        pytest.skip("faasguard.iam.sdkmap not written yet")
    return importlib.import_module("faasguard.iam.sdkmap").required_actions


def _action_names(result: Any) -> set[str]:
    """The actions every such call needs (conditional extras like kms:Decrypt left out)."""
    return {str(item.action) for item in result if not item.conditional}


@pytest.mark.parametrize(
    "row", [r for r in TABLE if "actions" in r], ids=[r["id"] for r in TABLE if "actions" in r]
)
def test_required_actions(row: dict[str, Any], tmp_path: Path) -> None:
    required_actions = _required_actions()
    profile = _profile(row, tmp_path)
    needed: set[str] = set()
    for call in profile.calls:
        assert call.service and call.operation
        needed |= _action_names(required_actions(call.service, call.operation))
    assert {a.lower() for a in needed} == {a.lower() for a in row["actions"]}
