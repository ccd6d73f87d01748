"""Granted versus needed: missing, unused, over-wide, and when the answer is unknown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lp_apps import allow, app, call, env, function, loc, ref

from faasguard.iam import privesc
from faasguard.iam.actions import expand
from faasguard.iam.compare import compare_role, decide_for
from faasguard.iam.evaluate import Verdict
from faasguard.model import FrozenMap, PolicyStatement, Ref

TABLE_ENV = (("TABLE", ref("Orders")),)
PUT = call("dynamodb", "PutItem", 9, env("TableName", "TABLE"))
LOGS = allow(("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"), ("*",), 90)


def _compare(*statements: PolicyStatement, calls=(PUT,), **kw):  # type: ignore[no-untyped-def]
    fn = function(calls, TABLE_ENV)
    a = app((fn,), (*statements, LOGS), **kw)
    return compare_role(a, a.roles[0])


def test_call_the_role_does_not_allow_is_missing() -> None:
    result = _compare(allow(("s3:PutObject",), ("*",), 12))
    assert [(m.need.action, m.need.resource.arn, m.decision.verdict) for m in result.missing] == [
        ("dynamodb:PutItem", "${Orders.Arn}", Verdict.NOT_ALLOWED)
    ]


def test_grant_on_the_tables_getatt_or_sub_arn_covers_the_call() -> None:
    assert not _compare(allow(("dynamodb:PutItem",), (ref("Orders", "Arn"),), 12)).missing
    sub = Ref(
        text="arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}", target="Orders"
    )
    assert not _compare(allow(("dynamodb:PutItem",), (sub,), 12)).missing


def test_grant_on_another_table_leaves_the_call_missing() -> None:
    other = "arn:aws:dynamodb:us-east-1:123456789012:table/other"
    assert [
        m.need.action for m in _compare(allow(("dynamodb:PutItem",), (other,), 12)).missing
    ] == ["dynamodb:PutItem"]


def test_explicit_deny_wins() -> None:
    deny = PolicyStatement(
        effect="Deny", actions=("dynamodb:Put*",), resources=("*",), location=loc(13)
    )
    result = _compare(allow(("dynamodb:*",), ("*",), 12), deny)
    assert [m.decision.verdict for m in result.missing] == [Verdict.DENIED]


def test_conditional_or_symbolic_grant_is_unknown_not_missing() -> None:
    condition = FrozenMap((("StringEquals", FrozenMap((("aws:RequestedRegion", "eu-west-1"),))),))
    result = _compare(allow(("dynamodb:PutItem",), ("*",), 12, conditions=condition))
    assert not result.missing
    assert [m.decision.verdict for m in result.unknown] == [Verdict.CONDITIONAL]
    assert "aws:RequestedRegion" in result.unknown[0].decision.why
    param = Ref(text="!Ref TableArnParam", target="TableArnParam")
    assert [
        m.need.action for m in _compare(allow(("dynamodb:PutItem",), (param,), 12)).unknown
    ] == ["dynamodb:PutItem"]


def test_managed_policy_outside_the_snapshot_makes_missing_unknown() -> None:
    result = _compare(managed=("arn:aws:iam::123456789012:policy/custom-outside",))
    assert not result.missing
    assert result.unexpanded == ("arn:aws:iam::123456789012:policy/custom-outside",)
    assert "custom-outside" in result.unknown[0].decision.why


def test_not_action_and_not_resource_are_honoured() -> None:
    everything_but_iam = PolicyStatement(not_actions=("iam:*",), resources=("*",), location=loc(12))
    assert not _compare(everything_but_iam).missing
    not_orders = PolicyStatement(
        actions=("dynamodb:*",), not_resources=(ref("Orders", "Arn"),), location=loc(12)
    )
    assert [m.need.action for m in _compare(not_orders).missing] == ["dynamodb:PutItem"]


def test_wildcard_grant_is_narrowed_and_unneeded_actions_are_unused() -> None:
    result = _compare(allow(("dynamodb:*", "iam:PassRole"), ("*",), 12))
    assert [(u.pattern, u.narrowed) for u in result.unused] == [
        ("dynamodb:*", ("dynamodb:PutItem",)),
        ("iam:PassRole", ()),
    ]
    assert not result.incomplete


def test_needed_actions_are_not_unused() -> None:
    result = _compare(allow(("dynamodb:PutItem",), (ref("Orders", "Arn"),), 12))
    assert not result.unused


def test_star_resource_for_a_call_on_one_table_is_over_wide() -> None:
    result = _compare(allow(("dynamodb:PutItem",), ("*",), 12))
    assert [(w.action, w.needed) for w in result.over_wide] == [
        ("dynamodb:PutItem", ("${Orders.Arn}",))
    ]
    # logs on * are not the code's: the platform's log group is bound, but logs is not reported
    # unless a need is bound and the action supports resource scoping
    scoped = _compare(allow(("dynamodb:PutItem",), (ref("Orders", "Arn"),), 12))
    assert not scoped.over_wide


def test_unresolved_call_makes_the_comparison_incomplete() -> None:
    dynamic = call(None, None, 7, note="service name from a variable")
    result = _compare(allow(("dynamodb:*",), ("*",), 12), calls=(PUT, dynamic))
    assert result.incomplete
    assert [u.reason for _, u in result.unresolved] == ["service name from a variable"]


_ACTIONS = st.sampled_from(["s3:GetObject", "dynamodb:PutItem", "sqs:SendMessage", "iam:PassRole"])


@given(_ACTIONS, st.lists(_ACTIONS, max_size=3))
def test_an_allow_star_statement_allows_everything_unless_denied(
    action: str, denied: list[str]
) -> None:
    fn = function()
    a = app((fn,))
    statements = [allow(("*",), ("*",), 1)]
    statements += [
        PolicyStatement(effect="Deny", actions=(d,), resources=("*",), location=loc(2))
        for d in denied
    ]
    verdict = decide_for(a, statements, action, "arn:aws:s3:::b/k").verdict
    assert verdict is (Verdict.DENIED if action in denied else Verdict.ALLOWED)


@pytest.mark.parametrize(
    ("actions", "method"),
    [
        (("iam:PassRole", "scheduler:CreateSchedule"), "PassExistingRoleToNewSchedule"),
        (
            ("iam:PassRole", "events:PutRule", "events:PutTargets"),
            "PassExistingRoleToNewEventBridgeTarget",
        ),
        (
            ("iam:PassRole", "states:UpdateStateMachine", "states:StartExecution"),
            "UpdateExistingStateMachineWithRole",
        ),
        (
            ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
            "ExecuteChangeSetOnExistingStack",
        ),
    ],
)
def test_added_escalation_methods_are_found(actions: tuple[str, ...], method: str) -> None:
    found = privesc.find_escalations([allow(actions, ("*",), 1)])
    assert method in {e.method.id for e in found}
    # each action of the method is needed: one missing action breaks the path
    assert method not in {
        e.method.id for e in privesc.find_escalations([allow(actions[1:], ("*",), 1)])
    }


def test_every_escalation_action_is_a_known_iam_action() -> None:
    for method in privesc.methods():
        for action in method.actions:
            assert expand(action), f"{method.id}: {action} unknown"
