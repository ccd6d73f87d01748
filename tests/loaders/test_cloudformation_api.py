"""API Gateway v1/v2, AppSync, WAF association (fixture: fixtures/cfn/api.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import Api, App

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


@pytest.fixture(scope="module")
def app() -> App:
    return load_template(load_file(str(FIXTURES / "api.yaml"), "api.yaml"), str(FIXTURES))


def apis(app: App) -> dict[str, Api]:
    return {a.id: a for a in app.apis}


def test_rest_routes_paths_auth_and_validation(app: App) -> None:
    assert app.diagnostics == ()
    rest = apis(app)["Api"]
    routes = {(r.method, r.path): r for r in rest.routes}
    assert set(routes) == {("GET", "/orders/{id}"), ("GET", "/orders")}
    get_one = routes[("GET", "/orders/{id}")]
    assert get_one.location.line == 27
    assert get_one.function == "Fn"  # from the integration URI's ${Fn.Arn}
    assert get_one.authorizer is not None and get_one.authorizer.kind == "LAMBDA_TOKEN"
    assert get_one.authorizer.name == "TokenAuth" and get_one.authorizer.function == "Fn"
    assert get_one.request_validation is True
    listing = routes[("GET", "/orders")]
    assert listing.authorizer is None  # AuthorizationType NONE
    assert listing.api_key_required is True and listing.request_validation is False


def test_rest_stage_plan_waf(app: App) -> None:
    rest = apis(app)["Api"]
    assert (rest.stage, rest.endpoint_type, rest.tracing) == ("prod", "REGIONAL", True)
    assert (rest.access_log_destination, rest.access_log_format) == ("Logs", "$context.requestId")
    assert rest.execution_logging == "ERROR"
    assert rest.throttling is not None and rest.throttling.rate_limit == 10
    assert rest.has_usage_plan
    assert rest.waf_acl == "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/x/1"
    assert rest.data_trace is None
    # set keys point at themselves, unset stage settings at the stage resource
    lines = {f: rest.at(f).line for f in ("execution_logging", "access_log_destination")}
    assert lines == {"execution_logging": 71, "access_log_destination": 65}
    assert rest.at("data_trace").line == 59
    assert rest.at("waf_acl").line == 79


def test_http_api_routes_authorizer_stage(app: App) -> None:
    http = apis(app)["Http"]
    assert http.protocol == "HTTP"
    assert http.cors is not None and http.cors.allow_origins == ("*",)
    assert http.cors.allow_credentials is True and http.cors.location.line == 98
    routes = {(r.method, r.path): r for r in http.routes}
    post = routes[("POST", "/items")]
    assert post.function == "Fn" and post.location.line == 116
    assert post.authorizer is not None and post.authorizer.kind == "JWT"
    assert post.authorizer.issuer == "https://issuer.example.com"
    assert post.authorizer.audience == ("app",)
    default = routes[("$default", "$default")]
    assert default.authorizer is None and default.function == "Fn"
    assert (http.stage, http.data_trace) == ("$default", True)
    assert http.throttling is not None and http.throttling.burst_limit == 5
    assert http.at("data_trace").line == 136
    assert http.at("access_log_destination").line == 130  # unset: the stage resource


def test_graphql_api_and_domain(app: App) -> None:
    graph = apis(app)["Graph"]
    assert (graph.protocol, graph.tracing, graph.default_authorizer) == (
        "GRAPHQL",
        False,
        "API_KEY",
    )
    assert graph.at("tracing").line == 143
    (domain,) = app.domains
    assert (domain.domain, domain.security_policy) == ("api.example.com", "TLS_1_0")
    assert domain.at("security_policy").line == 88
