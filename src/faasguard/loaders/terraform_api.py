"""Terraform API Gateway: REST APIs (``aws_api_gateway_*``: methods with their integration and
authorizer, stages, method settings, usage plans, validators) and HTTP/WebSocket APIs
(``aws_apigatewayv2_*``: routes, integrations, authorizers, stages), plus domains and WAF."""

from __future__ import annotations

import dataclasses
from typing import Any

from faasguard.loaders.cfn_api_common import STAGE_FIELDS, ApiSet
from faasguard.loaders.parts import Parts
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_policy import Documents
from faasguard.loaders.terraform_view import Body, base, take_notes
from faasguard.model import (
    Api,
    Authorizer,
    Cors,
    DomainName,
    Location,
    Ref,
    Route,
    Text,
    Throttling,
)

V1, V2 = "aws_api_gateway_", "aws_apigatewayv2_"
APPSYNC = "aws_appsync_graphql_api"
_APPSYNC_KINDS = {
    "AWS_IAM": "IAM",
    "AMAZON_COGNITO_USER_POOLS": "COGNITO",
    "OPENID_CONNECT": "JWT",
    "AWS_LAMBDA": "LAMBDA_REQUEST",
    "API_KEY": "API_KEY",
}
TYPES = frozenset(
    {
        *(V1 + n for n in ("rest_api", "resource", "method", "integration", "stage", "authorizer")),
        *(V1 + n for n in ("method_settings", "usage_plan", "request_validator", "domain_name")),
        *(V2 + n for n in ("api", "route", "integration", "stage", "authorizer", "domain_name")),
        "aws_wafv2_web_acl_association",
        APPSYNC,
    }
)
_KINDS = {"TOKEN": "LAMBDA_TOKEN", "REQUEST": "LAMBDA_REQUEST", "COGNITO_USER_POOLS": "COGNITO"}
_KINDS["JWT"] = "JWT"
_MAX_PATH_DEPTH = 32


def build(insts: list[Instance], parts: Parts, docs: Documents) -> None:
    found = ApiSet()
    bodies = [(i, Body(i.block, i.ctx)) for i in insts]
    by_address = {i.address: b for i, b in bodies}
    for inst, body in bodies:
        if inst.type == V1 + "rest_api":
            found.apis[inst.address] = _rest_api(inst, body, docs)
        elif inst.type == V2 + "api":
            found.apis[inst.address] = _http_api(inst, body)
        elif inst.type == APPSYNC:
            found.apis[inst.address] = _graphql_api(inst, body)
        elif inst.type in (V1 + "authorizer", V2 + "authorizer"):
            api = body.target("rest_api_id" if inst.type.startswith(V1) else "api_id")
            found.authorizers[inst.address] = (str(api), _authorizer(inst, body, docs))
        elif inst.type in (V1 + "domain_name", V2 + "domain_name"):
            parts.domains.append(_domain(inst, body))
    integrations = {
        inst.address: (
            body,
            _function(body.value("uri" if inst.type.startswith(V1) else "integration_uri"), docs),
        )
        for inst, body in bodies
        if inst.type in (V1 + "integration", V2 + "integration")
    }
    for inst, body in bodies:
        _attach(inst, body, found, integrations, by_address, docs)
    for ident, built in found.apis.items():
        authorizers = tuple(a for api_id, a in found.authorizers.values() if api_id == ident)
        routes = tuple(found.routes.get(ident, ()))
        authorizers = built.authorizers + authorizers
        parts.apis.append(dataclasses.replace(built, routes=routes, authorizers=authorizers))
    _waf(parts, bodies)


def _attach(
    inst: Instance,
    body: Body,
    found: ApiSet,
    integrations: dict[str, tuple[Body, Text | None]],
    by_address: dict[str, Body],
    docs: Documents,
) -> None:
    if inst.type == V1 + "method":
        found.add_route(_method(inst, body, found, integrations, by_address))
    elif inst.type == V2 + "route":
        found.add_route(_route(inst, body, found, integrations))
    elif inst.type == V1 + "stage":
        _stage_v1(inst, body, found)
    elif inst.type == V1 + "method_settings":
        _method_settings(body, found)
    elif inst.type == V2 + "stage":
        _stage_v2(inst, body, found)
    elif inst.type == V1 + "usage_plan":
        for stage in body.blocks("api_stages"):
            found.update(stage.target("api_id"), [], has_usage_plan=True)
    take_notes(body)


def _function(value: Any, docs: Documents) -> Text | None:
    """The function an integration/authorizer URI invokes."""
    if isinstance(value, Ref) and value.target in docs.instances:
        return value.target
    return value if isinstance(value, str | Ref) else None


def _cors(body: Body, name: str) -> Cors | None:
    cors = body.block_(name)
    if cors is None:
        return None
    return Cors(
        allow_origins=cors.texts("allow_origins"),
        allow_credentials=cors.flag("allow_credentials"),
        allow_methods=cors.texts("allow_methods"),
        allow_headers=cors.texts("allow_headers"),
        location=cors.loc,
    )


def _rest_api(inst: Instance, body: Body, docs: Documents) -> Api:
    endpoint = body.block_("endpoint_configuration")
    types = endpoint.texts("types") if endpoint else ()
    fields = {
        "name": "name",
        "endpoint_type": "endpoint_configuration",
        "resource_policy": "policy",
    }
    fields["disable_default_endpoint"] = "disable_execute_api_endpoint"
    return Api(
        **base(inst, body, fields),
        protocol="REST",
        name=body.text("name"),
        endpoint_type=types[0] if types else None,
        resource_policy=docs.statements(body, "policy", f"API resource policy {inst.address}"),
        routes_complete=not body.has("body"),
        disable_default_endpoint=body.flag("disable_execute_api_endpoint"),
        assumptions=take_notes(body),
    )


def _http_api(inst: Instance, body: Body) -> Api:
    protocol = body.text("protocol_type")
    fields = {"name": "name", "cors": "cors_configuration"}
    fields["disable_default_endpoint"] = "disable_execute_api_endpoint"
    return Api(
        **base(inst, body, fields),
        protocol=protocol if protocol in ("HTTP", "WEBSOCKET") else "HTTP",
        name=body.text("name"),
        cors=_cors(body, "cors_configuration"),
        routes_complete=not body.has("body"),
        disable_default_endpoint=body.flag("disable_execute_api_endpoint"),
        assumptions=take_notes(body),
    )


def _graphql_api(inst: Instance, body: Body) -> Api:
    kind = body.text("authentication_type")
    log_config = body.block_("log_config")
    authorizer = Authorizer(
        name=str(kind),
        kind=_APPSYNC_KINDS.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN",
        location=body.at("authentication_type"),
    )
    fields = {"name": "name", "tracing": "xray_enabled", "execution_logging": "log_config"}
    fields["default_authorizer"] = "authentication_type"
    return Api(
        **base(inst, body, fields),
        protocol="GRAPHQL",
        name=body.text("name"),
        tracing=body.flag("xray_enabled"),
        execution_logging=log_config.text("field_log_level") if log_config else None,
        authorizers=(authorizer,),
        default_authorizer=authorizer.name,
        routes_complete=False,
        assumptions=take_notes(body),
    )


def _authorizer(inst: Instance, body: Body, docs: Documents) -> Authorizer:
    kind = body.text("type" if inst.type.startswith(V1) else "authorizer_type")
    jwt = body.block_("jwt_configuration")
    sources = body.value("identity_source" if inst.type.startswith(V1) else "identity_sources")
    identity = (
        tuple(s.strip() for s in sources.split(","))
        if isinstance(sources, str)
        else body.texts("identity_sources")
    )
    return Authorizer(
        name=inst.address,
        kind=_KINDS.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN",
        location=body.loc,
        issuer=jwt.text("issuer") if jwt else None,
        audience=jwt.texts("audience") if jwt else (),
        function=_function(body.value("authorizer_uri"), docs),
        identity_sources=identity,
        user_pools=body.targets("provider_arns"),
        ttl=body.number("authorizer_result_ttl_in_seconds"),
    )


def _route_authorizer(body: Body, found: ApiSet, key: str) -> Authorizer | None:
    kind = body.text(key) or "NONE"
    at = body.at(key)
    if kind == "NONE":
        return None
    if kind == "AWS_IAM":
        return Authorizer(name="AWS_IAM", kind="IAM", location=at)
    ident = body.target("authorizer_id")
    if isinstance(ident, str) and ident in found.authorizers:
        return found.authorizers[ident][1]
    guess = _KINDS.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN"
    return Authorizer(name=str(ident or kind), kind=guess, location=at)


def _method(
    inst: Instance,
    body: Body,
    found: ApiSet,
    integrations: dict[str, tuple[Body, Text | None]],
    by_address: dict[str, Body],
) -> Route:
    api, resource = body.target("rest_api_id"), body.target("resource_id")
    method = body.text("http_method")
    function = next(
        (
            fn
            for other, fn in integrations.values()
            if other.target("rest_api_id") == api
            and other.target("resource_id") == resource
            and other.target("http_method") in (method, inst.address)
        ),
        None,
    )
    return Route(
        api=str(api),
        method=method.upper() if isinstance(method, str) else str(method),
        path=_path(body.value("resource_id"), by_address, 0),
        location=body.loc,
        function=function,
        authorizer=_route_authorizer(body, found, "authorization"),
        api_key_required=body.flag("api_key_required") or False,
        request_validation=_validation(body, by_address),
        scopes=body.texts("authorization_scopes"),
    )


def _path(value: Any, by_address: dict[str, Body], depth: int) -> str:
    if not isinstance(value, Ref) or depth > _MAX_PATH_DEPTH:
        return "/{unknown}"
    if value.attribute == "root_resource_id":
        return "/"
    resource = by_address.get(str(value.target))
    if resource is None:
        return "/{unknown}"
    parent = _path(resource.value("parent_id"), by_address, depth + 1)
    part = resource.text("path_part")
    return parent.rstrip("/") + "/" + (part if isinstance(part, str) else "{unknown}")


def _validation(body: Body, by_address: dict[str, Body]) -> bool | Ref:
    ident = body.target("request_validator_id")
    if ident is None:
        return False
    validator = by_address.get(ident) if isinstance(ident, str) else None
    if validator is None:
        return ident if isinstance(ident, Ref) else Ref(text=str(ident))
    values = [validator.flag(k) for k in ("validate_request_body", "validate_request_parameters")]
    if True in values:
        return True
    return next((v for v in values if isinstance(v, Ref)), False)


def _route(
    inst: Instance, body: Body, found: ApiSet, integrations: dict[str, tuple[Body, Text | None]]
) -> Route:
    key = body.text("route_key")
    method, _, path = key.partition(" ") if isinstance(key, str) else (str(key), "", "")
    target = body.value("target")
    integration = target.target if isinstance(target, Ref) else None
    return Route(
        api=str(body.target("api_id")),
        method=method.upper() if path else method,
        path=path or method,
        location=body.loc,
        function=integrations[integration][1] if integration in integrations else None,
        authorizer=_route_authorizer(body, found, "authorization_type"),
        api_key_required=body.flag("api_key_required") or False,
        scopes=body.texts("authorization_scopes"),
    )


def _settings(settings: Body, at: list[tuple[str, Location]]) -> dict[str, object]:
    """Logging/trace/throttling/cache fields of a method-settings/route-settings block."""
    fields: dict[str, object] = {}
    for key, name in (
        ("logging_level", "execution_logging"),
        ("data_trace_enabled", "data_trace"),
        ("caching_enabled", "cache_enabled"),
        ("cache_data_encrypted", "cache_encrypted"),
    ):
        if settings.has(key):
            fields[name] = settings.text(key) if name == "execution_logging" else settings.flag(key)
            at.append((name, settings.at(key)))
    keys = [k for k in ("throttling_rate_limit", "throttling_burst_limit") if settings.has(k)]
    if keys:
        limits = Throttling(
            rate_limit=settings.number("throttling_rate_limit"),
            burst_limit=settings.number("throttling_burst_limit"),
            location=settings.at(keys[0]),
        )
        fields["throttling"] = limits
        at.append(("throttling", limits.location))
    return fields


def _stage_v1(inst: Instance, body: Body, found: ApiSet) -> None:
    at = [(name, body.loc) for name in STAGE_FIELDS]
    fields: dict[str, object] = {"stage": body.text("stage_name")}
    logs = body.block_("access_log_settings")
    if logs is not None:
        fields["access_log_destination"] = logs.target("destination_arn")
        fields["access_log_format"] = logs.text("format")
        at += [("access_log_destination", logs.loc), ("access_log_format", logs.loc)]
    for key, name in (
        ("xray_tracing_enabled", "tracing"),
        ("cache_cluster_enabled", "cache_enabled"),
    ):
        if body.has(key):
            fields[name] = body.flag(key)
            at.append((name, body.at(key)))
    found.update(body.target("rest_api_id"), _last_wins(at), **fields)


def _method_settings(body: Body, found: ApiSet) -> None:
    path = body.text("method_path")
    settings = body.block_("settings")
    if settings is None or path not in ("*/*", None):
        return
    at: list[tuple[str, Location]] = []
    fields = _settings(settings, at)
    found.update(body.target("rest_api_id"), _last_wins(at), **fields)


def _stage_v2(inst: Instance, body: Body, found: ApiSet) -> None:
    at = [(name, body.loc) for name in STAGE_FIELDS]
    fields: dict[str, object] = {"stage": body.text("name")}
    logs = body.block_("access_log_settings")
    if logs is not None:
        fields["access_log_destination"] = logs.target("destination_arn")
        fields["access_log_format"] = logs.text("format")
        at += [("access_log_destination", logs.loc), ("access_log_format", logs.loc)]
    defaults = body.block_("default_route_settings")
    if defaults is not None:
        fields.update(_settings(defaults, at))
    found.update(body.target("api_id"), _last_wins(at), **fields)


def _last_wins(at: list[tuple[str, Location]]) -> list[tuple[str, Location]]:
    return list({name: (name, loc) for name, loc in at}.values())


def _domain(inst: Instance, body: Body) -> DomainName:
    config = body.block_("domain_name_configuration")
    policy = config.text("security_policy") if config else body.text("security_policy")
    return DomainName(
        **base(inst, body, {"domain": "domain_name", "security_policy": "security_policy"}),
        domain=body.text("domain_name"),
        security_policy=policy,
        assumptions=take_notes(body),
    )


def _waf(parts: Parts, bodies: list[tuple[Instance, Body]]) -> None:
    """``Api.waf_acl`` for the API whose stage (or API) the association names."""
    stage_api = {
        i.address: b.target("rest_api_id") or b.target("api_id")
        for i, b in bodies
        if i.type in (V1 + "stage", V2 + "stage")
    }
    for inst, body in bodies:
        if inst.type != "aws_wafv2_web_acl_association":
            continue
        arn = body.value("resource_arn")
        named = {arn.target} if isinstance(arn, Ref) and arn.target else set()
        named |= {str(stage_api[n]) for n in named if n in stage_api}
        for i, api in enumerate(parts.apis):
            if api.id in named:
                located = (*api.field_locations, ("waf_acl", body.loc))
                acl = body.target("web_acl_arn")
                parts.apis[i] = dataclasses.replace(api, waf_acl=acl, field_locations=located)
