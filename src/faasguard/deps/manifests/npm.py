"""``package.json`` and ``package-lock.json`` / ``npm-shrinkwrap.json`` (lockfile v1, v2, v3).

v2/v3 list every installed copy under ``packages`` keyed by its ``node_modules/…`` path; the
entry's ``name`` is the real name behind an alias. v1 nests ``dependencies`` and writes an alias as
``"version": "npm:real@1.2.3"``. Linked (``link: true``) and workspace entries are the project's
own code, not registry packages, so they are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from faasguard.deps.manifests.bounds import MAX_LOCK_NESTING, MAX_PACKAGES_PER_FILE
from faasguard.deps.manifests.common import (
    KeyLines,
    ManifestError,
    Parsed,
    Problem,
    failed,
    read_text,
)
from faasguard.model.deps import Package
from faasguard.model.values import Location

_DEPENDENCY_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies")
_ALL_FIELDS = (*_DEPENDENCY_FIELDS, "devDependencies")
_EXACT = re.compile(r"^=?v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_ALIAS = re.compile(r"^npm:((?:@[^/@\s]+/)?[^@\s]+)@(.+)$")


def load_json(path: str) -> tuple[str, Any]:
    """Text and parsed value of a JSON file; a syntax error carries its line."""
    text = read_text(path)
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise ManifestError("not read: JSON nested too deeply") from None


def declared_names(data: Any) -> tuple[frozenset[str], frozenset[str]]:
    """(runtime dependency names, names declared only in ``devDependencies``) of a package.json."""
    if not isinstance(data, dict):
        return frozenset(), frozenset()
    runtime: set[str] = set()
    dev: set[str] = set()
    for fieldname in _ALL_FIELDS:
        section = data.get(fieldname)
        if isinstance(section, dict):
            target = dev if fieldname == "devDependencies" else runtime
            target.update(_real_name(key, spec) for key, spec in section.items())
    return frozenset(runtime), frozenset(dev - runtime)


def parse_package_json(path: str, display: str) -> Parsed:
    """A package.json read alone (no lockfile): exact versions are pins, ranges are unpinned."""
    try:
        text, data = load_json(path)
    except ManifestError as error:
        return failed(display, error)
    if not isinstance(data, dict):
        return failed(display, ManifestError("not a package.json object", 1))
    lines = KeyLines(text)
    packages: list[Package] = []
    unpinned: list[Package] = []
    for fieldname in _ALL_FIELDS:
        section = data.get(fieldname)
        if not isinstance(section, dict):
            continue
        lines.find(fieldname)
        for key, spec in section.items():
            location = Location(file=display, line=lines.find(key, container=False))
            spec_text = spec if isinstance(spec, str) else ""
            name, version = _real_name(key, spec_text), _alias_target(spec_text)
            if _EXACT.match(version):
                packages.append(_npm(name, version.lstrip("=v"), location))
            else:
                unpinned.append(_npm(name, None, location, requirement=spec_text or "*"))
    runtime, dev = declared_names(data)
    aliases = {
        (key, _real_name(key, spec))
        for fieldname in _ALL_FIELDS
        if isinstance(data.get(fieldname), dict)
        for key, spec in data[fieldname].items()
        if _real_name(key, spec) != key
    }
    return Parsed(
        files=(display,),
        packages=tuple(packages),
        unpinned=tuple(unpinned),
        dev_only=dev,
        declared=runtime | dev,
        aliases=frozenset(aliases),
    )


def parse_package_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    """A package-lock.json; ``declared`` (package.json names) marks direct dependencies."""
    try:
        text, data = load_json(path)
    except ManifestError as error:
        return failed(display, error)
    if not isinstance(data, dict):
        return failed(display, ManifestError("not a package-lock object", 1))
    lines = KeyLines(text)
    problems: list[Problem] = []
    if isinstance(data.get("packages"), dict):
        entries = list(_v2_entries(data["packages"], lines, display))
        root = data["packages"].get("")
        runtime, dev = declared_names(root)
        direct = runtime | dev
    elif isinstance(data.get("dependencies"), dict):
        lines.find("dependencies")
        entries = list(_v1_entries(data["dependencies"], lines, display, 0, problems))
        direct = frozenset(
            _real_name(key, entry.get("version")) if isinstance(entry, dict) else key
            for key, entry in data["dependencies"].items()
        )
    else:
        return failed(display, ManifestError("no 'packages' or 'dependencies' section", 1))
    if declared:
        direct = declared
    return _lock_result(display, entries, direct, problems)


class _Entry(NamedTuple):
    name: str  # the real name (an alias resolved)
    version: str
    location: Location
    dev: bool
    requires: tuple[str, ...]  # as written: alias names stay aliases
    written: str  # the name it is installed under
    top: bool  # installed at the top of node_modules (where a declared dependency lives)


def _v2_entries(section: Mapping[str, Any], lines: KeyLines, display: str) -> Iterator[_Entry]:
    for key, entry in section.items():
        if not key or not isinstance(entry, dict):
            continue
        line = lines.find(key)
        if "node_modules/" not in key or entry.get("link") is True:
            continue  # a workspace folder or a link to one: the project's own code
        version = entry.get("version")
        if not isinstance(version, str) or not version:
            continue
        written = key.rsplit("node_modules/", 1)[1]
        name = entry.get("name") if isinstance(entry.get("name"), str) else written
        requires = tuple(
            dep for f in _DEPENDENCY_FIELDS if isinstance(entry.get(f), dict) for dep in entry[f]
        )
        dev = entry.get("dev") is True or entry.get("devOptional") is True
        location = Location(file=display, line=line)
        top = key.count("node_modules/") == 1 and key.startswith("node_modules/")
        yield _Entry(str(name), version, location, dev, requires, written, top)


def _v1_entries(
    section: Mapping[str, Any], lines: KeyLines, display: str, depth: int, problems: list[Problem]
) -> Iterator[_Entry]:
    if depth > MAX_LOCK_NESTING:
        problems.append((Location(file=display), "dependencies nested too deeply: rest not read"))
        return
    for written, entry in section.items():
        if not isinstance(entry, dict):
            continue
        line = lines.find(written)
        version = entry.get("version")
        requires_map = entry.get("requires")
        requires = tuple(requires_map) if isinstance(requires_map, dict) else ()
        if isinstance(version, str) and version:
            alias = _ALIAS.match(version)
            name, version = (alias.group(1), alias.group(2)) if alias else (written, version)
            if not re.match(r"^(file:|link:|git|github:|https?:)", version):
                location = Location(file=display, line=line)
                dev = entry.get("dev") is True
                yield _Entry(name, version, location, dev, requires, written, depth == 0)
        nested = entry.get("dependencies")
        if isinstance(nested, dict):
            yield from _v1_entries(nested, lines, display, depth + 1, problems)


def _lock_result(
    display: str, entries: list[_Entry], direct: frozenset[str], problems: list[Problem]
) -> Parsed:
    if len(entries) > MAX_PACKAGES_PER_FILE:
        problems.append((Location(file=display), "too many packages: the rest is not read"))
        entries = entries[:MAX_PACKAGES_PER_FILE]
    aliases = {entry.written: entry.name for entry in entries}
    packages: list[Package] = []
    dev_names: dict[str, bool] = {}
    for entry in entries:
        real_requires = tuple(sorted({aliases.get(dep, dep) for dep in entry.requires}))
        is_direct = entry.top and entry.name in direct
        packages.append(
            _npm(
                entry.name, entry.version, entry.location, direct=is_direct, requires=real_requires
            )
        )
        dev_names[entry.name] = dev_names.get(entry.name, True) and entry.dev
    return Parsed(
        files=(display,),
        packages=tuple(packages),
        problems=tuple(problems),
        has_graph=True,
        dev_only=frozenset(name for name, dev in dev_names.items() if dev),
        declared=direct,
        aliases=frozenset((written, name) for written, name in aliases.items() if written != name),
    )


def _npm(
    name: str,
    version: str | None,
    location: Location,
    *,
    direct: bool = True,
    requirement: str = "",
    requires: tuple[str, ...] = (),
) -> Package:
    return Package(
        ecosystem="npm",
        name=name,
        version=version,
        location=location,
        direct=direct,
        requirement=requirement,
        requires=requires,
    )


def _real_name(key: str, spec: object) -> str:
    alias = _ALIAS.match(spec) if isinstance(spec, str) else None
    return alias.group(1) if alias else key


def _alias_target(spec: str) -> str:
    alias = _ALIAS.match(spec)
    return alias.group(2) if alias else spec
