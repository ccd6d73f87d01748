"""API pillar, authorizers: tokens an authorizer accepts must come from your identity provider,
for your application."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Authorizer,
    Pillar,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import (
    CWE_287,
    OWASP_AUTH,
    SAM_SLS_TF,
)
from faasguard.rules._registry import rule

API012 = RuleInfo(
    id="API012",
    name="jwt-authorizer-incomplete",
    title="JWT or Cognito authorizer does not pin issuer, audience or user pool",
    pillar=Pillar.API,
    severity=Severity.HIGH,
    rationale="A JWT authorizer without an audience accepts any token its issuer signs, for any "
    "client: with a shared issuer (a Cognito pool serving several apps, a multi-tenant identity "
    "provider) a token minted for another application opens this API. Without an issuer, or a "
    "Cognito authorizer without a user pool, nothing ties tokens to your identity provider.",
    remediation="SAM HttpApi: `JwtConfiguration: {issuer: <url>, audience: [<client id>]}`. "
    "CloudFormation: `JwtConfiguration.Issuer` and `Audience` on the `AWS::ApiGatewayV2::"
    "Authorizer`; `ProviderARNs` on a COGNITO_USER_POOLS `AWS::ApiGateway::Authorizer`.",
    frameworks=SAM_SLS_TF,
    references=(OWASP_AUTH, CWE_287),
    example="Auth:\n  Authorizers:\n    Jwt:\n      JwtConfiguration:\n"
    "        issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
    fixed_example="Auth:\n  Authorizers:\n    Jwt:\n      JwtConfiguration:\n"
    "        issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc\n"
    "        audience: [3n4b5urk1ft4fl3mg5e62d9ado]",
    limitations="Route scopes and the token lifetime of the identity provider are not checked.",
)


def _authorizer_gaps(authorizer: Authorizer) -> tuple[str, ...]:
    if authorizer.kind == "JWT":
        missing = ("issuer",) if authorizer.issuer is None else ()
        return missing + (("audience",) if not authorizer.audience else ())
    if authorizer.kind == "COGNITO" and not authorizer.user_pools:
        return ("user pool",)
    return ()


@rule(API012)
def jwt_authorizer_incomplete(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        for authorizer in api.authorizers:
            gaps = _authorizer_gaps(authorizer)
            if gaps:
                yield Violation(
                    resource=api.id,
                    location=authorizer.location,
                    message=f"{authorizer.kind} authorizer {authorizer.name} of API {api.id} "
                    f"has no {' and no '.join(gaps)}",
                    evidence=tuple(f"{gap} not set" for gap in gaps),
                    fix="Pin the issuer and the audience (app client ids) of accepted tokens.",
                    key=authorizer.name,
                )


RULES = (jwt_authorizer_incomplete,)
