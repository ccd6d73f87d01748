"""Find and read every manifest and lockfile of one code root (a function or a layer).

Per directory, a lockfile wins over its manifest: package.json ranges are not "unpinned" when a
package-lock.json, yarn.lock or pnpm-lock.yaml pins them, and pyproject.toml is read only when no
Python lockfile sits beside it. Installed packages (``*.dist-info``, ``node_modules``) are read
when no lockfile of their ecosystem covers the code root: they are then what ships.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from faasguard.deps.manifests import npm, pnpm, pyproject, python_locks, requirements, yarn
from faasguard.deps.manifests.common import Parsed, Problem
from faasguard.deps.manifests.installed import parse_dist_infos, parse_node_modules
from faasguard.deps.tree import Tree, walk
from faasguard.model.deps import Package
from faasguard.model.values import Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Collected:
    manifests: tuple[str, ...]  # files read (display paths)
    packages: tuple[Package, ...]
    #: ranges with no lockfile to pin them; URL/VCS/editable/local requirements
    unpinned: tuple[Package, ...]
    problems: tuple[Problem, ...]
    #: a lockfile (or installed metadata) gave the dependency graph (``requires`` filled)
    has_graph: bool
    #: the ecosystems whose graph is known (``has_graph`` per ecosystem)
    graph_ecosystems: frozenset[str] = field(default_factory=frozenset)
    #: (ecosystem, name) declared only as development dependencies (not deployed)
    dev_only: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    #: npm aliases: (name the code imports, real package name)
    aliases: frozenset[tuple[str, str]] = field(default_factory=frozenset)


# A reader: (path to open, display path, runtime, package.json names beside it) -> Parsed
_Reader = Callable[[str, str, str | None, frozenset[str] | None], Parsed]

_NPM_LOCKS: dict[str, _Reader] = {
    "npm-shrinkwrap.json": lambda p, d, r, names: npm.parse_package_lock(p, d, names),
    "package-lock.json": lambda p, d, r, names: npm.parse_package_lock(p, d, names),
    "yarn.lock": lambda p, d, r, names: yarn.parse_yarn_lock(p, d, names),
    "pnpm-lock.yaml": lambda p, d, r, names: pnpm.parse_pnpm_lock(p, d, names),
}
_PYTHON_LOCKS: dict[str, _Reader] = {
    "poetry.lock": lambda p, d, r, names: python_locks.parse_poetry_lock(p, d, names),
    "uv.lock": lambda p, d, r, names: python_locks.parse_uv_lock(p, d, names),
    "pdm.lock": lambda p, d, r, names: python_locks.parse_pdm_lock(p, d, names),
    "Pipfile.lock": lambda p, d, r, names: python_locks.parse_pipfile_lock(p, d, names),
}
#: requirements files whose packages are for development, not the deployment package
_DEV_REQUIREMENTS = ("*dev*", "*test*", "*lint*", "*doc*", "*ci.txt", "*typing*")


def collect(code_dir: str, runtime: str | None = None) -> Collected:
    """Every package the code root at ``code_dir`` declares, locks or ships installed."""
    tree = walk(code_dir)
    by_dir: dict[str, list[str]] = {}
    for relative in tree.files:
        head, _, name = relative.rpartition("/")
        by_dir.setdefault(head, []).append(name)
    results: list[tuple[str, Parsed]] = []  # (ecosystem, result)
    for directory in sorted(by_dir):
        results.extend(_read_directory(code_dir, directory, set(by_dir[directory]), runtime))
    locked = {ecosystem for ecosystem, parsed in results if parsed.has_graph}
    if "PyPI" not in locked and tree.dist_infos:
        dist_dirs = tuple(info.path for info in tree.dist_infos)
        results.append(("PyPI", parse_dist_infos(code_dir, dist_dirs, runtime)))
    if "npm" not in locked and tree.node_packages:
        results.append(("npm", parse_node_modules(code_dir, tree.node_packages)))
    return _merge(code_dir, tree, results)


def _read_directory(
    code_dir: str, directory: str, names: set[str], runtime: str | None
) -> list[tuple[str, Parsed]]:
    def read(reader: _Reader, name: str, declared: frozenset[str] | None = None) -> Parsed:
        relative = f"{directory}/{name}" if directory else name
        path = os.path.join(code_dir, relative)
        return reader(path, f"{code_dir}/{relative}", runtime, declared)

    return [*_read_npm(read, names), *_read_python(read, names)]


_Read = Callable[[_Reader, str, frozenset[str] | None], Parsed]


def _read_npm(read: _Read, names: set[str]) -> list[tuple[str, Parsed]]:
    manifest = None
    if "package.json" in names:
        manifest = read(lambda p, d, r, _: npm.parse_package_json(p, d), "package.json", None)
    declared = manifest.declared if manifest else None
    locks = [read(reader, name, declared) for name, reader in _NPM_LOCKS.items() if name in names]
    results = [("npm", parsed) for parsed in locks]
    if manifest is not None:
        # beside a lockfile the manifest only names the direct dependencies (read already)
        results.append(("npm", manifest if not locks else _files_only(manifest)))
    return results


def _read_python(read: _Read, names: set[str]) -> list[tuple[str, Parsed]]:
    project = None
    if "pyproject.toml" in names:
        project = read(
            lambda p, d, r, _: pyproject.parse_pyproject(p, d, r), "pyproject.toml", None
        )
    declared = project.declared if project else None
    locks = [
        read(reader, name, declared) for name, reader in _PYTHON_LOCKS.items() if name in names
    ]
    results = [("PyPI", parsed) for parsed in locks]
    if project is not None:
        results.append(("PyPI", project if not locks else _files_only(project)))
    files = [n for n in names if fnmatch.fnmatch(n, "requirements*.txt")]
    # deployed requirements first, so a package in both is located where it is deployed from
    for name in sorted(files, key=lambda n: (_is_dev_file(n), n)):
        parsed = read(lambda p, d, r, _: requirements.parse_requirements(p, d, r), name, None)
        results.append(("PyPI", _as_dev(parsed) if _is_dev_file(name) else parsed))
    return results


def _is_dev_file(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in _DEV_REQUIREMENTS)


def _files_only(parsed: Parsed) -> Parsed:
    return Parsed(
        files=parsed.files,
        problems=parsed.problems,
        dev_only=parsed.dev_only,
        aliases=parsed.aliases,
    )


def _as_dev(parsed: Parsed) -> Parsed:
    names = frozenset(p.name for p in (*parsed.packages, *parsed.unpinned))
    return Parsed(
        files=parsed.files,
        packages=parsed.packages,
        unpinned=parsed.unpinned,
        problems=parsed.problems,
        dev_only=names,
        declared=parsed.declared,
        aliases=parsed.aliases,
    )


def _merge(code_dir: str, tree: Tree, results: list[tuple[str, Parsed]]) -> Collected:
    manifests: dict[str, None] = {}
    problems: list[Problem] = []
    packages: dict[tuple[str, str, str], Package] = {}
    unpinned: dict[tuple[str, str, str], Package] = {}
    dev: dict[tuple[str, str], bool] = {}
    for ecosystem, parsed in results:
        manifests.update(dict.fromkeys(parsed.files))
        problems.extend(parsed.problems)
        for package in parsed.packages:
            packages.setdefault(_key(package), package)
        for package in parsed.unpinned:
            unpinned.setdefault(_key(package), package)
        for package in (*parsed.packages, *parsed.unpinned):
            name_key = (ecosystem, package.name)
            dev[name_key] = dev.get(name_key, True) and package.name in parsed.dev_only
    if tree.truncated:
        problems.append((Location(file=code_dir), "code root too large: not every file was read"))
    pinned_names = {(p.ecosystem, p.name) for p in packages.values()}
    graph = frozenset(eco for eco, parsed in results if parsed.has_graph and parsed.packages)
    return Collected(
        manifests=tuple(manifests),
        packages=_sorted(packages.values()),
        unpinned=_sorted(p for p in unpinned.values() if (p.ecosystem, p.name) not in pinned_names),
        problems=tuple(sorted(problems)),
        has_graph=bool(graph),
        graph_ecosystems=graph,
        dev_only=frozenset(key for key, only_dev in dev.items() if only_dev),
        aliases=frozenset(alias for _, parsed in results for alias in parsed.aliases),
    )


def _key(package: Package) -> tuple[str, str, str]:
    return (package.ecosystem, package.name, package.version or package.requirement)


def _sorted(packages: Iterable[Package]) -> tuple[Package, ...]:
    return tuple(sorted(packages, key=lambda p: (p.ecosystem, p.name, p.version or "", p.location)))
