"""Labels of the public corpus and how a finding is matched to one (no scanning here).

A label names one problem in one place (file, resource); ``label_rules.yaml`` says which faasguard
rules report that problem. A finding matches a label when it is on the same file, comes from one of
those rules, and is on the labelled resource: same logical id, or a line inside that resource's
block of the template (``Globals.Function`` stands for every SAM function of the file).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from faasguard.loaders.yamljson import LoadError, Node, YMap, load_file

#: label ``format`` words that faasguard reads today; other apps wait for their loaders
SUPPORTED_FORMAT_WORDS = ("sam", "cloudformation", "terraform", "serverless")
_MODULE_PREFIX = re.compile(r"^(module\.[^.\[]+(\[[^\]]*\])?\.)+")
#: labels name several resources as "a, b" or "a + b"
_RESOURCE_SEP = re.compile(r",|\s\+\s")
#: ``resource "aws_x" "name" {`` / ``data "aws_x" "name" {`` / ``module "name" {`` at a line start
_TF_BLOCK = re.compile(r'^(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{')


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
            resources=tuple(r.strip() for r in _RESOURCE_SEP.split(_text(item.get("resource")))),
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


def terraform_blocks(text: str) -> Blocks:
    """Line ranges of each top-level block, named by its address (``aws_iam_policy.x``)."""
    ranges: dict[str, tuple[int, int]] = {}
    types: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _TF_BLOCK.match(lines[index])
        if match is None:
            index += 1
            continue
        kind, first, second = match.groups()
        name = f"module.{first}" if kind == "module" else f"{first}.{second}"
        name = f"data.{name}" if kind == "data" else name
        end = _block_end(lines, index)
        ranges[name] = (index + 1, end + 1)
        types[name] = first if kind != "module" else "module"
        index = end + 1
    return Blocks(ranges=ranges, types=types)


def _block_end(lines: Sequence[str], start: int) -> int:
    """Index of the line that closes the block opened on ``start`` (braces outside strings)."""
    depth = 0
    for index in range(start, len(lines)):
        code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[index].split("#", 1)[0])
        depth += code.count("{") - code.count("}")
        if depth <= 0 and index > start:
            return index
    return len(lines) - 1


def key_path_blocks(path: str, total_lines: int) -> Blocks:
    """Line ranges of every key path of a YAML file (``functions.hello.events[0].http``)."""
    try:
        root = load_file(path, os.path.basename(path)).root
    except LoadError:
        return NO_BLOCKS
    ranges: dict[str, tuple[int, int]] = {}
    _spans_below(root, "", total_lines, ranges, depth=0)
    return Blocks(ranges=ranges, types={})


def _spans_below(
    node: Node, prefix: str, end: int, out: dict[str, tuple[int, int]], depth: int
) -> None:
    if depth > 6:
        return
    if isinstance(node, YMap):
        for name, span in _child_spans(node, end, "").items():
            key = f"{prefix}.{name}" if prefix else name
            out[key] = span
            _spans_below(node.get(name), key, span[1], out, depth + 1)
    elif isinstance(node, list):
        locs = getattr(node, "item_locs", ())
        starts = [loc.line for loc in locs]
        for i, item in enumerate(node):
            if i >= len(starts):
                break
            stop = starts[i + 1] - 1 if i + 1 < len(starts) else end
            out[f"{prefix}[{i}]"] = (starts[i], stop)
            _spans_below(item, f"{prefix}[{i}]", stop, out, depth + 1)


def blocks_for(path: str) -> Blocks:
    """Named line ranges of one labelled file, by what kind of definition it is."""
    text = open(path, encoding="utf-8", errors="replace").read()  # noqa: SIM115
    lines = text.count("\n") + 1
    if path.endswith((".tf", ".tf.json")):
        return terraform_blocks(text)
    if os.path.basename(path).startswith("serverless."):
        return key_path_blocks(path, lines)
    return template_blocks(path, lines)


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
    # a Terraform module's resources are addressed module.<name>.<address> from its caller
    resource = _MODULE_PREFIX.sub("", hit.resource)
    return resource in names or any(blocks.contains(n, hit.line) for n in names)


def matching_hits(
    label: Label, rules: Sequence[str], hits: Iterable[Hit], blocks: Mapping[str, Blocks]
) -> list[Hit]:
    file_blocks = blocks.get(label.file, NO_BLOCKS)
    return sorted(h for h in hits if matches(label, rules, h, file_blocks))
