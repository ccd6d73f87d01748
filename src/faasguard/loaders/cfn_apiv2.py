"""API Gateway v2 (HTTP/WebSocket) APIs, AppSync GraphQL APIs and WAF associations."""

from __future__ import annotations

import re

from faasguard.loaders.cfn_api_common import (
    STAGE_FIELDS,
    ApiSet,
    access_log,
    function_of,
    locations_of,
    route_authorizer,
    stage_settings,
)
from faasguard.loaders.cfn_common import Source, base, flag, items, sub
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.openapi_source import openapi_fields
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YMap
from faasguard.model import Api, Authorizer, Cors, DomainName, Location, Ref, Route, Text

V2 = "AWS::ApiGatewayV2::"
APPSYNC = "AWS::AppSync::GraphQLApi"
WAF = "AWS::WAFv2::WebACLAssociation"
TYPES = frozenset(
    {
        *(V2 + n for n in ("Api", "Route", "Stage", "Authorizer", "Integration", "DomainName")),
        APPSYNC,
        WAF,
    }
)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
_APPSYNC_KINDS = {
    "AWS_IAM": "IAM",
    "AMAZON_COGNITO_USER_POOLS": "COGNITO",
    "OPENID_CONNECT": "JWT",
    "AWS_LAMBDA": "LAMBDA_REQUEST",
    "API_KEY": "API_KEY",
}


def collect(tpl: Template, parts: Parts, found: ApiSet, sources: list[Source]) -> None:
    """APIs, authorizers and domain names: what routes and stages attach to."""
    for src in sources:
        tpl.take_assumptions()
        if src.type == V2 + "Api":
            found.apis[src.ident] = openapi_fields(tpl, src, _http_api(tpl, src))
        elif src.type == V2 + "Authorizer":
            api = tpl.target(src.props.get("ApiId"))
            found.authorizers[src.ident] = (str(api), _authorizer(tpl, src))
        elif src.type == V2 + "DomainName":
            parts.domains.append(_domain(tpl, src))
        elif src.type == APPSYNC:
            found.apis[src.ident] = _graphql_api(tpl, src)


def _http_api(tpl: Template, src: Source) -> Api:
    props = src.props
    cors = sub(tpl, props, "CorsConfiguration")
    protocol = tpl.text(props.get("ProtocolType"))
    mapping = {"name": "Name", "cors": "CorsConfiguration"}
    mapping["disable_default_endpoint"] = "DisableExecuteApiEndpoint"
    return Api(
        **base(tpl, src, mapping),
        protocol=protocol if protocol in ("HTTP", "WEBSOCKET") else "HTTP",
        name=tpl.text(props.get("Name")),
        cors=None
        if cors is None
        else Cors(
            allow_origins=tpl.texts(cors.get("AllowOrigins")),
            allow_credentials=flag(tpl, cors.get("AllowCredentials")),
            allow_methods=tpl.texts(cors.get("AllowMethods")),
            allow_headers=tpl.texts(cors.get("AllowHeaders")),
            location=props.key_loc("CorsConfiguration"),
        ),
        routes_complete=not ("Body" in props or "BodyS3Location" in props),
        disable_default_endpoint=flag(tpl, props.get("DisableExecuteApiEndpoint")),
        assumptions=tpl.take_assumptions(),
    )


def _graphql_api(tpl: Template, src: Source) -> Api:
    props = src.props
    kind = tpl.text(props.get("AuthenticationType"))
    log_config = sub(tpl, props, "LogConfig")
    authorizer = Authorizer(
        name=str(kind),
        kind=_APPSYNC_KINDS.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN",
        location=props.key_loc("AuthenticationType"),
    )
    mapping = {"name": "Name", "tracing": "XrayEnabled", "execution_logging": "LogConfig"}
    mapping["default_authorizer"] = "AuthenticationType"
    return Api(
        **base(tpl, src, mapping),
        protocol="GRAPHQL",
        name=tpl.text(props.get("Name")),
        tracing=flag(tpl, props.get("XrayEnabled")),
        execution_logging=tpl.text(log_config.get("FieldLogLevel")) if log_config else None,
        authorizers=(authorizer,),
        default_authorizer=authorizer.name,
        routes_complete=False,
        assumptions=tpl.take_assumptions(),
    )


def _authorizer(tpl: Template, src: Source) -> Authorizer:
    props = src.props
    kind = tpl.text(props.get("AuthorizerType"))
    jwt = sub(tpl, props, "JwtConfiguration")
    return Authorizer(
        name=src.ident,
        kind="JWT" if kind == "JWT" else "LAMBDA_REQUEST" if kind == "REQUEST" else "UNKNOWN",
        location=tpl.location(src.ident),
        issuer=tpl.text(jwt.get("Issuer")) if jwt else None,
        audience=tpl.texts(jwt.get("Audience")) if jwt else (),
        function=function_of(tpl, props.get("AuthorizerUri")),
        identity_sources=tpl.texts(props.get("IdentitySource")),
        ttl=tpl.value(props.get("AuthorizerResultTtlInSeconds")),
    )


def attach(tpl: Template, found: ApiSet, sources: list[Source]) -> None:
    """Routes (with their integration's function) and stages of the v2 APIs."""
    integrations = {
        s.ident: function_of(tpl, s.props.get("IntegrationUri"))
        for s in sources
        if s.type == V2 + "Integration"
    }
    for src in sources:
        tpl.take_assumptions()
        if src.type == V2 + "Route":
            found.add_route(_route(tpl, src, found, integrations))
        elif src.type == V2 + "Stage":
            _stage(tpl, src, found)
    for api in list(found.apis.values()):
        quick = found.sources[api.id].props.get("Target") if api.protocol == "HTTP" else None
        if quick is not None:  # quick create: one $default route to the target
            at = found.sources[api.id].props.key_loc("Target")
            route = Route(api=api.id, method="$default", path="$default", location=at)
            found.add_route(_with_function(route, function_of(tpl, quick)))


def _with_function(route: Route, function: Text | None) -> Route:
    import dataclasses

    return dataclasses.replace(route, function=function)


def _route(
    tpl: Template, src: Source, found: ApiSet, integrations: dict[str, Text | None]
) -> Route:
    props = src.props
    key = tpl.text(props.get("RouteKey"))
    method, _, path = key.partition(" ") if isinstance(key, str) else (str(key), "", "")
    target = tpl.text(props.get("Target"))
    integration = target.target if isinstance(target, Ref) else None
    return Route(
        api=str(tpl.target(props.get("ApiId"))),
        method=method.upper() if path else method,
        path=path or method,
        location=tpl.location(src.ident),
        function=integrations.get(integration) if integration else None,
        authorizer=route_authorizer(tpl, props, found, {"JWT": "JWT"}),
        api_key_required=flag(tpl, props.get("ApiKeyRequired")) or False,
        scopes=tpl.texts(props.get("AuthorizationScopes")),
    )


def _stage(tpl: Template, src: Source, found: ApiSet) -> None:
    props = src.props
    fields: dict[str, object] = {"stage": tpl.text(props.get("StageName"))}
    at: list[tuple[str, Location]] = locations_of(props, fields, "StageName")
    logs = access_log(tpl, props, "AccessLogSettings")
    fields.update(logs)
    at += locations_of(props, logs, "AccessLogSettings")
    fields.update(stage_settings(tpl, sub(tpl, props, "DefaultRouteSettings"), at))
    unset = [(name, tpl.location(src.ident)) for name in STAGE_FIELDS]
    merged = {name: (name, loc) for name, loc in (*unset, *at)}
    found.update(tpl.target(props.get("ApiId")), list(merged.values()), **fields)


def _domain(tpl: Template, src: Source) -> DomainName:
    props = src.props
    configs = items(tpl, props.get("DomainNameConfigurations"))
    first = configs[0][0] if configs else None
    policy = tpl.text(first.get("SecurityPolicy")) if isinstance(first, YMap) else None
    mapping = {"domain": "DomainName", "security_policy": "DomainNameConfigurations"}
    return DomainName(
        **base(tpl, src, mapping),
        domain=tpl.text(props.get("DomainName")),
        security_policy=policy,
        assumptions=tpl.take_assumptions(),
    )


def associate_waf(tpl: Template, parts: Parts, found: ApiSet, sources: list[Source]) -> None:
    """``Api.waf_acl`` for APIs (ours or SAM's) whose ARN or stage the association names."""
    import dataclasses

    stage_api = {
        s.ident: tpl.target(s.props.get("RestApiId") or s.props.get("ApiId"))
        for s in sources
        if s.type in ("AWS::ApiGateway::Stage", V2 + "Stage")
    }
    for src in sources:
        if src.type != WAF:
            continue
        arn = tpl.text(src.props.get("ResourceArn"))
        acl = tpl.target(src.props.get("WebACLArn"))
        named = _named_ids(arn)
        named |= {str(stage_api[n]) for n in named if n in stage_api}
        for i, api in enumerate(parts.apis):
            if api.id in named:
                locations = (*api.field_locations, ("waf_acl", tpl.location(src.ident)))
                parts.apis[i] = dataclasses.replace(api, waf_acl=acl, field_locations=locations)
        tpl.take_assumptions()


def _named_ids(arn: Text | None) -> set[str]:
    if not isinstance(arn, Ref):
        return set()
    named = set(_PLACEHOLDER.findall(arn.text))
    return named | ({arn.target} if arn.target else set())
