"""``http`` (REST API), ``httpApi`` (HTTP API) and ``websocket`` events into the API Gateway
CloudFormation Serverless generates: ``ApiGatewayRestApi``, ``HttpApi``, ``WebsocketsApi`` with
their routes, authorizers, stages, usage plans and invoke permissions. API-level settings come
from ``provider.apiGateway``, ``provider.httpApi``, ``provider.logs`` and ``provider.tracing``."""

from __future__ import annotations

from faasguard.loaders.serverless_nodes import (
    Out,
    as_list,
    get_att,
    key_at,
    normalize_function,
    normalize_name,
    normalize_path,
    put,
    ref,
    section,
    truthy,
    ylist,
    ymap,
)
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import Location

REST_API = "ApiGatewayRestApi"
HTTP_API = "HttpApi"
WEBSOCKET_API = "WebsocketsApi"
_SOURCE_ARN = "arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"
_INVOKE = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}/invocations"


def invoke_uri(function: str, at: Location) -> YMap:
    return ymap(at, **{"Fn::Sub": _INVOKE % function})


def api_permission(
    out: Out, fn_key: str, function: str, suffix: str, api: str, at: Location
) -> None:
    props = ymap(
        at,
        FunctionName=get_att(function, "Arn", at),
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=ymap(at, **{"Fn::Sub": _SOURCE_ARN.format(api=api)}),
    )
    out.add(
        normalize_function(fn_key) + "LambdaPermission" + suffix,
        "AWS::Lambda::Permission",
        at,
        props,
    )


# --- REST (http events) -------------------------------------------------------------------


def add_http(
    out: Out, ctx: ApiContext, fn_key: str, function: str, event: Node, at: Location
) -> None:
    """One ``http`` event: resources for its path, the method, its authorizer."""
    spec = _http_spec(event, at)
    if spec is None:
        return
    method, path, options = spec
    _rest_api(out, ctx, at)
    parent = _resources(out, path, at)
    method_id = f"ApiGatewayMethod{normalize_path(path)}{normalize_name(method.lower())}"
    props = ymap(at, HttpMethod=method.upper(), RestApiId=ref(REST_API, at), ResourceId=parent)
    private = options.get("private")
    put(props, "ApiKeyRequired", True if truthy(private) else None, key_at(options, "private", at))
    _rest_authorizer(out, ctx, props, options, at)
    _validator(out, props, options, method_id, at)
    integration = ymap(
        at, Type="AWS_PROXY", IntegrationHttpMethod="POST", Uri=invoke_uri(function, at)
    )
    put(props, "Integration", integration, at)
    out.add(method_id, "AWS::ApiGateway::Method", at, props)
    api_permission(out, fn_key, function, "ApiGateway", REST_API, at)


def _validator(out: Out, props: YMap, options: YMap, method_id: str, at: Location) -> None:
    """``request.schemas`` (or v2 ``request.schema``): Serverless adds a body validator."""
    request = section(options, "request")
    if request is None or not ("schemas" in request or "schema" in request):
        return
    where = request.key_loc("schemas" if "schemas" in request else "schema")
    validator = ymap(where, RestApiId=ref(REST_API, where), ValidateRequestBody=True)
    put(validator, "ValidateRequestParameters", True, where)
    out.add(method_id + "Validator", "AWS::ApiGateway::RequestValidator", where, validator)
    put(props, "RequestValidatorId", ref(method_id + "Validator", where), where)


def _http_spec(event: Node, at: Location) -> tuple[str, str, YMap] | None:
    if isinstance(event, str):  # ``http: GET orders``
        method, _, path = event.partition(" ")
        return method, "/" + path.strip().strip("/"), YMap(at)
    if isinstance(event, YMap):
        verb, route = event.get("method"), event.get("path")
        if isinstance(verb, str) and isinstance(route, str):
            return verb, "/" + route.strip("/"), event
    return None


def _resources(out: Out, path: str, at: Location) -> YMap:
    """``ApiGatewayResource<Path>`` for each prefix of the path; the id of the last one."""
    parent: YMap = get_att(REST_API, "RootResourceId", at)
    parts = [p for p in path.strip("/").split("/") if p]
    for depth in range(len(parts)):
        prefix = "/".join(parts[: depth + 1])
        ident = "ApiGatewayResource" + normalize_path(prefix)
        if ident not in out.resources:
            props = ymap(at, ParentId=parent, PathPart=parts[depth], RestApiId=ref(REST_API, at))
            out.add(ident, "AWS::ApiGateway::Resource", at, props)
        parent = ref(ident, at)
    return parent


def _rest_authorizer(out: Out, ctx: ApiContext, props: YMap, options: YMap, at: Location) -> None:
    node = options.get("authorizer")
    where = key_at(options, "authorizer", at)
    if node is None:
        put(props, "AuthorizationType", "NONE", at)
        return
    spec = node if isinstance(node, YMap) else ymap(where, name=node)
    name, arn = spec.get("name"), spec.get("arn")
    kind = str(spec.get("type") or "").lower()
    if kind == "aws_iam" or name == "aws_iam":
        put(props, "AuthorizationType", "AWS_IAM", where)
        return
    if "authorizerId" in spec:  # an authorizer defined under resources: referenced by id
        cognito_id = kind == "cognito_user_pools"
        put(props, "AuthorizationType", "COGNITO_USER_POOLS" if cognito_id else "CUSTOM", where)
        put(props, "AuthorizerId", spec["authorizerId"], spec.key_loc("authorizerId"))
        put(props, "AuthorizationScopes", spec.get("scopes"), where)
        return
    if isinstance(name, str) and name.startswith("arn:"):
        name, arn = None, name
    arn = arn if isinstance(arn, str | YMap) else None
    cognito = kind == "cognito_user_pools" or (isinstance(arn, str) and ":cognito-idp:" in arn)
    label = str(name or (arn.rsplit("/", 1)[-1] if isinstance(arn, str) else "authorizer"))
    ident = normalize_name(label.replace("-", "Dash")) + "ApiGatewayAuthorizer"
    auth = ymap(where, Name=label, RestApiId=ref(REST_API, where))
    put(
        auth,
        "IdentitySource",
        spec.get("identitySource") or "method.request.header.Authorization",
        where,
    )
    put(auth, "AuthorizerResultTtlInSeconds", spec.get("resultTtlInSeconds"), where)
    if cognito:
        put(auth, "Type", "COGNITO_USER_POOLS", where)
        put(auth, "ProviderARNs", ylist(where, [arn]), where)
    else:
        target = ctx.function_ref(name, arn, where)
        put(auth, "Type", "REQUEST" if kind == "request" else "TOKEN", where)
        put(auth, "AuthorizerUri", target, where)
    out.add(ident, "AWS::ApiGateway::Authorizer", where, auth)
    put(props, "AuthorizationType", "COGNITO_USER_POOLS" if cognito else "CUSTOM", where)
    put(props, "AuthorizerId", ref(ident, where), where)
    put(props, "AuthorizationScopes", spec.get("scopes"), where)


def _rest_api(out: Out, ctx: ApiContext, at: Location) -> None:
    if REST_API in out.resources:
        return
    provider = ctx.provider
    gateway = section(provider, "apiGateway")
    props = ymap(at, Name=f"{ctx.stage}-{ctx.service}")
    endpoint = provider.get("endpointType")
    if endpoint is not None:
        types = ylist(provider.key_loc("endpointType"), [str(endpoint).upper()])
        put(props, "EndpointConfiguration", ymap(at, Types=types), provider.key_loc("endpointType"))
    policy = (gateway.get("resourcePolicy") if gateway else None) or provider.get("resourcePolicy")
    if policy is not None:
        where = key_at(gateway, "resourcePolicy", provider.key_loc("resourcePolicy"))
        put(props, "Policy", ymap(where, Version="2012-10-17", Statement=policy), where)
    disable = gateway.get("disableDefaultEndpoint") if gateway else None
    put(props, "DisableExecuteApiEndpoint", disable, key_at(gateway, "disableDefaultEndpoint", at))
    out.add(REST_API, "AWS::ApiGateway::RestApi", at, props)
    _rest_stage(out, ctx, at)
    _usage_plan(out, ctx, gateway, at)


def _rest_stage(out: Out, ctx: ApiContext, at: Location) -> None:
    """The stage with ``provider.logs.restApi`` and ``provider.tracing.apiGateway``."""
    provider = ctx.provider
    out.add(
        "ApiGatewayDeployment",
        "AWS::ApiGateway::Deployment",
        at,
        ymap(at, RestApiId=ref(REST_API, at)),
    )
    props = ymap(
        at,
        RestApiId=ref(REST_API, at),
        StageName=ctx.stage,
        DeploymentId=ref("ApiGatewayDeployment", at),
    )
    tracing = section(provider, "tracing")
    if tracing is not None and "apiGateway" in tracing:
        put(props, "TracingEnabled", tracing["apiGateway"], tracing.key_loc("apiGateway"))
    logs = section(provider, "logs")
    node = logs.get("restApi") if logs is not None else None
    if node is not None and node is not False:
        where = logs.key_loc("restApi") if logs is not None else at
        _rest_logging(out, ctx, props, node if isinstance(node, YMap) else YMap(where), where)
    out.add("ApiGatewayStage", "AWS::ApiGateway::Stage", at, props)


def _rest_logging(out: Out, ctx: ApiContext, props: YMap, options: YMap, at: Location) -> None:
    """Serverless's defaults for ``logs.restApi: true``: access and execution logs, INFO, and
    full request/response data."""
    if options.get("accessLogging", True) is not False:
        group = api_log_group(out, ctx, "ApiGatewayLogGroup", "api-gateway", at)
        setting = ymap(at, DestinationArn=get_att(group, "Arn", at))
        put(
            setting,
            "Format",
            options.get("format") or "$context.requestId",
            key_at(options, "format", at),
        )
        put(props, "AccessLogSetting", setting, at)
    if options.get("executionLogging", True) is not False:
        level = options.get("level") or "INFO"
        full = options.get("fullExecutionData", True)
        setting = ymap(
            at, ResourcePath="/*", HttpMethod="*", LoggingLevel=level, DataTraceEnabled=full
        )
        put(props, "MethodSettings", ylist(at, [setting]), key_at(options, "fullExecutionData", at))


def api_log_group(out: Out, ctx: ApiContext, ident: str, kind: str, at: Location) -> str:
    props = ymap(at, LogGroupName=f"/aws/{kind}/{ctx.service}-{ctx.stage}")
    retention = ctx.provider.get("logRetentionInDays")
    put(props, "RetentionInDays", retention, ctx.provider.key_loc("logRetentionInDays"))
    out.add(ident, "AWS::Logs::LogGroup", at, props)
    return ident


def _usage_plan(out: Out, ctx: ApiContext, gateway: YMap | None, at: Location) -> None:
    provider = ctx.provider
    keys = (gateway.get("apiKeys") if gateway else None) or provider.get("apiKeys")
    plan = (gateway.get("usagePlan") if gateway else None) or provider.get("usagePlan")
    if keys is None and plan is None:
        return
    where = key_at(gateway, "usagePlan", key_at(gateway, "apiKeys", provider.key_loc("apiKeys")))
    stage = ymap(where, ApiId=ref(REST_API, where), Stage=ctx.stage)
    props = ymap(where, ApiStages=ylist(where, [stage]))
    throttle = section(plan, "throttle") if isinstance(plan, YMap) else None
    if throttle is not None:
        limits = ymap(
            throttle.loc, BurstLimit=throttle.get("burstLimit"), RateLimit=throttle.get("rateLimit")
        )
        put(props, "Throttle", limits, throttle.loc)
    out.add("ApiGatewayUsagePlan", "AWS::ApiGateway::UsagePlan", where, props)
    for index, (_, loc) in enumerate(as_list(keys, where), start=1):
        out.add(f"ApiGatewayApiKey{index}", "AWS::ApiGateway::ApiKey", loc, ymap(loc, Enabled=True))


class ApiContext:
    """The service-wide facts API generation needs."""

    def __init__(self, service: str, stage: str, provider: YMap, functions: frozenset[str]) -> None:
        self.service = service
        self.stage = stage
        self.provider = provider
        self.functions = functions

    def function_ref(self, name: Node, arn: Node, at: Location) -> Node:
        """An authorizer function: a function key of this service, or an ARN."""
        if isinstance(name, str) and name in self.functions:
            return invoke_uri(normalize_function(name) + "LambdaFunction", at)
        return arn
