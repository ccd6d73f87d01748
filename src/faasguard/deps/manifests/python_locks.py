"""Python lockfiles: ``poetry.lock``, ``uv.lock``, ``pdm.lock`` (TOML) and ``Pipfile.lock`` (JSON).

Each ``[[package]]`` is one locked distribution; its line is the ``name = "…"`` line of its block.
The lock's own project (uv ``source = { editable/virtual = "." }``) and local path sources are the
project's code, not registry packages, and are skipped; VCS and URL sources cannot be audited
against a registry and are reported as unpinned. Development-only packages are marked so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from faasguard.deps.manifests.bounds import MAX_PACKAGES_PER_FILE
from faasguard.deps.manifests.common import (
    KeyLines,
    ManifestError,
    Parsed,
    Problem,
    failed,
    read_text,
    redact_url,
)
from faasguard.deps.manifests.toml_common import LineCursor, load_toml, string_list, table
from faasguard.model.deps import Package
from faasguard.model.values import Location


class _Locked(NamedTuple):
    name: str
    version: str | None  # None: a VCS/URL source (unpinned)
    line: int
    dev: bool
    requires: tuple[str, ...]
    source: str = ""  # the VCS/URL source for unpinned entries


def parse_poetry_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    return _toml_lock(path, display, declared, _poetry_entries)


def parse_uv_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    parsed = _toml_lock(path, display, declared, _uv_entries)
    if declared is not None or not parsed.packages:
        return parsed
    # the lock's own project lists its direct dependencies: read it again for those names
    try:
        _, document = load_toml(path)
    except ManifestError:
        return parsed
    return _toml_lock(path, display, _uv_project_names(document), _uv_entries)


def _uv_project_names(document: dict[str, Any]) -> frozenset[str]:
    names: set[str] = set()
    blocks = document.get("package")
    for block in blocks if isinstance(blocks, list) else []:
        source = table(block, "source") if isinstance(block, dict) else {}
        if not any(key in source for key in ("editable", "virtual")):
            continue
        groups = [block.get("dependencies"), *table(block, "dev-dependencies").values()]
        for group in groups:
            names.update(
                canonicalize_name(d["name"])
                for d in (group if isinstance(group, list) else [])
                if isinstance(d, dict) and isinstance(d.get("name"), str)
            )
    return frozenset(names)


def parse_pdm_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    return _toml_lock(path, display, declared, _pdm_entries)


def _toml_lock(
    path: str,
    display: str,
    declared: frozenset[str] | None,
    entries: Any,
) -> Parsed:
    try:
        text, document = load_toml(path)
    except ManifestError as error:
        return failed(display, error)
    blocks = document.get("package")
    if not isinstance(blocks, list):
        return failed(display, ManifestError("no [[package]] entries", 1))
    cursor = LineCursor(text)
    locked = list(entries([b for b in blocks if isinstance(b, dict)], cursor, document))
    return _result(display, locked, declared)


def _name_line(cursor: LineCursor, name: str) -> int:
    return cursor.find(rf"^name\s*=\s*[\"']{re.escape(name)}[\"']")


def _poetry_entries(blocks: list[dict[str, Any]], cursor: LineCursor, _: Any) -> Iterator[_Locked]:
    for block in blocks:
        name, version = block.get("name"), block.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        line = _name_line(cursor, name)
        groups = string_list(block.get("groups"))
        dev = block.get("category") == "dev" or (bool(groups) and "main" not in groups)
        requires = tuple(table(block, "dependencies"))
        source = table(block, "source")
        kind, url = source.get("type"), source.get("url")
        if kind in ("directory", "file") and isinstance(url, str) and not url.endswith(".whl"):
            continue  # a local project folder: not a registry package
        if kind in ("git", "url") and isinstance(url, str):
            yield _Locked(name, None, line, dev, requires, f"{kind} {redact_url(url)}")
        else:
            yield _Locked(name, version, line, dev, requires)


def _uv_entries(blocks: list[dict[str, Any]], cursor: LineCursor, _: Any) -> Iterator[_Locked]:
    dev_names: set[str] = set()
    for block in blocks:
        for group in table(block, "dev-dependencies").values():
            dev_names.update(d["name"] for d in group if isinstance(d, dict) and "name" in d)
    for block in blocks:
        name = block.get("name")
        if not isinstance(name, str):
            continue
        line = _name_line(cursor, name)
        source = table(block, "source")
        deps = block.get("dependencies")
        requires = tuple(
            d["name"]
            for d in (deps if isinstance(deps, list) else [])
            if isinstance(d, dict) and isinstance(d.get("name"), str)
        )
        if any(key in source for key in ("editable", "virtual", "path", "directory")):
            continue  # the project itself or a local folder
        version = block.get("version")
        for kind in ("git", "url"):
            if isinstance(source.get(kind), str):
                yield _Locked(
                    name,
                    None,
                    line,
                    name in dev_names,
                    requires,
                    f"{kind} {redact_url(source[kind])}",
                )
                break
        else:
            if isinstance(version, str):
                yield _Locked(name, version, line, name in dev_names, requires)


def _pdm_entries(blocks: list[dict[str, Any]], cursor: LineCursor, _: Any) -> Iterator[_Locked]:
    for block in blocks:
        name, version = block.get("name"), block.get("version")
        if not isinstance(name, str):
            continue
        line = _name_line(cursor, name)
        groups = string_list(block.get("groups"))
        requires = tuple(_requirement_name(d) for d in string_list(block.get("dependencies")))
        dev = bool(groups) and "default" not in groups
        if isinstance(block.get("git"), str) or isinstance(block.get("url"), str):
            url = block.get("git") or block.get("url")
            yield _Locked(
                name,
                None,
                line,
                dev,
                tuple(r for r in requires if r),
                f"vcs {redact_url(str(url))}",
            )
        elif isinstance(block.get("path"), str) or isinstance(block.get("editable"), bool):
            continue
        elif isinstance(version, str):
            yield _Locked(name, version, line, dev, tuple(r for r in requires if r))


def _requirement_name(text: str) -> str:
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return ""


def parse_pipfile_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    """Pipfile.lock: ``default`` (deployed) and ``develop`` sections; no dependency graph."""
    try:
        text = read_text(path)
        data = json.loads(text)
    except ManifestError as error:
        return failed(display, error)
    except json.JSONDecodeError as exc:
        return failed(display, ManifestError(f"not valid JSON: {exc.msg}", exc.lineno))
    except RecursionError:
        return failed(display, ManifestError("not read: JSON nested too deeply"))
    if not isinstance(data, dict):
        return failed(display, ManifestError("not a Pipfile.lock object", 1))
    lines = KeyLines(text)
    locked: list[_Locked] = []
    for section in ("default", "develop"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        lines.find(section)
        for name, entry in entries.items():
            line = lines.find(name)
            if not isinstance(entry, dict):
                continue
            version = entry.get("version")
            dev = section == "develop"
            if isinstance(entry.get("git"), str):
                locked.append(_Locked(name, None, line, dev, (), f"git {redact_url(entry['git'])}"))
            elif isinstance(version, str) and version.startswith("=="):
                locked.append(_Locked(name, version[2:], line, dev, ()))
    parsed = _result(display, locked, declared)
    return Parsed(
        files=parsed.files,
        packages=parsed.packages,
        unpinned=parsed.unpinned,
        problems=parsed.problems,
        dev_only=parsed.dev_only,
        declared=parsed.declared,
    )  # has_graph stays False: Pipfile.lock records no requirements between packages


def _result(display: str, locked: list[_Locked], declared: frozenset[str] | None) -> Parsed:
    problems: list[Problem] = []
    if len(locked) > MAX_PACKAGES_PER_FILE:
        problems.append((Location(file=display), "too many packages: the rest is not read"))
        locked = locked[:MAX_PACKAGES_PER_FILE]
    packages: list[Package] = []
    unpinned: list[Package] = []
    dev: dict[str, bool] = {}
    for entry in locked:
        name = canonicalize_name(entry.name)
        package = Package(
            ecosystem="PyPI",
            name=name,
            version=entry.version,
            location=Location(file=display, line=entry.line),
            direct=declared is None or name in declared,
            requirement=entry.source,
            requires=tuple(sorted({canonicalize_name(r) for r in entry.requires})),
        )
        (packages if entry.version else unpinned).append(package)
        dev[name] = dev.get(name, True) and entry.dev
    return Parsed(
        files=(display,),
        packages=tuple(packages),
        unpinned=tuple(unpinned),
        problems=tuple(problems),
        has_graph=True,
        dev_only=frozenset(name for name, only in dev.items() if only),
        declared=declared or frozenset(),
    )
