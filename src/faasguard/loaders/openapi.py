"""OpenAPI definitions of API Gateway APIs (Swagger 2.0 and OpenAPI 3.x) into routes.

The ``x-amazon-apigateway-*`` extensions carry what API Gateway does with a document: the
integration (which function a method invokes), authorizers, request validators, gateway
responses and HTTP API CORS. Security comes from the operation's ``security`` (else the
document's) resolved through ``securityDefinitions`` / ``components.securitySchemes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faasguard.loaders.cfn_api_common import function_of
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Authorizer, Cors, Location, Ref, Route, Text

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_ANY_METHOD = "x-amazon-apigateway-any-method"
_INTEGRATION = "x-amazon-apigateway-integration"
_AUTHORIZER = "x-amazon-apigateway-authorizer"
_AUTHTYPE = "x-amazon-apigateway-authtype"
_VALIDATORS = "x-amazon-apigateway-request-validators"
_VALIDATOR = "x-amazon-apigateway-request-validator"
_GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"
_HTTP_CORS = "x-amazon-apigateway-cors"
_LAMBDA_KINDS = {"token": "LAMBDA_TOKEN", "request": "LAMBDA_REQUEST"}
#: response parameter suffix -> CORS field, for OPTIONS mocks and gateway responses
_CORS_HEADERS = {
    "access-control-allow-origin": "origins",
    "access-control-allow-methods": "methods",
    "access-control-allow-headers": "headers",
    "access-control-allow-credentials": "credentials",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition:
    """What an OpenAPI document tells about its API."""

    routes: tuple[Route, ...] = ()
    authorizers: tuple[Authorizer, ...] = ()
    cors: Cors | None = None


@dataclass(slots=True)
class _Schemes:
    """Security schemes by name: authorizers, and the API key scheme names."""

    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    api_keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Document:
    api: str
    schemes: _Schemes
    validators: dict[str, bool | Ref]
    default_validator: Node
    security: Node


def is_openapi(node: Node) -> bool:
    return isinstance(node, YMap) and ("swagger" in node or "openapi" in node)


def parse_definition(tpl: Template, doc: YMap, api: str) -> Definition:
    """Routes (every path x method), authorizers and CORS of one OpenAPI document."""
    schemes = _schemes(tpl, doc)
    context = _Document(
        api=api,
        schemes=schemes,
        validators=_validators(tpl, doc.get(_VALIDATORS)),
        default_validator=doc.get(_VALIDATOR),
        security=doc.get("security"),
    )
    routes: list[Route] = []
    paths = doc.get("paths")
    for path, item in paths.items() if isinstance(paths, YMap) else ():
        if not isinstance(item, YMap):
            continue
        for key, operation in item.items():
            method = "ANY" if key == _ANY_METHOD else key.upper()
            if (key in _METHODS or key == _ANY_METHOD) and isinstance(operation, YMap):
                where = item.key_loc(key)
                routes.append(_route(tpl, context, (method, path, where), operation))
    return Definition(
        routes=tuple(routes),
        authorizers=tuple(schemes.authorizers.values()),
        cors=_cors(tpl, doc),
    )


# --- security ----------------------------------------------------------------------------


def _schemes(tpl: Template, doc: YMap) -> _Schemes:
    found = _Schemes()
    components = doc.get("components")
    specs = doc.get("securityDefinitions")
    if isinstance(components, YMap) and isinstance(components.get("securitySchemes"), YMap):
        specs = components.get("securitySchemes")
    if not isinstance(specs, YMap):
        return found
    for name, spec in specs.items():
        if not isinstance(spec, YMap):
            continue
        authorizer = _scheme_authorizer(tpl, name, spec, specs.key_loc(name))
        if authorizer is None:
            found.api_keys.add(name)
        else:
            found.authorizers[name] = authorizer
    return found


def _scheme_authorizer(tpl: Template, name: str, spec: YMap, loc: Location) -> Authorizer | None:
    """The authorizer a scheme stands for; None for the API key scheme (``x-api-key``)."""
    extension = spec.get(_AUTHORIZER)
    if isinstance(extension, YMap):
        return _extension_authorizer(tpl, name, extension, loc)
    authtype = tpl.text(spec.get(_AUTHTYPE))
    if isinstance(authtype, str) and authtype.lower() == "awssigv4":
        return Authorizer(name=name, kind="IAM", location=loc)
    kind = tpl.text(spec.get("type"))
    header = tpl.text(spec.get("name"))
    if kind == "apiKey" and isinstance(header, str) and header.lower() == "x-api-key":
        return None
    return Authorizer(name=name, kind="UNKNOWN", location=loc)


def _extension_authorizer(tpl: Template, name: str, ext: YMap, loc: Location) -> Authorizer:
    kind = tpl.text(ext.get("type"))
    kind = kind.lower() if isinstance(kind, str) else ""
    sources = tpl.text(ext.get("identitySource"))
    identity = tuple(s.strip() for s in sources.split(",")) if isinstance(sources, str) else ()
    if kind == "cognito_user_pools":
        pools = tuple(t for t in (tpl.target(p) for p in _list(ext.get("providerARNs"))) if t)
        return Authorizer(
            name=name, kind="COGNITO", location=loc, user_pools=pools, identity_sources=identity
        )
    if kind == "jwt":
        jwt = ext.get("jwtConfiguration")
        jwt = jwt if isinstance(jwt, YMap) else YMap(loc)
        return Authorizer(
            name=name,
            kind="JWT",
            location=loc,
            issuer=tpl.text(jwt.get("issuer")),
            audience=tpl.texts(jwt.get("audience")),
            identity_sources=identity or tpl.texts(ext.get("identitySource")),
        )
    return Authorizer(
        name=name,
        kind=_LAMBDA_KINDS.get(kind, "UNKNOWN"),
        location=loc,
        function=function_of(tpl, ext.get("authorizerUri")),
        identity_sources=identity or tpl.texts(ext.get("identitySource")),
        ttl=tpl.value(ext.get("authorizerResultTtlInSeconds")),
    )


def _route_security(
    tpl: Template, doc: _Document, operation: YMap
) -> tuple[Authorizer | None, bool, tuple[Text, ...]]:
    """The route's authorizer, whether it needs an API key, and its scopes."""
    security = operation.get("security") if "security" in operation else doc.security
    authorizer: Authorizer | None = None
    scopes: tuple[Text, ...] = ()
    api_key = False
    for requirement in _list(security):
        if not isinstance(requirement, YMap):
            continue
        for name, wanted in requirement.items():
            if name in doc.schemes.api_keys:
                api_key = True
            elif authorizer is None and name != "NONE":
                authorizer = doc.schemes.authorizers.get(name) or Authorizer(
                    name=name, kind="UNKNOWN", location=requirement.key_loc(name)
                )
                scopes = tpl.texts(wanted)
    return authorizer, api_key, scopes


# --- routes ------------------------------------------------------------------------------


def _validators(tpl: Template, node: Node) -> dict[str, bool | Ref]:
    found: dict[str, bool | Ref] = {}
    for name, spec in node.items() if isinstance(node, YMap) else ():
        if not isinstance(spec, YMap):
            continue
        values = [
            tpl.value(spec.get(k)) for k in ("validateRequestBody", "validateRequestParameters")
        ]
        unknown = next((v for v in values if isinstance(v, Ref)), None)
        found[name] = True if True in values else (unknown or False)
    return found


def _validation(tpl: Template, doc: _Document, operation: YMap) -> bool | Ref:
    chosen = tpl.text(
        operation.get(_VALIDATOR) if _VALIDATOR in operation else doc.default_validator
    )
    if chosen is None:
        return False
    if isinstance(chosen, Ref):
        return chosen
    return doc.validators.get(chosen, Ref(text=f"request validator {chosen} (not defined)"))


def _route(
    tpl: Template, doc: _Document, where: tuple[str, str, Location], operation: YMap
) -> Route:
    method, path, location = where
    authorizer, api_key, scopes = _route_security(tpl, doc, operation)
    return Route(
        api=doc.api,
        method=method,
        path=path,
        location=location,
        function=_integration_function(tpl, operation.get(_INTEGRATION)),
        authorizer=authorizer,
        api_key_required=api_key,
        request_validation=_validation(tpl, doc, operation),
        scopes=scopes,
    )


def _integration_function(tpl: Template, integration: Node) -> Text | None:
    """The function a Lambda (proxy) integration invokes; None for mock/HTTP integrations."""
    if not isinstance(integration, YMap):
        return None
    kind = tpl.text(integration.get("type"))
    if isinstance(kind, str) and kind.lower() not in ("aws", "aws_proxy"):
        return None
    return function_of(tpl, integration.get("uri")) if "uri" in integration else None


def _list(node: Node) -> list[Node]:
    return list(node) if isinstance(node, YList) else []


# --- CORS --------------------------------------------------------------------------------


@dataclass(slots=True)
class _CorsParts:
    origins: list[tuple[Text, Location]] = field(default_factory=list)
    methods: list[Text] = field(default_factory=list)
    headers: list[Text] = field(default_factory=list)
    credentials: bool | Ref | None = None

    def cors(self) -> Cors | None:
        if not self.origins:
            return None
        origins = tuple(dict.fromkeys(o for o, _ in self.origins))
        return Cors(
            allow_origins=origins,
            allow_credentials=self.credentials,
            allow_methods=tuple(dict.fromkeys(self.methods)),
            allow_headers=tuple(dict.fromkeys(self.headers)),
            location=self.origins[0][1],
        )


def _cors(tpl: Template, doc: YMap) -> Cors | None:
    """CORS from OPTIONS mock integrations, gateway responses and ``x-amazon-apigateway-cors``."""
    found = _CorsParts()
    paths = doc.get("paths")
    for item in paths.values() if isinstance(paths, YMap) else ():
        options = item.get("options") if isinstance(item, YMap) else None
        integration = options.get(_INTEGRATION) if isinstance(options, YMap) else None
        responses = integration.get("responses") if isinstance(integration, YMap) else None
        for response in responses.values() if isinstance(responses, YMap) else ():
            _response_headers(tpl, response, "method.response.header.", found)
    gateway = doc.get(_GATEWAY_RESPONSES)
    for response in gateway.values() if isinstance(gateway, YMap) else ():
        _response_headers(tpl, response, "gatewayresponse.header.", found)
    _http_cors(tpl, doc, found)
    return found.cors()


def _response_headers(tpl: Template, response: Node, prefix: str, found: _CorsParts) -> None:
    params = response.get("responseParameters") if isinstance(response, YMap) else None
    if not isinstance(params, YMap):
        return
    for key, node in params.items():
        header = key.lower().removeprefix(prefix) if key.lower().startswith(prefix) else ""
        value = _unquote(tpl.text(node))
        if header not in _CORS_HEADERS or value is None:
            continue
        target = _CORS_HEADERS[header]
        if target == "origins":
            found.origins.append((value, params.key_loc(key)))
        elif target == "credentials":
            found.credentials = value if isinstance(value, Ref) else value.lower() == "true"
        else:
            parts = value.split(",") if isinstance(value, str) else [value]
            values = found.methods if target == "methods" else found.headers
            values.extend(p.strip() if isinstance(p, str) else p for p in parts)


def _http_cors(tpl: Template, doc: YMap, found: _CorsParts) -> None:
    config = doc.get(_HTTP_CORS)
    if not isinstance(config, YMap):
        return
    loc = doc.key_loc(_HTTP_CORS)
    found.origins.extend((origin, loc) for origin in tpl.texts(config.get("allowOrigins")))
    found.methods.extend(tpl.texts(config.get("allowMethods")))
    found.headers.extend(tpl.texts(config.get("allowHeaders")))
    credentials = tpl.value(config.get("allowCredentials"))
    if isinstance(credentials, bool | Ref):
        found.credentials = credentials


def _unquote(value: Text | None) -> Text | None:
    """Response parameter values are quoted literals: ``"'*'"`` means the string ``*``."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value
