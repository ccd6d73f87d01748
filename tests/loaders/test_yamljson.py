"""The line-aware YAML/JSON loader: positions, CloudFormation short tags, bounds, round trips.

Expected positions are counted by hand from the documents below (1-based line and column).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.limits import MAX_DEPTH, MAX_FILE_BYTES
from faasguard.loaders.yamljson import LoadError, YList, YMap, load_file, loads
from faasguard.model import Location

F = "template.yaml"


def _loc(line: int, column: int) -> Location:
    return Location(file=F, line=line, column=column)


def _plain(node: Any) -> Any:
    """YMap/YList -> dict/list, so values compare with ordinary data."""
    if isinstance(node, YMap):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, YList):
        return [_plain(v) for v in node]
    return node


def _root(text: str) -> Any:
    return _plain(loads(text, F).root)


# --- positions -------------------------------------------------------------------------------

YAML_DOC = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: team
          Value: orders
        -   Key: env
            Value: prod
"""


def test_yaml_key_positions_are_one_based() -> None:
    root = loads(YAML_DOC, F).root
    assert isinstance(root, YMap)
    assert root.loc == _loc(1, 1)
    assert root.key_loc("AWSTemplateFormatVersion") == _loc(1, 1)
    assert root.key_loc("Resources") == _loc(2, 1)
    resources = root["Resources"]
    assert isinstance(resources, YMap)
    assert resources.key_loc("Bucket") == _loc(3, 3)
    bucket = resources["Bucket"]
    assert isinstance(bucket, YMap)
    assert bucket.loc == _loc(4, 5)
    assert bucket.key_loc("Type") == _loc(4, 5)
    assert bucket.key_loc("Properties") == _loc(5, 5)


def test_yaml_item_positions_point_at_each_item() -> None:
    root = loads(YAML_DOC, F).root
    assert isinstance(root, YMap)
    tags = root["Resources"]["Bucket"]["Properties"]["Tags"]  # type: ignore[index]
    assert isinstance(tags, YList)
    assert tags.loc == _loc(7, 9)
    # the item is the mapping after "- ", not the dash
    assert tags.item_loc(0) == _loc(7, 11)
    assert tags.item_loc(1) == _loc(9, 13)
    second = tags[1]
    assert isinstance(second, YMap)
    assert second.key_loc("Value") == _loc(10, 13)


def test_missing_key_or_item_falls_back_to_the_container() -> None:
    root = loads("a:\n  - 1\n", F).root
    assert isinstance(root, YMap)
    assert root.key_loc("absent") == _loc(1, 1)
    items = root["a"]
    assert isinstance(items, YList)
    assert items.item_loc(5) == items.loc == _loc(2, 3)
    assert items.item_loc(-1) == items.loc


JSON_DOC = """\
{
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function",
           "Properties": {"Layers": ["a", "b"]}}
  }
}
"""


def test_json_positions_are_kept() -> None:
    root = loads(JSON_DOC, "t.json").root
    assert isinstance(root, YMap)
    assert root.key_loc("Resources") == Location(file="t.json", line=2, column=3)
    fn = root["Resources"]["Fn"]  # type: ignore[index]
    assert isinstance(fn, YMap)
    assert fn.loc == Location(file="t.json", line=3, column=11)
    assert fn.key_loc("Type") == Location(file="t.json", line=3, column=12)
    assert fn.key_loc("Properties") == Location(file="t.json", line=4, column=12)
    layers = fn["Properties"]["Layers"]  # type: ignore[index]
    assert isinstance(layers, YList)
    assert layers.item_loc(0) == Location(file="t.json", line=4, column=38)
    assert layers.item_loc(1) == Location(file="t.json", line=4, column=43)


def test_json_that_yaml_rejects_still_loads_with_positions() -> None:
    # a tab before the first token is valid JSON but not YAML 1.1
    doc = loads('\t{"a": [1, 2]}', "t.json")
    assert _plain(doc.root) == {"a": [1, 2]}
    assert doc.diagnostics == ()
    assert isinstance(doc.root, YMap)
    assert doc.root.key_loc("a") == Location(file="t.json", line=1, column=3)


def test_load_file_uses_the_display_name(tmp_path: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes("\ufeffa: 1\n".encode())  # a BOM is tolerated
    doc = load_file(str(path), "app/t.yaml")
    root = doc.root
    assert isinstance(root, YMap)
    assert root == {"a": 1}
    assert root.key_loc("a") == Location(file="app/t.yaml", line=1, column=1)


def test_load_file_rejects_non_utf8(tmp_path: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(LoadError):
        load_file(str(path), "t.yaml")


# --- CloudFormation short tags ---------------------------------------------------------------

SHORT_FORMS = [
    ("!Ref Bucket", {"Ref": "Bucket"}),
    ("!GetAtt Role.Arn", {"Fn::GetAtt": ["Role", "Arn"]}),
    ("!GetAtt [Role, Arn]", {"Fn::GetAtt": ["Role", "Arn"]}),
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!Sub 'arn:${AWS::Partition}:s3:::${B}'", {"Fn::Sub": "arn:${AWS::Partition}:s3:::${B}"}),
    ("!Sub ['${X}-y', {X: !Ref P}]", {"Fn::Sub": ["${X}-y", {"X": {"Ref": "P"}}]}),
    ("!Join ['', [a, !Ref B]]", {"Fn::Join": ["", ["a", {"Ref": "B"}]]}),
    ("!If [IsProd, 1, 2]", {"Fn::If": ["IsProd", 1, 2]}),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
    ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
    ("!FindInMap [M, K, V]", {"Fn::FindInMap": ["M", "K", "V"]}),
    ("!ImportValue shared-vpc", {"Fn::ImportValue": "shared-vpc"}),
    ("!Base64 hello", {"Fn::Base64": "hello"}),
    ("!Cidr ['10.0.0.0/16', 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
    ("!GetAZs eu-west-1", {"Fn::GetAZs": "eu-west-1"}),
    ("!Equals [!Ref Env, prod]", {"Fn::Equals": [{"Ref": "Env"}, "prod"]}),
    ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
    (
        "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
        {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
    ),
]


@pytest.mark.parametrize(("short", "long"), SHORT_FORMS, ids=[s for s, _ in SHORT_FORMS])
def test_short_tag_becomes_long_form(short: str, long: dict[str, Any]) -> None:
    doc = loads(f"Value: {short}\n", F)
    assert doc.diagnostics == ()
    assert _plain(doc.root) == {"Value": long}


def test_short_tag_block_forms() -> None:
    text = "A: !Sub\n  - '${x}'\n  - x: 1\nB: !GetAtt\n  - Fn\n  - Arn\n"
    assert _root(text) == {
        "A": {"Fn::Sub": ["${x}", {"x": 1}]},
        "B": {"Fn::GetAtt": ["Fn", "Arn"]},
    }


def test_short_tag_value_keeps_its_position() -> None:
    root = loads("Props:\n  Role: !GetAtt Role.Arn\n", F).root
    assert isinstance(root, YMap)
    props = root["Props"]
    assert isinstance(props, YMap)
    value = props["Role"]
    assert isinstance(value, YMap)
    assert value.loc == _loc(2, 9)


def test_unknown_tag_is_a_diagnostic_not_an_error() -> None:
    doc = loads("a: !Bogus x\n", F)
    assert _plain(doc.root) == {"a": "x"}
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [("FG002", 1)]


# --- scalars ---------------------------------------------------------------------------------


def test_timestamps_and_odd_scalars_stay_strings() -> None:
    root = _root("v: 2010-09-09\nt: 2001-12-14t21:59:43.10-05:00\nb: !!binary aGk=\n")
    assert root == {"v": "2010-09-09", "t": "2001-12-14t21:59:43.10-05:00", "b": "aGk="}


def test_typed_scalars() -> None:
    root = _root("i: 42\nf: 1.5\nt: true\nn: null\ns: '42'\nq: \"true\"\n")
    assert root == {"i": 42, "f": 1.5, "t": True, "n": None, "s": "42", "q": "true"}
    assert isinstance(root["t"], bool)
    assert isinstance(root["s"], str)


def test_empty_document() -> None:
    assert loads("", F).root is None
    assert loads("# only a comment\n", F).root is None


# --- problems --------------------------------------------------------------------------------


def test_duplicate_key_is_fg001_and_last_wins() -> None:
    doc = loads("Resources:\n  A: 1\n  B: 2\n  A: 3\n", F)
    assert _plain(doc.root) == {"Resources": {"A": 3, "B": 2}}
    assert [(d.code, d.location) for d in doc.diagnostics] == [("FG001", _loc(4, 3))]
    assert "line 2" in doc.diagnostics[0].message


def test_duplicate_key_in_json() -> None:
    doc = loads('{"a": 1,\n "a": 2}', "t.json")
    assert _plain(doc.root) == {"a": 2}
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [("FG001", 2)]


def test_several_documents_are_noted() -> None:
    doc = loads("a: 1\n---\nb: 2\n", F)
    assert _plain(doc.root) == {"a": 1}
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [("FG002", 3)]


def test_billion_laughs_is_refused() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(LoadError):
        loads("\n".join(lines) + "\n", F)


def test_many_aliases_are_refused() -> None:
    text = "x: &x 1\nl: [" + ", ".join(["*x"] * 5000) + "]\n"
    with pytest.raises(LoadError):
        loads(text, F)


def test_deep_nesting_is_refused_with_a_location() -> None:
    depth = MAX_DEPTH + 10
    text = "[" * depth + "]" * depth
    with pytest.raises(LoadError) as info:
        loads(text, F)
    assert info.value.location.file == F
    assert info.value.location.line == 1


def test_deep_json_mappings_are_refused() -> None:
    depth = 5000  # far past Python's recursion limit as well
    text = '{"a":' * depth + "1" + "}" * depth
    with pytest.raises(LoadError):
        loads(text, "t.json")


def test_nesting_within_the_bound_loads() -> None:
    depth = MAX_DEPTH // 2
    assert _root("[" * depth + "]" * depth) is not None


def test_oversize_text_is_refused() -> None:
    text = "a: " + "x" * MAX_FILE_BYTES + "\n"
    with pytest.raises(LoadError):
        loads(text, F)


def test_oversize_file_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(LoadError):
        load_file(str(path), "big.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\n",  # unclosed flow sequence
        "a: b: c\n",
        "? [a, b]\n: 1\n",  # a non-scalar key
        "base: &b {x: 1}\nother:\n  <<: *b\n",  # merge keys: not CloudFormation
        "\x00",
        "a: 'unterminated\n",
    ],
)
def test_invalid_input_raises_load_error(text: str) -> None:
    with pytest.raises(LoadError) as info:
        loads(text, F)
    assert info.value.location.file == F


def test_syntax_error_location_is_the_bad_line() -> None:
    with pytest.raises(LoadError) as info:
        loads("a: 1\nb: [1, 2\nc: 3\n", F)
    assert info.value.location.line >= 2


# --- property tests --------------------------------------------------------------------------

_keys = st.text(max_size=12)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=25,
)


def _same(actual: Any, expected: Any) -> bool:
    """Equality that also checks types (True == 1 in Python, not in a template)."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_same(actual[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, float):
        return isinstance(actual, float) and actual == expected
    return type(actual) is type(expected) and actual == expected


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_data)
def test_yaml_safe_dump_round_trips(data: Any) -> None:
    text = yaml.safe_dump(data, default_flow_style=False, sort_keys=False)
    assert _same(_root(text), data)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_data)
def test_json_dumps_round_trips(data: Any) -> None:
    text = json.dumps(data, indent=1)
    assert _same(_root(text), data)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_data)
def test_compact_json_round_trips(data: Any) -> None:
    text = json.dumps(data, separators=(",", ":"))
    assert _same(_root(text), data)  # JSON documents are read with JSON's own semantics


_yamlish = st.lists(
    st.sampled_from(
        [
            *("a", ":", " ", "\n", "-", "[", "]", "{", "}", "&x", "*x", "!Ref ", "!GetAtt "),
            *("'", '"', "#", "?", "|", ">", "\t", "<<", "---", "!!python/object ", "%YAML 1.1"),
            *("1", "\\"),
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.one_of(st.text(max_size=200), _yamlish))
def test_arbitrary_text_only_ever_raises_load_error(text: str) -> None:
    try:
        doc = loads(text, F)
    except LoadError as exc:
        assert exc.location.file == F
        return
    assert doc.file == F


# --- JSON read with JSON semantics (YAML 1.1 would differ) -----------------------------------


def test_json_with_a_raw_control_character_loads() -> None:
    text = json.dumps({"a": "x\x7fy"}, ensure_ascii=False)  # valid JSON: DEL needs no escape
    assert _root(text) == {"a": "x\x7fy"}


def test_json_with_a_raw_next_line_character_keeps_it() -> None:
    text = json.dumps({"a": "x\x85y"}, ensure_ascii=False)
    assert _root(text) == {"a": "x\x85y"}
