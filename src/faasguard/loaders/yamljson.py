"""Line-aware YAML and JSON loading with CloudFormation short-form tags.

Every mapping and sequence remembers where it and each of its keys/items start, so findings can
point at the offending key. Short forms (``!Ref x``, ``!GetAtt A.B``...) become their long forms
(``{"Ref": "x"}``), so later stages handle one spelling. Input is bounded: size, depth, aliases and
expanded node count (see ``faasguard.limits``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import yaml
from yaml.constructor import SafeConstructor

from faasguard.limits import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from faasguard.loaders.jsonpos import loads_json
from faasguard.loaders.nodes import Document, LoadError, Node, YList, YMap
from faasguard.model import Diagnostic, Location

try:  # libyaml-backed parser when the C extension is built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


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


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[", '"')


def loads(text: str, file: str) -> Document:
    """Parse a YAML or JSON document (JSON with JSON's own semantics) into one ``Document``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LoadError(f"file larger than {MAX_FILE_BYTES} bytes", Location(file=file))
    if _looks_like_json(text):
        try:
            root, diagnostics = loads_json(text, file)
        except LoadError as json_error:
            # YAML flow style also starts with a brace: give YAML its chance before reporting
            try:
                return _loads_yaml(text, file)
            except LoadError:
                raise json_error from None
        return Document(root=root, file=file, diagnostics=diagnostics)
    return _loads_yaml(text, file)


def _loads_yaml(text: str, file: str) -> Document:
    builder = _Builder(file)
    try:
        nodes = [n for n in _yaml_documents(text, file) if n is not None]
    except yaml.MarkedYAMLError as exc:
        loc = _mark_loc(file, exc.problem_mark or exc.context_mark)
        raise LoadError(f"invalid YAML: {exc.problem or exc.context}", loc) from None
    except yaml.reader.ReaderError as exc:
        raise LoadError(f"invalid YAML: {exc.reason}", Location(file=file)) from None
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


def load_file(path: str, display: str) -> Document:
    """Read and parse ``path``; ``display`` is the name used in locations (relative path)."""
    return loads(read_text(path, display), display)


def read_text(path: str, display: str) -> str:
    """A file's UTF-8 text, bounded by ``MAX_FILE_BYTES``; problems raise ``LoadError``."""
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
    return text


__all__ = [
    "SHORT_TAGS",
    "Document",
    "LoadError",
    "Node",
    "YList",
    "YMap",
    "load_file",
    "loads",
    "read_text",
]
