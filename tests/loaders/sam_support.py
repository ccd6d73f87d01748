"""Expand the SAM resources of one template into ``Parts`` (what the SAM tests compare)."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders import cloudformation, sam
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import load_file


def load_sam(path: Path) -> Parts:
    doc = load_file(str(path), path.name)
    parts = Parts()
    sam.expand(cloudformation.Template(doc, str(path.parent)), parts)
    return parts
