"""Rule pages: fixed sections in a fixed order, and the index table."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema

from faasguard.model import RuleInfo, ScanResult
from faasguard.report import sarif
from faasguard.report.options import ReportOptions
from faasguard.report.ruledoc import render_index, render_markdown
from faasguard.rules import builtin_rules
from faasguard.rules.diagnostics import DIAGNOSTICS

SECTIONS = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Known limitations",
    "## References",
    "## Equivalent checks in other tools",
]


def _rule(result: ScanResult, rule_id: str) -> RuleInfo:
    return next(info for info in result.rules if info.id == rule_id)


def test_full_page(result: ScanResult) -> None:
    page = render_markdown(_rule(result, "TST001"))
    lines = page.splitlines()
    assert lines[0] == "# TST001: test-rule-tst001"
    assert lines[2] == (
        "**Pillar:** least-privilege · **Default severity:** critical · "
        "**Frameworks:** sam, cloudformation · **Since:** 0.1.0"
    )
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == SECTIONS
    assert "## What it does\n\nRole grants every action.\n" in page
    assert "```yaml\nPolicies:\n  - Statement:\n      Action: '*'\n```" in page
    assert "List the actions the function calls.\n\n```yaml\n" in page  # remediation, then fix
    assert "      Action: s3:GetObject\n```" in page
    assert (
        "- [CWE-250: Execution with Unnecessary Privileges]"
        "(https://cwe.mitre.org/data/definitions/250.html)\n- <https://example.org/iam>"
    ) in page
    assert "| checkov | `CKV_AWS_1` |\n| cfn_nag | `F3` |" in page
    assert page.endswith("|\n") and not page.endswith("\n\n")


def test_sparse_rule_keeps_every_section(result: ScanResult) -> None:
    page = render_markdown(_rule(result, "TST002"))
    assert [line for line in page.splitlines() if line.startswith("## ")] == SECTIONS
    assert "## Example\n\nNo example.\n" in page
    assert "## Known limitations\n\nNone known.\n" in page
    assert "## References\n\nNone.\n" in page


def test_backticks_in_an_example_do_not_close_the_fence(result: ScanResult) -> None:
    info = dataclasses.replace(_rule(result, "TST002"), example="Description: ```quoted```")
    page = render_markdown(info)
    assert "````yaml\nDescription: ```quoted```\n````" in page


def test_index_lists_every_rule_sorted_with_escaped_cells(result: ScanResult) -> None:
    piped = dataclasses.replace(_rule(result, "TST003"), title="a | b")
    index = render_index([*result.rules, piped][1:])  # drops TST006, adds TST003 twice
    rows = [line for line in index.splitlines() if line.startswith("| [")]
    assert [row.split("]")[0] for row in rows] == [
        "| [TST001",
        "| [TST002",
        "| [TST003",
        "| [TST003",
        "| [TST004",
        "| [TST005",
    ]
    assert rows[0] == (
        "| [TST001](TST001.md) | `test-rule-tst001` | least-privilege | critical "
        "| Role grants every action |"
    )
    assert "| a \\| b |" in index
    assert index.startswith("# Rules\n")


def _builtin_catalog() -> list[RuleInfo]:
    return [r.info for r in builtin_rules()] + list(DIAGNOSTICS)


def test_every_builtin_rule_renders_a_complete_page() -> None:
    for info in _builtin_catalog():
        page = render_markdown(info)
        assert page.startswith(f"# {info.id}: {info.name}\n"), info.id
        assert [line for line in page.splitlines() if line.startswith("## ")] == SECTIONS, info.id


def test_sarif_with_the_whole_catalog_is_valid(result: ScanResult) -> None:
    catalog = tuple(sorted(_builtin_catalog(), key=lambda i: i.id))
    everything = dataclasses.replace(result, rules=catalog + result.rules)
    document = json.loads(sarif.render(everything, ReportOptions(show_suppressed=True)))
    schema_file = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator(json.loads(schema_file.read_text())).validate(document)
    ids = [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == len(catalog) + 6
