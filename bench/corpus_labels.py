"""Labels of the public corpus and how a finding is matched to one (no scanning here).

A label names one problem in one place (file, resource); ``label_rules.yaml`` says which faasguard
rules report that problem. A finding matches a label when it is on the same file, comes from one of
those rules, and is on the labelled resource: same logical id, or a line inside that resource's
block of the template (``Globals.Function`` stands for every SAM function of the file).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from faasguard.loaders.yamljson import LoadError, Node, YMap, load_file

#: label ``format`` words that faasguard reads today; other apps wait for their loaders
SUPPORTED_FORMAT_WORDS = ("sam", "cloudformation")


@dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    id: str
    app: str
    file: str
    line: int
    resources: tuple[str, ...]
    pillar: str
    detectable_from: str
    in_scope: bool
    expected: str  # "present" or "absent"

    @property
    def template_detectable(self) -> bool:
        return "template" in self.detectable_from.split("+")

    @property
    def counted(self) -> bool:
        """Whether the label counts in template recall / false positives."""
        return self.in_scope and self.template_detectable


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Hit:
    """A finding reduced to what matching needs; ``file`` is relative to the app folder."""

    file: str
    line: int
    rule: str
    resource: str


@dataclass(frozen=True, slots=True)
class Blocks:
    """Line ranges of each resource (and Globals section) of one template."""

    ranges: Mapping[str, tuple[int, int]]
    types: Mapping[str, str]

    def contains(self, name: str, line: int) -> bool:
        span = self.ranges.get(name)
        return span is not None and span[0] <= line <= span[1]


NO_BLOCKS = Blocks(ranges={}, types={})


def _text(value: Node) -> str:
    return "" if value is None else str(value)


def parse_labels(root: Node) -> tuple[dict[str, str], list[Label]]:
    """``labels.yaml`` -> (app name -> format, labels)."""
    if not isinstance(root, YMap):
        raise ValueError("labels.yaml: expected a mapping at the top")
    apps = root.get("apps")
    formats = (
        {name: _text(info.get("format")) for name, info in apps.items() if isinstance(info, YMap)}
        if isinstance(apps, YMap)
        else {}
    )
    items = root.get("labels")
    labels = [
        Label(
            id=_text(item.get("id")),
            app=_text(item.get("app")),
            file=_text(item.get("file")),
            line=int(_text(item.get("line")) or 0),
            resources=tuple(r.strip() for r in _text(item.get("resource")).split(",")),
            pillar=_text(item.get("pillar")),
            detectable_from=_text(item.get("detectable_from")),
            in_scope=item.get("in_scope") is not False,
            expected=_text(item.get("expected")) or "present",
        )
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, YMap)
    ]
    return formats, labels


def supported(format_text: str) -> bool:
    lowered = format_text.lower()
    return any(word in lowered for word in SUPPORTED_FORMAT_WORDS)


def parse_label_rules(root: Node) -> dict[str, dict[str, tuple[str, ...]]]:
    """``label_rules.yaml`` -> app -> (label id or rule code) -> faasguard rule ids."""
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    if not isinstance(root, YMap):
        return result
    for app, table in root.items():
        if isinstance(table, YMap):
            result[app] = {
                key: tuple(str(r) for r in (value if isinstance(value, list) else [value]) if r)
                for key, value in table.items()
            }
    return result


def rules_for(
    label: Label, mapping: Mapping[str, Mapping[str, tuple[str, ...]]]
) -> tuple[str, ...]:
    """The faasguard rules that report a label: by label id, else by its rule code.

    serverless-rules label ids look like ``SR-ES1001-missing-fail``: the code is the 2nd part.
    """
    table = mapping.get(label.app, {})
    if label.id in table:
        return table[label.id]
    parts = label.id.split("-")
    return table.get(parts[1], ()) if len(parts) > 1 else ()


def _child_spans(section: YMap, end: int, prefix: str) -> dict[str, tuple[int, int]]:
    keys = sorted(section.keys(), key=lambda k: section.key_loc(k).line)
    starts = [section.key_loc(k).line for k in keys]
    return {
        f"{prefix}{key}": (start, (starts[i + 1] - 1) if i + 1 < len(keys) else end)
        for i, (key, start) in enumerate(zip(keys, starts, strict=True))
    }


def template_blocks(path: str, total_lines: int) -> Blocks:
    """Line ranges of ``Resources.<id>`` (named ``<id>``) and ``Globals.<section>``."""
    try:
        root = load_file(path, os.path.basename(path)).root
    except LoadError:
        return NO_BLOCKS
    if not isinstance(root, YMap):
        return NO_BLOCKS
    top = _child_spans(root, total_lines, "")
    ranges: dict[str, tuple[int, int]] = {}
    types: dict[str, str] = {}
    for section, prefix in (("Resources", ""), ("Globals", "Globals.")):
        body = root.get(section)
        if isinstance(body, YMap) and section in top:
            ranges.update(_child_spans(body, top[section][1], prefix))
    resources = root.get("Resources")
    if isinstance(resources, YMap):
        for name, body in resources.items():
            if isinstance(body, YMap):
                types[name] = _text(body.get("Type"))
    return Blocks(ranges=ranges, types=types)


def _label_resources(label: Label, blocks: Blocks) -> set[str]:
    """Resource names a label covers; ``Globals.Function`` covers every SAM function."""
    names = set(label.resources)
    for name in label.resources:
        if name.startswith("Globals."):
            sam_type = "AWS::Serverless::" + name.removeprefix("Globals.")
            names |= {r for r, t in blocks.types.items() if t == sam_type}
    return names


def matches(label: Label, rules: Sequence[str], hit: Hit, blocks: Blocks) -> bool:
    if hit.file != label.file or hit.rule not in rules:
        return False
    names = _label_resources(label, blocks)
    return hit.resource in names or any(blocks.contains(n, hit.line) for n in names)


def matching_hits(
    label: Label, rules: Sequence[str], hits: Iterable[Hit], blocks: Mapping[str, Blocks]
) -> list[Hit]:
    file_blocks = blocks.get(label.file, NO_BLOCKS)
    return sorted(h for h in hits if matches(label, rules, h, file_blocks))
