"""Helpers for the Terraform loader tests: write a configuration, load it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform import load_terraform
from faasguard.model import App


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


def load(directory: Path, files: dict[str, str], settings: LoadSettings | None = None) -> App:
    write(directory, files)
    app, _ = load_terraform(str(directory), "tf", settings or LoadSettings())
    return app


def line_of(directory: Path, name: str, needle: str) -> int:
    """1-based line of the first line of ``name`` containing ``needle``."""
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)
