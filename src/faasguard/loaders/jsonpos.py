"""A JSON parser that keeps the position of every key and item, with JSON's own semantics.

YAML 1.1 reads most JSON, but not all of it the same way (a raw NEL folds to a space, ``1e-07``
becomes a string, control characters are rejected), so JSON documents get their own parser. It
reuses the standard library's string and number scanners and bounds depth and node count.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

from faasguard.limits import MAX_DEPTH, MAX_NODES
from faasguard.loaders.nodes import LoadError, Node, YList, YMap
from faasguard.model import Diagnostic, Location

_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LITERALS: dict[str, Node] = {"true": True, "false": False, "null": None}


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.count = 0
        self.diagnostics: list[Diagnostic] = []
        self._lines = [m.end() for m in re.finditer("\n", text)]

    def loc(self, index: int) -> Location:
        line = bisect.bisect_right(self._lines, index)
        start = self._lines[line - 1] if line else 0
        return Location(file=self.file, line=line + 1, column=index - start + 1)

    def fail(self, message: str, index: int) -> LoadError:
        return LoadError(f"invalid JSON: {message}", self.loc(index))

    def skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        return match.end() if match else index

    def value(self, index: int, depth: int) -> tuple[Node, int]:
        self.count += 1
        if self.count > MAX_NODES:
            raise LoadError(f"document has more than {MAX_NODES} nodes", self.loc(index))
        if depth > MAX_DEPTH:
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", self.loc(index))
        char = self.text[index : index + 1]
        if char == "{":
            return self.mapping(index, depth)
        if char == "[":
            return self.sequence(index, depth)
        if char == '"':
            return self.string(index)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, index):
                return literal, index + len(word)
        match = _NUMBER.match(self.text, index)
        if match and match.end() > index:
            integer, fraction, exponent = match.groups()
            if fraction or exponent:
                return float(match.group(0)), match.end()
            return int(integer), match.end()
        raise self.fail("expected a value", index)

    def string(self, index: int) -> tuple[str, int]:
        try:
            text, end = scanstring(self.text, index + 1, True)
            return str(text), int(end)
        except ValueError as exc:
            raise self.fail(str(exc).split(":")[0], index) from None

    def mapping(self, index: int, depth: int) -> tuple[YMap, int]:
        result = YMap(self.loc(index))
        index = self.skip(index + 1)
        if self.text[index : index + 1] == "}":
            return result, index + 1
        while True:
            if self.text[index : index + 1] != '"':
                raise self.fail("expected a quoted key", index)
            key_loc = self.loc(index)
            key, index = self.string(index)
            index = self.skip(index)
            if self.text[index : index + 1] != ":":
                raise self.fail("expected ':'", index)
            value, index = self.value(self.skip(index + 1), depth + 1)
            if key in result:
                first = result.key_locs[key]
                self.diagnostics.append(
                    Diagnostic(
                        code="FG001",
                        location=key_loc,
                        message=f"duplicate key {key!r} (first at line {first.line}); "
                        "the last value is used",
                    )
                )
            result[key] = value
            result.key_locs[key] = key_loc
            index = self.skip(index)
            char = self.text[index : index + 1]
            if char == "}":
                return result, index + 1
            if char != ",":
                raise self.fail("expected ',' or '}'", index)
            index = self.skip(index + 1)

    def sequence(self, index: int, depth: int) -> tuple[YList, int]:
        result = YList(self.loc(index))
        index = self.skip(index + 1)
        if self.text[index : index + 1] == "]":
            return result, index + 1
        while True:
            item_loc = self.loc(index)
            value, index = self.value(index, depth + 1)
            result.append(value)
            result.item_locs.append(item_loc)
            index = self.skip(index)
            char = self.text[index : index + 1]
            if char == "]":
                return result, index + 1
            if char != ",":
                raise self.fail("expected ',' or ']'", index)
            index = self.skip(index + 1)


def loads_json(text: str, file: str) -> tuple[Node, tuple[Diagnostic, ...]]:
    """Parse a JSON document; raises ``LoadError`` with the position of the first problem."""
    parser = _Parser(text, file)
    try:
        root, index = parser.value(parser.skip(0), 0)
    except RecursionError:
        raise LoadError("nesting too deep", Location(file=file)) from None
    index = parser.skip(index)
    if index != len(text):
        raise parser.fail("extra data after the document", index)
    return root, tuple(parser.diagnostics)
