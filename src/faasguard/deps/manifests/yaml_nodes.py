"""YAML lockfiles (yarn berry, pnpm) read as plain strings, with the line of every key.

``yaml.compose`` with the C safe loader builds nodes that carry their marks and constructs no
objects. Converting them ourselves keeps every scalar a string (a lockfile version ``1.10`` must not
become the float 1.1) and bounds the work: an alias is a reference to a node already built, and
re-expanding it (a "billion laughs" file) stops at a node budget.
"""

from __future__ import annotations

from typing import Any

import yaml

from faasguard.deps.manifests.bounds import MAX_LOCK_NESTING, MAX_YAML_NODES
from faasguard.deps.manifests.common import ManifestError


def compose(text: str) -> yaml.Node | None:
    """The document's root node; a syntax error carries its line."""
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ManifestError(f"not valid YAML: {exc.problem or exc}", line) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise ManifestError(f"not valid YAML: {exc}") from None


def to_plain(node: yaml.Node | None) -> Any:
    """Mappings as ``dict[str, …]``, sequences as lists, every scalar as its string."""
    budget = [MAX_YAML_NODES]
    return _plain(node, 0, budget)


def _plain(node: yaml.Node | None, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ManifestError("not read: too many YAML nodes (aliases expanded too often)")
    if depth > MAX_LOCK_NESTING:
        raise ManifestError("not read: YAML nested too deeply")
    if isinstance(node, yaml.MappingNode):
        return {
            _key(key): _plain(value, depth + 1, budget)
            for key, value in node.value
            if isinstance(key, yaml.ScalarNode)
        }
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, depth + 1, budget) for item in node.value]
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def _key(node: yaml.ScalarNode) -> str:
    return str(node.value)


def key_lines(node: yaml.Node | None, *path: str) -> dict[str, int]:
    """Line (1-based) of each key of the mapping at ``path`` below ``node``."""
    current = node
    for step in path:
        current = _child(current, step)
    if not isinstance(current, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + 1
        for key, _ in current.value
        if isinstance(key, yaml.ScalarNode)
    }


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name and isinstance(value, yaml.Node):
            return value
    return None
