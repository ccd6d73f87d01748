"""Secret parameter defaults never reach a report in clear text (assumptions are evidence)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from faasguard.api import ScanOptions, scan
from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.report import FORMATS, ReportOptions

FIXTURE = Path(__file__).parent / "fixtures" / "secret_param"
TOKEN = "q8XzTk3vLp9RwY2mNc7Hs4Jd"  # secret by its name (ApiToken)
UPSTREAM = "Zt5PqW8nKx2VbR6yHm3LsJ9c"  # secret by NoEcho: true


def _assumptions() -> tuple[str, ...]:
    doc = load_file(str(FIXTURE / "template.yaml"), "template.yaml")
    app = load_template(doc, str(FIXTURE))
    handler = app.function("Handler")
    assert handler is not None
    return handler.assumptions


def test_secret_defaults_are_redacted_in_assumptions() -> None:
    notes = _assumptions()
    # redact() keeps min(4, len // 4) characters and the length: 24 chars -> 4 kept
    assert "parameter ApiToken: default 'q8Xz…(24 chars)' used" in notes
    assert "parameter Upstream: default 'Zt5P…(24 chars)' used" in notes
    assert "parameter Stage: default 'dev' used" in notes  # not a secret: shown as is


def test_scan_reports_never_contain_the_secret() -> None:
    result = scan([FIXTURE], ScanOptions(today=date(2026, 11, 28), plugins=False))
    assert result.findings, "the fixture has findings whose evidence carries assumptions"
    carrying = [f for f in result.findings if any("ApiToken" in e for e in f.evidence)]
    assert carrying, "some finding must carry the ApiToken assumption"
    for finding in result.findings:
        text = " ".join((finding.message, *finding.evidence))
        assert TOKEN not in text and UPSTREAM not in text, finding.rule.id


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_report_format_prints_the_secret(fmt: str) -> None:
    result = scan([FIXTURE], ScanOptions(today=date(2026, 11, 28), plugins=False))
    rendered = FORMATS[fmt](result, ReportOptions(show_suppressed=True))
    assert TOKEN not in rendered
    assert UPSTREAM not in rendered
