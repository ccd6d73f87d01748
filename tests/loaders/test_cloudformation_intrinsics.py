"""Intrinsic functions: what resolves, what stays a Ref, and that nothing raises."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.yamljson import Document, Location, YList, YMap, loads
from faasguard.model import Ref

HEADER = """\
Parameters:
  Stage: {Type: String, Default: dev}
  Bucket: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "a, b"}
  Secret: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/secret}
  Size: {Type: Number, Default: 3}
Mappings:
  Env:
    dev: {Level: low}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Not [!Condition IsDev]
  BucketSet: !Not [!Equals [!Ref Bucket, ""]]
  Loop: !Condition Loop
Resources:
  Data:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Lambda::Function
"""


def template(body: str) -> tuple[Template, YMap]:
    """A Template over HEADER plus ``body`` (YAML under ``Values:``)."""
    text = HEADER + "Values:\n" + textwrap.indent(textwrap.dedent(body), "  ")
    doc = loads(text, "t.yaml")
    tpl = Template(doc, ".")
    assert isinstance(doc.root, YMap)
    values = doc.root["Values"]
    assert isinstance(values, YMap)
    return tpl, values


def test_parameter_default_is_used_and_said() -> None:
    tpl, v = template("a: !Ref Stage\n")
    assert tpl.text(v["a"]) == "dev"
    assert tpl.take_assumptions() == ("parameter Stage: default 'dev' used",)
    assert tpl.take_assumptions() == ()  # handed out once


def test_parameter_without_default_and_ssm_parameter_stay_symbolic() -> None:
    tpl, v = template("a: !Ref Bucket\nb: !Ref Secret\nc: !Ref Size\n")
    assert tpl.value(v["a"]) == Ref(text="!Ref Bucket", target="Bucket")
    assert tpl.value(v["b"]) == Ref(text="!Ref Secret", target="Secret")
    assert tpl.value(v["c"]) == 3


def test_list_parameter_and_select_split_join() -> None:
    tpl, v = template(
        """\
        a: !Ref Subnets
        b: !Select [1, !Split [",", "x,y,z"]]
        c: !Join ["-", [a, !Ref Stage, 3]]
        d: !Join ["", ["arn:aws:s3:::", !Ref Data, "/*"]]
        """
    )
    assert tpl.texts(v["a"]) == ("a", "b")
    assert tpl.text(v["b"]) == "y"
    assert tpl.text(v["c"]) == "a-dev-3"
    assert tpl.text(v["d"]) == Ref(text="arn:aws:s3:::${Data}/*", target="Data")


def test_resource_refs_and_target() -> None:
    tpl, v = template("a: !Ref Data\nb: !GetAtt Fn.Arn\nc: !GetAtt [Fn, Arn]\nd: arn:x\n")
    assert tpl.value(v["a"]) == Ref(text="!Ref Data", target="Data")
    assert tpl.value(v["b"]) == Ref(text="!GetAtt Fn.Arn", target="Fn", attribute="Arn")
    assert tpl.value(v["c"]) == tpl.value(v["b"])
    assert [tpl.target(v[k]) for k in "abcd"] == ["Data", "Fn", "Fn", "arn:x"]


def test_sub_forms() -> None:
    tpl, v = template(
        """\
        a: !Sub "arn:${AWS::Partition}:s3:::${Data}/${Stage}/*"
        b: !Sub ["${Name}-x", {Name: !Ref Stage}]
        c: !Sub "${!Literal}-${AWS::URLSuffix}"
        d: !Sub "${Fn.Arn}"
        e: !Sub "arn:aws:iam::${AWS::AccountId}:root"
        """
    )
    assert tpl.text(v["a"]) == Ref(text="arn:aws:s3:::${Data}/dev/*", target="Data")
    assert tpl.text(v["b"]) == "dev-x"
    assert tpl.text(v["c"]) == "${Literal}-amazonaws.com"
    assert tpl.target(v["d"]) == "Fn"
    assert tpl.text(v["e"]) == Ref(text="arn:aws:iam::${AWS::AccountId}:root")


def test_pseudo_parameters() -> None:
    tpl, v = template("a: !Ref AWS::Region\nb: !Ref AWS::Partition\nc: !Ref AWS::NoValue\n")
    assert tpl.value(v["a"]) == Ref(text="!Ref AWS::Region", target="AWS::Region")
    assert tpl.value(v["b"]) == "aws"
    assert tpl.value(v["c"]) is None
    assert tpl.texts(YList(Location(file="t.yaml"))) == ()


def test_conditions_and_if() -> None:
    tpl, v = template(
        """\
        a: !If [IsDev, small, big]
        b: !If [IsProd, small, big]
        c: !If [BucketSet, !Ref Bucket, none]
        d: !If [BucketSet, same, same]
        e: !If [IsDev, !Ref AWS::NoValue, x]
        """
    )
    assert tpl.text(v["a"]) == "small"
    assert tpl.text(v["b"]) == "big"
    assert isinstance(tpl.text(v["c"]), Ref)  # the condition hangs on a parameter
    assert tpl.text(v["d"]) == "same"
    assert tpl.text(v["e"]) is None


def test_find_in_map_and_base64() -> None:
    tpl, v = template(
        "a: !FindInMap [Env, !Ref Stage, Level]\nb: !Base64 hello\nc: !FindInMap [Env, x, y]\n"
    )
    assert tpl.text(v["a"]) == "low"
    assert tpl.text(v["b"]) == "hello"
    assert isinstance(tpl.text(v["c"]), Ref)
    assert any("FindInMap" in d.message for d in tpl.diagnostics)


def test_symbolic_functions() -> None:
    tpl, v = template(
        """\
        a: !ImportValue shared-vpc
        b: !GetAZs ""
        c: !Cidr [10.0.0.0/16, 4, 8]
        d: !Transform {Name: Macro}
        """
    )
    assert tpl.value(v["a"]) == Ref(text="!ImportValue shared-vpc", target="shared-vpc")
    assert isinstance(tpl.value(v["b"]), Ref) and isinstance(tpl.value(v["c"]), Ref)
    assert isinstance(tpl.value(v["d"]), Ref)
    assert [d.code for d in tpl.diagnostics] == ["FG002"]
    assert tpl.diagnostics[0].location.line == HEADER.count("\n") + 5


def test_bad_intrinsics_and_condition_cycle_become_diagnostics() -> None:
    tpl, v = template(
        """\
        a: !Select [9, [x]]
        b: !Join [1]
        c: !If [Loop, x, y]
        d: {"Fn::Nope": 1}
        e: !Ref Nowhere
        """
    )
    for key in "abcd":
        assert isinstance(tpl.value(v[key]), Ref)
    assert tpl.value(v["e"]) == Ref(text="!Ref Nowhere", target="Nowhere")
    messages = " | ".join(d.message for d in tpl.diagnostics)
    for part in ("out of range", "malformed Fn::Join", "refers to itself", "Fn::Nope", "Nowhere"):
        assert part in messages


def test_deep_nesting_is_bounded() -> None:
    loc = Location(file="t.yaml", line=1)
    node: YMap | str = "x"
    for _ in range(200):
        outer = YMap(loc)
        outer["Fn::Base64"] = node
        node = outer
    tpl = Template(Document(root=YMap(loc), file="t.yaml"), ".")
    assert isinstance(tpl.value(node), Ref)
    assert any("deeper" in d.message for d in tpl.diagnostics)


def test_statements_single_map_principals_and_locations() -> None:
    tpl, v = template(
        """\
        doc:
          Statement:
            Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::${Data}/*"
            Condition: {Bool: {aws:SecureTransport: "false"}}
        doc2:
          Statement:
            - Sid: One
              Effect: Deny
              Principal:
                AWS: [arn:aws:iam::1:root, !Ref AWS::AccountId]
                Service: sns.amazonaws.com
              NotAction: [iam:*]
              NotResource: "*"
        """
    )
    (one,) = tpl.statements(v["doc"], "bucket policy P")
    base = HEADER.count("\n") + 1  # line of "Values:"
    assert one.location.line == base + 3
    assert one.source == "bucket policy P"
    assert [(p.kind, p.value) for p in one.principals] == [("*", "*")]
    assert one.resources == (Ref(text="arn:aws:s3:::${Data}/*", target="Data"),)
    condition = one.conditions.get("Bool")
    assert condition is not None and condition.get("aws:SecureTransport") == "false"  # type: ignore[union-attr]
    (two,) = tpl.statements(v["doc2"], "x")
    assert two.location.line == base + 10
    assert (two.sid, two.effect, two.not_actions, two.not_resources) == (
        "One",
        "Deny",
        ("iam:*",),
        ("*",),
    )
    kinds = [(p.kind, p.value) for p in two.principals]
    assert kinds[0] == ("AWS", "arn:aws:iam::1:root") and kinds[2] == (
        "Service",
        "sns.amazonaws.com",
    )
    assert isinstance(kinds[1][1], Ref)


# --- random nestings never raise ----------------------------------------------------------

_FUNCTIONS = [
    "Ref",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::FindInMap",
    "Fn::If",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Condition",
    "Fn::GetAtt",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::GetAZs",
    "Fn::Transform",
    "Fn::Length",
    "Fn::Bogus",
]
_LOC = Location(file="t.yaml", line=1)
_SCALARS = st.one_of(
    st.sampled_from(
        ["Stage", "Bucket", "Data", "Fn.Arn", "IsDev", "Loop", "AWS::Region", "AWS::NoValue"]
    ),
    st.sampled_from(["${Stage}", "${Data.Arn}", "${!x}", "${", "Env", "dev", ",", ""]),
    st.integers(-3, 5),
    st.booleans(),
    st.none(),
)


def _ylist(items: list[object]) -> YList:
    out = YList(_LOC)
    out.extend(items)  # type: ignore[arg-type]
    out.item_locs.extend(_LOC for _ in items)
    return out


def _ymap(pairs: dict[str, object]) -> YMap:
    out = YMap(_LOC)
    for key, value in pairs.items():
        out[key] = value  # type: ignore[assignment]
        out.key_locs[key] = _LOC
    return out


_NODES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(_ylist),
        st.tuples(st.sampled_from(_FUNCTIONS), inner).map(lambda p: _ymap({p[0]: p[1]})),
        st.dictionaries(st.sampled_from(["Name", "Level", "Statement"]), inner, max_size=2).map(
            _ymap
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_NODES)
def test_random_intrinsic_nestings_never_raise(node: object) -> None:
    tpl, _ = template("a: 1\n")
    tpl.value(node)  # type: ignore[arg-type]
    tpl.text(node)  # type: ignore[arg-type]
    tpl.texts(node)  # type: ignore[arg-type]
    tpl.data(node)  # type: ignore[arg-type]
    tpl.target(node)  # type: ignore[arg-type]
    tpl.statements(node, "x")  # type: ignore[arg-type]
