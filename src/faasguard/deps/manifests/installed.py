"""Packages found installed in a code root: ``*.dist-info/METADATA`` and ``node_modules``.

Used when no lockfile covers an ecosystem: what is in the deployment package is then the truth.
``Requires-Dist`` lines give the Python graph (markers evaluated against the runtime).
"""

from __future__ import annotations

import json
import os
from email.parser import HeaderParser

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from faasguard.deps.manifests.common import ManifestError, Parsed, Problem, read_text
from faasguard.deps.manifests.markers import applies, lambda_environment
from faasguard.model.deps import Package
from faasguard.model.values import Location


def parse_dist_infos(
    code_dir: str, dist_infos: tuple[str, ...], runtime: str | None = None
) -> Parsed:
    """One package per ``<dir>.dist-info/METADATA`` (``Name``/``Version`` headers)."""
    environment = lambda_environment(runtime)
    packages: list[Package] = []
    problems: list[Problem] = []
    files: list[str] = []
    for relative in dist_infos:
        display = f"{code_dir}/{relative}/METADATA"
        try:
            text = read_text(os.path.join(code_dir, relative, "METADATA"))
        except ManifestError as error:
            problems.append((Location(file=display), str(error)))
            continue
        headers = HeaderParser().parsestr(text.split("\n\n", 1)[0])
        name, version = headers.get("Name"), headers.get("Version")
        if not name or not version:
            problems.append((Location(file=display, line=1), "METADATA without Name/Version"))
            continue
        requires: set[str] = set()
        for line in headers.get_all("Requires-Dist") or []:
            try:
                requirement = Requirement(str(line))
            except InvalidRequirement:
                continue
            if requirement.marker is None or applies(requirement.marker, environment) is not False:
                requires.add(canonicalize_name(requirement.name))
        files.append(display)
        packages.append(
            Package(
                ecosystem="PyPI",
                name=canonicalize_name(str(name)),
                version=str(version).strip(),
                location=Location(file=display, line=_line_starting(text, "Version:")),
                direct=False,
                requires=tuple(sorted(requires)),
            )
        )
    return Parsed(
        files=tuple(files),
        packages=tuple(packages),
        problems=tuple(problems),
        has_graph=bool(packages),
    )


def parse_node_modules(code_dir: str, package_jsons: tuple[str, ...]) -> Parsed:
    """One package per ``node_modules/**/package.json`` (its ``name`` and ``version``)."""
    packages: list[Package] = []
    problems: list[Problem] = []
    files: list[str] = []
    for relative in package_jsons:
        display = f"{code_dir}/{relative}"
        try:
            text = read_text(os.path.join(code_dir, relative))
            data = json.loads(text)
        except ManifestError as error:
            problems.append((Location(file=display, line=error.line), str(error)))
            continue
        except (json.JSONDecodeError, RecursionError) as exc:
            problems.append(
                (Location(file=display, line=getattr(exc, "lineno", 0)), "not valid JSON")
            )
            continue
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            continue
        version = data.get("version")
        if not isinstance(version, str):
            continue
        requires = data.get("dependencies")
        files.append(display)
        packages.append(
            Package(
                ecosystem="npm",
                name=data["name"],
                version=version,
                location=Location(file=display, line=_line_containing(text, '"version"')),
                direct=False,
                requires=tuple(sorted(requires)) if isinstance(requires, dict) else (),
            )
        )
    return Parsed(
        files=tuple(files),
        packages=tuple(packages),
        problems=tuple(problems),
        has_graph=bool(packages),
    )


def _line_starting(text: str, start: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(start):
            return number
    return 0


def _line_containing(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 0
