"""A hand-built scan result that exercises every reporter feature.

Five findings across severities (critical, high, two suppressed mediums, low), one inconclusive
result, a rule without findings, unicode, markup characters (`<&>"[ ]`) and a control character.
The tests state the expected ids, lines and counts by hand: they read this file, not the output.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.model import (
    Finding,
    Framework,
    InconclusiveResult,
    Location,
    Pillar,
    RuleInfo,
    ScanResult,
    Severity,
    Suppression,
    SuppressionKind,
)

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).parent.parent.parent
APP = "app/template.yaml"
OTHER = "other/template.json"


def rule(rule_id: str, severity: Severity, pillar: Pillar, **extra: object) -> RuleInfo:
    fields: dict[str, object] = {
        "id": rule_id,
        "name": f"test-rule-{rule_id.lower()}",
        "title": f"Test rule {rule_id}",
        "pillar": pillar,
        "severity": severity,
        "rationale": f"Rationale of {rule_id}.",
        "remediation": f"Remediation of {rule_id}.",
    }
    fields.update(extra)
    return RuleInfo(**fields)  # type: ignore[arg-type]


TST001 = rule(
    "TST001",
    Severity.CRITICAL,
    Pillar.LEAST_PRIVILEGE,
    title="Role grants every action",
    rationale=(
        "A role that allows every action on every resource turns any code-injection bug in the "
        "function into full control of the account: the attacker can create users, read every "
        "bucket and delete the stack. This paragraph is deliberately longer than the 240 "
        "characters the text report keeps, so that the shortening is visible in the golden.\n\n"
        "A second paragraph the text report never shows."
    ),
    remediation="List the actions the function calls.",
    frameworks=(Framework.SAM, Framework.CLOUDFORMATION),
    references=("CWE-250: Execution with Unnecessary Privileges", "https://example.org/iam"),
    equivalents=("checkov:CKV_AWS_1", "cfn_nag:F3"),
    example="Policies:\n  - Statement:\n      Action: '*'",
    fixed_example="Policies:\n  - Statement:\n      Action: s3:GetObject",
    limitations="Policies attached outside the template are not seen.",
)
TST002 = rule("TST002", Severity.HIGH, Pillar.API, title="Route <open> & public")
TST003 = rule("TST003", Severity.MEDIUM, Pillar.ENCRYPTION)
TST004 = rule("TST004", Severity.LOW, Pillar.LOGGING)
TST005 = rule("TST005", Severity.INFO, Pillar.SECRETS)
TST006 = rule("TST006", Severity.HIGH, Pillar.HARDENING)


def _findings() -> list[Finding]:
    return [
        Finding(
            rule=TST001,
            severity=Severity.CRITICAL,
            resource="OrderFn",
            location=Location(file=APP, line=12, column=7),
            message="Rôle « admin » grants Action '*' → everything",
            evidence=("Action: '*'", "Resource: '*'"),
            related=(Location(file=APP, line=40, column=3),),
            fix="Replace '*' with s3:GetObject.",
            fingerprint="fp-tst001-orderfn",
        ),
        Finding(
            rule=TST002,
            severity=Severity.HIGH,
            resource="Api",
            location=Location(file=APP, line=30, column=5),
            message='Route <GET /a&b> is open to "anyone" [public]',
            fingerprint="fp-tst002-api",
        ),
        Finding(
            rule=TST003,
            severity=Severity.MEDIUM,
            resource="Queue",
            location=Location(file=OTHER, line=5, column=9),
            message="Queue is not encrypted",
            fingerprint="fp-tst003-queue",
            suppression=Suppression(
                kind=SuppressionKind.INLINE,
                reason="légacy queue <ok>",
                location=Location(file=OTHER, line=5),
            ),
        ),
        Finding(
            rule=TST003,
            severity=Severity.MEDIUM,
            resource="Topic",
            location=Location(file=OTHER, line=9, column=9),
            message="Topic is not encrypted",
            fingerprint="fp-tst003-topic",
            suppression=Suppression(kind=SuppressionKind.BASELINE, reason="in baseline"),
        ),
        Finding(
            rule=TST004,
            severity=Severity.LOW,
            resource="",
            location=Location(file=OTHER),
            message="Log line with a bell \x07 character",
            fingerprint="fp-tst004-file",
        ),
    ]


def sample_result() -> ScanResult:
    return ScanResult(
        findings=tuple(sorted(_findings(), key=Finding.sort_key)),
        inconclusive=(
            InconclusiveResult(
                rule_id="TST005",
                resource="Bucket",
                location=Location(file=OTHER, line=20, column=3),
                reason="BucketName is !Ref Name (no default)",
            ),
        ),
        rules=(TST006, TST005, TST004, TST003, TST002, TST001),  # unsorted on purpose
        files=(APP, OTHER),
        tool_version="0.1.0",
        fail_on=Severity.HIGH,
        stats=(("rules", 6), ("files", 2), ("apps", 2)),
    )


@pytest.fixture
def result() -> ScanResult:
    return sample_result()


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/report/golden/<name>; FAASGUARD_UPDATE_GOLDENS=1 rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("FAASGUARD_UPDATE_GOLDENS") == "1":
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden (FAASGUARD_UPDATE_GOLDENS=1)"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    return check_golden


@pytest.fixture
def repo() -> Path:
    return REPO
