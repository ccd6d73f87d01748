"""API pillar rules on hand-built models (independent of the loaders)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from faasguard.iam.principals import is_public_value, narrowing_conditions
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Cors,
    DataStore,
    Framework,
    FrozenMap,
    Function,
    FunctionUrl,
    IdentityPool,
    Inconclusive,
    Location,
    Permission,
    PolicyStatement,
    Principal,
    Ref,
    ResourcePolicy,
    Route,
    Rule,
    RuleResult,
    Severity,
    Throttling,
    Violation,
)
from faasguard.rules import api

CTX_DATE = date(2026, 11, 28)


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def run(rule_id: str, app: App) -> list[RuleResult]:
    from faasguard.model import RuleContext

    found: Rule = next(r for r in api.RULES if r.info.id == rule_id)
    return list(found.check(app, RuleContext(today=CTX_DATE)))


def lines(results: list[RuleResult], kind: type = Violation) -> list[int]:
    return sorted(r.location.line for r in results if isinstance(r, kind))


def app_of(**parts: object) -> App:
    return App(name="t", root=".", source="template.yaml", framework=Framework.SAM, **parts)  # type: ignore[arg-type]


def rest_api(*routes: Route, **fields: object) -> Api:
    return Api(
        id="Api",
        type="AWS::Serverless::Api",
        location=loc(1),
        protocol="REST",
        routes=routes,
        **fields,
    )  # type: ignore[arg-type]


def route(line: int, method: str = "GET", **fields: object) -> Route:
    return Route(
        api="Api", method=method, path="/orders", location=loc(line), function="Fn", **fields
    )  # type: ignore[arg-type]


IAM = Authorizer(name="AWS_IAM", kind="IAM", location=loc(2))


# --- API001 / API005 ---------------------------------------------------------------------------


def test_api001_reports_unauthorized_routes_but_not_options_or_authorized() -> None:
    api_ = rest_api(route(10), route(11, "OPTIONS"), route(12, authorizer=IAM))
    results = run("API001", app_of(apis=(api_,)))
    assert lines(results) == [10]
    assert isinstance(results[0], Violation) and results[0].resource == "Api"


def test_api001_implicit_api_reports_on_the_function_and_private_is_milder() -> None:
    implicit = replace(rest_api(route(10)), implicit=True, endpoint_type="PRIVATE")
    (result,) = run("API001", app_of(apis=(implicit,)))
    assert isinstance(result, Violation)
    assert result.resource == "Fn" and result.severity == Severity.MEDIUM


def test_api001_websocket_only_connect_counts() -> None:
    ws = replace(
        rest_api(
            replace(route(10), method="$connect", path="$connect"),
            replace(route(11), method="sendMessage", path="sendMessage"),
        ),
        protocol="WEBSOCKET",
    )
    assert lines(run("API001", app_of(apis=(ws,)))) == [10]


def test_api001_incomplete_routes_are_inconclusive() -> None:
    api_ = replace(rest_api(), routes_complete=False)
    results = run("API001", app_of(apis=(api_,)))
    assert lines(results, Inconclusive) == [1] and not lines(results)


def test_api_key_only_routes_go_to_api005_not_api001() -> None:
    api_ = rest_api(
        route(10, api_key_required=True), route(11, api_key_required=True, authorizer=IAM)
    )
    app = app_of(apis=(api_,))
    assert lines(run("API001", app)) == []
    assert lines(run("API005", app)) == [10]


# --- API002 --------------------------------------------------------------------------------


def fn(line: int, url: FunctionUrl | None) -> Function:
    return Function(id=f"Fn{line}", type="AWS::Serverless::Function", location=loc(line), url=url)


def test_api002_public_url_reported_iam_clean_ref_inconclusive() -> None:
    app = app_of(
        functions=(
            fn(1, FunctionUrl(auth_type="NONE", location=loc(3))),
            fn(10, FunctionUrl(auth_type="AWS_IAM", location=loc(12))),
            fn(20, FunctionUrl(auth_type=Ref(text="!Ref Auth"), location=loc(22))),
            fn(30, None),
        )
    )
    results = run("API002", app)
    assert lines(results) == [3]
    assert lines(results, Inconclusive) == [22]


# --- API003 / API004 -----------------------------------------------------------------------


def test_cors_quoted_sam_wildcard_is_any_origin() -> None:
    cors = Cors(allow_origins=("'*'",), location=loc(5))
    app = app_of(apis=(rest_api(cors=cors),))
    assert lines(run("API003", app)) == [5]
    assert lines(run("API004", app)) == []


def test_cors_exact_origin_is_clean() -> None:
    cors = Cors(
        allow_origins=("'https://app.example.com'",), allow_credentials=True, location=loc(5)
    )
    app = app_of(apis=(rest_api(cors=cors),))
    assert run("API003", app) == [] and run("API004", app) == []


def test_cors_wildcard_with_credentials_is_api004_only() -> None:
    cors = Cors(
        allow_origins=("https://app.example.com", "*"), allow_credentials=True, location=loc(7)
    )
    app = app_of(functions=(fn(1, FunctionUrl(auth_type="AWS_IAM", cors=cors, location=loc(6))),))
    assert lines(run("API003", app)) == []
    (result,) = run("API004", app)
    assert isinstance(result, Violation) and result.location.line == 7
    assert result.resource == "Fn1"


def test_cors_null_origin_counts_and_unknown_origin_is_inconclusive() -> None:
    null = Cors(allow_origins=("null",), allow_credentials=True, location=loc(5))
    unknown = Cors(allow_origins=(Ref(text="!Ref Origin"),), location=loc(9))
    app = app_of(apis=(rest_api(cors=null), replace(rest_api(cors=unknown), id="Other")))
    assert lines(run("API004", app)) == [5]
    assert lines(run("API003", app), Inconclusive) == [9]


# --- API006 / API007 / API008 --------------------------------------------------------------


def test_api006_throttling_usage_plan_and_http() -> None:
    throttled = replace(rest_api(), id="A", throttling=Throttling(rate_limit=10, location=loc(3)))
    planned = replace(rest_api(), id="B", location=loc(20), has_usage_plan=True)
    bare_http = replace(rest_api(), id="C", location=loc(30), protocol="HTTP", has_usage_plan=True)
    empty = replace(rest_api(), id="D", location=loc(40), throttling=Throttling(location=loc(41)))
    unknown = replace(
        rest_api(),
        id="E",
        location=loc(50),
        throttling=Throttling(rate_limit=Ref(text="!Ref Rate"), location=loc(51)),
    )
    results = run("API006", app_of(apis=(throttled, planned, bare_http, empty, unknown)))
    assert lines(results) == [30, 40]
    assert [r.resource for r in results if isinstance(r, Inconclusive)] == ["E"]


def test_api007_body_methods_without_validator_on_rest_apis() -> None:
    cfn_api = replace(
        rest_api(
            route(10, "POST"),
            route(11, "GET"),
            route(12, "PUT", request_validation=True),
            route(13, "PATCH", request_validation=Ref(text="!Ref V")),
        ),
        framework=Framework.CLOUDFORMATION,
    )
    sam_api = replace(
        rest_api(route(20, "POST"), route(21, "POST", request_validation=True)),
        id="SamApi",
        framework=Framework.SAM,
    )
    results = run("API007", app_of(apis=(cfn_api, sam_api)))
    assert lines(results) == [10, 20]
    assert lines(results, Inconclusive) == [13]


def test_api008_waf_private_and_http() -> None:
    apis = (
        rest_api(),
        replace(rest_api(), id="B", location=loc(5), waf_acl="arn:acl"),
        replace(rest_api(), id="C", location=loc(6), endpoint_type="PRIVATE"),
        replace(rest_api(), id="D", location=loc(7), protocol="HTTP"),
        replace(rest_api(), id="E", location=loc(8), endpoint_type="REGIONAL"),
    )
    assert lines(run("API008", app_of(apis=apis))) == [1, 8]


# --- API012 --------------------------------------------------------------------------------


def test_api012_jwt_without_audience_and_cognito_without_pool() -> None:
    authorizers = (
        Authorizer(name="Good", kind="JWT", location=loc(3), issuer="https://i", audience=("a",)),
        Authorizer(name="NoAud", kind="JWT", location=loc(4), issuer="https://i"),
        Authorizer(name="Pool", kind="COGNITO", location=loc(5)),
        Authorizer(name="Ok", kind="COGNITO", location=loc(6), user_pools=("arn:pool",)),
        Authorizer(name="Lambda", kind="LAMBDA_TOKEN", location=loc(7)),
    )
    results = run("API012", app_of(apis=(rest_api(authorizers=authorizers),)))
    assert lines(results) == [4, 5]
    assert "no audience" in results[0].message  # type: ignore[union-attr]


# --- API009 / API010 -----------------------------------------------------------------------


def perm(line: int, principal: str | Ref, **fields: object) -> Permission:
    return Permission(
        id=f"P{line}",
        type="AWS::Lambda::Permission",
        location=loc(line),
        function="Fn",
        principal=principal,
        field_locations=(("principal", loc(line + 1)),),
        **fields,
    )  # type: ignore[arg-type]


def test_api009_public_permissions() -> None:
    app = app_of(
        permissions=(
            perm(10, "*"),
            perm(20, "arn:aws:iam::*:root"),
            perm(30, "*", principal_org_id="o-abc"),
            perm(40, "*", function_url_auth_type="NONE"),
            perm(50, "*", generated_from="Fn"),
            perm(60, "123456789012"),
            perm(70, Ref(text="!Ref Caller")),
        )
    )
    results = run("API009", app)
    assert lines(results) == [11, 21]
    assert lines(results, Inconclusive) == [71]


def test_api010_service_principals_need_a_source() -> None:
    account = Ref(text="!Ref AWS::AccountId")
    app = app_of(
        permissions=(
            perm(10, "apigateway.amazonaws.com"),
            perm(20, "apigateway.amazonaws.com", source_arn=Ref(text="!Sub arn...")),
            perm(30, "s3.amazonaws.com", source_arn="arn:aws:s3:::bucket"),
            perm(40, "s3.amazonaws.com", source_account=account),
            perm(50, "sns.amazonaws.com", generated_from="Fn"),
            perm(60, "*"),
        )
    )
    results = run("API010", app)
    assert lines(results) == [11, 31]
    assert "without SourceAccount" in results[1].message  # type: ignore[union-attr]


# --- API011 --------------------------------------------------------------------------------


NO_CONDITIONS = FrozenMap()


def stmt(
    line: int, principal: Principal, conditions: FrozenMap = NO_CONDITIONS, effect: str = "Allow"
) -> PolicyStatement:
    return PolicyStatement(
        effect=effect,
        actions=("sqs:SendMessage",),
        principals=(principal,),
        conditions=conditions,
        location=loc(line),
    )


STAR = Principal(kind="*", value="*")


def queue_policy(*statements: PolicyStatement, kind: str = "queue") -> ResourcePolicy:
    return ResourcePolicy(
        id="QP",
        type="AWS::SQS::QueuePolicy",
        location=loc(1),
        targets=("Queue",),
        target_kind=kind,
        statements=statements,
    )


def test_api011_public_statement_without_narrowing_condition() -> None:
    source = FrozenMap((("ArnEquals", FrozenMap((("aws:SourceArn", "arn:topic"),))),))
    negated = FrozenMap((("StringNotEquals", FrozenMap((("aws:SourceAccount", "1"),))),))
    policy = queue_policy(
        stmt(10, STAR),
        stmt(20, Principal(kind="AWS", value="*"), source),
        stmt(30, Principal(kind="AWS", value="arn:aws:iam::123456789012:root")),
        stmt(40, Principal(kind="AWS", value="*"), negated),
        stmt(50, Principal(kind="*", value="*"), effect="Deny"),
    )
    assert lines(run("API011", app_of(resource_policies=(policy,)))) == [10, 40]


def test_api011_deny_fence_and_layers_are_not_reported() -> None:
    vpce = FrozenMap((("StringNotEquals", FrozenMap((("aws:SourceVpce", "vpce-1"),))),))
    fenced = queue_policy(stmt(10, STAR), stmt(20, STAR, vpce, effect="Deny"))
    layer = replace(queue_policy(stmt(30, STAR), kind="layer"), id="LP")
    assert run("API011", app_of(resource_policies=(fenced, layer))) == []


def test_principal_helpers() -> None:
    assert is_public_value("*") and is_public_value("arn:aws:iam::*:root")
    assert is_public_value("arn:aws:iam::123456789012:root") is False
    assert is_public_value(Ref(text="!Ref X")) is None
    wide = FrozenMap((("StringLike", FrozenMap((("aws:SourceAccount", "*"),))),))
    optional = FrozenMap((("ArnLikeIfExists", FrozenMap((("aws:SourceArn", "arn:x"),))),))
    assert narrowing_conditions(stmt(1, STAR, wide)) == ()
    assert narrowing_conditions(stmt(1, STAR, optional)) == ()


# --- API013 / API015 -----------------------------------------------------------------------


def test_api013_guest_identity_pools() -> None:
    pools = (
        IdentityPool(
            id="A",
            type="AWS::Cognito::IdentityPool",
            location=loc(1),
            allow_unauthenticated=True,
            field_locations=(("allow_unauthenticated", loc(3)),),
        ),
        IdentityPool(
            id="B", type="AWS::Cognito::IdentityPool", location=loc(10), allow_unauthenticated=False
        ),
        IdentityPool(id="C", type="AWS::Cognito::IdentityPool", location=loc(20)),
    )
    assert lines(run("API013", app_of(identity_pools=pools))) == [3]


def test_api015_public_acl_and_block_off() -> None:
    def bucket(line: int, **fields: object) -> DataStore:
        return DataStore(
            id=f"B{line}", type="AWS::S3::Bucket", location=loc(line), kind="bucket", **fields
        )  # type: ignore[arg-type]

    stores = (
        bucket(1, public_acl="PublicReadWrite"),
        bucket(10, public_access_blocked=False),
        bucket(20, public_acl="Private", public_access_blocked=True),
        bucket(30),
        DataStore(
            id="T",
            type="AWS::DynamoDB::Table",
            location=loc(40),
            kind="table",
            public_acl="PublicRead",
        ),
    )
    results = run("API015", app_of(data_stores=stores))
    assert lines(results) == [1, 10]
    assert results[0].severity == Severity.CRITICAL  # type: ignore[union-attr]
