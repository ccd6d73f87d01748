"""Does the code root's own code import each package it ships? (import level, never call level)

Python modules map to distributions through the installed ``*.dist-info`` (``top_level.txt`` /
``RECORD``) when the code root vendors them, else the shipped name table, else the PEP 503
normalised name. Where a lockfile gives the graph, a package required by an imported package is
reachable too, and one needed only by unused packages is not. Without a graph only direct imports
count, and the note says so. A computed import makes every package it could load "unknown" (None).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from packaging.utils import canonicalize_name

from faasguard.deps.collect import Collected
from faasguard.deps.imports import Imports, module_table, python_imports, script_imports
from faasguard.deps.tree import walk
from faasguard.model.deps import Package

Reachability = dict[tuple[str, str], tuple[bool | None, str]]


def reachable(code_dir: str, collected: Collected) -> Reachability:
    """(ecosystem, name) -> (imported?, how that was decided) for every collected package."""
    tree = walk(code_dir)
    vendored: dict[str, frozenset[str]] = {
        canonicalize_name(_dist_name(info.path)): info.modules for info in tree.dist_infos
    }
    result: Reachability = {}
    for ecosystem, imports in (
        ("PyPI", python_imports(code_dir, tree.files)),
        ("npm", script_imports(code_dir, tree.files)),
    ):
        packages = [
            p for p in (*collected.packages, *collected.unpinned) if p.ecosystem == ecosystem
        ]
        if not packages:
            continue
        if ecosystem == "PyPI":
            direct = _python_direct(packages, imports, vendored)
        else:
            direct = _script_direct(packages, imports, collected.aliases)
        via = (
            _reached_through(direct, _graph(packages))
            if ecosystem in collected.graph_ecosystems
            else None
        )
        for package in packages:
            key = (ecosystem, package.name)
            result[key] = _decide(key, direct, via, imports, collected)
    return result


def _dist_name(path: str) -> str:
    """``pkg/PyYAML-6.0.1.dist-info`` -> ``PyYAML`` (the name ends at the first ``-``)."""
    base = path.rsplit("/", 1)[-1].removesuffix(".dist-info")
    return base.split("-", 1)[0]


def _module_names(name: str, vendored: dict[str, frozenset[str]]) -> tuple[str, ...]:
    if vendored.get(name):
        return tuple(vendored[name])
    table = module_table()
    return table.get(name, ()) or (name,)


def _python_direct(
    packages: Iterable[Package], imports: Imports, vendored: dict[str, frozenset[str]]
) -> dict[str, str]:
    """Distribution name -> where it is first imported, for the imported distributions."""
    by_module: dict[str, str] = {}  # canonical dotted module prefix -> "file:line"
    for module, where in imports.names.items():
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            by_module.setdefault(canonicalize_name(".".join(parts[:end])), where)
    direct: dict[str, str] = {}
    for package in packages:
        for module in _module_names(package.name, vendored):
            place = by_module.get(canonicalize_name(module))
            if place is not None:
                direct.setdefault(package.name, place)
    return direct


def _script_direct(
    packages: Iterable[Package], imports: Imports, aliases: frozenset[tuple[str, str]]
) -> dict[str, str]:
    """npm package -> where it is first required (an alias is required by its alias name)."""
    names = {real: [real] for real in {p.name for p in packages}}
    for written, real in sorted(aliases):
        names.setdefault(real, []).append(written)
    direct: dict[str, str] = {}
    for real, written_names in names.items():
        for written in written_names:
            if written in imports.names:
                direct.setdefault(real, imports.names[written])
    return direct


def _graph(packages: Iterable[Package]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for package in packages:
        requires = (
            {canonicalize_name(r) for r in package.requires}
            if package.ecosystem == "PyPI"
            else set(package.requires)
        )
        edges.setdefault(package.name, set()).update(requires)
    return edges


def _reached_through(direct: dict[str, str], edges: dict[str, set[str]]) -> dict[str, str]:
    """Package -> the imported package whose requirements pull it in (breadth first)."""
    via: dict[str, str] = {name: name for name in direct}
    queue = deque(sorted(direct))
    while queue:
        current = queue.popleft()
        for child in sorted(edges.get(current, ())):
            if child not in via:
                via[child] = via[current]
                queue.append(child)
    return via


def _decide(
    key: tuple[str, str],
    direct: dict[str, str],
    via: dict[str, str] | None,
    imports: Imports,
    collected: Collected,
) -> tuple[bool | None, str]:
    ecosystem, name = key
    if name in direct:
        return True, f"imported in {direct[name]}"
    if via is not None and name in via:
        root = via[name]
        return True, f"required by {root}, which is imported in {direct[root]}"
    if key in collected.dev_only:
        return False, "development dependency only: not deployed"
    language = "Python" if ecosystem == "PyPI" else "JavaScript/TypeScript"
    if imports.dynamic:
        return (
            None,
            f"not imported by name, but a computed import at {imports.dynamic[0]} may load it",
        )
    if imports.unreadable:
        return None, f"not imported in the files read; {imports.unreadable[0]} could not be parsed"
    if imports.sources == 0:
        return None, f"no {language} source in the code root to check imports against"
    if via is None:
        return False, "not imported by the code (direct imports only: no lockfile dependency graph)"
    return False, "not imported, and no imported package requires it"
