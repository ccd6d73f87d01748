"""Function-hardening rules on hand-built models: each case states the property and the answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from faasguard.model import (
    Api,
    App,
    Authorizer,
    EnvVar,
    EventSource,
    Framework,
    FrozenMap,
    Function,
    FunctionUrl,
    Inconclusive,
    Location,
    Permission,
    PolicyStatement,
    Principal,
    Ref,
    ResourcePolicy,
    Role,
    Route,
    Rule,
    RuleContext,
    RuleResult,
    Severity,
    Violation,
    VpcConfig,
)
from faasguard.rules.hardening_code import (
    deprecated_runtime,
    no_code_signing,
    public_layer,
    runtime_lifecycles,
)
from faasguard.rules.hardening_network import (
    excessive_timeout,
    function_outside_vpc_with_vpc_resources,
    public_function_without_concurrency_limit,
)

CTX = RuleContext(today=date(2026, 11, 28))


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def app(**parts: Any) -> App:
    return App(
        name="t", root=".", source="template.yaml", framework=Framework.CLOUDFORMATION, **parts
    )


def run(rule: Rule, model: App, ctx: RuleContext = CTX) -> list[RuleResult]:
    return list(rule.check(model, ctx))


def violations(rule: Rule, model: App, ctx: RuleContext = CTX) -> list[Violation]:
    return [r for r in run(rule, model, ctx) if isinstance(r, Violation)]


def function(ident: str = "Fn", **fields: object) -> Function:
    return Function(id=ident, type="AWS::Lambda::Function", location=loc(3), **fields)  # type: ignore[arg-type]


# --- FN001 ---------------------------------------------------------------------------------


def test_fn001_runtime_table_dates_match_aws_docs() -> None:
    table = runtime_lifecycles()
    # Dates read by hand from the AWS "Lambda runtimes" page.
    assert table["python3.8"].deprecated == date(2024, 10, 14)
    assert table["nodejs18.x"].deprecated == date(2025, 9, 1)
    assert table["go1.x"].successor == "provided.al2023"
    assert "python3.13" in table


def test_fn001_past_deprecation_is_high_on_the_runtime_key() -> None:
    fn = function(runtime="python3.8", field_locations=(("runtime", loc(6)),))
    found = violations(deprecated_runtime, app(functions=(fn,)))
    assert [(v.location.line, v.severity, v.key) for v in found] == [(6, None, "python3.8")]
    assert "deprecated (deprecation date 2024-10-14)" in found[0].message


def test_fn001_within_90_days_is_low_and_says_soon() -> None:
    fn = function(runtime="nodejs22.x")  # deprecated 2027-04-30
    found = violations(
        deprecated_runtime, app(functions=(fn,)), RuleContext(today=date(2027, 2, 1))
    )
    assert [v.severity for v in found] == [Severity.LOW]
    assert "deprecated soon" in found[0].message


def test_fn001_day_before_the_window_and_current_runtimes_pass() -> None:
    early = RuleContext(today=date(2027, 1, 29))  # 91 days before 2027-04-30
    assert not run(deprecated_runtime, app(functions=(function(runtime="nodejs22.x"),)), early)
    model = app(functions=(function(runtime="python3.13"), function("B", runtime="nodejs24.x")))
    assert not run(deprecated_runtime, model)


def test_fn001_unknown_runtime_or_image_says_nothing_and_ref_is_inconclusive() -> None:
    model = app(
        functions=(
            function("A", runtime="cobol85"),
            function("B", runtime=None, package_type="Image"),
            function("C", runtime=Ref(text="!Ref Runtime")),
        )
    )
    results = run(deprecated_runtime, model)
    assert [(type(r), r.resource) for r in results] == [(Inconclusive, "C")]


# --- FN002 / FN003 -------------------------------------------------------------------------


def rest_api(function_id: str, authorizer: Authorizer | None = None) -> Api:
    route = Route(
        api="Api",
        method="GET",
        path="/",
        location=loc(20),
        function=function_id,
        authorizer=authorizer,
    )
    return Api(
        id="Api",
        type="AWS::ApiGateway::RestApi",
        location=loc(18),
        protocol="REST",
        routes=(route,),
    )


def test_fn002_api_backed_function_without_reserved_concurrency() -> None:
    model = app(functions=(function(),), apis=(rest_api("Fn"),))
    found = violations(public_function_without_concurrency_limit, model)
    assert [(v.resource, v.location.line, v.severity) for v in found] == [("Fn", 3, None)]
    assert found[0].evidence == ("invoked by REST API Api: GET /",)


def test_fn002_authenticated_routes_only_is_low() -> None:
    cognito = Authorizer(name="Pool", kind="COGNITO", location=loc(25))
    model = app(functions=(function(),), apis=(rest_api("Fn", cognito),))
    found = violations(public_function_without_concurrency_limit, model)
    assert [v.severity for v in found] == [Severity.LOW]


def test_fn002_url_event_and_permission_exposures() -> None:
    url = FunctionUrl(auth_type="NONE", location=loc(9))
    event = EventSource(id="Get", kind="HttpApi", function="B", location=loc(12), invocation="sync")
    perm = Permission(
        id="P",
        type="AWS::Lambda::Permission",
        location=loc(30),
        function="C",
        principal="apigateway.amazonaws.com",
    )
    model = app(
        functions=(function("A", url=url), function("B", events=(event,)), function("C")),
        permissions=(perm,),
    )
    found = violations(public_function_without_concurrency_limit, model)
    assert sorted(v.resource for v in found) == ["A", "B", "C"]


def test_fn002_limit_set_or_not_exposed_passes_and_ref_is_inconclusive() -> None:
    sqs = EventSource(id="Q", kind="SQS", function="C", location=loc(12), invocation="poll")
    model = app(
        functions=(
            function("A", reserved_concurrency=10),
            function("B", reserved_concurrency=Ref(text="!Ref Limit")),
            function("C", events=(sqs,)),
        ),
        apis=(rest_api("A"), rest_api("B")),
    )
    results = run(public_function_without_concurrency_limit, model)
    assert [(type(r), r.resource) for r in results] == [(Inconclusive, "B")]


def test_fn003_timeout_behind_api_and_above_maximum() -> None:
    where = (("timeout", loc(7)),)
    http = EventSource(id="Get", kind="HttpApi", function="H", location=loc(12), invocation="sync")
    model = app(
        functions=(
            function("Fn", timeout=60, field_locations=where),
            function("H", timeout=30, events=(http,)),  # HTTP APIs wait 30 s: passes
            function("Batch", timeout=901, field_locations=where),
            function("Ok", timeout=29),
            function("Worker", timeout=900),  # not behind an API
        ),
        apis=(rest_api("Fn"), rest_api("Ok")),
    )
    found = violations(excessive_timeout, model)
    assert [(v.resource, v.location.line, v.key) for v in found] == [
        ("Fn", 7, "behind-api"),
        ("Batch", 7, "above-maximum"),
    ]


def test_fn003_string_timeout_and_ref() -> None:
    model = app(
        functions=(function("S", timeout="120"), function("R", timeout=Ref(text="!Ref T"))),
        apis=(rest_api("S"), rest_api("R")),
    )
    results = run(excessive_timeout, model)
    assert [(type(r), r.resource) for r in results] == [(Violation, "S"), (Inconclusive, "R")]


# --- FN004 / FN005 / FN006 -----------------------------------------------------------------


def test_fn004_code_signing() -> None:
    model = app(
        functions=(
            function("A"),
            function("B", code_signing_config=Ref(text="!Ref Csc", target="Csc")),
            function("C", package_type="Image"),
        )
    )
    found = violations(no_code_signing, model)
    assert [v.resource for v in found] == ["A"]


def test_fn005_env_or_connect_grant_to_database_without_vpc() -> None:
    db_host = EnvVar(
        name="DB_HOST",
        value=Ref(text="!GetAtt Db.Endpoint.Address", target="Db", attribute="Endpoint.Address"),
        location=loc(9),
    )
    connect = PolicyStatement(
        actions=("rds-db:connect",),
        location=loc(40),
        resources=(Ref(text="arn:aws:rds-db:...:dbuser:${Db.DbiResourceId}/app", target="Db"),),
    )
    role = Role(id="BRole", type="AWS::IAM::Role", location=loc(38), statements=(connect,))
    vpc = VpcConfig(subnets=("subnet-1",), location=loc(8))
    model = app(
        functions=(
            function("A", environment=(db_host,)),
            function("B", role="BRole"),
            function("C", environment=(db_host,), vpc=vpc),
            function(
                "D",
                environment=(
                    EnvVar(name="T", value=Ref(text="!Ref Tbl", target="Tbl"), location=loc(9)),
                ),
            ),
        ),
        roles=(role,),
        resource_types=(("Db", "AWS::RDS::DBCluster"), ("Tbl", "AWS::DynamoDB::Table")),
    )
    found = violations(function_outside_vpc_with_vpc_resources, model)
    assert [(v.resource, v.evidence) for v in found] == [
        ("A", ("environment variable DB_HOST refers to AWS::RDS::DBCluster Db",)),
        ("B", ("role BRole may connect to AWS::RDS::DBCluster Db",)),
    ]


def test_fn005_data_api_grant_is_not_a_vpc_need() -> None:
    data_api = PolicyStatement(
        actions=("rds-data:ExecuteStatement",),
        location=loc(40),
        resources=(Ref(text="!Ref Db", target="Db"),),
    )
    role = Role(id="R", type="AWS::IAM::Role", location=loc(38), statements=(data_api,))
    model = app(
        functions=(function(role="R"),),
        roles=(role,),
        resource_types=(("Db", "AWS::RDS::DBCluster"),),
    )
    assert not run(function_outside_vpc_with_vpc_resources, model)


def layer_policy(*statements: PolicyStatement) -> ResourcePolicy:
    return ResourcePolicy(
        id="Share",
        type="AWS::Lambda::LayerVersionPermission",
        location=loc(30),
        targets=("Layer",),
        target_kind="layer",
        statements=statements,
    )


def test_fn006_public_layer_and_its_safe_variants() -> None:
    public = PolicyStatement(principals=(Principal(kind="*", value="*"),), location=loc(31))
    aws_star = PolicyStatement(principals=(Principal(kind="AWS", value="*"),), location=loc(32))
    org = PolicyStatement(
        principals=(Principal(kind="*", value="*"),),
        conditions=FrozenMap((("StringEquals", FrozenMap((("aws:PrincipalOrgID", "o-abc"),))),)),
        location=loc(33),
    )
    account = PolicyStatement(
        principals=(Principal(kind="AWS", value="123456789012"),), location=loc(34)
    )
    model = app(resource_policies=(layer_policy(public, aws_star, org, account),))
    found = violations(public_layer, model)
    assert [v.location.line for v in found] == [31, 32]
    bucket = ResourcePolicy(
        id="B", type="x", location=loc(1), target_kind="bucket", statements=(public,)
    )
    assert not run(public_layer, app(resource_policies=(bucket,)))
