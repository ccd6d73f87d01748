"""``pnpm-lock.yaml``, lockfile v5 (``/name/1.2.3``), v6 (``/name@1.2.3``) and v9 (``name@1.2.3``
under ``packages`` plus the dependency graph under ``snapshots``).

Keys carry peer and patch suffixes (``/react-dom@18.0.0(react@18.0.0)``, v5 ``_react@18.0.0``):
they are stripped to find the package version. ``link:``/``file:``/``workspace:`` entries are the
project's own code; git and tarball URLs cannot be audited and are reported as unpinned.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

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

_DIRECT_SECTIONS = ("dependencies", "optionalDependencies", "devDependencies")
_LOCAL = ("link:", "file:", "workspace:")


class PnpmKey(NamedTuple):
    name: str
    version: str  # "" when the key names no registry version (a URL, a local folder)
    source: str  # the URL of a git/tarball dependency, else ""


def parse_key(key: str, v5: bool) -> PnpmKey:
    """``/@scope/pkg@1.0.0(react@18.0.0)`` -> (``@scope/pkg``, ``1.0.0``, "")."""
    bare = key.removeprefix("/").split("(", 1)[0]
    if v5:
        if "/" in bare and not bare.startswith(("http:", "https:")):
            name, _, version = bare.rpartition("/")
            return PnpmKey(name, version.split("_", 1)[0], "")
        return PnpmKey(bare, "", "")
    at = bare.find("@", 1)
    if at < 0:
        return PnpmKey(bare, "", "")
    name, version = bare[:at], bare[at + 1 :]
    if version.startswith(_LOCAL):
        return PnpmKey(name, "", "")
    if "://" in version or version.startswith(("github.com/", "git")):
        return PnpmKey(name, "", redact_url(version))
    return PnpmKey(name, version, "")


def parse_pnpm_lock(path: str, display: str, declared: frozenset[str] | None = None) -> Parsed:
    try:
        root = compose(read_text(path))
        data = to_plain(root)
    except ManifestError as error:
        return failed(display, error)
    if not isinstance(data, dict) or not isinstance(data.get("packages", {}), dict):
        return failed(display, ManifestError("not a pnpm-lock.yaml mapping", 1))
    version = str(data.get("lockfileVersion", ""))
    v5 = version.startswith("5")
    graph_section = "snapshots" if isinstance(data.get("snapshots"), dict) else "packages"
    lines = key_lines(root, "packages")
    direct, dev_direct, aliases = _importer_names(data, v5)
    problems: list[Problem] = []
    packages: list[Package] = []
    unpinned: list[Package] = []
    requires = _requires(data.get(graph_section), v5)
    for key in data.get("packages", {}):
        parsed = parse_key(key, v5)
        if not parsed.version and not parsed.source:
            continue
        location = Location(file=display, line=lines.get(key, 0))
        package = Package(
            ecosystem="npm",
            name=parsed.name,
            version=parsed.version or None,
            location=location,
            direct=parsed.name in (declared or direct),
            requirement=parsed.source,
            requires=tuple(sorted(requires.get((parsed.name, parsed.version), ()))),
        )
        (packages if parsed.version else unpinned).append(package)
    if len(packages) > MAX_PACKAGES_PER_FILE:
        problems.append((Location(file=display), "too many packages: the rest is not read"))
        packages = packages[:MAX_PACKAGES_PER_FILE]
    return Parsed(
        files=(display,),
        packages=tuple(_dedupe(packages)),
        unpinned=tuple(unpinned),
        problems=tuple(problems),
        has_graph=True,
        dev_only=_dev_only(data.get("packages", {}), v5, dev_direct),
        declared=declared or direct,
        aliases=aliases,
    )


def _importer_names(
    data: dict[str, Any], v5: bool
) -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """(directly declared real names, names declared only as devDependencies, aliases)."""
    importers = data.get("importers")
    roots = list(importers.values()) if isinstance(importers, dict) else [data]
    runtime: set[str] = set()
    dev: set[str] = set()
    aliases: set[tuple[str, str]] = set()
    for importer in roots:
        for section in _DIRECT_SECTIONS:
            block = importer.get(section) if isinstance(importer, dict) else None
            for name, value in block.items() if isinstance(block, dict) else ():
                version = value.get("version") if isinstance(value, dict) else value
                real = _required_name(name, version, v5)
                (dev if section == "devDependencies" else runtime).add(real)
                if real != name:
                    aliases.add((name, real))
    return frozenset(runtime | dev), frozenset(dev - runtime), frozenset(aliases)


def _requires(section: Any, v5: bool) -> dict[tuple[str, str], set[str]]:
    graph: dict[tuple[str, str], set[str]] = {}
    if not isinstance(section, dict):
        return graph
    for key, entry in section.items():
        parsed = parse_key(key, v5)
        names = graph.setdefault((parsed.name, parsed.version), set())
        if not isinstance(entry, dict):
            continue
        for field in ("dependencies", "optionalDependencies"):
            block = entry.get(field)
            if isinstance(block, dict):
                names.update(_required_name(name, value, v5) for name, value in block.items())
    return graph


def _required_name(name: str, value: Any, v5: bool) -> str:
    """The real name behind an aliased dependency (``alias: /real@1.0.0`` or ``real@1.0.0``)."""
    if not isinstance(value, str) or re.match(r"^\d+\.\d+", value):
        return name  # a plain version (with peer suffixes): not an alias
    if re.match(r"^/?(@[^/@]+/)?[^/@(]+[@/]\d", value):
        return parse_key(value, v5 and value.startswith("/")).name or name
    return name


def _dev_only(section: Any, v5: bool, dev_direct: frozenset[str]) -> frozenset[str]:
    """v5/v6 mark each package ``dev: true``; v9 does not: only direct dev declarations count."""
    if not isinstance(section, dict):
        return frozenset()
    dev: dict[str, bool] = {}
    for key, entry in section.items():
        if isinstance(entry, dict) and "dev" in entry:
            name = parse_key(key, v5).name
            dev[name] = dev.get(name, True) and entry.get("dev") == "true"
    return frozenset(name for name, only in dev.items() if only) | (
        dev_direct if not dev else set()
    )


def _dedupe(packages: list[Package]) -> list[Package]:
    """One package per (name, version): peer-suffixed copies of a v5/v6 key are the same one."""
    seen: dict[tuple[str, str | None], Package] = {}
    for package in packages:
        seen.setdefault((package.name, package.version), package)
    return list(seen.values())
