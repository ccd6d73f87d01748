"""IAM identity-policy evaluation: Deny wins, wildcards, NotAction/NotResource, conditions, Refs.

Expected outcomes follow the IAM User Guide's "Policy evaluation logic" and "IAM JSON policy
elements" pages (checked by hand), not the code's output.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faasguard.iam.evaluate import (
    Verdict,
    action_matches,
    decide,
    granted_actions,
    resource_matches,
)
from faasguard.model import FrozenMap, Location, PolicyStatement, Ref, Text

HERE = Location(file="policy.yaml", line=1)
OBJ = "arn:aws:s3:::orders/2026/a.json"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
NO_CONDITION = FrozenMap()
SOURCE_VPC = FrozenMap((("StringEquals", FrozenMap((("aws:SourceVpc", "vpc-1"),))),))


def st_(
    actions: tuple[Text, ...] = (),
    resources: tuple[Text, ...] = ("*",),
    *,
    effect: Text = "Allow",
    not_actions: tuple[Text, ...] = (),
    not_resources: tuple[Text, ...] = (),
    conditions: FrozenMap = NO_CONDITION,
) -> PolicyStatement:
    return PolicyStatement(
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=resources if not not_resources else (),
        not_resources=not_resources,
        conditions=conditions,
        location=HERE,
    )


CASES = [
    # (name, statements, action, resource, verdict)
    ("no statement: implicit deny", [], "s3:GetObject", OBJ, Verdict.NOT_ALLOWED),
    ("exact action", [st_(("s3:GetObject",))], "s3:GetObject", OBJ, Verdict.ALLOWED),
    ("action case-insensitive", [st_(("S3:getobject",))], "s3:GetObject", OBJ, Verdict.ALLOWED),
    ("prefix wildcard", [st_(("s3:Get*",))], "s3:GetObject", OBJ, Verdict.ALLOWED),
    ("question mark", [st_(("s3:GetObjec?",))], "s3:GetObject", OBJ, Verdict.ALLOWED),
    ("? is one char", [st_(("s3:GetObj?",))], "s3:GetObject", OBJ, Verdict.NOT_ALLOWED),
    ("star action", [st_(("*",))], "iam:PassRole", "*", Verdict.ALLOWED),
    ("other action", [st_(("s3:PutObject",))], "s3:GetObject", OBJ, Verdict.NOT_ALLOWED),
    (
        "resource prefix",
        [st_(("s3:*",), ("arn:aws:s3:::orders/*",))],
        "s3:GetObject",
        OBJ,
        Verdict.ALLOWED,
    ),
    (
        "other bucket",
        [st_(("s3:*",), ("arn:aws:s3:::other/*",))],
        "s3:GetObject",
        OBJ,
        Verdict.NOT_ALLOWED,
    ),
    (
        "bucket ARN is not its objects",
        [st_(("s3:*",), ("arn:aws:s3:::orders",))],
        "s3:GetObject",
        OBJ,
        Verdict.NOT_ALLOWED,
    ),
    (
        "ARN is case-sensitive",
        [st_(("s3:*",), ("arn:aws:s3:::ORDERS/*",))],
        "s3:GetObject",
        OBJ,
        Verdict.NOT_ALLOWED,
    ),
    (
        "deny wins over allow",
        [st_(("s3:*",)), st_(("s3:GetObject",), effect="Deny")],
        "s3:GetObject",
        OBJ,
        Verdict.DENIED,
    ),
    (
        "deny elsewhere does not apply",
        [st_(("s3:*",)), st_(("s3:GetObject",), ("arn:aws:s3:::secret/*",), effect="Deny")],
        "s3:GetObject",
        OBJ,
        Verdict.ALLOWED,
    ),
    (
        "NotAction allows the rest",
        [st_(not_actions=("iam:*",))],
        "s3:GetObject",
        OBJ,
        Verdict.ALLOWED,
    ),
    (
        "NotAction excludes listed",
        [st_(not_actions=("iam:*",))],
        "iam:PassRole",
        "*",
        Verdict.NOT_ALLOWED,
    ),
    (
        "NotResource excludes listed",
        [st_(("s3:GetObject",), not_resources=("arn:aws:s3:::orders/*",))],
        "s3:GetObject",
        OBJ,
        Verdict.NOT_ALLOWED,
    ),
    (
        "NotResource covers the rest",
        [st_(("s3:GetObject",), not_resources=("arn:aws:s3:::secret/*",))],
        "s3:GetObject",
        OBJ,
        Verdict.ALLOWED,
    ),
    (
        "Deny with NotAction",
        [st_(("*",)), st_(not_actions=("s3:GetObject",), effect="Deny")],
        "s3:PutObject",
        OBJ,
        Verdict.DENIED,
    ),
    (
        "conditional allow",
        [st_(("s3:GetObject",), conditions=SOURCE_VPC)],
        "s3:GetObject",
        OBJ,
        Verdict.CONDITIONAL,
    ),
    (
        "conditional deny leaves it open",
        [st_(("s3:*",)), st_(("s3:*",), effect="Deny", conditions=SOURCE_VPC)],
        "s3:GetObject",
        OBJ,
        Verdict.UNKNOWN,
    ),
    (
        "symbolic resource",
        [st_(("dynamodb:PutItem",), (Ref(text="!Ref TableArn"),))],
        "dynamodb:PutItem",
        TABLE,
        Verdict.UNKNOWN,
    ),
    (
        "symbolic resource, other action",
        [st_(("s3:GetObject",), (Ref(text="!Ref TableArn"),))],
        "dynamodb:PutItem",
        TABLE,
        Verdict.NOT_ALLOWED,
    ),
    (
        "symbolic effect",
        [st_(("s3:GetObject",), effect=Ref(text="!Ref Effect"))],
        "s3:GetObject",
        OBJ,
        Verdict.UNKNOWN,
    ),
    (
        "unknown request resource, grant on *",
        [st_(("sqs:SendMessage",))],
        "sqs:SendMessage",
        None,
        Verdict.ALLOWED,
    ),
    (
        "unknown request resource, grant on one ARN",
        [st_(("dynamodb:PutItem",), (TABLE,))],
        "dynamodb:PutItem",
        None,
        Verdict.UNKNOWN,
    ),
    (
        "pattern request covered by wider grant",
        [st_(("s3:GetObject",), ("arn:aws:s3:::orders/*",))],
        "s3:GetObject",
        "arn:aws:s3:::orders/2026/*",
        Verdict.ALLOWED,
    ),
    (
        "pattern request wider than grant",
        [st_(("s3:GetObject",), ("arn:aws:s3:::orders/2026/a.json",))],
        "s3:GetObject",
        "arn:aws:s3:::orders/*",
        Verdict.NOT_ALLOWED,
    ),
    (
        "statement without Resource grants nothing",
        [st_(("s3:GetObject",), ())],
        "s3:GetObject",
        OBJ,
        Verdict.NOT_ALLOWED,
    ),
]


@pytest.mark.parametrize(
    ("statements", "action", "resource", "verdict"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_decide(
    statements: list[PolicyStatement], action: str, resource: str | None, verdict: Verdict
) -> None:
    assert decide(statements, action, resource).verdict is verdict


def test_decision_names_the_deciding_statement_and_condition() -> None:
    deny = st_(("s3:GetObject",), effect="Deny")
    assert decide([st_(("s3:*",)), deny], "s3:GetObject", OBJ).statement is deny
    conditional = st_(("s3:GetObject",), conditions=SOURCE_VPC)
    decision = decide([conditional], "s3:GetObject", OBJ)
    assert decision.statement is conditional
    assert decision.conditions == SOURCE_VPC
    assert "aws:SourceVpc" in decision.why
    assert not decision.allowed and not decision.denied


def test_resolver_turns_refs_into_patterns() -> None:
    statement = st_(("dynamodb:PutItem",), (Ref(text="!GetAtt Orders.Arn", target="Orders"),))

    def resolve(value: Text) -> str | None:
        return TABLE if isinstance(value, Ref) and value.target == "Orders" else None

    assert decide([statement], "dynamodb:PutItem", TABLE, resolve).allowed
    other = TABLE.replace("Orders", "Users")
    assert decide([statement], "dynamodb:PutItem", other, resolve).verdict is Verdict.NOT_ALLOWED


def test_granted_actions_expands_wildcards_and_removes_denied() -> None:
    granted = granted_actions(
        [
            st_(("s3:Get*", "sqs:SendMessage")),
            st_(("s3:GetObjectAcl",), effect="Deny"),
            st_(("dynamodb:PutItem",), conditions=SOURCE_VPC),
            st_(("s3:NoSuchThing",)),
        ]
    )
    assert {"s3:GetObject", "s3:GetBucketPolicy", "sqs:SendMessage"} <= granted.allowed
    assert "s3:GetObjectAcl" not in granted.allowed
    assert "s3:GetObjectAcl" in granted.denied
    assert "s3:PutObject" not in granted.all
    assert granted.conditional == {"dynamodb:PutItem"}
    assert granted.unknown == ("s3:NoSuchThing",)


def test_granted_actions_not_action_is_everything_else() -> None:
    granted = granted_actions([st_(not_actions=("iam:*", "sts:*"))])
    assert "s3:GetObject" in granted.allowed
    assert not any(a.startswith(("iam:", "sts:")) for a in granted.allowed)


def test_a_deny_on_one_resource_does_not_remove_the_action() -> None:
    granted = granted_actions(
        [st_(("s3:GetObject",)), st_(("s3:GetObject",), ("arn:aws:s3:::x/*",), effect="Deny")]
    )
    assert "s3:GetObject" in granted.allowed


_PIECES = st.text(alphabet="abcAB:/-_.09", min_size=0, max_size=6)


@given(st.lists(_PIECES, min_size=1, max_size=5), st.data())
def test_wildcard_replacing_any_slice_still_matches(parts: list[str], data: st.DataObject) -> None:
    """Property: a resource matches any pattern made from it by replacing slices with ``*`` or
    single characters with ``?``; an action also under any change of case."""
    text = "".join(parts)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    pattern = text[:start] + "*" + text[end:]
    assert resource_matches(pattern, text)
    assert action_matches(pattern.swapcase(), text)
    if text:
        i = data.draw(st.integers(0, len(text) - 1))
        assert resource_matches(text[:i] + "?" + text[i + 1 :], text)


@given(st.text(alphabet="abAB", min_size=1, max_size=8))
def test_resources_are_case_sensitive(text: str) -> None:
    assert resource_matches(text, text)
    if text.swapcase() != text:
        assert not resource_matches(text.swapcase(), text)


@given(
    st.lists(st.sampled_from(["s3:GetObject", "s3:Get*", "s3:*", "sqs:*", "*"]), max_size=3),
    st.lists(st.sampled_from(["s3:GetObject", "s3:*", "iam:*"]), max_size=2),
)
def test_an_unconditional_deny_always_wins(allows: list[str], denies: list[str]) -> None:
    statements = [st_(tuple(allows))] if allows else []
    if denies:
        statements.append(st_(tuple(denies), effect="Deny"))
    decision = decide(statements, "s3:GetObject", OBJ)
    denied = any(action_matches(d, "s3:GetObject") for d in denies)
    allowed = any(action_matches(a, "s3:GetObject") for a in allows)
    expected = Verdict.DENIED if denied else Verdict.ALLOWED if allowed else Verdict.NOT_ALLOWED
    assert decision.verdict is expected


@given(
    st.sampled_from(["s3:*", "s3:Get*", "iam:*", "*", "s3:GetObjec?", "sqs:SendMessage"]),
    st.sampled_from(["s3:GetObject", "s3:PutObject", "iam:PassRole", "sqs:SendMessage"]),
)
def test_not_action_is_the_complement_of_action(pattern: str, action: str) -> None:
    allow = decide([st_((pattern,))], action, OBJ).allowed
    allow_rest = decide([st_(not_actions=(pattern,))], action, OBJ).allowed
    assert allow != allow_rest


@given(st.sampled_from([OBJ, "arn:aws:s3:::other/k", TABLE]))
def test_not_resource_is_the_complement_of_resource(resource: str) -> None:
    listed = ("arn:aws:s3:::orders/*",)
    allow = decide([st_(("s3:GetObject",), listed)], "s3:GetObject", resource).allowed
    rest = decide([st_(("s3:GetObject",), not_resources=listed)], "s3:GetObject", resource)
    assert allow != rest.allowed
