"""SAM semantics: every ``AWS::Serverless::*`` resource into model objects, positions kept.

``expand`` is called by ``load_template`` for templates with the SAM transform. It applies
``Globals``, builds functions with their implicit roles, events and the resources SAM generates
for them, APIs (explicit and implicit) with routes and authorization as SAM resolves it, and the
other serverless types. Generated objects carry ``generated_from`` = the SAM logical id.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.sam_api import (
    IMPLICIT_HTTP,
    IMPLICIT_REST,
    authorizer_permissions,
    build_api,
    domain_of,
    event_permission,
    implicit_base,
    route_of,
    with_routes,
)
from faasguard.loaders.sam_auth import ApiAuth
from faasguard.loaders.sam_events import ApiEvent, EventOutput
from faasguard.loaders.sam_function import (
    FUNCTION_FIELDS,
    build_role,
    code_location,
    dead_letter,
    environment,
    events_of,
    function_url,
    implicit_role_grants,
    invoke_config,
    layers,
    url_permissions,
    vpc_config,
)
from faasguard.loaders.sam_globals import merge_globals
from faasguard.loaders.sam_resources import expand_other
from faasguard.loaders.yamljson import YMap
from faasguard.model import Api, EventSource, Framework, Function, Text

SERVERLESS_PREFIX = "AWS::Serverless::"


@dataclass(slots=True)
class _Apis:
    """APIs seen so far and the Api/HttpApi events waiting for them."""

    apis: dict[str, tuple[Api, ApiAuth]] = field(default_factory=dict)
    events: list[ApiEvent] = field(default_factory=list)


def base_fields(
    tpl: Template, ident: str, cfn_type: str, props: YMap, mapping: dict[str, str]
) -> dict[str, Any]:
    """The ``Resource`` fields every SAM resource shares."""
    return {
        "id": ident,
        "type": cfn_type,
        "location": tpl.location(ident),
        "framework": Framework.SAM,
        "condition": tpl.condition_of(ident),
        "ignores": tpl.ignores(ident),
        "field_locations": tpl.field_locations(props, mapping),
    }


def expand(tpl: Template, parts: Parts) -> None:
    """Append the model objects of every ``AWS::Serverless::*`` resource to ``parts``."""
    pending = _Apis()
    for ident, resource in tpl.resources.items():
        if not isinstance(resource, YMap):
            continue
        cfn_type = resource.get("Type")
        if not isinstance(cfn_type, str) or not cfn_type.startswith(SERVERLESS_PREFIX):
            continue
        raw = resource.get("Properties")
        props = merge_globals(
            tpl.globals, cfn_type, raw if isinstance(raw, YMap) else YMap(resource.loc)
        )
        if cfn_type == "AWS::Serverless::Function":
            _function(tpl, ident, props, parts, pending)
        elif cfn_type in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            _explicit_api(tpl, ident, cfn_type, props, parts, pending)
        else:
            expand_other(
                tpl, ident, cfn_type, props, parts, base_fields(tpl, ident, cfn_type, props, {})
            )
    _attach_routes(tpl, parts, pending)


def _function(tpl: Template, ident: str, props: YMap, parts: Parts, pending: _Apis) -> None:
    base = base_fields(tpl, ident, "AWS::Serverless::Function", props, FUNCTION_FIELDS)
    loc = tpl.location(ident)
    grants = implicit_role_grants(tpl, props, loc)
    events = events_of(tpl, ident, props, tpl.condition_of(ident), grants)
    on_failure, retries = invoke_config(tpl, ident, props, grants)
    dlq = dead_letter(tpl, props, grants)
    role: Text | None = tpl.target(props["Role"]) if "Role" in props else None
    if role is None:
        parts.roles.append(build_role(tpl, ident, props, grants, base))
        role = f"{ident}Role"
    code_uri, code_dir = code_location(tpl, props, posixpath.dirname(loc.file))
    url = function_url(tpl, props)
    logging = props.get("LoggingConfig")
    function = Function(
        **base,
        name=tpl.text(props.get("FunctionName")),
        runtime=tpl.text(props.get("Runtime")),
        handler=tpl.text(props.get("Handler")),
        package_type=tpl.text(props.get("PackageType")) or "Zip",
        code_uri=code_uri,
        code_dir=code_dir,
        inline_code=_inline(tpl, props),
        memory=tpl.value(props.get("MemorySize")),
        timeout=tpl.value(props.get("Timeout")),
        tracing=tpl.text(props.get("Tracing")),
        environment=environment(tpl, props),
        kms_key=tpl.target(props.get("KmsKeyArn")) if "KmsKeyArn" in props else None,
        role=role,
        reserved_concurrency=tpl.value(props.get("ReservedConcurrentExecutions")),
        dead_letter_target=dlq,
        on_failure_destination=on_failure,
        max_retry_attempts=retries,
        vpc=vpc_config(tpl, props),
        code_signing_config=tpl.text(props.get("CodeSigningConfigArn")),
        layers=layers(tpl, props),
        url=url,
        events=(*events.sources, *(_api_source(e) for e in events.api_events)),
        architectures=tpl.texts(props.get("Architectures")),
        log_group=tpl.text(logging.get("LogGroup")) if isinstance(logging, YMap) else None,
        assumptions=tpl.take_assumptions(),
    )
    parts.functions.append(function)
    if url is not None:
        parts.permissions.extend(url_permissions(ident, url, function.condition))
    _add_event_parts(parts, events)
    parts.diagnostics.extend(grants.diagnostics)
    pending.events.extend(events.api_events)


def _add_event_parts(parts: Parts, events: EventOutput) -> None:
    """The resources SAM generates for a function's events."""
    parts.permissions.extend(events.permissions)
    parts.event_source_mappings.extend(events.mappings)
    parts.event_rules.extend(events.rules)
    parts.roles.extend(events.roles)
    parts.subscriptions.extend(events.subscriptions)
    parts.channels.extend(events.channels)


def _inline(tpl: Template, props: YMap) -> str | None:
    code = tpl.text(props.get("InlineCode")) if "InlineCode" in props else None
    return code if isinstance(code, str) else None


def _api_source(event: ApiEvent) -> EventSource:
    api = event.api or (IMPLICIT_REST if event.kind == "Api" else IMPLICIT_HTTP)
    return EventSource(
        id=event.name,
        kind=event.kind,
        function=event.function,
        source=api,
        location=event.location,
        invocation="sync",
    )


def _explicit_api(
    tpl: Template, ident: str, cfn_type: str, props: YMap, parts: Parts, pending: _Apis
) -> None:
    http = cfn_type == "AWS::Serverless::HttpApi"
    mapping = {
        "stage": "StageName",
        "authorizers": "Auth",
        "default_authorizer": "Auth",
        "cors": "CorsConfiguration" if http else "Cors",
        "tracing": "TracingEnabled",
        "cache_enabled": "CacheClusterEnabled",
        "access_log_destination": "AccessLogSettings" if http else "AccessLogSetting",
        "execution_logging": "MethodSettings",
        "data_trace": "MethodSettings",
        "throttling": "DefaultRouteSettings" if http else "MethodSettings",
        "endpoint_type": "EndpointConfiguration",
        "resource_policy": "Auth",
    }
    base = {
        **base_fields(tpl, ident, cfn_type, props, mapping),
        "assumptions": tpl.take_assumptions(),
    }
    api, auth = build_api(tpl, ident, props, http, base, parts.diagnostics)
    pending.apis[ident] = (api, auth)
    domain = domain_of(tpl, api, props)
    if domain is not None:
        parts.domains.append(domain)


def _implicit_api(tpl: Template, ident: str, pending: _Apis, parts: Parts) -> None:
    """SAM's ``ServerlessRestApi``/``ServerlessHttpApi``: Globals are their only settings."""
    http = ident == IMPLICIT_HTTP
    cfn_type = "AWS::Serverless::HttpApi" if http else "AWS::Serverless::Api"
    first = next(e for e in pending.events if (e.kind == "HttpApi") == http and e.api is None)
    props = merge_globals(tpl.globals, cfn_type, YMap(first.location))
    if not http:
        props["StageName"] = "Prod"
    base = implicit_base(ident, first.location)
    api, auth = build_api(tpl, ident, props, http, base, parts.diagnostics)
    pending.apis[ident] = (api, auth)


def _attach_routes(tpl: Template, parts: Parts, pending: _Apis) -> None:
    for kind, implicit in (("Api", IMPLICIT_REST), ("HttpApi", IMPLICIT_HTTP)):
        if any(e.kind == kind and e.api is None for e in pending.events):
            _implicit_api(tpl, implicit, pending, parts)
    for ident, (api, auth) in pending.apis.items():
        mine = [
            e
            for e in pending.events
            if (e.api or (IMPLICIT_REST if e.kind == "Api" else IMPLICIT_HTTP)) == ident
        ]
        routes = [route_of(tpl, e, auth, ident) for e in mine]
        parts.apis.append(with_routes(api, routes))
        parts.permissions.extend(event_permission(e, api) for e in mine)
        parts.permissions.extend(authorizer_permissions(api))
