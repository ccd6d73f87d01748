"""``yarn.lock``: classic (v1, yarn's own line format) and berry (v2+, YAML with ``__metadata``).

Classic entries are headed by their specifiers (``"lodash@^4.17.0", lodash@^4.17.20:``), an alias
reads ``alias@npm:real@range``. Berry entries carry a ``resolution`` (``lodash@npm:4.17.21``);
``workspace:``, ``link:``, ``portal:`` and ``file:`` resolutions are the project's own code and are
skipped, a ``patch:`` resolution is its base package at the entry's ``version``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from faasguard.deps.manifests.bounds import MAX_PACKAGES_PER_FILE
from faasguard.deps.manifests.common import (
    ManifestError,
    Parsed,
    Problem,
    failed,
    read_text,
    redact_url,
)
from faasguard.deps.manifests.yaml_nodes import compose, key_lines, to_plain
from faasguard.model.deps import Package
from faasguard.model.values import Location

_LOCAL_PROTOCOLS = ("workspace:", "link:", "portal:", "file:", "exec:")
_PROPERTY = re.compile(r'^\s+"?([A-Za-z]+)"?:?\s+"?([^"]*)"?\s*$')
_DEPENDENCY = re.compile(r'^\s+"?([^"\s]+)"?:?\s+"?([^"]*)"?\s*$')
_DEPENDENCY_SECTIONS = ("dependencies:", "optionalDependencies:")


@dataclass(slots=True)
class _Entry:
    written: str  # the name the dependency is installed (and required) under
    name: str  # the real package name
    line: int
    version: str = ""
    source: str = ""  # a git/URL resolution: not auditable against the registry
    requires: list[str] = field(default_factory=list)


def parse_yarn_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    try:
        text = read_text(path)
        berry = re.search(r"^__metadata:", text, re.MULTILINE) is not None
        entries = _berry_entries(text) if berry else _classic_entries(text)
    except ManifestError as error:
        return failed(display, error)
    return _result(display, entries, declared)


def split_spec(spec: str) -> tuple[str, str]:
    """``@scope/name@range`` -> (``@scope/name``, ``range``); no ``@`` -> (spec, "")."""
    at = spec.find("@", 1)
    return (spec, "") if at < 0 else (spec[:at], spec[at + 1 :])


def _alias(spec: str) -> tuple[str, str, str]:
    """(written name, real name, range) of a specifier, aliases (``x@npm:y@^1``) resolved."""
    written, rest = split_spec(spec.strip().strip('"'))
    if rest.startswith("npm:") and "@" in rest[5:]:
        real, version_range = split_spec(rest[4:])
        return written, real, version_range
    return written, written, rest.removeprefix("npm:")


def _classic_entries(text: str) -> list[_Entry]:
    entries: list[_Entry] = []
    current: _Entry | None = None
    in_dependencies = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = _classic_header(line, number)
            if current is not None:
                entries.append(current)
            in_dependencies = False
        elif current is not None:
            indent = len(line) - len(line.lstrip())
            if indent < 4:
                in_dependencies = line.strip() in _DEPENDENCY_SECTIONS
                prop = _PROPERTY.match(line)
                if prop is not None:
                    _classic_property(current, prop.group(1), prop.group(2))
            elif in_dependencies and (dependency := _DEPENDENCY.match(line)) is not None:
                current.requires.append(dependency.group(1))
    return entries


def _classic_header(line: str, number: int) -> _Entry | None:
    specs = [s for s in line.rstrip().removesuffix(":").split(",") if s.strip()]
    if not specs:
        return None
    written, real, version_range = _alias(specs[0])
    if not written or version_range.startswith(_LOCAL_PROTOCOLS):
        return None  # a local folder or link: the project's own code
    return _Entry(written, real, number)


def _classic_property(entry: _Entry, name: str, value: str) -> None:
    if name == "version":
        entry.version = value
    elif name == "resolved" and _is_vcs(value):
        entry.source = redact_url(value)


def _is_vcs(resolved: str) -> bool:
    """A git checkout rather than a registry tarball (the advisory database cannot match it)."""
    prefixes = ("git+", "git:", "git@", "github:", "https://codeload.github.com/")
    return resolved.startswith(prefixes) or ".git#" in resolved


def _berry_entries(text: str) -> list[_Entry]:
    root = compose(text)
    data = to_plain(root)
    if not isinstance(data, dict):
        raise ManifestError("not a yarn.lock mapping", 1)
    lines = key_lines(root)
    entries: list[_Entry] = []
    for key, entry in data.items():
        if key == "__metadata" or not isinstance(entry, dict):
            continue
        resolution = entry.get("resolution")
        version = entry.get("version")
        if not isinstance(resolution, str) or not isinstance(version, str):
            continue
        name, protocol = split_spec(resolution)
        if protocol.startswith(_LOCAL_PROTOCOLS) or version.endswith("-use.local"):
            continue
        written, _, _ = _alias(key.split(",")[0])
        found = _Entry(written, name, lines.get(key, 0), version=version)
        if not protocol.startswith(("npm:", "patch:")):
            found.source = redact_url(protocol)
        dependencies = entry.get("dependencies")
        if isinstance(dependencies, dict):
            found.requires.extend(dependencies)
        entries.append(found)
    return entries


def _result(display: str, entries: list[_Entry], declared: frozenset[str] | None) -> Parsed:
    problems: list[Problem] = []
    if len(entries) > MAX_PACKAGES_PER_FILE:
        problems.append((Location(file=display), "too many packages: the rest is not read"))
        entries = entries[:MAX_PACKAGES_PER_FILE]
    aliases = {entry.written: entry.name for entry in entries}
    packages: list[Package] = []
    unpinned: list[Package] = []
    for entry in entries:
        if not entry.version:
            problems.append((Location(file=display, line=entry.line), "entry without a version"))
            continue
        package = Package(
            ecosystem="npm",
            name=entry.name,
            version=None if entry.source else entry.version,
            location=Location(file=display, line=entry.line),
            direct=declared is None or entry.name in declared,
            requirement=entry.source,
            requires=tuple(sorted({aliases.get(r, r) for r in entry.requires})),
        )
        (unpinned if entry.source else packages).append(package)
    return Parsed(
        files=(display,),
        packages=tuple(packages),
        unpinned=tuple(unpinned),
        problems=tuple(problems),
        has_graph=True,
        declared=declared or frozenset(),
        aliases=frozenset((w, n) for w, n in aliases.items() if w != n),
    )
