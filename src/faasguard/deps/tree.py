"""The files of one code root, bounded, with installed (vendored) packages told apart.

A deployment package built with ``pip install -t .`` mixes the function's own modules with
installed distributions; each ``*.dist-info`` names the top-level modules it installed
(``top_level.txt``, else the first path components of ``RECORD``), and those directories are
vendored code, not the function's. ``node_modules`` is never the project's own code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from faasguard.deps.manifests.bounds import MAX_INSTALLED, MAX_WALK_DEPTH, MAX_WALK_FILES

#: directories that are never the code root's own sources or manifests
_SKIPPED_DIRS = frozenset({"__pycache__", "venv", ".venv", "cdk.out"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DistInfo:
    """One installed Python distribution: its metadata dir and the top-level modules it ships."""

    path: str  # relative to the code root, "/"-separated
    modules: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tree:
    files: tuple[str, ...]  # relative paths of the root's own files
    dist_infos: tuple[DistInfo, ...]
    node_packages: tuple[str, ...]  # relative paths of node_modules/**/package.json
    truncated: bool  # the walk stopped at a bound


def walk(code_dir: str) -> Tree:
    """List ``code_dir`` (never following symlinks out of it), within the walk bounds."""
    files: list[str] = []
    dist_infos: list[DistInfo] = []
    node_packages: list[str] = []
    truncated = False
    for current, dirnames, filenames in os.walk(code_dir):
        relative = os.path.relpath(current, code_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        depth = 0 if not prefix else prefix.count("/")
        found = [_dist_info(code_dir, prefix + d) for d in dirnames if d.endswith(".dist-info")]
        dist_infos.extend(found)
        vendored = {module for info in found for module in info.modules}
        if "node_modules" in dirnames:
            node_packages.extend(_node_packages(code_dir, prefix + "node_modules"))
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not _skipped(d, vendored)
            and depth < MAX_WALK_DEPTH
            and not os.path.islink(os.path.join(current, d))
        )
        files.extend(
            prefix + f
            for f in sorted(filenames)
            if f.split(".")[0] not in vendored
            # a symlink may point out of the code root: what it names is not the root's own file
            and not os.path.islink(os.path.join(current, f))
        )
        if len(files) > MAX_WALK_FILES:
            truncated = True
            break
    return Tree(
        files=tuple(files[:MAX_WALK_FILES]),
        dist_infos=tuple(dist_infos[:MAX_INSTALLED]),
        node_packages=tuple(node_packages[:MAX_INSTALLED]),
        truncated=truncated or len(dist_infos) > MAX_INSTALLED,
    )


def _skipped(name: str, vendored: set[str]) -> bool:
    return (
        name.startswith(".")
        or name in _SKIPPED_DIRS
        or name in vendored
        or name == "node_modules"
        or name.endswith((".dist-info", ".egg-info", ".data"))
    )


def _dist_info(code_dir: str, relative: str) -> DistInfo:
    base = os.path.join(code_dir, relative)
    modules = _read_lines(os.path.join(base, "top_level.txt"))
    if not modules:
        record = _read_lines(os.path.join(base, "RECORD"))
        first = {line.split(",")[0].split("/")[0] for line in record}
        modules = {
            name.removesuffix(".py")
            for name in first
            if name
            and not name.endswith((".dist-info", ".data", ".pth"))
            and name != ".."
            and name != "__pycache__"
        }
    return DistInfo(path=relative, modules=frozenset(m.strip("/") for m in modules if m))


def _read_lines(path: str) -> set[str]:
    try:
        if os.path.getsize(path) > 4 * 1024 * 1024:
            return set()
        with open(path, encoding="utf-8", errors="replace") as handle:
            return {line.strip() for line in handle if line.strip()}
    except OSError:
        return set()


def _node_packages(code_dir: str, modules_dir: str) -> list[str]:
    """``package.json`` of every package under a node_modules (scoped and nested), bounded."""
    found: list[str] = []
    pending = [modules_dir]
    while pending and len(found) < MAX_INSTALLED:
        directory = pending.pop()
        try:
            entries = sorted(os.listdir(os.path.join(code_dir, directory)))
        except OSError:
            continue
        for entry in entries:
            path = f"{directory}/{entry}"
            if entry.startswith(".") or not os.path.isdir(os.path.join(code_dir, path)):
                continue
            if entry.startswith("@"):
                pending.append(path)
                continue
            if os.path.isfile(os.path.join(code_dir, path, "package.json")):
                found.append(f"{path}/package.json")
            if os.path.isdir(os.path.join(code_dir, path, "node_modules")):
                pending.append(f"{path}/node_modules")
    return sorted(found)
