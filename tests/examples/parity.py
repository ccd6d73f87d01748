"""What the parity tests of the Serverless and Terraform example apps share.

Each version's README holds the one mapping table from SAM logical ids to its own resource ids.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAM_APP = EXAMPLES / "orders-app"
TODAY = date(2026, 11, 28)
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9_,\s-]+)$")
_ROW = re.compile(r"^\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$")

Pair = tuple[str, str]


def table(app: Path, heading: str) -> list[tuple[str, str, str]]:
    """Rows of the first table under ``## heading`` in the app's README (header rows skipped)."""
    text = (app / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [_ROW.match(line.strip()) for line in section.splitlines()]
    cells = [tuple(c.strip() for c in m.groups()) for m in rows if m]
    return [(a, b, c) for a, b, c in cells[2:]]


def mapped(app: Path, rule: str, sam_id: str) -> str:
    """The id ``app`` gives to what SAM calls ``sam_id``, for findings of ``rule``."""
    for sam, other, rules in table(app, "Name mapping"):
        if sam == sam_id and (not rules or rule in {r.strip() for r in rules.split(",")}):
            return other
    return f"<unmapped {sam_id}>"


def findings(app: Path) -> set[Pair]:
    result = scan([str(app)], ScanOptions(today=TODAY, plugins=False))
    return {(f.rule.id, f.resource) for f in result.findings if not f.rule.id.startswith("FG")}


def sam_findings_in(app: Path) -> set[Pair]:
    """The SAM app's findings, renamed into ``app``'s ids."""
    return {(rule, mapped(app, rule, ident)) for rule, ident in findings(SAM_APP)}


Marks = set[tuple[str, int]]


def annotated_and_reported(app: Path, definition: Path) -> tuple[Marks, Marks]:
    """(rule, line) pairs marked ``# expect:`` in ``definition`` and those the scan reports."""
    expected: Marks = set()
    for number, line in enumerate(definition.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            expected |= {(r.strip(), number) for r in match.group(1).split(",")}
    result = scan([str(app)], ScanOptions(today=TODAY, plugins=False))
    reported = {
        (f.rule.id, f.location.line)
        for f in result.findings
        if f.location.file == str(definition) and not f.rule.id.startswith("DEP")
    }
    assert not [f for f in result.findings if f.rule.id.startswith("FG")]
    return expected, reported


def code_files_differ(app: Path) -> list[Path]:
    """Files of ``app/src`` that are not byte-for-byte the SAM app's (missing ones included)."""
    sam_files = {p.relative_to(SAM_APP) for p in (SAM_APP / "src").rglob("*") if p.is_file()}
    own_files = {p.relative_to(app) for p in (app / "src").rglob("*") if p.is_file()}
    return sorted(
        (sam_files ^ own_files)
        | {p for p in sam_files & own_files if (SAM_APP / p).read_bytes() != (app / p).read_bytes()}
    )
