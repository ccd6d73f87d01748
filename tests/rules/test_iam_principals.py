"""IAM016 (escalation by users, groups and roles no function runs as) and the Deny
cancellation IAM001/IAM002 apply, on hand-built models (cases from BishopFox iam-vulnerable's
tool-testing folder: fn1-fn3, fp1-fp5)."""

from __future__ import annotations

from datetime import date

from faasguard.iam.holdings import never_true
from faasguard.model import (
    App,
    FrozenMap,
    Function,
    Inconclusive,
    Location,
    Parameter,
    Policy,
    PolicyStatement,
    Ref,
    Role,
    RuleContext,
    Text,
    Violation,
)
from faasguard.model.findings import Framework
from faasguard.rules.iam_principals import principal_privilege_escalation
from faasguard.rules.iam_statements import service_wildcard_action, wildcard_action

TODAY = date(2026, 11, 28)
CTX = RuleContext(today=TODAY)
NO_CONDITIONS = FrozenMap()


def _st(
    line: int,
    actions: tuple[str, ...],
    resources: tuple[Text, ...] = ("*",),
    effect: str = "Allow",
    conditions: FrozenMap = NO_CONDITIONS,
) -> PolicyStatement:
    return PolicyStatement(
        effect=effect,
        actions=actions,
        resources=resources,
        conditions=conditions,
        location=Location(file="main.tf", line=line),
    )


def _policy(ident: str, *statements: PolicyStatement, users: tuple[str, ...] = ()) -> Policy:
    return Policy(
        id=ident,
        type="aws_iam_policy",
        location=Location(file="main.tf", line=statements[0].location.line - 1),
        statements=statements,
        users=users,
        managed=True,
    )


def _app(*policies: Policy, roles: tuple[Role, ...] = (), **extra: object) -> App:
    return App(
        name="t",
        root=".",
        source="main.tf",
        framework=Framework.TERRAFORM,
        policies=policies,
        roles=roles,
        **extra,  # type: ignore[arg-type]
    )


def _iam016(app: App) -> list[Violation | Inconclusive]:
    return list(principal_privilege_escalation.check(app, CTX))


def _date_condition(operator: str, key: str, when: str) -> FrozenMap:
    return FrozenMap(((operator, FrozenMap(((key, when),))),))


# --- conditions ------------------------------------------------------------------------------


def test_a_token_issued_before_a_past_date_can_never_be_presented() -> None:
    # fp5: DateLessThan aws:TokenIssueTime 2020-01-01 -- credentials are issued today or later
    assert never_true(
        _date_condition("DateLessThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z"), TODAY
    )
    assert never_true(_date_condition("DateLessThanEquals", "aws:CurrentTime", "2025-12-31"), TODAY)


def test_conditions_a_principal_can_meet_stay_possible() -> None:
    # fn3: DateGreaterThan on the same key is met by any fresh token
    assert not never_true(
        _date_condition("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01"), TODAY
    )
    assert not never_true(_date_condition("DateLessThan", "aws:CurrentTime", "2027-06-01"), TODAY)
    # IfExists: long-term keys carry no aws:TokenIssueTime, so the condition holds for them
    assert not never_true(
        _date_condition("DateLessThanIfExists", "aws:TokenIssueTime", "2020-01-01"), TODAY
    )
    assert not never_true(_date_condition("DateLessThan", "aws:username", "2020-01-01"), TODAY)
    assert not never_true(_date_condition("StringEquals", "aws:username", "alice"), TODAY)


# --- IAM016 ------------------------------------------------------------------------------------


def test_an_escalation_split_over_two_policies_of_one_user_is_found() -> None:
    run = _policy(
        "aws_iam_policy.partial",
        _st(13, ("ec2:DescribeInstances", "ec2:RunInstances")),
        users=("u",),
    )
    passrole = _policy("aws_iam_policy.passrole", _st(35, ("iam:PassRole",)), users=("u",))
    found = _iam016(_app(run, passrole))
    assert [(f.resource, f.location.line) for f in found] == [("aws_iam_policy.partial", 13)]
    finding = found[0]
    assert isinstance(finding, Violation)
    assert finding.key == "PassExistingRoleToNewEc2Instance"
    assert "iam:PassRole: allowed on * by policy aws_iam_policy.passrole" in finding.evidence
    assert "ec2:RunInstances: allowed on * by policy aws_iam_policy.partial" in finding.evidence
    assert finding.related == (Location(file="main.tf", line=35),)


def test_each_half_alone_is_no_escalation() -> None:
    run = _policy("aws_iam_policy.partial", _st(13, ("ec2:RunInstances",)), users=("u",))
    passrole = _policy("aws_iam_policy.passrole", _st(35, ("iam:PassRole",)), users=("v",))
    assert _iam016(_app(run, passrole)) == []


def test_a_deny_in_another_policy_of_the_principal_removes_the_path() -> None:
    allow = _policy("p.allow", _st(3, ("iam:CreatePolicyVersion",)), users=("u",))
    deny = _policy("p.deny", _st(9, ("iam:*",), effect="Deny"), users=("u",))
    assert _iam016(_app(allow, deny)) == []


def test_a_deny_held_by_another_principal_does_not() -> None:
    allow = _policy("p.allow", _st(3, ("iam:CreatePolicyVersion",)), users=("u",))
    deny = _policy("p.deny", _st(9, ("iam:*",), effect="Deny"), users=("v",))
    assert [f.resource for f in _iam016(_app(allow, deny))] == ["p.allow"]


def test_policy_versions_of_aws_managed_policies_are_out_of_reach() -> None:
    aws_only = _policy(
        "fp4",
        _st(3, ("iam:CreatePolicyVersion",), ("arn:aws:iam::aws:policy/fp4-*",)),
        users=("u",),
    )
    customer = _policy(
        "fn2", _st(3, ("iam:CreatePolicyVersion",), ("arn:aws:iam::*:policy/fn2-*",)), users=("v",)
    )
    assert [f.resource for f in _iam016(_app(aws_only, customer))] == ["fn2"]


def test_a_condition_that_can_never_hold_grants_nothing_one_that_can_is_reported() -> None:
    past = _date_condition("DateLessThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z")
    met = _date_condition("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z")
    fp5 = _policy("fp5", _st(3, ("iam:CreatePolicyVersion",), conditions=past), users=("u",))
    fn3 = _policy("fn3", _st(3, ("iam:CreatePolicyVersion",), conditions=met), users=("v",))
    found = _iam016(_app(fp5, fn3))
    assert [f.resource for f in found] == ["fn3"]
    assert isinstance(found[0], Violation)
    assert any("if DateGreaterThan aws:TokenIssueTime" in e for e in found[0].evidence)


def test_one_finding_per_policy_and_method_names_every_holder() -> None:
    shared = _policy("p", _st(3, ("iam:AttachUserPolicy",)), users=("alice", "bob"))
    found = _iam016(_app(shared))
    assert len(found) == 1 and isinstance(found[0], Violation)
    assert "held by user alice, user bob" in found[0].evidence


def test_function_execution_roles_are_left_to_iam006() -> None:
    role = Role(
        id="FnRole",
        type="AWS::IAM::Role",
        location=Location(file="t.yaml", line=1),
        statements=(_st(5, ("iam:AttachRolePolicy",)),),
    )
    fn = Function(
        id="Fn",
        type="AWS::Lambda::Function",
        location=Location(file="t.yaml", line=9),
        role="FnRole",
    )
    assert _iam016(_app(roles=(role,), functions=(fn,))) == []
    assert [f.resource for f in _iam016(_app(roles=(role,)))] == ["FnRole"]


def test_passrole_on_a_parameter_is_inconclusive() -> None:
    ref = Ref(text="!Ref RoleArn", target="RoleArn")
    passrole = _st(3, ("iam:PassRole",), (ref,))
    create = _st(7, ("lambda:CreateFunction", "lambda:InvokeFunction"))
    app = _app(
        _policy("p", passrole, create, users=("u",)),
        parameters=(Parameter(name="RoleArn", location=Location(file="t.yaml", line=1)),),
    )
    found = _iam016(app)
    assert found and all(isinstance(f, Inconclusive) for f in found)


# --- IAM001 / IAM002 Deny cancellation --------------------------------------------------------


def _iam001(app: App) -> list[str]:
    return [f.resource for f in wildcard_action.check(app, CTX) if isinstance(f, Violation)]


def _iam002(app: App) -> list[str]:
    return [f.resource for f in service_wildcard_action.check(app, CTX) if isinstance(f, Violation)]


def test_allow_and_deny_in_one_policy_is_not_reported() -> None:  # fp1
    fp1 = _policy("fp1", _st(3, ("iam:*",)), _st(8, ("iam:*",), effect="Deny"), users=("u",))
    assert _iam002(_app(fp1)) == []


def test_allow_all_cancelled_by_deny_all_of_the_same_user_is_not_reported() -> None:  # fp2
    allow = _policy("allow", _st(3, ("*",)), users=("u",))
    deny = _policy("deny", _st(9, ("*",), effect="Deny"), users=("u",))
    assert _iam001(_app(allow, deny)) == []


def test_a_policy_still_allowing_for_one_of_its_holders_is_reported() -> None:
    allow = _policy("allow", _st(3, ("*",)), users=("u", "v"))
    deny = _policy("deny", _st(9, ("*",), effect="Deny"), users=("u",))
    assert _iam001(_app(allow, deny)) == ["allow"]


def test_narrower_or_conditional_denies_do_not_cancel() -> None:
    narrow = _policy(
        "a", _st(3, ("iam:*",)), _st(8, ("iam:*",), ("arn:aws:iam::*:user/x",), "Deny")
    )
    partial = _policy("b", _st(3, ("iam:*",)), _st(8, ("iam:Create*",), effect="Deny"))
    mfa = FrozenMap((("Bool", FrozenMap((("aws:MultiFactorAuthPresent", "false"),))),))
    conditional = _policy(
        "c", _st(3, ("iam:*",)), _st(8, ("iam:*",), effect="Deny", conditions=mfa)
    )
    assert _iam002(_app(narrow, partial, conditional)) == ["a", "b", "c"]


def test_a_principal_allowed_every_action_gets_one_finding_not_one_per_method() -> None:
    admin = _policy("admin", _st(3, ("*",)), users=("u",))
    found = _iam016(_app(admin))
    assert [(f.resource, f.location.line) for f in found] == [("admin", 3)]
    assert isinstance(found[0], Violation) and found[0].key == "every-action"
    assert "Action '*' allowed by policy admin" in found[0].evidence
