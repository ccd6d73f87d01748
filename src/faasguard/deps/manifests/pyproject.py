"""``pyproject.toml``: PEP 621 ``[project] dependencies`` and Poetry ``[tool.poetry.dependencies]``.

A manifest declares ranges: only exact pins (``==1.2.3``, or a bare Poetry version, which Poetry
reads as exact) are auditable; the rest is unpinned unless a lockfile beside it pins them.
Optional dependencies, extras and development groups are not installed into a deployment package
by default, so they are not listed.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from faasguard.deps.manifests.common import ManifestError, Parsed, Problem, failed, redact_url
from faasguard.deps.manifests.markers import applies, lambda_environment
from faasguard.deps.manifests.toml_common import LineCursor, load_toml, string_list, table
from faasguard.model.deps import Package
from faasguard.model.values import Location

_POETRY_EXACT = re.compile(r"^=?=?\s*(\d+(?:\.\d+)*(?:[a-z]+\d*)?(?:\.post\d+)?)$")


def parse_pyproject(path: str, display: str, runtime: str | None = None) -> Parsed:
    try:
        text, document = load_toml(path)
    except ManifestError as error:
        return failed(display, error)
    cursor = LineCursor(text)
    packages: list[Package] = []
    unpinned: list[Package] = []
    problems: list[Problem] = []
    environment = lambda_environment(runtime)
    for written in string_list(table(document, "project").get("dependencies")):
        line = cursor.find(re.escape(f'"{written}"')) or cursor.find(re.escape(f"'{written}'"))
        location = Location(file=display, line=line)
        try:
            requirement = Requirement(written)
        except InvalidRequirement as exc:
            problems.append((location, f"not a requirement: {exc}"))
            continue
        if applies(requirement.marker, environment) is False:
            continue
        name = canonicalize_name(requirement.name)
        specifiers = list(requirement.specifier)
        exact = len(specifiers) == 1 and specifiers[0].operator in ("==", "===")
        if requirement.url:
            url = redact_url(requirement.url.split("#")[0])
            unpinned.append(_pypi(name, None, location, "@ " + url))
        elif exact and not specifiers[0].version.endswith(".*"):
            packages.append(_pypi(name, specifiers[0].version, location))
        else:
            unpinned.append(_pypi(name, None, location, str(requirement.specifier) or "*"))
    poetry = table(document, "tool", "poetry", "dependencies")
    if poetry:
        cursor.find(r"^\[tool\.poetry\.dependencies\]")
    for key, spec in poetry.items():
        if key == "python":
            continue
        line = cursor.find(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        _poetry_entry(key, spec, Location(file=display, line=line), packages, unpinned)
    declared = frozenset(p.name for p in (*packages, *unpinned))
    return Parsed(
        files=(display,),
        packages=tuple(packages),
        unpinned=tuple(unpinned),
        problems=tuple(problems),
        declared=declared,
    )


def _poetry_entry(
    name: str, spec: Any, location: Location, packages: list[Package], unpinned: list[Package]
) -> None:
    if isinstance(spec, list):
        spec = spec[0] if spec else "*"  # multiple-constraint form: the first is representative
    if isinstance(spec, dict):
        if spec.get("optional") is True:
            return
        for source in ("git", "url", "path"):
            if isinstance(spec.get(source), str):
                target = redact_url(spec[source].split("#")[0])
                unpinned.append(
                    _pypi(canonicalize_name(name), None, location, f"{source} {target}")
                )
                return
        spec = spec.get("version", "*")
    version = str(spec).strip()
    exact = _POETRY_EXACT.match(version)
    if exact:
        packages.append(_pypi(canonicalize_name(name), exact.group(1), location))
    else:
        unpinned.append(_pypi(canonicalize_name(name), None, location, version or "*"))


def _pypi(name: str, version: str | None, location: Location, requirement: str = "") -> Package:
    return Package(
        ecosystem="PyPI", name=name, version=version, location=location, requirement=requirement
    )
