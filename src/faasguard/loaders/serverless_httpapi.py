"""``httpApi`` events (HTTP API, authorizers from ``provider.httpApi.authorizers``) and
``websocket`` events into the API Gateway v2 CloudFormation Serverless generates."""

from __future__ import annotations

from faasguard.loaders.serverless_api import (
    HTTP_API,
    WEBSOCKET_API,
    ApiContext,
    api_log_group,
    api_permission,
    invoke_uri,
)
from faasguard.loaders.serverless_nodes import (
    Out,
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
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Location


def _target(integration: str, at: Location) -> YMap:
    join = ylist(at, ["/", ylist(at, ["integrations", ref(integration, at)])])
    return ymap(at, **{"Fn::Join": join})


def add_http_api(
    out: Out, ctx: ApiContext, fn_key: str, function: str, event: Node, at: Location
) -> None:
    spec = _route_key(event)
    if spec is None:
        return
    route_key, options = spec
    _api(out, ctx, at)
    integration = "HttpApiIntegration" + normalize_function(fn_key)
    if integration not in out.resources:
        props = ymap(
            at,
            ApiId=ref(HTTP_API, at),
            IntegrationType="AWS_PROXY",
            IntegrationUri=get_att(function, "Arn", at),
        )
        put(props, "PayloadFormatVersion", "2.0", at)
        out.add(integration, "AWS::ApiGatewayV2::Integration", at, props)
        api_permission(out, fn_key, function, "HttpApi", HTTP_API, at)
    props = ymap(at, ApiId=ref(HTTP_API, at), RouteKey=route_key, Target=_target(integration, at))
    _authorizer(out, ctx, props, options, at)
    out.add("HttpApiRoute" + _route_name(route_key), "AWS::ApiGatewayV2::Route", at, props)


def _route_key(event: Node) -> tuple[str, YMap] | None:
    if isinstance(event, str):
        key = event.strip()
        return ("$default" if key == "*" else key), YMap(Location(file=""))
    if isinstance(event, YMap):
        method, path = event.get("method", "*"), event.get("path")
        if path is None or (method == "*" and path == "*"):
            return "$default", event
        return f"{str(method).upper() if method != '*' else 'ANY'} {path}", event
    return None


def _route_name(key: str) -> str:
    if key == "$default":
        return "Default"
    method, _, path = key.partition(" ")
    return normalize_name(method.lower()) + normalize_path(path)


def _authorizer(out: Out, ctx: ApiContext, props: YMap, options: YMap, at: Location) -> None:
    node = options.get("authorizer")
    where = key_at(options, "authorizer", at)
    spec = node if isinstance(node, YMap) else ymap(where, name=node) if node else None
    if spec is None:
        put(props, "AuthorizationType", "NONE", at)
        return
    if str(spec.get("type", "")).lower() == "aws_iam":
        put(props, "AuthorizationType", "AWS_IAM", where)
        return
    name = spec.get("name") or spec.get("id")
    ident = "HttpApiAuthorizer" + normalize_name(str(name).replace("-", "Dash"))
    config = section(section(ctx.provider, "httpApi"), "authorizers")
    defined = section(config, str(name)) if config is not None else None
    if defined is not None:
        _define_authorizer(out, ctx, ident, str(name), defined, config.key_loc(str(name)))  # type: ignore[union-attr]
    kind = str(defined.get("type", "jwt")).lower() if defined is not None else "jwt"
    put(props, "AuthorizationType", "CUSTOM" if kind == "request" else "JWT", where)
    put(props, "AuthorizerId", ref(ident, where), where)
    put(props, "AuthorizationScopes", spec.get("scopes"), key_at(spec, "scopes", where))


def _define_authorizer(
    out: Out, ctx: ApiContext, ident: str, name: str, spec: YMap, at: Location
) -> None:
    if ident in out.resources:
        return
    props = ymap(at, ApiId=ref(HTTP_API, at), Name=name)
    sources = spec.get("identitySource")
    put(
        props,
        "IdentitySource",
        sources
        if isinstance(sources, YList)
        else ylist(at, [sources or "$request.header.Authorization"]),
        at,
    )
    if str(spec.get("type", "jwt")).lower() == "request":
        put(props, "AuthorizerType", "REQUEST", at)
        function = spec.get("functionName")
        put(props, "AuthorizerUri", ctx.function_ref(function, spec.get("functionArn"), at), at)
        put(props, "AuthorizerResultTtlInSeconds", spec.get("resultTtlInSeconds"), at)
    else:
        put(props, "AuthorizerType", "JWT", at)
        jwt = ymap(at, Issuer=spec.get("issuerUrl"), Audience=spec.get("audience"))
        put(props, "JwtConfiguration", jwt, at)
    out.add(ident, "AWS::ApiGatewayV2::Authorizer", at, props)


def _api(out: Out, ctx: ApiContext, at: Location) -> None:
    if HTTP_API in out.resources:
        return
    http = section(ctx.provider, "httpApi")
    props = ymap(at, Name=f"{ctx.stage}-{ctx.service}", ProtocolType="HTTP")
    cors = http.get("cors") if http is not None else None
    if cors is not None and cors is not False:
        where = key_at(http, "cors", at)
        put(props, "CorsConfiguration", _cors(cors, where), where)
    if http is not None and truthy(http.get("disableDefaultEndpoint")):
        put(props, "DisableExecuteApiEndpoint", True, http.key_loc("disableDefaultEndpoint"))
    out.add(HTTP_API, "AWS::ApiGatewayV2::Api", at, props)
    stage = ymap(at, ApiId=ref(HTTP_API, at), StageName="$default", AutoDeploy=True)
    logs = section(ctx.provider, "logs")
    node = logs.get("httpApi") if logs is not None else None
    if node is not None and node is not False and logs is not None:
        where = logs.key_loc("httpApi")
        group = api_log_group(out, ctx, "HttpApiLogGroup", "http-api", where)
        fmt = node.get("format") if isinstance(node, YMap) else None
        settings = ymap(
            where, DestinationArn=get_att(group, "Arn", where), Format=fmt or "$context.requestId"
        )
        put(stage, "AccessLogSettings", settings, where)
    out.add("HttpApiStage", "AWS::ApiGatewayV2::Stage", at, stage)


def _cors(cors: Node, at: Location) -> YMap:
    """``cors: true`` = any origin, Serverless's documented default."""
    if not isinstance(cors, YMap):
        return ymap(at, AllowOrigins=ylist(at, ["*"]), AllowMethods=ylist(at, ["*"]))
    found = ymap(at)
    names = {
        "allowedOrigins": "AllowOrigins",
        "allowedMethods": "AllowMethods",
        "allowedHeaders": "AllowHeaders",
        "allowCredentials": "AllowCredentials",
        "maxAge": "MaxAge",
    }
    for key, cfn in names.items():
        put(found, cfn, cors.get(key), cors.key_loc(key))
    if "AllowOrigins" not in found:
        put(found, "AllowOrigins", ylist(at, ["*"]), at)
    return found


def add_websocket(
    out: Out, ctx: ApiContext, fn_key: str, function: str, event: Node, at: Location
) -> None:
    route = (
        event if isinstance(event, str) else event.get("route") if isinstance(event, YMap) else None
    )
    if not isinstance(route, str):
        return
    if WEBSOCKET_API not in out.resources:
        props = ymap(at, Name=f"{ctx.stage}-{ctx.service}-websockets", ProtocolType="WEBSOCKET")
        put(props, "RouteSelectionExpression", "$request.body.action", at)
        out.add(WEBSOCKET_API, "AWS::ApiGatewayV2::Api", at, props)
        stage = ymap(at, ApiId=ref(WEBSOCKET_API, at), StageName=ctx.stage)
        out.add("WebsocketsDeploymentStage", "AWS::ApiGatewayV2::Stage", at, stage)
    integration = normalize_function(fn_key) + "WebsocketsIntegration"
    if integration not in out.resources:
        props = ymap(
            at,
            ApiId=ref(WEBSOCKET_API, at),
            IntegrationType="AWS_PROXY",
            IntegrationUri=invoke_uri(function, at),
        )
        out.add(integration, "AWS::ApiGatewayV2::Integration", at, props)
        api_permission(out, fn_key, function, "Websockets", WEBSOCKET_API, at)
    props = ymap(at, ApiId=ref(WEBSOCKET_API, at), RouteKey=route, Target=_target(integration, at))
    authorizer = event.get("authorizer") if isinstance(event, YMap) else None
    if authorizer is not None and route == "$connect":
        where = event.key_loc("authorizer") if isinstance(event, YMap) else at
        name = authorizer.get("name") if isinstance(authorizer, YMap) else authorizer
        arn = authorizer.get("arn") if isinstance(authorizer, YMap) else None
        ident = normalize_name(str(name or "authorizer")) + "WebsocketsAuthorizer"
        auth = ymap(
            where, ApiId=ref(WEBSOCKET_API, where), Name=str(name), AuthorizerType="REQUEST"
        )
        put(auth, "AuthorizerUri", ctx.function_ref(name, arn, where), where)
        out.add(ident, "AWS::ApiGatewayV2::Authorizer", where, auth)
        put(props, "AuthorizationType", "CUSTOM", where)
        put(props, "AuthorizerId", ref(ident, where), where)
    else:
        put(props, "AuthorizationType", "NONE", at)
    suffix = normalize_name("".join(c for c in route if c.isalnum()))
    out.add(suffix + "WebsocketsRoute", "AWS::ApiGatewayV2::Route", at, props)
