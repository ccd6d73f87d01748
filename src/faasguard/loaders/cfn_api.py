"""API Gateway REST APIs (v1) from their parts: RestApi, Resource, Method, Stage, Deployment,
Authorizer, UsagePlan, RequestValidator, DomainName; ``build`` also runs the v2/AppSync/WAF ones."""

from __future__ import annotations

import dataclasses

from faasguard.loaders import cfn_apiv2
from faasguard.loaders.cfn_api_common import (
    STAGE_FIELDS,
    ApiSet,
    access_log,
    applies_to_all,
    function_of,
    locations_of,
    route_authorizer,
    stage_settings,
)
from faasguard.loaders.cfn_common import Source, base, flag, items, sub
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.openapi_source import openapi_fields
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import Api, Authorizer, DomainName, Location, Ref, Route, Text

V1 = "AWS::ApiGateway::"
TYPES = frozenset(
    {
        *(
            V1 + name
            for name in (
                "RestApi",
                "Resource",
                "Method",
                "Stage",
                "Deployment",
                "Authorizer",
                "UsagePlan",
                "RequestValidator",
                "DomainName",
            )
        ),
        *cfn_apiv2.TYPES,
    }
)
_AUTHORIZER_KINDS = {"TOKEN": "LAMBDA_TOKEN", "REQUEST": "LAMBDA_REQUEST"}
_AUTHORIZER_KINDS["COGNITO_USER_POOLS"] = "COGNITO"
_MAX_PATH_DEPTH = 32


def build(tpl: Template, parts: Parts, sources: list[Source]) -> None:
    """Assemble every API of the template and append them (and domain names) to ``parts``."""
    found = ApiSet(sources={s.ident: s for s in sources})
    for src in sources:
        tpl.take_assumptions()
        if src.type == V1 + "RestApi":
            found.apis[src.ident] = openapi_fields(tpl, src, _rest_api(tpl, src))
        elif src.type == V1 + "Authorizer":
            owner = tpl.target(src.props.get("RestApiId"))
            found.authorizers[src.ident] = (str(owner), _authorizer(tpl, src))
        elif src.type == V1 + "DomainName":
            parts.domains.append(_domain(tpl, src))
    cfn_apiv2.collect(tpl, parts, found, sources)
    for src in sources:
        if src.type == V1 + "Method":
            _method(tpl, src, found)
        elif src.type in (V1 + "Deployment", V1 + "Stage"):
            _stage(tpl, src, found)
        elif src.type == V1 + "UsagePlan":
            for stage, _ in items(tpl, src.props.get("ApiStages")):
                if isinstance(stage, YMap):
                    found.update(tpl.target(stage.get("ApiId")), [], has_usage_plan=True)
    cfn_apiv2.attach(tpl, found, sources)
    for ident, api in found.apis.items():
        authorizers = tuple(a for api_id, a in found.authorizers.values() if api_id == ident)
        routes = tuple(found.routes.get(ident, ()))
        parts.apis.append(
            dataclasses.replace(
                api, routes=api.routes + routes, authorizers=api.authorizers + authorizers
            )
        )
    cfn_apiv2.associate_waf(tpl, parts, found, sources)


def _rest_api(tpl: Template, src: Source) -> Api:
    props = src.props
    endpoint = sub(tpl, props, "EndpointConfiguration")
    types = tpl.texts(endpoint.get("Types")) if endpoint else ()
    mapping = {"name": "Name", "endpoint_type": "EndpointConfiguration"}
    mapping.update(resource_policy="Policy", disable_default_endpoint="DisableExecuteApiEndpoint")
    return Api(
        **base(tpl, src, mapping),
        protocol="REST",
        name=tpl.text(props.get("Name")),
        endpoint_type=types[0] if types else None,
        resource_policy=tpl.statements(props.get("Policy"), f"API resource policy {src.ident}"),
        routes_complete=not ("Body" in props or "BodyS3Location" in props),
        disable_default_endpoint=flag(tpl, props.get("DisableExecuteApiEndpoint")),
        assumptions=tpl.take_assumptions(),
    )


def _authorizer(tpl: Template, src: Source) -> Authorizer:
    props = src.props
    kind = tpl.text(props.get("Type"))
    sources = tpl.text(props.get("IdentitySource"))
    return Authorizer(
        name=src.ident,
        kind=_AUTHORIZER_KINDS.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN",
        location=tpl.location(src.ident),
        function=function_of(tpl, props.get("AuthorizerUri")),
        identity_sources=tuple(s.strip() for s in sources.split(","))
        if isinstance(sources, str)
        else tpl.texts(props.get("IdentitySource")),
        user_pools=tuple(
            t for node, _ in items(tpl, props.get("ProviderARNs")) if (t := tpl.target(node))
        ),
        ttl=tpl.value(props.get("AuthorizerResultTtlInSeconds")),
    )


def _method(tpl: Template, src: Source, found: ApiSet) -> None:
    props = src.props
    api = tpl.target(props.get("RestApiId"))
    method = tpl.text(props.get("HttpMethod"))
    integration = sub(tpl, props, "Integration")
    route = Route(
        api=str(api),
        method=method.upper() if isinstance(method, str) else str(method),
        path=_path(tpl, props.get("ResourceId"), found, 0),
        location=tpl.location(src.ident),
        function=function_of(tpl, integration.get("Uri")) if integration else None,
        authorizer=route_authorizer(tpl, props, found, {"COGNITO_USER_POOLS": "COGNITO"}),
        api_key_required=flag(tpl, props.get("ApiKeyRequired")) or False,
        request_validation=_validation(tpl, props.get("RequestValidatorId"), found),
        scopes=tpl.texts(props.get("AuthorizationScopes")),
    )
    tpl.take_assumptions()
    found.add_route(route)


def _path(tpl: Template, node: Node, found: ApiSet, depth: int) -> str:
    """The path of an API resource, following ``ParentId`` up to the root resource."""
    value = tpl.value(node)
    if not isinstance(value, Ref) or depth > _MAX_PATH_DEPTH:
        return "/{unknown}"
    if value.attribute == "RootResourceId":
        return "/"
    resource = found.sources.get(str(value.target))
    if resource is None or resource.type != V1 + "Resource":
        return "/{unknown}"
    parent = _path(tpl, resource.props.get("ParentId"), found, depth + 1)
    part = tpl.text(resource.props.get("PathPart"))
    shown = part if isinstance(part, str) else "{unknown}"
    return parent.rstrip("/") + "/" + shown


def _validation(tpl: Template, node: Node, found: ApiSet) -> bool | Ref:
    if node is None:
        return False
    ident = tpl.target(node)
    validator = found.sources.get(ident) if isinstance(ident, str) else None
    if validator is None:
        return ident if isinstance(ident, Ref) else Ref(text=str(ident))
    values = [
        flag(tpl, validator.props.get(k))
        for k in ("ValidateRequestBody", "ValidateRequestParameters")
    ]
    if True in values:
        return True
    return next((v for v in values if isinstance(v, Ref)), False)


def _stage(tpl: Template, src: Source, found: ApiSet) -> None:
    props = src.props
    api: Text | None = tpl.target(props.get("RestApiId"))
    is_stage = src.type == V1 + "Stage"
    holder = props if is_stage else sub(tpl, props, "StageDescription")
    fields: dict[str, object] = {}
    at: list[tuple[str, Location]] = []
    if is_stage or "StageName" in props:
        # a stage that leaves a setting unset is where the finding belongs
        at += [(name, tpl.location(src.ident)) for name in STAGE_FIELDS]
    if "StageName" in props:
        fields["stage"] = tpl.text(props.get("StageName"))
        at += locations_of(props, {"stage": None}, "StageName")
    if holder is not None:
        _stage_details(tpl, holder, fields, at)
    tpl.take_assumptions()
    found.update(api, _last_wins(at), **fields)


def _last_wins(at: list[tuple[str, Location]]) -> list[tuple[str, Location]]:
    return list({name: (name, loc) for name, loc in at}.values())


def _stage_details(
    tpl: Template, holder: YMap, fields: dict[str, object], at: list[tuple[str, Location]]
) -> None:
    logs = access_log(tpl, holder, "AccessLogSetting")
    fields.update(logs)
    at += locations_of(holder, logs, "AccessLogSetting")
    for key, name in (("TracingEnabled", "tracing"), ("CacheClusterEnabled", "cache_enabled")):
        if key in holder:
            fields[name] = flag(tpl, holder.get(key))
            at.append((name, holder.key_loc(key)))
    fields.update(stage_settings(tpl, holder, at))  # Deployment.StageDescription style
    for setting, _ in items(tpl, holder.get("MethodSettings")):
        if isinstance(setting, YMap) and applies_to_all(tpl, setting):
            fields.update(stage_settings(tpl, setting, at))


def _domain(tpl: Template, src: Source) -> DomainName:
    props = src.props
    return DomainName(
        **base(tpl, src, {"domain": "DomainName", "security_policy": "SecurityPolicy"}),
        domain=tpl.text(props.get("DomainName")),
        security_policy=tpl.text(props.get("SecurityPolicy")),
        assumptions=tpl.take_assumptions(),
    )
