"""What the API Gateway (v1, v2) and AppSync builders share: the collected APIs and routes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from faasguard.loaders.cfn_common import Source, flag, sub
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import Api, Authorizer, Location, Ref, Route, Text, Throttling


@dataclass(slots=True)
class ApiSet:
    """APIs of the template by id, while routes, stages and plans are attached to them."""

    apis: dict[str, Api] = field(default_factory=dict)
    routes: dict[str, list[Route]] = field(default_factory=dict)
    authorizers: dict[str, tuple[str, Authorizer]] = field(default_factory=dict)  # id -> api
    sources: dict[str, Source] = field(default_factory=dict)

    def update(self, api_id: Text | None, at: list[tuple[str, Location]], **fields: object) -> None:
        """Set fields of API ``api_id`` (ignored when it is not an API of the template)."""
        api = self.apis.get(api_id) if isinstance(api_id, str) else None
        if api is None:
            return
        replaced = {name for name, _ in at}
        kept = tuple(pair for pair in api.field_locations if pair[0] not in replaced)
        locations = (*kept, *at)
        self.apis[api.id] = dataclasses.replace(api, field_locations=locations, **fields)  # type: ignore[arg-type]

    def add_route(self, route: Route) -> None:
        self.routes.setdefault(route.api, []).append(route)


def function_of(tpl: Template, node: Node) -> Text | None:
    """The function an integration/authorizer URI invokes (``...${Fn.Arn}/invocations``)."""
    value = tpl.target(node)
    if isinstance(value, Ref) and value.target is not None and tpl.is_resource(value.target):
        return value.target
    return value


#: Api fields a stage sets; a stage that leaves one unset is where to set it
STAGE_FIELDS = (
    "access_log_destination",
    "access_log_format",
    "execution_logging",
    "data_trace",
    "tracing",
    "throttling",
    "cache_enabled",
    "cache_encrypted",
)


def throttling(tpl: Template, settings: YMap) -> Throttling | None:
    keys = [k for k in ("ThrottlingRateLimit", "ThrottlingBurstLimit") if k in settings]
    if not keys:
        return None
    return Throttling(
        rate_limit=tpl.value(settings.get("ThrottlingRateLimit")),
        burst_limit=tpl.value(settings.get("ThrottlingBurstLimit")),
        location=settings.key_loc(keys[0]),
    )


def stage_settings(
    tpl: Template, settings: YMap | None, at: list[tuple[str, Location]]
) -> dict[str, object]:
    """Logging/trace/throttling/cache fields from a method-settings-like mapping; the location
    of each key that set one is appended to ``at``."""
    if settings is None:
        return {}
    fields: dict[str, object] = {}
    for key, name in (("LoggingLevel", "execution_logging"),):
        if key in settings:
            fields[name] = tpl.text(settings.get(key))
            at.append((name, settings.key_loc(key)))
    for key, name in _FLAG_SETTINGS:
        if key in settings:
            fields[name] = flag(tpl, settings.get(key))
            at.append((name, settings.key_loc(key)))
    limits = throttling(tpl, settings)
    if limits is not None:
        fields["throttling"] = limits
        at.append(("throttling", limits.location))
    return fields


_FLAG_SETTINGS = (
    ("DataTraceEnabled", "data_trace"),
    ("CachingEnabled", "cache_enabled"),
    ("CacheDataEncrypted", "cache_encrypted"),
)


def access_log(tpl: Template, props: YMap, key: str) -> dict[str, object]:
    settings = sub(tpl, props, key)
    if settings is None:
        return {}
    return {
        "access_log_destination": tpl.target(settings.get("DestinationArn")),
        "access_log_format": tpl.text(settings.get("Format")),
    }


def locations_of(props: YMap, fields: dict[str, object], key: str) -> list[tuple[str, Location]]:
    """Every field set from ``props[key]`` points at that key."""
    return [(name, props.key_loc(key)) for name in fields] if key in props else []


def route_authorizer(
    tpl: Template, props: YMap, found: ApiSet, known_kinds: dict[str, str]
) -> Authorizer | None:
    """A method's/route's authorizer: NONE, AWS_IAM, or the referenced authorizer resource;
    an authorizer outside the template keeps the kind its AuthorizationType names."""
    kind = tpl.text(props.get("AuthorizationType")) or "NONE"
    at = props.key_loc("AuthorizationType")
    if kind == "NONE":
        return None
    if kind == "AWS_IAM":
        return Authorizer(name="AWS_IAM", kind="IAM", location=at)
    ident = tpl.target(props.get("AuthorizerId"))
    if isinstance(ident, str) and ident in found.authorizers:
        return found.authorizers[ident][1]
    guess = known_kinds.get(kind, "UNKNOWN") if isinstance(kind, str) else "UNKNOWN"
    return Authorizer(name=str(ident or kind), kind=guess, location=at)


def applies_to_all(tpl: Template, setting: YMap) -> bool:
    """A REST MethodSettings entry for every method of every resource (the stage default)."""
    path = tpl.text(setting.get("ResourcePath")) or "/*"
    method = tpl.text(setting.get("HttpMethod")) or "*"
    return path == "/*" and method == "*"
