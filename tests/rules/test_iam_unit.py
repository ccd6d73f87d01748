"""Least-privilege rules on hand-built models: each case states the property and the answer."""

from __future__ import annotations

from datetime import date

from faasguard.model import (
    App,
    Framework,
    FrozenMap,
    Function,
    Inconclusive,
    Location,
    ManagedPolicyRef,
    Parameter,
    Policy,
    PolicyStatement,
    Principal,
    Ref,
    Role,
    Rule,
    RuleContext,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules import iam
from faasguard.rules.iam_roles import (
    admin_managed_policy,
    broad_trust_policy,
    full_access_managed_policy,
    privilege_escalation,
    shared_execution_role,
)
from faasguard.rules.iam_statements import (
    allow_not_action,
    passrole_wildcard,
    service_wildcard_action,
    wildcard_action,
    wildcard_resource,
)

CTX = RuleContext(today=date(2026, 11, 28))
NO_CONDITIONS = FrozenMap()


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def stmt(
    line: int,
    actions: tuple[str | Ref, ...],
    resources: tuple[str | Ref, ...] = ("*",),
    **kw: object,
) -> PolicyStatement:
    return PolicyStatement(
        actions=actions, resources=resources, location=loc(line), source="inline policy 'P'", **kw
    )  # type: ignore[arg-type]


def role(ident: str, *statements: PolicyStatement, **kw: object) -> Role:
    return Role(id=ident, type="AWS::IAM::Role", location=loc(1), statements=statements, **kw)  # type: ignore[arg-type]


def fn(ident: str, role_id: str | Ref, line: int = 50) -> Function:
    return Function(
        id=ident,
        type="AWS::Lambda::Function",
        location=loc(line),
        role=role_id,
        field_locations=(("role", loc(line + 1)),),
    )


def make_app(*roles: Role, functions: tuple[Function, ...] = (), **parts: object) -> App:
    return App(
        name="t",
        root=".",
        source="template.yaml",
        framework=Framework.CLOUDFORMATION,
        roles=roles,
        functions=functions,
        **parts,  # type: ignore[arg-type]
    )


def run(r: Rule, app: App) -> list[RuleResult]:
    return list(r.check(app, CTX))


def lines(results: list[RuleResult]) -> list[int]:
    return [x.location.line for x in results if isinstance(x, Violation)]


def test_rules_are_listed_in_id_order() -> None:
    ids = [r.info.id for r in iam.RULES]
    assert ids == [
        "IAM001",
        "IAM002",
        "IAM003",
        "IAM004",
        "IAM005",
        "IAM006",
        "IAM007",
        "IAM008",
        "IAM009",
        "IAM010",
    ]


def test_iam001_star_action_on_star_is_critical_and_scoped_star_is_high() -> None:
    app = make_app(
        role("R", stmt(3, ("*",)), stmt(7, ("*",), ("arn:aws:s3:::b",)), stmt(9, ("s3:GetObject",)))
    )
    out = run(wildcard_action, app)
    assert lines(out) == [3, 7]
    assert [v.severity for v in out if isinstance(v, Violation)] == [Severity.CRITICAL, None]
    assert "Role R allows every action" in out[0].message  # type: ignore[union-attr]


def test_iam001_ignores_deny_and_flags_unknown_action_as_inconclusive() -> None:
    app = make_app(
        role("R", stmt(3, ("*",), effect="Deny"), stmt(5, (Ref(text="!Ref Act", target="Act"),)))
    )
    out = run(wildcard_action, app)
    assert len(out) == 1 and isinstance(out[0], Inconclusive) and out[0].location.line == 5


def test_iam001_reports_sam_generated_role_on_its_function() -> None:
    generated = role("FnRole", stmt(4, ("*",)), generated_from="Fn")
    out = run(wildcard_action, make_app(generated))
    assert [v.resource for v in out] == ["Fn"]


def test_iam001_reports_a_statement_seen_in_policy_and_role_once_on_the_policy() -> None:
    shared = stmt(12, ("*",))
    pol = Policy(
        id="P", type="AWS::IAM::Policy", location=loc(10), statements=(shared,), roles=("R",)
    )
    out = run(wildcard_action, make_app(role("R", shared), policies=(pol,)))
    assert [(v.resource, v.location.line) for v in out] == [("P", 12)]


def test_iam002_service_and_write_wildcards_but_not_read_wildcards() -> None:
    app = make_app(
        role(
            "R",
            stmt(3, ("dynamodb:*",), ("arn:aws:dynamodb:eu-west-1:1:table/t",)),
            stmt(5, ("s3:Get*", "s3:List*")),
            stmt(7, ("iam:*",)),
            stmt(9, ("s3:*Object",)),
            stmt(11, ("*",)),
        )
    )
    out = [v for v in run(service_wildcard_action, app) if isinstance(v, Violation)]
    assert [(v.location.line, v.severity) for v in out] == [
        (3, None),
        (7, Severity.HIGH),
        (9, None),
    ]
    assert "s3:deleteobject" in " ".join(out[2].evidence)


def test_iam003_scoped_writes_on_star_but_not_logging_or_reads() -> None:
    app = make_app(
        role(
            "R",
            stmt(3, ("dynamodb:PutItem", "dynamodb:GetItem")),
            stmt(5, ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")),
            stmt(7, ("xray:PutTraceSegments", "cloudwatch:PutMetricData")),
            stmt(
                9, ("sqs:SendMessage",), (Ref(text="!GetAtt Q.Arn", target="Q", attribute="Arn"),)
            ),
            stmt(11, ("sns:Publish",), (Ref(text="!Ref TopicArn", target="TopicArn"),)),
        ),
        parameters=(Parameter(name="TopicArn", location=loc(0)),),
    )
    out = run(wildcard_resource, app)
    assert lines(out) == [3]
    assert "dynamodb:PutItem" in out[0].message and "GetItem" not in out[0].message  # type: ignore[union-attr]
    assert [x.location.line for x in out if isinstance(x, Inconclusive)] == [11]


def test_iam003_expands_service_wildcards_but_leaves_full_wildcard_to_iam001() -> None:
    app = make_app(role("R", stmt(3, ("dynamodb:*",)), stmt(5, ("*",)), stmt(7, ("s3:Get*",))))
    out = run(wildcard_resource, app)
    assert lines(out) == [3]
    assert "dynamodb:* (" in out[0].message  # type: ignore[union-attr]


def test_iam004_admin_managed_policies_with_severity() -> None:
    refs = (
        ManagedPolicyRef(arn="arn:aws:iam::aws:policy/AdministratorAccess", location=loc(20)),
        ManagedPolicyRef(arn="arn:aws:iam::aws:policy/PowerUserAccess", location=loc(21)),
        ManagedPolicyRef(
            arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", location=loc(22)
        ),
        ManagedPolicyRef(arn=Ref(text="!Ref Extra", target="Extra"), location=loc(23)),
    )
    out = run(admin_managed_policy, make_app(role("R", managed_policies=refs)))
    assert [(v.location.line, v.severity) for v in out if isinstance(v, Violation)] == [
        (20, Severity.CRITICAL),
        (21, None),
    ]
    assert [x.location.line for x in out if isinstance(x, Inconclusive)] == [23]


def test_iam004_customer_policy_of_the_app_is_not_inconclusive() -> None:
    pol = Policy(id="Mine", type="AWS::IAM::ManagedPolicy", location=loc(5), managed=True)
    ref = ManagedPolicyRef(arn=Ref(text="!Ref Mine", target="Mine"), location=loc(9))
    assert (
        run(admin_managed_policy, make_app(role("R", managed_policies=(ref,)), policies=(pol,)))
        == []
    )


def test_iam005_full_access_only_on_function_roles() -> None:
    full = (
        ManagedPolicyRef(arn="arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", location=loc(30)),
    )
    app = make_app(
        role("FnRole", managed_policies=full),
        role("Other", managed_policies=full),
        functions=(fn("Fn", "FnRole"),),
    )
    out = run(full_access_managed_policy, app)
    assert [(v.resource, v.location.line) for v in out] == [("FnRole", 30)]


def test_iam006_escalation_path_in_evidence() -> None:
    esc = stmt(3, ("iam:PassRole", "lambda:CreateFunction"))
    invoke = stmt(6, ("lambda:InvokeFunction",), ("arn:aws:lambda:eu-west-1:1:function:x",))
    app = make_app(role("R", esc, invoke), functions=(fn("Fn", "R"),))
    out = run(privilege_escalation, app)
    assert len(out) == 1 and isinstance(out[0], Violation)
    assert out[0].location.line == 3 and out[0].related == (loc(6),)
    assert out[0].evidence[0].startswith("PassExistingRoleToNewLambdaThenInvoke: iam:PassRole")


def test_iam006_clean_role_and_outside_role() -> None:
    app = make_app(
        role("R", stmt(3, ("dynamodb:GetItem",))),
        functions=(fn("Fn", "R"), fn("Ext", "arn:aws:iam::123456789012:role/x", line=60)),
    )
    out = run(privilege_escalation, app)
    assert len(out) == 1 and isinstance(out[0], Inconclusive) and out[0].resource == "Ext"
    assert out[0].location.line == 61


def test_iam007_passrole_on_star_without_passed_to_service() -> None:
    cond = FrozenMap(
        (("StringEquals", FrozenMap((("iam:PassedToService", "lambda.amazonaws.com"),))),)
    )
    app = make_app(
        role(
            "R",
            stmt(3, ("iam:PassRole",)),
            stmt(5, ("iam:PassRole",), conditions=cond),
            stmt(7, ("iam:PassRole",), ("arn:aws:iam::1:role/worker",)),
            stmt(9, ("iam:Pass*",), ("arn:aws:iam::1:role/*",)),
            stmt(11, ("*",)),
        )
    )
    assert lines(run(passrole_wildcard, app)) == [3, 9]


def test_iam008_shared_roles_reported_on_each_function() -> None:
    app = make_app(
        role("Shared"),
        functions=(fn("A", "Shared", 40), fn("B", "Shared", 50), fn("C", "Own", 60)),
    )
    out = run(shared_execution_role, app)
    assert [(v.resource, v.location.line) for v in out] == [("A", 41), ("B", 51)]
    assert "with B" in out[0].message  # type: ignore[union-attr]


def test_iam009_not_action_and_not_resource() -> None:
    st = PolicyStatement(not_actions=("iam:*",), not_resources=("arn:aws:s3:::x",), location=loc(4))
    deny = PolicyStatement(effect="Deny", not_actions=("s3:*",), resources=("*",), location=loc(8))
    out = run(allow_not_action, make_app(role("R", st, deny)))
    assert [(v.location.line, v.key.rsplit(":", 1)[-1]) for v in out] == [
        (4, "NotAction"),
        (4, "NotResource"),
    ]


def _trust(
    line: int, principal: Principal, conditions: FrozenMap = NO_CONDITIONS
) -> PolicyStatement:
    return PolicyStatement(
        actions=("sts:AssumeRole",),
        principals=(principal,),
        conditions=conditions,
        location=loc(line),
    )


def test_iam010_public_and_foreign_trust() -> None:
    ext = FrozenMap((("StringEquals", FrozenMap((("sts:ExternalId", "abc"),))),))
    trusts = (
        _trust(3, Principal(kind="Service", value="lambda.amazonaws.com")),
        _trust(5, Principal(kind="AWS", value="*")),
        _trust(7, Principal(kind="AWS", value="arn:aws:iam::111122223333:root")),
        _trust(9, Principal(kind="AWS", value="111122223333"), ext),
        _trust(
            11, Principal(kind="AWS", value=Ref(text="!Sub arn:aws:iam::${AWS::AccountId}:root"))
        ),
    )
    out = run(broad_trust_policy, make_app(role("R", trust=trusts)))
    assert [(v.location.line, v.severity) for v in out if isinstance(v, Violation)] == [
        (5, Severity.CRITICAL),
        (7, Severity.MEDIUM),
    ]


def test_iam006_role_marked_outside_the_app_is_inconclusive() -> None:
    outside = role("Ext", stmt(3, ("*",)), defined_in_app=False)
    out = run(privilege_escalation, make_app(outside, functions=(fn("Fn", "Ext"),)))
    assert [(type(x).__name__, x.resource) for x in out] == [("Inconclusive", "Fn")]


def test_iam006_counts_statements_of_app_policies_attached_either_way() -> None:
    passrole = stmt(12, ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"))
    by_roles = Policy(
        id="P", type="AWS::IAM::Policy", location=loc(10), statements=(passrole,), roles=("R",)
    )
    managed_pol = Policy(
        id="M",
        type="AWS::IAM::ManagedPolicy",
        location=loc(10),
        statements=(passrole,),
        managed=True,
    )
    ref = ManagedPolicyRef(arn=Ref(text="!Ref M", target="M"), location=loc(5))
    for pol, attached in ((by_roles, ()), (managed_pol, (ref,))):
        app = make_app(
            role("R", managed_policies=attached), functions=(fn("Fn", "R"),), policies=(pol,)
        )
        out = run(privilege_escalation, app)
        assert [(v.resource, v.location.line) for v in out] == [("R", 12)]
