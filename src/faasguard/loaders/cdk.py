"""CDK output (``cdk.out``): construct paths for generated names, asset folders back to sources.

CDK names resources ``OrdersFunction3BD4F0A1`` and ships code as ``cdk.out/asset.<hash>``, a
copy of the source folder the user edits. Findings should name the construct the user wrote and
point at the real source files, so we keep the construct path (``aws:cdk:path``) as a note on
every resource and look for the project folder whose files are byte-identical to the asset.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YMap

#: an asset folder with more files than this is not matched (bundles of vendored dependencies)
MAX_ASSET_FILES = 200
#: project folders visited while looking for an asset's source
MAX_PROJECT_DIRS = 5_000
_NOT_SOURCES = frozenset(
    {"cdk.out", "node_modules", ".git", ".venv", "venv", "__pycache__", ".mypy_cache", "dist"}
)


def construct_paths(resources: YMap) -> dict[str, str]:
    """Logical id -> construct path (``Stack/Orders/Resource`` -> ``Stack/Orders``)."""
    found: dict[str, str] = {}
    for ident, resource in resources.items():
        metadata = resource.get("Metadata") if isinstance(resource, YMap) else None
        path = metadata.get("aws:cdk:path") if isinstance(metadata, YMap) else None
        if isinstance(path, str) and path:
            found[ident] = path.removesuffix("/Resource")
    return found


def annotate(parts: Parts, paths: dict[str, str]) -> None:
    """Add "CDK construct <path>" to the notes of every resource CDK generated a name for."""
    for name in Parts.__slots__:
        items: list[Any] = getattr(parts, name)
        for index, item in enumerate(items):
            path = paths.get(getattr(item, "id", ""))
            if path is not None and hasattr(item, "assumptions"):
                note = f"CDK construct {path}"
                if note not in item.assumptions:
                    items[index] = replace(item, assumptions=(*item.assumptions, note))


def _fingerprint(directory: str) -> dict[str, str] | None:
    """Relative file path -> sha256 of every file below ``directory``; None when too large."""
    found: dict[str, str] = {}
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_SOURCES)
        for name in files:
            path = os.path.join(current, name)
            rel = os.path.relpath(path, directory).replace(os.sep, "/")
            if len(found) >= MAX_ASSET_FILES:
                return None
            try:
                with open(path, "rb") as handle:
                    found[rel] = hashlib.sha256(handle.read()).hexdigest()
            except OSError:
                return None
    return found


def _candidate_dirs(project: str) -> Iterator[str]:
    for visited, (current, dirs, _files) in enumerate(os.walk(project)):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_SOURCES and not d.startswith("."))
        if visited >= MAX_PROJECT_DIRS:
            return
        yield current


def _top_names(directory: str) -> frozenset[str]:
    try:
        return frozenset(n for n in os.listdir(directory) if n not in _NOT_SOURCES)
    except OSError:
        return frozenset()


def source_of_asset(asset_dir: str) -> str | None:
    """The project folder whose files equal the asset's (same names, same bytes), if one does.

    ``asset_dir`` is ``<project>/cdk.out/asset.<hash>``; the project is the folder above
    ``cdk.out``. Returns a path in the same form as ``asset_dir`` (display-relative).
    """
    cdk_out = posixpath.dirname(asset_dir)
    if posixpath.basename(cdk_out) != "cdk.out" or not os.path.isdir(asset_dir):
        return None
    wanted = _fingerprint(asset_dir)
    if not wanted:
        return None
    top = _top_names(asset_dir)
    project = posixpath.dirname(cdk_out) or "."
    for candidate in _candidate_dirs(project):
        if _top_names(candidate) != top:
            continue  # cheap check first: only hash folders with the same entries
        if _fingerprint(candidate) == wanted:
            rel = os.path.relpath(candidate, project).replace(os.sep, "/")
            return posixpath.normpath(posixpath.join(project, rel))
    return None
