"""API pillar, CORS: which web origins may call an API or a function URL from a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from faasguard.model import (
    App,
    Cors,
    Pillar,
    Ref,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import unresolved
from faasguard.rules._references import (
    CWE_942,
    OWASP_DEPLOY_CONFIG,
    SAM_SLS_TF,
)
from faasguard.rules._registry import rule

#: origins that match any site: ``*``, the opaque ``null`` origin, a whole scheme
_ANY_ORIGIN = re.compile(r"\*|null|https?://\*")


@dataclass(frozen=True, slots=True)
class _CorsSite:
    """One CORS configuration and what it belongs to."""

    resource: str
    label: str  # "API OrdersApi", "function URL of OrdersFn"
    cors: Cors


def _cors_sites(app: App) -> Iterator[_CorsSite]:
    for api in app.apis:
        if api.cors is not None:
            yield _CorsSite(api.id, f"{api.protocol} API {api.id}", api.cors)
    for fn in app.functions:
        if fn.url is not None and fn.url.cors is not None:
            yield _CorsSite(fn.id, f"the function URL of {fn.id}", fn.url.cors)


def origin_text(origin: str) -> str:
    """An origin as the browser sees it: SAM's REST ``Cors`` values are header literals
    wrapped in single quotes (``"'*'"``)."""
    text = origin.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1].strip()
    return text


def any_origins(cors: Cors) -> tuple[str, ...]:
    """The allowed origins that match every site."""
    texts = (origin_text(o) for o in cors.allow_origins if isinstance(o, str))
    return tuple(t for t in texts if _ANY_ORIGIN.fullmatch(t))


def _unknown_origin(cors: Cors) -> Ref | None:
    return next((o for o in cors.allow_origins if isinstance(o, Ref)), None)


API003 = RuleInfo(
    id="API003",
    name="cors-any-origin",
    title="CORS allows any origin",
    pillar=Pillar.API,
    severity=Severity.MEDIUM,
    rationale="`Access-Control-Allow-Origin: *` lets scripts on every web site read the "
    "responses of the API from a visitor's browser. Where the API trusts anything the browser "
    "holds or reaches (an intranet position, a token kept by a browser extension, a future "
    "switch to cookies), any site the user visits can read the data.",
    remediation="List the exact origins of your web front ends. SAM Api: `Cors: "
    "\"'https://app.example.com'\"` (or `AllowOrigin`); SAM HttpApi / function URL: "
    "`AllowOrigins: [https://app.example.com]`. CloudFormation: the same on "
    "`AWS::ApiGatewayV2::Api.CorsConfiguration` / `AWS::Lambda::Url.Cors`.",
    frameworks=SAM_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, CWE_942),
    equivalents=("checkov:CKV2_AWS_75", "prowler:awslambda_function_url_cors_policy"),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    Cors: \"'*'\"",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n"
    "    Cors: \"'https://app.example.com'\"",
    limitations="CORS headers returned by the function itself (REST proxy integrations) are not "
    "seen.",
)


@rule(API003)
def cors_any_origin(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for site in _cors_sites(app):
        cors = site.cors
        wildcard = any_origins(cors)
        if not wildcard:
            unknown = _unknown_origin(cors)
            if unknown is not None:
                yield unresolved(site.resource, cors.location, "CORS setting", unknown)
            continue
        if cors.allow_credentials is True:
            continue  # API004 reports the worse case
        yield Violation(
            resource=site.resource,
            location=cors.location,
            message=f"CORS of {site.label} allows any origin ({wildcard[0]})",
            evidence=(f"allowed origins: {', '.join(wildcard)}",),
            fix="Allow only the origins of your own web applications.",
        )


API004 = RuleInfo(
    id="API004",
    name="cors-any-origin-with-credentials",
    title="CORS allows any origin together with credentials",
    pillar=Pillar.API,
    severity=Severity.CRITICAL,
    rationale="With `AllowCredentials: true`, browsers send the visitor's cookies and HTTP "
    "authentication to the API. If every origin is allowed too (a wildcard, `null`, or an "
    "origin reflected back), any web site the user visits can act as the user and read the "
    "answers: a cross-site account takeover.",
    remediation="List exact origins when credentials are allowed, or drop `AllowCredentials`. "
    "SAM function URL / HttpApi: `AllowOrigins: [https://app.example.com]`; SAM Api: "
    "`Cors.AllowOrigin: \"'https://app.example.com'\"`.",
    frameworks=SAM_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, CWE_942, "CWE-346: Origin Validation Error"),
    example="FunctionUrlConfig:\n  AuthType: NONE\n  Cors:\n    AllowOrigins: ['*']\n"
    "    AllowCredentials: true",
    fixed_example="FunctionUrlConfig:\n  AuthType: NONE\n  Cors:\n"
    "    AllowOrigins: [https://app.example.com]\n    AllowCredentials: true",
    limitations="Origins reflected by the function's own code are not seen.",
)


@rule(API004)
def cors_any_origin_with_credentials(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for site in _cors_sites(app):
        cors = site.cors
        wildcard = any_origins(cors)
        if not wildcard or cors.allow_credentials is None or cors.allow_credentials is False:
            continue
        if isinstance(cors.allow_credentials, Ref):
            yield unresolved(site.resource, cors.location, "CORS setting", cors.allow_credentials)
            continue
        yield Violation(
            resource=site.resource,
            location=cors.location,
            message=f"CORS of {site.label} allows any origin ({wildcard[0]}) with credentials",
            evidence=(f"allowed origins: {', '.join(wildcard)}", "AllowCredentials: true"),
            fix="Allow only exact origins, or set AllowCredentials to false.",
        )


RULES = (cors_any_origin, cors_any_origin_with_credentials)
