"""Load a serverless.yml written by a test (into its own directory) into the App model."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.serverless import load_serverless
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.yamljson import loads
from faasguard.model import App, Function


def load(
    directory: Path,
    text: str,
    settings: LoadSettings | None = None,
    files: dict[str, str] | None = None,
) -> App:
    service = directory / "service"
    service.mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    (service / "serverless.yml").write_text(text, encoding="utf-8")
    doc = loads(text, "service/serverless.yml")
    return load_serverless(doc, str(service), settings or LoadSettings())


def function(app: App, ident: str) -> Function:
    found = app.function(ident)
    assert found is not None, [f.id for f in app.functions]
    return found


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (expected positions by hand)."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)
