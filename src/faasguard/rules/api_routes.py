"""API pillar, entry points: who may call a route or a function URL, and how often.

Routes of REST/HTTP/WebSocket APIs (SAM implicit APIs included), function URLs,
throttling, request validation and WAF. Authorizer settings live in ``api_authorizers``,
CORS in ``api_cors``; resource
policies, Lambda permissions and public data in ``api_access``.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    Api,
    App,
    Inconclusive,
    Pillar,
    Ref,
    Route,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Value,
    Violation,
)
from faasguard.rules._helpers import unauthorized, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_287,
    CWE_306,
    EVERY_FRAMEWORK,
    OWASP_AUTH,
    OWASP_DOS,
    OWASP_INJECTION,
    SAM_SLS_TF,
    WA_INSPECT,
    WA_LEAST_PRIVILEGE,
    WA_THROTTLE,
)
from faasguard.rules._registry import rule

#: methods that carry a request body API Gateway can validate
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY"})


def _route_name(route: Route) -> str:
    return f"{route.method} {route.path}".strip()


def _route_owner(api: Api, route: Route) -> str:
    """Where the user fixes a route: the function for SAM's implicit APIs, else the API."""
    if api.implicit and isinstance(route.function, str):
        return route.function
    return api.id


def _is_callable_route(api: Api, route: Route) -> bool:
    """Routes a client can call: not CORS preflight; for WebSocket only ``$connect`` is
    authorized (API Gateway checks the other routes' callers at connection time)."""
    if api.protocol == "WEBSOCKET":
        return "$connect" in (route.method, route.path)
    return route.method != "OPTIONS"


API001 = RuleInfo(
    id="API001",
    name="route-without-authorization",
    title="API route can be called without any authorization",
    pillar=Pillar.API,
    severity=Severity.HIGH,
    rationale="A route with no authorizer and no IAM authorization runs its function for anyone "
    "on the internet who finds the URL: the function's data and permissions become public, and "
    "every call is billed to you. API keys do not change this (they identify, see API005).",
    remediation="SAM: set `Auth.DefaultAuthorizer` on the Api/HttpApi (Cognito, JWT, Lambda or "
    "AWS_IAM) or `Auth.Authorizer` on the event. CloudFormation: `AuthorizationType` "
    "COGNITO_USER_POOLS/CUSTOM/AWS_IAM on the `AWS::ApiGateway::Method`, `AuthorizationType` "
    "JWT/CUSTOM/AWS_IAM on the `AWS::ApiGatewayV2::Route`. A route meant to be public: suppress "
    "with a reason.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_AUTH, WA_LEAST_PRIVILEGE, CWE_306),
    equivalents=(
        "checkov:CKV_AWS_59",
        "checkov:CKV_AWS_309",
        "kics:1056dfbb",
        "cfn_nag:W59",
        "trivy:AWS-0004",
        "cdk-nag:AwsSolutions-APIG4",
    ),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Events:\n      Get:\n"
    "        Type: Api\n        Properties: {Path: /orders, Method: get}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Events:\n"
    "      Get:\n        Type: Api\n        Properties:\n          Path: /orders\n"
    "          Method: get\n          Auth: {Authorizer: AWS_IAM}",
    limitations="Routes of an OpenAPI definition stored outside the app (S3 `DefinitionUri`, "
    "`AWS::Include`) are not seen (reported as inconclusive). Authorization done inside the "
    "function's code is not seen.",
)


@rule(API001)
def route_without_authorization(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if not api.routes_complete:
            yield Inconclusive(
                resource=api.id,
                location=api.location,
                reason=f"API {api.id}: routes defined in its OpenAPI definition are not analysed",
            )
        for route in api.routes:
            if not _is_callable_route(api, route) or not unauthorized(route.authorizer):
                continue
            if route.api_key_required is True:
                continue  # API005 reports key-only routes
            private = api.endpoint_type == "PRIVATE"
            yield Violation(
                resource=_route_owner(api, route),
                location=route.location,
                message=f"Route {_route_name(route)} of API {api.id} has no authorization",
                evidence=(
                    f"{api.protocol} API {api.id}, no authorizer and no IAM authorization",
                    *(("endpoint type PRIVATE",) if private else ()),
                ),
                fix="Add an authorizer (Cognito, JWT, Lambda) or AWS_IAM authorization.",
                severity=Severity.MEDIUM if private else None,
                key=f"{api.id} {_route_name(route)}",
            )


API002 = RuleInfo(
    id="API002",
    name="function-url-public",
    title="Function URL allows unauthenticated calls (AuthType NONE)",
    pillar=Pillar.API,
    severity=Severity.HIGH,
    rationale="A function URL with `AuthType: NONE` is an HTTPS endpoint anyone can call, with "
    "no throttling, WAF or authorizer in front of it. The function's permissions become "
    "reachable from the internet and every call is billed (denial of wallet).",
    remediation="SAM: `FunctionUrlConfig.AuthType: AWS_IAM`. CloudFormation: `AuthType: AWS_IAM` "
    "on the `AWS::Lambda::Url` (and drop the public `AWS::Lambda::Permission`). For a public "
    "endpoint, put API Gateway with an authorizer and throttling in front instead.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_AUTH, WA_LEAST_PRIVILEGE, CWE_306),
    equivalents=("checkov:CKV_AWS_258", "prowler:awslambda_function_url_public"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    FunctionUrlConfig:\n      AuthType: NONE",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    FunctionUrlConfig:\n      AuthType: AWS_IAM",
    limitations="An `AWS::Lambda::Url` whose target function is outside the template is not seen. "
    "Authentication done in the function's code is not seen.",
)


@rule(API002)
def function_url_public(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        url = fn.url
        if url is None:
            continue
        if isinstance(url.auth_type, Ref):
            yield unresolved(fn.id, url.location, "AuthType", url.auth_type)
        elif url.auth_type == "NONE":
            yield Violation(
                resource=fn.id,
                location=url.location,
                message=f"Function {fn.id} has a public function URL (AuthType NONE)",
                evidence=("AuthType: NONE",),
                fix="Set AuthType: AWS_IAM, or expose the function through API Gateway "
                "with an authorizer and throttling.",
            )


API005 = RuleInfo(
    id="API005",
    name="api-key-only",
    title="API route protected only by an API key",
    pillar=Pillar.API,
    severity=Severity.MEDIUM,
    rationale="API keys identify a client for usage plans; they are not credentials. They travel "
    "in clear headers, are shared by every user of a client app, are often embedded in web and "
    "mobile code, and cannot be scoped per user. A route that only requires a key is open to "
    "anyone who has seen the key once.",
    remediation="Keep the key for metering if needed, and add an authorizer: SAM "
    "`Auth.DefaultAuthorizer` or the event's `Auth.Authorizer`; CloudFormation "
    "`AuthorizationType` COGNITO_USER_POOLS/CUSTOM/AWS_IAM on the method.",
    frameworks=SAM_SLS_TF,
    references=(OWASP_AUTH, CWE_287),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    Auth:\n      ApiKeyRequired: true",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    Auth:\n      ApiKeyRequired: true\n      DefaultAuthorizer: AWS_IAM",
    limitations="Routes of an OpenAPI definition stored outside the app are not seen.",
)


@rule(API005)
def api_key_only(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        for route in api.routes:
            if not _is_callable_route(api, route) or not unauthorized(route.authorizer):
                continue
            if route.api_key_required is True:
                yield Violation(
                    resource=_route_owner(api, route),
                    location=route.location,
                    message=f"Route {_route_name(route)} of API {api.id} is protected only by "
                    "an API key",
                    evidence=("ApiKeyRequired: true", "no authorizer"),
                    fix="Add an authorizer (Cognito, JWT, Lambda) or AWS_IAM authorization.",
                    key=f"{api.id} {_route_name(route)}",
                )


API006 = RuleInfo(
    id="API006",
    name="missing-throttling",
    title="API stage without default throttling",
    pillar=Pillar.API,
    severity=Severity.MEDIUM,
    rationale="Without a stage throttle, one client can use the whole account's API Gateway and "
    "Lambda concurrency: legitimate users are starved (denial of service), other functions of "
    "the account are throttled, and every request is billed (denial of wallet).",
    remediation="SAM Api: `MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', "
    "ThrottlingRateLimit: N, ThrottlingBurstLimit: N}]`, or a usage plan with `Throttle`. "
    "SAM HttpApi: `DefaultRouteSettings: {ThrottlingRateLimit: N, ThrottlingBurstLimit: N}`. "
    "CloudFormation: the same on `AWS::ApiGateway::Stage` / `AWS::ApiGatewayV2::Stage`.",
    frameworks=SAM_SLS_TF,
    references=(OWASP_DOS, WA_THROTTLE, "CWE-770: Allocation of Resources Without Limits"),
    equivalents=("serverless-rules:ES2003", "cdk-nag:Serverless-APIGWDefaultThrottling"),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    MethodSettings:\n      - ResourcePath: '/*'\n        HttpMethod: '*'\n"
    "        ThrottlingRateLimit: 100\n        ThrottlingBurstLimit: 50",
    limitations="A usage plan counts as throttling whether or not it sets `Throttle`. "
    "Account-level limits and WAF rate rules are not seen.",
)


@rule(API006)
def missing_throttling(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol not in ("REST", "HTTP") or (api.protocol == "REST" and api.has_usage_plan):
            continue
        limits: tuple[Value, ...] = (
            ()
            if api.throttling is None
            else (api.throttling.rate_limit, api.throttling.burst_limit)
        )
        if any(v is not None and not isinstance(v, Ref) for v in limits):
            continue
        unknown = [v for v in limits if isinstance(v, Ref)]
        if unknown:
            yield unresolved(api.id, api.at("throttling"), "throttling limit", unknown[0])
            continue
        yield Violation(
            resource=api.id,
            location=api.location,
            message=f"{api.protocol} API {api.id} has no default throttling",
            evidence=(
                "no stage throttling rate/burst limit"
                + ("" if api.protocol == "HTTP" else " and no usage plan"),
            ),
            fix="Set ThrottlingRateLimit and ThrottlingBurstLimit for all routes of the stage.",
        )


API007 = RuleInfo(
    id="API007",
    name="no-request-validation",
    title="REST method with a request body and no request validator",
    pillar=Pillar.API,
    severity=Severity.LOW,
    rationale="Without a request validator every body reaches the function unchecked: malformed "
    "and oversized payloads cost invocations, and the function is the only line of defence "
    "against injection through event data.",
    remediation="SAM: give the `Api` event a `RequestModel` with `Model: <a model of the API's "
    "Models>` and `ValidateBody: true` (or `x-amazon-apigateway-request-validator` in an OpenAPI "
    "definition). CloudFormation: an `AWS::ApiGateway::RequestValidator` with "
    "`ValidateRequestBody: true` referenced by the method's `RequestValidatorId` (with a "
    "`RequestModels` schema).",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_INJECTION, "CWE-20: Improper Input Validation"),
    equivalents=("checkov:CKV2_AWS_53", "cdk-nag:AwsSolutions-APIG2"),
    example="Post:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    HttpMethod: POST",
    fixed_example="Post:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    HttpMethod: POST\n"
    "    RequestValidatorId: !Ref BodyValidator",
    limitations="Validation inside the function is not seen; the model's schema itself is not "
    "judged.",
)


@rule(API007)
def no_request_validation(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol != "REST":
            continue
        for route in api.routes:
            if route.method not in _BODY_METHODS or route.request_validation is True:
                continue
            if isinstance(route.request_validation, Ref):
                yield unresolved(
                    api.id, route.location, "request validator", route.request_validation
                )
                continue
            yield Violation(
                resource=api.id,
                location=route.location,
                message=f"Method {_route_name(route)} of API {api.id} has no request validator",
                fix="Reference a RequestValidator with ValidateRequestBody: true.",
                key=_route_name(route),
            )


API008 = RuleInfo(
    id="API008",
    name="no-waf",
    title="Public REST API without a WAF web ACL",
    pillar=Pillar.API,
    severity=Severity.LOW,
    rationale="A regional or edge REST API reachable from the internet with no WAFv2 web ACL "
    "has no rate-based rules, IP reputation lists or managed rule sets (SQL injection, Log4j) "
    "in front of its functions.",
    remediation="Add an `AWS::WAFv2::WebACL` (scope REGIONAL) and an "
    "`AWS::WAFv2::WebACLAssociation` whose ResourceArn is the API stage "
    "(`arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`).",
    frameworks=CFN_SLS_TF,
    references=(OWASP_INJECTION, WA_INSPECT),
    equivalents=(
        "checkov:CKV2_AWS_29",
        "kics:fcbf9019",
        "cdk-nag:AwsSolutions-APIG3",
        "prowler:apigateway_restapi_waf_acl_attached",
    ),
    example="Api:\n  Type: AWS::ApiGateway::RestApi\n  Properties:\n    Name: orders",
    fixed_example="Waf:\n  Type: AWS::WAFv2::WebACLAssociation\n  Properties:\n"
    "    ResourceArn: !Sub arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/prod\n"
    "    WebACLArn: !GetAtt Acl.Arn",
    limitations="A web ACL associated outside the template (Firewall Manager, another stack) "
    "is not seen. HTTP APIs cannot use WAF directly and are not checked.",
)


@rule(API008)
def no_waf(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol != "REST" or api.waf_acl is not None or api.endpoint_type == "PRIVATE":
            continue
        if isinstance(api.endpoint_type, Ref):
            yield unresolved(api.id, api.at("endpoint_type"), "endpoint type", api.endpoint_type)
            continue
        yield Violation(
            resource=api.id,
            location=api.location,
            message=f"REST API {api.id} has no WAF web ACL",
            evidence=(f"endpoint type {api.endpoint_type or 'EDGE (default)'}",),
            fix="Associate a WAFv2 web ACL with the API stage.",
        )


RULES = (
    route_without_authorization,
    function_url_public,
    api_key_only,
    missing_throttling,
    no_request_validation,
    no_waf,
)
