"""``requirements*.txt`` (pip's format): pins, hashes, markers, extras and ``-r``/``-c`` includes.

Includes are followed relative to the including file, bounded in depth and count, and a file seen
twice is read once (cycles end there). Constraint files (``-c``) install nothing: their pins only
fix the version of requirements that a ``-r`` chain declares. Editable, URL, VCS and local-path
requirements cannot be audited against a registry, so they are reported as unpinned.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from faasguard.deps.manifests.bounds import (
    MAX_INCLUDE_DEPTH,
    MAX_INCLUDED_FILES,
    MAX_PACKAGES_PER_FILE,
)
from faasguard.deps.manifests.common import (
    ManifestError,
    Parsed,
    Problem,
    join_display,
    read_text,
    redact_url,
)
from faasguard.deps.manifests.markers import applies, lambda_environment
from faasguard.model.deps import Package
from faasguard.model.values import Location

_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^-\s]))(\S+)$")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S+)")
_PER_REQUIREMENT_OPTION = re.compile(
    r"\s(?:--hash|--global-option|--install-option|--config-settings|-C)(?:=|\s).*$"
)
_COMMENT = re.compile(r"(^|\s)#.*$")
_PATH_LIKE = re.compile(
    r"^(\.{1,2}/|/|~|[A-Za-z]:\\|[A-Za-z][A-Za-z0-9+.-]*://)|\.(whl|tar\.gz|zip|tgz|tar\.bz2)$"
)


@dataclass(slots=True)
class _State:
    """What a read of one top-level requirements file accumulates across includes."""

    environment: dict[str, str] | None
    files: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    packages: list[Package] = field(default_factory=list)
    unpinned: list[Package] = field(default_factory=list)
    constraints: dict[str, Package] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse_requirements(path: str, display: str, runtime: str | None = None) -> Parsed:
    """Read a requirements file and everything it includes."""
    state = _State(environment=lambda_environment(runtime))
    _read_file(path, display, state, depth=0, constraint=False)
    pinned = {package.name for package in state.packages}
    unpinned: list[Package] = []
    for package in state.unpinned:
        pin = state.constraints.get(package.name)
        if pin is not None and package.version is None and not package.requirement.startswith("@"):
            state.packages.append(pin)
        elif package.name not in pinned:
            unpinned.append(package)
    return Parsed(
        files=tuple(state.files),
        packages=tuple(state.packages),
        unpinned=tuple(unpinned),
        problems=tuple(state.problems),
        declared=frozenset(p.name for p in (*state.packages, *unpinned)),
    )


def _read_file(path: str, display: str, state: _State, depth: int, constraint: bool) -> None:
    key = os.path.realpath(path)
    if key in state.seen:
        return  # a cycle or a repeated include: the file's lines are already counted
    if len(state.seen) >= MAX_INCLUDED_FILES:
        state.problems.append((Location(file=display), "not read: too many included files"))
        return
    state.seen.add(key)
    state.files.append(display)
    try:
        text = read_text(path)
    except ManifestError as error:
        state.problems.append((Location(file=display), str(error)))
        return
    for number, line in _logical_lines(text):
        location = Location(file=display, line=number)
        include = _INCLUDE.match(line)
        if include is not None:
            _include(path, display, include, location, state, depth)
        elif len(state.packages) + len(state.unpinned) >= MAX_PACKAGES_PER_FILE:
            state.problems.append((location, "too many requirements: the rest is not read"))
            return
        elif not line.startswith("-") or _EDITABLE.match(line):
            _requirement(line, location, state, constraint)


def _include(
    path: str,
    display: str,
    include: re.Match[str],
    location: Location,
    state: _State,
    depth: int,
) -> None:
    target = include.group(2)
    if "://" in target or os.path.isabs(target):
        state.problems.append((location, f"include {target!r} not followed (not a relative path)"))
        return
    if depth + 1 > MAX_INCLUDE_DEPTH:
        state.problems.append((location, f"include {target!r} not followed: nesting too deep"))
        return
    child = os.path.join(os.path.dirname(path), target)
    if not os.path.isfile(child):
        state.problems.append((location, f"included file {target!r} not found"))
        return
    constraint = include.group(1) in ("-c", "--constraint")
    _read_file(child, join_display(display, target), state, depth + 1, constraint)


def _requirement(line: str, location: Location, state: _State, constraint: bool) -> None:
    editable = _EDITABLE.match(line)
    text = editable.group(2) if editable else _PER_REQUIREMENT_OPTION.sub("", line).strip()
    if editable or _PATH_LIKE.search(text.split(";")[0].strip()):
        package = _local_or_url(text, location, editable=editable is not None)
        if package is not None:
            (state.packages if package.version else state.unpinned).append(package)
        return
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        state.problems.append((location, f"not a requirement: {redact_url(str(exc))}"))
        return
    if applies(requirement.marker, state.environment) is False:
        return  # the marker excludes it on this runtime: pip would not install it
    name = canonicalize_name(requirement.name)
    if requirement.url:
        unpinned = Package(ecosystem="PyPI", name=name, version=None, location=location)
        state.unpinned.append(_with_requirement(unpinned, "@ " + redact_url(requirement.url)))
        return
    version = _exact_pin(requirement)
    package = Package(
        ecosystem="PyPI",
        name=name,
        version=version,
        location=location,
        requirement="" if version else (str(requirement.specifier) or "*"),
    )
    if constraint:
        if version:
            state.constraints.setdefault(name, package)
    elif version:
        state.packages.append(package)
    else:
        state.unpinned.append(package)


def _exact_pin(requirement: Requirement) -> str | None:
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1:
        return None
    (only,) = specifiers
    if only.operator in ("==", "===") and not only.version.endswith(".*"):
        return only.version
    return None


def _local_or_url(text: str, location: Location, editable: bool) -> Package | None:
    target = text.split(";")[0].strip()
    base = os.path.basename(target.rstrip("/"))
    if not editable and base.endswith(".whl"):
        try:
            name, version, _, _ = parse_wheel_filename(base)
        except InvalidWheelFilename:
            pass
        else:
            return Package(ecosystem="PyPI", name=name, version=str(version), location=location)
    egg = re.search(r"#egg=([A-Za-z0-9._-]+)", target)
    name = canonicalize_name(
        egg.group(1) if egg else re.split(r"[-.]", base, maxsplit=1)[0] or base
    )
    kind = "editable " if editable else ""
    return Package(
        ecosystem="PyPI",
        name=name,
        version=None,
        location=location,
        requirement=f"{kind}{redact_url(target.split('#')[0])}",
    )


def _with_requirement(package: Package, requirement: str) -> Package:
    return Package(
        ecosystem=package.ecosystem,
        name=package.name,
        version=package.version,
        location=package.location,
        requirement=requirement,
    )


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, logical line): comments removed, ``\\`` continuations joined."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        line = _COMMENT.sub("", raw) if not raw.lstrip().startswith("#") else ""
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield start, joined
    if pending and (joined := " ".join(part.strip() for part in pending).strip()):
        yield start, joined
