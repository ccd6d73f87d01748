"""The rule catalog is self-describing, consistent, and its generated docs are current."""

from __future__ import annotations

import re
from pathlib import Path

from faasguard.model import Pillar, RuleInfo
from faasguard.report.ruledoc import render_index, render_markdown
from faasguard.rules import RETIRED_IDS, builtin_rules
from faasguard.rules.diagnostics import DIAGNOSTICS

DOCS = Path(__file__).parent.parent.parent / "docs" / "rules"
PREFIX = {
    "IAM": Pillar.LEAST_PRIVILEGE,
    "DEP": Pillar.DEPENDENCIES,
    "ENC": Pillar.ENCRYPTION,
    "LOG": Pillar.LOGGING,
    "API": Pillar.API,
    "FN": Pillar.HARDENING,
    "SEC": Pillar.SECRETS,
    "PATH": Pillar.ATTACK_PATH,
    "FG": Pillar.TOOL,
}
_EQUIVALENT = re.compile(
    r"^(checkov|kics|cfn_nag|trivy|serverless-rules|cfn-lint|cfripper|"
    r"cdk-nag|prowler):\S+$"
)


def infos() -> list[RuleInfo]:
    return [r.info for r in builtin_rules()]


def test_at_least_forty_rules_across_every_template_pillar() -> None:
    rules = infos()
    assert len(rules) >= 40
    pillars = {r.pillar for r in rules}
    assert {
        Pillar.LEAST_PRIVILEGE,
        Pillar.ENCRYPTION,
        Pillar.LOGGING,
        Pillar.API,
        Pillar.HARDENING,
        Pillar.SECRETS,
    } <= pillars


def test_ids_names_and_pillars_are_consistent() -> None:
    all_infos = infos() + list(DIAGNOSTICS)
    ids = [i.id for i in all_infos]
    names = [i.name for i in all_infos]
    assert len(set(ids)) == len(ids), "duplicate rule id"
    assert len(set(names)) == len(names), "duplicate rule name"
    for info in all_infos:
        match = re.fullmatch(r"([A-Z]+)(\d{3})", info.id)
        assert match, info.id
        assert PREFIX[match.group(1)] == info.pillar, f"{info.id} in pillar {info.pillar}"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.name), info.name


def test_every_rule_explains_itself() -> None:
    for info in infos():
        assert len(info.rationale) > 60, f"{info.id}: rationale too thin"
        assert len(info.remediation) > 20, f"{info.id}: remediation missing"
        assert info.references, f"{info.id}: no references"
        assert info.frameworks, f"{info.id}: claims no framework"
        assert info.title and not info.title.endswith("."), info.id
        for eq in info.equivalents:
            assert _EQUIVALENT.match(eq), f"{info.id}: equivalent {eq!r} not tool:ID"


def test_retired_ids_stay_retired() -> None:
    assert not {i.id for i in infos()} & RETIRED_IDS


def test_generated_rule_docs_are_current() -> None:
    catalog = sorted(infos() + list(DIAGNOSTICS), key=lambda i: i.id)
    expected = {f"{i.id}.md": render_markdown(i) for i in catalog}
    expected["README.md"] = render_index(catalog)
    actual = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(n for n in expected.keys() | actual.keys() if expected.get(n) != actual.get(n))
    assert not stale, (
        f"docs/rules is stale for {stale[:5]}: run `faasguard rules --write-docs docs/rules`"
    )
