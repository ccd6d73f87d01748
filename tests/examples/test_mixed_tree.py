"""A tree mixing SAM, Serverless Framework and Terraform apps: each app reported on its own.

Scanning ``examples/`` from inside it must find every app with its framework, name every file
relative to the scan root, and give each app exactly the findings it has when scanned alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan
from faasguard.model import Finding, Framework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 11, 28)
OPTIONS = ScanOptions(today=TODAY, plugins=False)


@contextmanager
def _inside(directory: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def _keys(findings: tuple[Finding, ...], prefix: str = "") -> set[tuple[str, str, int, str]]:
    return {(f.rule.id, prefix + f.location.file, f.location.line, f.resource) for f in findings}


def test_every_app_is_found_with_its_framework_and_relative_source() -> None:
    with _inside(EXAMPLES):
        result = scan(["."], OPTIONS)
    apps = {a.source: a.framework for a in result.apps}
    assert apps["orders-app/template.yaml"] is Framework.SAM
    assert apps["orders-app-fixed/template.yaml"] is Framework.SAM
    assert apps["orders-app-serverless/serverless.yml"] is Framework.SERVERLESS
    assert apps["orders-app-terraform"] is Framework.TERRAFORM
    for finding in result.findings:
        assert not os.path.isabs(finding.location.file), finding.location
        assert finding.location.file.split("/")[0].startswith("orders-app"), finding.location


def test_each_app_reports_in_the_tree_what_it_reports_alone() -> None:
    with _inside(EXAMPLES):
        together = scan(["."], OPTIONS)
        for name in ("orders-app", "orders-app-serverless", "orders-app-terraform"):
            alone = scan([name], OPTIONS)
            mine = tuple(f for f in together.findings if f.location.file.startswith(name + "/"))
            assert alone.findings, name
            assert _keys(mine) == _keys(alone.findings), name
