"""Statement semantics, escalation methods, managed policies and trust: hand-checked cases."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from faasguard.iam import managed, policy, privesc, trust
from faasguard.iam.actions import service_actions, split
from faasguard.model import FrozenMap, Location, PolicyStatement, Principal, Ref, Severity

LOC = Location(file="t.yaml", line=3)


def stmt(
    actions: tuple[str | Ref, ...] = (), resources: tuple[str | Ref, ...] = ("*",), **kw: object
) -> PolicyStatement:
    return PolicyStatement(actions=actions, resources=resources, location=LOC, **kw)  # type: ignore[arg-type]


def test_grants_is_three_way() -> None:
    assert policy.grants(stmt(("s3:*",)), "s3:PutObject") is True
    assert policy.grants(stmt(("s3:Get*",)), "s3:PutObject") is False
    assert policy.grants(stmt(("s3:Get*", Ref(text="!Ref A"))), "s3:PutObject") is None
    assert policy.grants(stmt(("s3:*",), effect="Deny"), "s3:PutObject") is False
    assert policy.grants(stmt(("s3:*",), effect=Ref(text="!Ref E")), "s3:PutObject") is None


def test_not_action_grants_everything_else() -> None:
    st = PolicyStatement(not_actions=("iam:*",), resources=("*",), location=LOC)
    assert policy.grants(st, "lambda:UpdateFunctionCode") is True
    assert policy.grants(st, "iam:PassRole") is False


@pytest.mark.parametrize(
    ("resource", "unbounded"),
    [
        ("*", True),
        ("arn:aws:iam::123456789012:role/*", True),
        ("arn:aws:lambda:*:*:function:*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:iam::123456789012:role/app-*", False),
        ("arn:aws:lambda:eu-west-1:123456789012:function:orders", False),
        ("arn:aws:s3:::bucket/*", False),
    ],
)
def test_unbounded_resources(resource: str, unbounded: bool) -> None:
    assert policy.is_unbounded(resource) is unbounded


def test_symbolic_resources() -> None:
    params = frozenset({"TableArn"})
    getatt = Ref(text="!GetAtt T.Arn", target="T", attribute="Arn")
    param = Ref(text="!Ref TableArn", target="TableArn")
    sub = Ref(text="!Sub arn:aws:s3:::${B}/*")
    assert policy.covers_all_resources(stmt(("s3:*",), (getatt,)), params) is False
    assert policy.covers_all_resources(stmt(("s3:*",), (sub,)), params) is False
    assert policy.covers_all_resources(stmt(("s3:*",), (param,)), params) is None
    assert policy.covers_all_resources(stmt(("s3:*",), (param, "*")), params) is True
    not_res = PolicyStatement(actions=("s3:*",), not_resources=("arn:aws:s3:::x",), location=LOC)
    assert policy.covers_all_resources(not_res, params) is True


def test_passrole_create_invoke_is_an_escalation() -> None:
    st = stmt(("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"))
    found = privesc.find_escalations([st])
    assert [e.method.id for e in found] == ["PassExistingRoleToNewLambdaThenInvoke"]
    assert "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction" in found[0].describe()


def test_passrole_on_one_named_role_is_not_an_escalation() -> None:
    named = "arn:aws:iam::123456789012:role/worker"
    sts = [
        stmt(("iam:PassRole",), (named,)),
        stmt(("lambda:CreateFunction", "lambda:InvokeFunction")),
    ]
    assert privesc.find_escalations(sts) == ()


def test_escalation_across_statements_and_self_edit() -> None:
    sts = [stmt(("iam:PutRolePolicy",), ("arn:aws:iam::123456789012:role/me",))]
    assert [e.method.id for e in privesc.find_escalations(sts)] == ["PutRolePolicy"]
    code = [stmt(("lambda:UpdateFunctionCode",), ("arn:aws:lambda:eu-west-1:1:function:x",))]
    assert privesc.find_escalations(code) == ()


def test_every_escalation_method_names_known_actions_and_a_source() -> None:
    for method in privesc.methods():
        assert method.source and method.path, method.id
        for action in method.actions:
            service, name = split(action)
            known = service_actions(service)
            assert known is not None and name in known.all, f"{method.id}: {action}"
        assert method.unbounded <= {a.lower() for a in method.actions}, method.id


def test_managed_policy_names() -> None:
    assert (
        managed.aws_managed_name("arn:aws:iam::aws:policy/AdministratorAccess")
        == "AdministratorAccess"
    )
    role_path = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert managed.aws_managed_name(role_path) == "AWSLambdaBasicExecutionRole"
    sub = Ref(text="!Sub arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess")
    assert managed.aws_managed_name(sub) == "PowerUserAccess"
    assert managed.aws_managed_name("arn:aws:iam::123456789012:policy/Mine") is None
    assert managed.aws_managed_name(Ref(text="!Ref PolicyArn", target="PolicyArn")) is None


def test_admin_and_full_access_policies() -> None:
    admin = managed.admin_policy("AdministratorAccess")
    assert admin is not None and admin.severity is Severity.CRITICAL
    assert managed.admin_policy("AmazonS3ReadOnlyAccess") is None
    assert managed.is_full_access("AmazonDynamoDBFullAccess")
    assert managed.is_full_access("AWSLambda_FullAccess")
    assert not managed.is_full_access("IAMFullAccess")  # an administrator policy: IAM004
    assert not managed.is_full_access("AmazonS3ReadOnlyAccess")


def test_trust_principals_and_conditions() -> None:
    assert trust.is_public(Principal(kind="*", value="*"))
    assert trust.is_public(Principal(kind="AWS", value="*"))
    assert not trust.is_public(Principal(kind="Service", value="lambda.amazonaws.com"))
    assert trust.account_of(Principal(kind="AWS", value="111122223333")) == "111122223333"
    assert (
        trust.account_of(Principal(kind="AWS", value="arn:aws:iam::111122223333:root"))
        == "111122223333"
    )
    assert trust.account_of(Principal(kind="AWS", value=Ref(text="!Sub ${AWS::AccountId}"))) is None
    cond = FrozenMap((("StringEquals", FrozenMap((("sts:ExternalId", "x"),))),))
    st = PolicyStatement(actions=("sts:AssumeRole",), conditions=cond, location=LOC)
    assert trust.narrowing_keys(st, "cross_account") == {"sts:externalid"}
    assert trust.narrowing_keys(stmt(("sts:AssumeRole",)), "public") == frozenset()


def test_trust_keys_data_is_lower_case() -> None:
    raw = json.loads(
        resources.files("faasguard").joinpath("data/iam_trust.json").read_text("utf-8")
    )
    for kind in ("public", "cross_account"):
        assert all(k == k.lower() and ":" in k for k in raw[kind])


def test_managed_policy_names_inside_intrinsic_text() -> None:
    as_json = Ref(text='{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess"}')
    assert managed.aws_managed_name(as_json) == "PowerUserAccess"
    suffixed = Ref(text="!Sub arn:aws:iam::aws:policy/Admin${Suffix}")
    assert managed.aws_managed_name(suffixed) is None


def test_only_parameters_make_a_symbolic_resource_possibly_star() -> None:
    params = frozenset({"TargetArn"})
    assert policy.ref_could_be_star(Ref(text="!Ref TargetArn", target="TargetArn"), params)
    assert policy.ref_could_be_star(Ref(text="!Sub ${TargetArn}"), params)
    assert not policy.ref_could_be_star(Ref(text="!Sub ${Bucket.Arn}/*"), params)
    assert not policy.ref_could_be_star(Ref(text="!Ref Topic", target="Topic"), params)
    assert not policy.ref_could_be_star(Ref(text="!ImportValue shared-topic"), params)


def test_actions_granted_only_on_another_service_resources_do_not_escalate() -> None:
    on_bucket = stmt(("*",), ("arn:aws:s3:::my-bucket/*",))
    assert privesc.find_escalations([on_bucket]) == ()
    on_role = stmt(("*",), ("arn:aws:iam::123456789012:role/app",))
    assert "PutRolePolicy" in {e.method.id for e in privesc.find_escalations([on_role])}
    assert policy.applies_to_service(stmt(("*",), ("arn:aws:s3:::b",)), "s3")
    assert policy.applies_to_service(
        stmt(("*",), (Ref(text="!GetAtt R.Arn", target="R", attribute="Arn"),)), "iam"
    )
