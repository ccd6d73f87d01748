"""SAM API ``Auth``: authorizers and how SAM picks the one that protects each route."""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.yamljson import YMap
from faasguard.model import Authorizer, Location, Ref

_IAM = "AWS_IAM"


@dataclass(frozen=True, slots=True)
class ApiAuth:
    """The ``Auth`` block of one API, resolved once and applied to each of its events."""

    authorizers: tuple[Authorizer, ...]
    default: str | None
    api_key_required: bool | Ref
    default_on_preflight: bool
    location: Location

    def named(self, name: str) -> Authorizer | None:
        return next((a for a in self.authorizers if a.name == name), None)


def _sources(tpl: Template, identity: YMap) -> tuple[str | Ref, ...]:
    found: list[str | Ref] = []
    if "Header" in identity:
        found.append(f"method.request.header.{tpl.text(identity['Header'])}")
    for key, prefix in (
        ("Headers", "method.request.header."),
        ("QueryStrings", "method.request.querystring."),
        ("StageVariables", "stageVariables."),
        ("Context", "context."),
    ):
        found.extend(f"{prefix}{t}" for t in tpl.texts(identity.get(key)))
    return tuple(found)


def _authorizer(tpl: Template, name: str, spec: YMap, loc: Location, http: bool) -> Authorizer:
    identity = spec.get("Identity")
    sources = _sources(tpl, identity) if isinstance(identity, YMap) else ()
    if "UserPoolArn" in spec:
        return Authorizer(
            name=name,
            kind="COGNITO",
            location=loc,
            identity_sources=sources,
            user_pools=tpl.texts(spec["UserPoolArn"]),
        )
    if "JwtConfiguration" in spec:
        jwt = spec["JwtConfiguration"]
        jwt_map = jwt if isinstance(jwt, YMap) else YMap(loc)
        return Authorizer(
            name=name,
            kind="JWT",
            location=loc,
            issuer=tpl.text(jwt_map.get("issuer")),
            audience=tpl.texts(jwt_map.get("audience")),
            identity_sources=tpl.texts(spec.get("IdentitySource")),
        )
    payload = tpl.text(spec.get("FunctionPayloadType"))
    kind = "LAMBDA_REQUEST" if http or payload == "REQUEST" else "LAMBDA_TOKEN"
    ttl = (
        tpl.value(identity["ReauthorizeEvery"])
        if isinstance(identity, YMap) and "ReauthorizeEvery" in identity
        else None
    )
    return Authorizer(
        name=name,
        kind=kind,
        location=loc,
        function=tpl.target(spec.get("FunctionArn")),
        identity_sources=sources,
        ttl=ttl,
    )


def api_auth(tpl: Template, props: YMap, http: bool) -> ApiAuth:
    auth = props.get("Auth")
    block = auth if isinstance(auth, YMap) else YMap(props.loc)
    specs = block.get("Authorizers")
    found: list[Authorizer] = []
    if isinstance(specs, YMap):
        for name, spec in specs.items():
            if isinstance(spec, YMap):
                found.append(_authorizer(tpl, name, spec, specs.key_loc(name), http))
    enable_iam = tpl.value(block.get("EnableIamAuthorizer")) is True
    if not http or enable_iam:
        found.append(
            Authorizer(
                name=_IAM,
                kind="IAM",
                location=block.key_loc("EnableIamAuthorizer" if http else "Authorizers"),
            )
        )
    default = tpl.text(block.get("DefaultAuthorizer"))
    key_required = tpl.value(block.get("ApiKeyRequired"))
    preflight = tpl.value(block.get("AddDefaultAuthorizerToCorsPreflight"))
    return ApiAuth(
        authorizers=tuple(found),
        default=default if isinstance(default, str) else None,
        api_key_required=key_required if isinstance(key_required, bool | Ref) else False,
        default_on_preflight=preflight is not False,
        location=block.key_loc("DefaultAuthorizer"),
    )


def route_authorizer(
    auth: ApiAuth, event_auth: YMap, method: str, tpl: Template
) -> Authorizer | None:
    """SAM's choice: the event's ``Auth.Authorizer``, else the API default (not on OPTIONS
    when ``AddDefaultAuthorizerToCorsPreflight`` is false); ``NONE`` means no authorizer."""
    chosen = tpl.text(event_auth.get("Authorizer"))
    if chosen is None:
        if method == "OPTIONS" and not auth.default_on_preflight:
            return None
        chosen = auth.default
    if chosen is None or chosen == "NONE":
        return None
    if isinstance(chosen, Ref):
        return Authorizer(name=str(chosen), kind="UNKNOWN", location=event_auth.loc)
    return auth.named(chosen) or Authorizer(name=chosen, kind="UNKNOWN", location=auth.location)


def route_api_key(auth: ApiAuth, event_auth: YMap, tpl: Template) -> bool | Ref:
    if "ApiKeyRequired" in event_auth:
        value = tpl.value(event_auth["ApiKeyRequired"])
        return value if isinstance(value, bool | Ref) else False
    return auth.api_key_required
