"""Monitoring and logging of APIs: access logs, execution logs, X-Ray tracing, and request data
kept out of the logs. Findings are reported on the SAM construct that generated the stage."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Pillar,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
)
from faasguard.rules._helpers import false_or_absent, missing_control, owner, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_532,
    CWE_778,
    EVERY_FRAMEWORK,
    OWASP_LOG,
    WA_LOG,
)
from faasguard.rules._registry import rule

LOG003 = RuleInfo(
    id="LOG003",
    name="api-without-access-logs",
    title="API stage without access logging",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="Access logs are the only record of who called which route, from where, with "
    "which result; without them credential stuffing, enumeration or data scraping through the "
    "API cannot be detected or investigated.",
    remediation="SAM: `AccessLogSetting` (Api) / `AccessLogSettings` (HttpApi) with a "
    "`DestinationArn` and a JSON `Format`. CloudFormation: `AccessLogSetting` on "
    "`AWS::ApiGateway::Stage`, `AccessLogSettings` on `AWS::ApiGatewayV2::Stage`.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    equivalents=(
        "checkov:CKV_AWS_76",
        "checkov:CKV_AWS_95",
        "serverless-rules:ES2000",
        "kics:80d45af4",
    ),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    AccessLogSetting:\n      DestinationArn: !GetAtt ApiLogs.Arn\n"
    '      Format: \'{"requestId":"$context.requestId"}\'',
    limitations="Stages created outside the template are not seen.",
)


@rule(LOG003)
def api_without_access_logs(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol == "GRAPHQL" or api.access_log_destination not in (None, ""):
            continue
        yield missing_control(
            owner(api),
            api.at("access_log_destination"),
            f"{api.protocol} API {api.id} does not write access logs",
            "no access log destination on the stage",
            "Configure access logging with a DestinationArn and a JSON Format.",
        )


LOG004 = RuleInfo(
    id="LOG004",
    name="rest-api-without-execution-logs",
    title="REST API without execution logging",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Execution logs record authorizer decisions, integration errors and throttling; "
    "without them a failing or abused authorizer leaves no trace in CloudWatch.",
    remediation="SAM: `MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: "
    "ERROR}]` on the Api. CloudFormation: the same in the Stage's `MethodSettings` (the account "
    "needs an `AWS::ApiGateway::Account` CloudWatch role).",
    frameworks=EVERY_FRAMEWORK,
    references=(WA_LOG, CWE_778),
    equivalents=("cdk-nag:AwsSolutions-APIG6",),
    example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    LoggingLevel: OFF",
    fixed_example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    LoggingLevel: ERROR",
    limitations="Only the stage-wide setting is considered.",
)


@rule(LOG004)
def rest_api_without_execution_logs(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in (a for a in app.apis if a.protocol == "REST"):
        level = api.execution_logging
        if isinstance(level, Ref):
            yield unresolved(api.id, api.at("execution_logging"), "LoggingLevel", level)
        elif level not in ("ERROR", "INFO"):
            yield missing_control(
                owner(api),
                api.at("execution_logging"),
                f"REST API {api.id} does not write execution logs",
                f"LoggingLevel: {level or 'absent (OFF)'}",
                "Set LoggingLevel ERROR or INFO in the stage's MethodSettings.",
            )


LOG005 = RuleInfo(
    id="LOG005",
    name="rest-api-without-tracing",
    title="REST API stage without X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Without tracing on the stage, a request cannot be followed from API Gateway into "
    "the functions and services behind it. HTTP APIs do not support X-Ray and are not checked.",
    remediation="SAM: `TracingEnabled: true` on the Api (or `Globals.Api`). CloudFormation: "
    "`TracingEnabled: true` on the `AWS::ApiGateway::Stage`.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    equivalents=(
        "checkov:CKV_AWS_73",
        "serverless-rules:WS2002",
        "kics:4ab10c48",
        "trivy:AWS-0111",
    ),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    TracingEnabled: true",
)


def _untraced(app: App, protocol: str, noun: str, setting: str, fix: str) -> Iterator[RuleResult]:
    """APIs of one protocol without X-Ray tracing; ``setting`` is the key that turns it on."""
    for api in (a for a in app.apis if a.protocol == protocol):
        if isinstance(api.tracing, Ref):
            yield unresolved(api.id, api.at("tracing"), setting, api.tracing)
        elif api.tracing is not True:
            yield missing_control(
                owner(api),
                api.at("tracing"),
                f"{noun} {api.id} is not traced with X-Ray",
                f"{setting}: {false_or_absent(api.tracing, 'absent (off)')}",
                fix,
            )


@rule(LOG005)
def rest_api_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    return _untraced(
        app, "REST", "REST API", "TracingEnabled", "Set TracingEnabled: true on the stage."
    )


LOG013 = RuleInfo(
    id="LOG013",
    name="graphql-api-without-tracing",
    title="AppSync GraphQL API without X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Resolvers reach data sources directly; without tracing a suspicious query cannot "
    "be followed to the tables and functions it touched.",
    remediation="SAM `AWS::Serverless::GraphQLApi` and CloudFormation `AWS::AppSync::GraphQLApi`:"
    " `XrayEnabled: true`.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    equivalents=("serverless-rules:WS3000",),
    example="Graph:\n  Type: AWS::AppSync::GraphQLApi\n  Properties:\n"
    "    Name: graph\n    AuthenticationType: AWS_IAM",
    fixed_example="Graph:\n  Type: AWS::AppSync::GraphQLApi\n  Properties:\n"
    "    Name: graph\n    AuthenticationType: AWS_IAM\n    XrayEnabled: true",
)


@rule(LOG013)
def graphql_api_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    return _untraced(app, "GRAPHQL", "GraphQL API", "XrayEnabled", "Set XrayEnabled: true.")


LOG015 = RuleInfo(
    id="LOG015",
    name="api-data-trace-on",
    title="REST API logs full requests and responses",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="`DataTraceEnabled` writes whole request and response bodies and headers to "
    "CloudWatch, including Authorization headers, tokens, passwords and personal data: the log "
    "group becomes a secret store readable by anyone with logs:GetLogEvents.",
    remediation="Remove `DataTraceEnabled: true` from the stage's `MethodSettings` (SAM: the "
    "Api's MethodSettings); use LoggingLevel ERROR/INFO for troubleshooting instead.",
    frameworks=EVERY_FRAMEWORK,
    references=(CWE_532, WA_LOG),
    equivalents=("checkov:CKV_AWS_276",),
    example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    DataTraceEnabled: true",
    fixed_example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    DataTraceEnabled: false",
)


@rule(LOG015)
def api_data_trace_on(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if isinstance(api.data_trace, Ref):
            yield unresolved(api.id, api.at("data_trace"), "DataTraceEnabled", api.data_trace)
        elif api.data_trace is True:
            yield missing_control(
                owner(api),
                api.at("data_trace"),
                f"API {api.id} logs full request and response data",
                "DataTraceEnabled: true",
                "Turn DataTraceEnabled off.",
            )


RULES: tuple[Rule, ...] = (
    api_without_access_logs,
    rest_api_without_execution_logs,
    rest_api_without_tracing,
    graphql_api_without_tracing,
    api_data_trace_on,
)
