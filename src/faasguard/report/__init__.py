"""Reporters: one pure ``render(result, options) -> str`` per output format."""

from __future__ import annotations

from collections.abc import Callable

from faasguard.model import ScanResult
from faasguard.report import json, junit, sarif, text
from faasguard.report.options import ReportOptions

Renderer = Callable[[ScanResult, ReportOptions], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "junit": junit.render,
}

__all__ = ["FORMATS", "ReportOptions", "Renderer"]
