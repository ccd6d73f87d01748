"""Line-aware YAML and JSON loading with CloudFormation short-form tags.

Every mapping and sequence remembers where it and each of its keys/items start, so findings can
point at the offending key. Short forms (``!Ref x``, ``!GetAtt A.B``...) become their long forms
(``{"Ref": "x"}``), so later stages handle one spelling. Input is bounded: size, depth, aliases and
expanded node count (see ``faasguard.limits``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, TypeAlias

import yaml
from yaml.constructor import SafeConstructor

from faasguard.limits import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from faasguard.model import Diagnostic, Location

try:  # libyaml-backed parser when the C extension is built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class YMap(dict[str, "Node"]):
    """A mapping with the position of itself and of each key."""

    __slots__ = ("key_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Location] = {}

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)


class YList(list["Node"]):
    """A sequence with the position of itself and of each item."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []

    def item_loc(self, index: int) -> Location:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


Node: TypeAlias = YMap | YList | str | int | float | bool | None


class LoadError(Exception):
    """The file cannot be read as YAML/JSON; carries where it went wrong."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass(frozen=True, slots=True)
class Document:
    root: Node
    file: str
    diagnostics: tuple[Diagnostic, ...] = ()


#: short tag -> long form key; "!GetAtt" and "!Ref"/"!Condition" get special handling
SHORT_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "And",
            "Equals",
            "If",
            "Not",
            "Or",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "RefAll",
            "ValueOf",
            "ValueOfAll",
            "Length",
            "ToJsonString",
            "ForEach",
        )
    },
}

_SCALAR_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


def _loc(file: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(file=file, line=mark.line + 1, column=mark.column + 1)


class _Builder:
    """Turns a composed YAML node graph into ``Node`` values, counting every expansion."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.diagnostics: list[Diagnostic] = []
        self._constructor = SafeConstructor()

    def build(self, node: yaml.Node, depth: int = 0) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise LoadError(
                f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
                _loc(self.file, node),
            )
        if depth > MAX_DEPTH:
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", _loc(self.file, node))
        tag = node.tag
        if tag in SHORT_TAGS:
            return self._short_form(node, depth)
        if tag.startswith("!"):
            self.diagnostics.append(
                Diagnostic(
                    code="FG002", message=f"unknown YAML tag {tag}", location=_loc(self.file, node)
                )
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            result = YList(_loc(self.file, node))
            for item in node.value:
                result.append(self.build(item, depth + 1))
                result.item_locs.append(_loc(self.file, item))
            return result
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Node:
        if node.tag in _SCALAR_TAGS:
            value = self._constructor.construct_object(node)
            if isinstance(value, bool | int | float) or value is None:
                return value
        # timestamps, binary and the rest stay text: CloudFormation reads them as strings
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        result = YMap(_loc(self.file, node))
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise LoadError(
                    "YAML merge keys (<<) are not supported by CloudFormation",
                    _loc(self.file, key_node),
                )
            key = self.build(key_node, depth + 1)
            if isinstance(key, YMap | YList):
                raise LoadError("mapping keys must be scalars", _loc(self.file, key_node))
            text = _key_text(key)
            if text in result:
                first = result.key_locs[text]
                self.diagnostics.append(
                    Diagnostic(
                        code="FG001",
                        message=f"duplicate key {text!r} (first at line {first.line}); "
                        "the last value is used",
                        location=_loc(self.file, key_node),
                    )
                )
            result[text] = self.build(value_node, depth + 1)
            result.key_locs[text] = _loc(self.file, key_node)
        return result

    def _short_form(self, node: yaml.Node, depth: int) -> YMap:
        long_key = SHORT_TAGS[node.tag]
        result = YMap(_loc(self.file, node))
        result.key_locs[long_key] = result.loc
        if isinstance(node, yaml.ScalarNode):
            text = str(node.value)
            if long_key == "Fn::GetAtt":
                obj, _, attr = text.partition(".")
                pair = YList(result.loc)
                pair.extend([obj, attr])
                pair.item_locs.extend([result.loc, result.loc])
                result[long_key] = pair
                return result
            if long_key == "Fn::GetAZs" and text == "":
                result[long_key] = ""
                return result
            result[long_key] = text
            return result
        node.tag = (
            "tag:yaml.org,2002:map"
            if isinstance(node, yaml.MappingNode)
            else "tag:yaml.org,2002:seq"
        )
        result[long_key] = self.build(node, depth + 1)
        return result


def _key_text(key: Node) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


class _Mark(Protocol):
    line: int
    column: int


def _mark_loc(file: str, mark: _Mark | None) -> Location:
    if mark is None:
        return Location(file=file)
    return Location(file=file, line=mark.line + 1, column=mark.column + 1)


def _check_events(text: str, file: str) -> None:
    """Bound depth and aliases on the event stream, before anything recursive runs."""
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LoadError(
                    f"nesting deeper than {MAX_DEPTH} levels", _mark_loc(file, event.start_mark)
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise LoadError(
                    f"more than {MAX_ALIASES} YAML aliases", _mark_loc(file, event.start_mark)
                )


def _yaml_documents(text: str, file: str) -> Iterator[yaml.Node]:
    _check_events(text, file)
    yield from yaml.compose_all(text, Loader=_Loader)


def loads(text: str, file: str) -> Document:
    """Parse YAML (or JSON, which YAML reads with positions) into one ``Document``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LoadError(f"file larger than {MAX_FILE_BYTES} bytes", Location(file=file))
    builder = _Builder(file)
    try:
        nodes = [n for n in _yaml_documents(text, file) if n is not None]
    except yaml.MarkedYAMLError as exc:
        json_doc = _json_fallback(text, file)
        if json_doc is not None:
            return json_doc
        loc = _mark_loc(file, exc.problem_mark or exc.context_mark)
        raise LoadError(f"invalid YAML: {exc.problem or exc.context}", loc) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise LoadError(f"invalid YAML: {exc}", Location(file=file)) from None
    if not nodes:
        return Document(root=None, file=file)
    if len(nodes) > 1:
        builder.diagnostics.append(
            Diagnostic(
                code="FG002",
                message="several YAML documents in one file; only the first is scanned",
                location=_loc(file, nodes[1]),
            )
        )
    root = builder.build(nodes[0])
    return Document(root=root, file=file, diagnostics=tuple(builder.diagnostics))


def _json_fallback(text: str, file: str) -> Document | None:
    """JSON that YAML 1.1 rejects (tabs, some escapes): values without key positions."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    counter = [0]
    root = _from_plain(data, Location(file=file, line=1, column=1), counter, 0)
    note = Diagnostic(
        code="FG002",
        message="JSON read without key positions (not valid YAML); findings point at the file",
        location=Location(file=file, line=1),
    )
    return Document(root=root, file=file, diagnostics=(note,))


def _from_plain(value: object, loc: Location, counter: list[int], depth: int) -> Node:
    counter[0] += 1
    if counter[0] > MAX_NODES or depth > MAX_DEPTH:
        raise LoadError("JSON document too large or too deep", loc)
    if isinstance(value, dict):
        mapping = YMap(loc)
        for k, v in value.items():
            mapping[str(k)] = _from_plain(v, loc, counter, depth + 1)
            mapping.key_locs[str(k)] = loc
        return mapping
    if isinstance(value, list):
        seq = YList(loc)
        for v in value:
            seq.append(_from_plain(v, loc, counter, depth + 1))
            seq.item_locs.append(loc)
        return seq
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def load_file(path: str, display: str) -> Document:
    """Read and parse ``path``; ``display`` is the name used in locations (relative path)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", Location(file=display)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(f"file larger than {MAX_FILE_BYTES} bytes", Location(file=display))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (byte {exc.start})", Location(file=display)) from None
    return loads(text, display)
