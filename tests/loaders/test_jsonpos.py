"""The JSON reader: positions, JSON semantics, errors with positions, bounds."""

from __future__ import annotations

import pytest

from faasguard.loaders.jsonpos import loads_json
from faasguard.loaders.nodes import LoadError, YList, YMap
from faasguard.model import Location

DOC = """{
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function",
           "Properties": {"Timeout": 1e2, "Layers": ["a", "b"]}}
  }
}"""


def test_every_key_and_item_knows_its_position() -> None:
    root, diagnostics = loads_json(DOC, "t.json")
    assert diagnostics == ()
    assert isinstance(root, YMap)
    resources = root["Resources"]
    assert isinstance(resources, YMap)
    assert root.key_loc("Resources") == Location(file="t.json", line=2, column=3)
    fn = resources["Fn"]
    assert isinstance(fn, YMap)
    assert fn.key_loc("Properties") == Location(file="t.json", line=4, column=12)
    props = fn["Properties"]
    assert isinstance(props, YMap)
    assert props["Timeout"] == 100.0
    layers = props["Layers"]
    assert isinstance(layers, YList)
    assert layers.item_loc(1) == Location(file="t.json", line=4, column=59)


def test_duplicate_keys_are_reported() -> None:
    root, diagnostics = loads_json('{"a": 1,\n "a": 2}', "t.json")
    assert root == {"a": 2}
    assert [(d.code, d.location.line) for d in diagnostics] == [("FG001", 2)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": 1,}', 1, 9),
        ('{"a" 1}', 1, 6),
        ("[1, 2", 1, 6),
        ('{"a": tru}', 1, 7),
        ('{"a": 1} x', 1, 10),
        ('{"a": "\\q"}', 1, 7),
    ],
)
def test_errors_point_at_the_problem(text: str, line: int, column: int) -> None:
    with pytest.raises(LoadError) as exc:
        loads_json(text, "t.json")
    assert (exc.value.location.line, exc.value.location.column) == (line, column)


def test_depth_is_bounded() -> None:
    with pytest.raises(LoadError, match="nesting"):
        loads_json("[" * 5000 + "]" * 5000, "t.json")
