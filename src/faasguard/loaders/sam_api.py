"""``AWS::Serverless::Api`` / ``HttpApi`` (explicit and implicit) with routes from events."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from faasguard.loaders.cfn_api_common import applies_to_all
from faasguard.loaders.cloudformation import Template
from faasguard.loaders.openapi import Definition
from faasguard.loaders.openapi_source import api_definition
from faasguard.loaders.sam_auth import ApiAuth, api_auth, route_api_key, route_authorizer
from faasguard.loaders.sam_events import ApiEvent
from faasguard.loaders.sam_function import cors as list_cors
from faasguard.loaders.sam_function import sub_map
from faasguard.loaders.yamljson import YList, YMap
from faasguard.model import (
    Api,
    Cors,
    Diagnostic,
    DomainName,
    Framework,
    Location,
    Permission,
    PolicyStatement,
    Ref,
    Route,
    Throttling,
)

IMPLICIT_REST = "ServerlessRestApi"
IMPLICIT_HTTP = "ServerlessHttpApi"
_EXECUTE_API = "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:"


def _bool(tpl: Template, props: YMap, key: str) -> bool | Ref | None:
    value = tpl.value(props[key]) if key in props else None
    return value if isinstance(value, bool | Ref) else None


def _rest_cors(tpl: Template, props: YMap) -> Cors | None:
    node = props.get("Cors")
    if node is None:
        return None
    loc = props.key_loc("Cors")
    if not isinstance(node, YMap):  # "Cors: 'www.example.com'" is the AllowOrigin shorthand
        origin = tpl.text(node)
        return Cors(allow_origins=(origin,) if origin else (), location=loc)
    origin = tpl.text(node.get("AllowOrigin"))
    credentials = _bool(tpl, node, "AllowCredentials")
    return Cors(
        allow_origins=(origin,) if origin else (),
        allow_credentials=credentials,
        allow_methods=tpl.texts(node.get("AllowMethods")),
        allow_headers=tpl.texts(node.get("AllowHeaders")),
        location=loc,
    )


def _method_settings(tpl: Template, props: YMap) -> dict[str, Any]:
    """REST ``MethodSettings``: the stage-wide entry (``/*``, ``*``); per-path ones are not
    defaults, so a stage with only those has no default throttling or logging."""
    settings = props.get("MethodSettings")
    if not isinstance(settings, YList):
        return {}
    index = next(
        (i for i, s in enumerate(settings) if isinstance(s, YMap) and applies_to_all(tpl, s)), None
    )
    if index is None:
        return {}
    first = settings[index]
    assert isinstance(first, YMap)
    loc = settings.item_loc(index)
    throttling = None
    if "ThrottlingRateLimit" in first or "ThrottlingBurstLimit" in first:
        throttling = Throttling(
            rate_limit=tpl.value(first.get("ThrottlingRateLimit")),
            burst_limit=tpl.value(first.get("ThrottlingBurstLimit")),
            location=loc,
        )
    return {
        "execution_logging": tpl.text(first.get("LoggingLevel")),
        "data_trace": _bool(tpl, first, "DataTraceEnabled"),
        "throttling": throttling,
    }


def _http_settings(tpl: Template, props: YMap) -> dict[str, Any]:
    route = sub_map(props, "DefaultRouteSettings")
    throttling = None
    if "ThrottlingRateLimit" in route or "ThrottlingBurstLimit" in route:
        throttling = Throttling(
            rate_limit=tpl.value(route.get("ThrottlingRateLimit")),
            burst_limit=tpl.value(route.get("ThrottlingBurstLimit")),
            location=props.key_loc("DefaultRouteSettings"),
        )
    logs = sub_map(props, "AccessLogSettings")
    return {
        "throttling": throttling,
        "access_log_destination": tpl.text(logs.get("DestinationArn")),
        "access_log_format": tpl.text(logs.get("Format")),
        "cors": list_cors(tpl, props.get("CorsConfiguration"), props.key_loc("CorsConfiguration")),
    }


def _rest_settings(tpl: Template, props: YMap) -> dict[str, Any]:
    logs = sub_map(props, "AccessLogSetting")
    endpoint = sub_map(props, "EndpointConfiguration")
    endpoint_type = (
        tpl.text(endpoint.get("Type"))
        if "Type" in endpoint
        else tpl.text(props.get("EndpointConfiguration"))
        if isinstance(props.get("EndpointConfiguration"), str)
        else None
    )
    usage = sub_map(sub_map(props, "Auth"), "UsagePlan")
    return {
        **_method_settings(tpl, props),
        "access_log_destination": tpl.text(logs.get("DestinationArn")),
        "access_log_format": tpl.text(logs.get("Format")),
        "tracing": _bool(tpl, props, "TracingEnabled"),
        "cache_enabled": _bool(tpl, props, "CacheClusterEnabled"),
        "cors": _rest_cors(tpl, props),
        "endpoint_type": endpoint_type,
        "has_usage_plan": usage.get("CreateUsagePlan") not in (None, "NONE"),
        "resource_policy": _resource_policy(tpl, props),
    }


def _resource_policy(tpl: Template, props: YMap) -> tuple[PolicyStatement, ...]:
    policy = sub_map(sub_map(props, "Auth"), "ResourcePolicy")
    custom = policy.get("CustomStatements")
    if custom is None:
        return ()
    document = YMap(policy.loc)
    document["Statement"] = custom
    document.key_locs["Statement"] = policy.key_loc("CustomStatements")
    return tpl.statements(document, "API ResourcePolicy CustomStatements")


def build_api(
    tpl: Template,
    ident: str,
    props: YMap,
    http: bool,
    base: dict[str, Any],
    diagnostics: list[Diagnostic],
) -> tuple[Api, ApiAuth]:
    """One API without routes (they come from function events)."""
    auth = api_auth(tpl, props, http)
    settings = _http_settings(tpl, props) if http else _rest_settings(tpl, props)
    source = api_definition(tpl, props, ("DefinitionBody", "DefinitionUri"), ident)
    if source.note is not None:
        diagnostics.append(source.note)
    definition = source.definition or Definition()
    own = {a.name for a in auth.authorizers}
    if settings.get("cors") is None:  # SAM's Cors property rewrites the definition's
        settings["cors"] = definition.cors
    stage = tpl.text(props.get("StageName")) or ("$default" if http else None)
    api = Api(
        **base,
        protocol="HTTP" if http else "REST",
        name=tpl.text(props.get("Name")),
        stage=stage,
        authorizers=(
            *(a for a in auth.authorizers if a.kind != "IAM" or http),
            *(a for a in definition.authorizers if a.name not in own),
        ),
        routes=definition.routes,
        default_authorizer=auth.default,
        disable_default_endpoint=_bool(tpl, props, "DisableExecuteApiEndpoint"),
        routes_complete=source.routes_complete,
        **settings,
    )
    return api, auth


def domain_of(tpl: Template, api: Api, props: YMap) -> DomainName | None:
    domain = props.get("Domain")
    if not isinstance(domain, YMap):
        return None
    return DomainName(
        id=f"{api.id}Domain",
        type="AWS::ApiGateway::DomainName"
        if api.protocol == "REST"
        else "AWS::ApiGatewayV2::DomainName",
        location=props.key_loc("Domain"),
        framework=Framework.SAM,
        condition=api.condition,
        generated_from=api.id,
        domain=tpl.text(domain.get("DomainName")),
        security_policy=tpl.text(domain.get("SecurityPolicy")),
        api=api.id,
    )


def _arn_path(path: str) -> str:
    """How SAM writes a route path in the permission's source ARN."""
    return re.sub(r"\{[^}]*\}", "*", path)


def event_permission(event: ApiEvent, api: Api) -> Permission:
    method = "*" if event.method == "ANY" else event.method
    if api.protocol == "HTTP":
        suffix = "*" if event.path == "$default" else f"{method}{_arn_path(event.path)}"
        ident = f"{event.function}{event.name}Permission"
    else:
        suffix = f"{method}{_arn_path(event.path)}"
        stage = api.stage if isinstance(api.stage, str) else "Stage"
        ident = f"{event.function}{event.name}Permission{stage}"
    arn = f"{_EXECUTE_API}{api.id}/*/{suffix}"
    return Permission(
        id=ident,
        type="AWS::Lambda::Permission",
        location=event.location,
        framework=Framework.SAM,
        condition=event.condition,
        generated_from=event.function,
        function=event.function,
        principal="apigateway.amazonaws.com",
        source_arn=Ref(text=arn, target=api.id),
    )


def route_of(tpl: Template, event: ApiEvent, auth: ApiAuth, api_id: str) -> Route:
    authorizer = route_authorizer(auth, event.auth, event.method, tpl)
    scopes = tpl.texts(event.auth.get("AuthorizationScopes"))
    return Route(
        api=api_id,
        method=event.method,
        path=event.path,
        location=event.location,
        function=event.function,
        authorizer=authorizer,
        api_key_required=route_api_key(auth, event.auth, tpl),
        request_validation=event.validate_body,
        scopes=scopes,
    )


def authorizer_permissions(api: Api) -> list[Permission]:
    """SAM lets API Gateway invoke each Lambda authorizer of a REST API (not HTTP APIs)."""
    return [
        Permission(
            id=f"{api.id}{a.name}AuthorizerPermission",
            type="AWS::Lambda::Permission",
            location=a.location,
            framework=Framework.SAM,
            condition=api.condition,
            generated_from=api.id,
            function=a.function or "",
            principal="apigateway.amazonaws.com",
            source_arn=Ref(text=f"{_EXECUTE_API}{api.id}/authorizers/*", target=api.id),
        )
        for a in api.authorizers
        if a.kind.startswith("LAMBDA") and api.protocol == "REST"
    ]


def with_routes(api: Api, routes: list[Route]) -> Api:
    """Event routes join the definition's; for the same method and path the event's function
    wins, and the definition's security still applies unless the event sets its own (SAM)."""
    merged = list(api.routes)
    extra: list[Route] = []
    for route in routes:
        same = [i for i, r in enumerate(merged) if (r.method, r.path) == (route.method, route.path)]
        if same:
            merged[same[0]] = _merged(route, merged[same[0]])
        else:
            extra.append(route)
    return replace(api, routes=(*merged, *extra))


def _merged(event: Route, defined: Route) -> Route:
    return replace(
        event,
        authorizer=event.authorizer or defined.authorizer,
        api_key_required=event.api_key_required is True or defined.api_key_required,
        request_validation=event.request_validation is True or defined.request_validation,
        scopes=event.scopes or defined.scopes,
    )


def implicit_base(ident: str, loc: Location) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "AWS::Serverless::HttpApi" if ident == IMPLICIT_HTTP else "AWS::Serverless::Api",
        "location": loc,
        "framework": Framework.SAM,
        "implicit": True,
    }
