"""Function hardening of how a function is reached: bounded concurrency and timeouts for
functions invoked from the internet, and network placement next to VPC-only resources."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from faasguard.model import (
    App,
    Function,
    Inconclusive,
    Pillar,
    PolicyStatement,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import unauthorized
from faasguard.rules._references import (
    EVERY_FRAMEWORK,
    OWASP_DOS,
    OWASP_MISCONFIG,
    SAM_CFN_TF,
)
from faasguard.rules._registry import rule

#: Longest synchronous wait of each API Gateway flavour, in seconds (integration timeout).
API_TIMEOUT_SECONDS = {"REST": 29, "HTTP": 30, "WEBSOCKET": 29}
_EVENT_PROTOCOL = {"Api": "REST", "HttpApi": "HTTP"}
#: Lambda's hard maximum timeout, in seconds.
LAMBDA_MAX_TIMEOUT = 900
#: Resource types reachable only from inside a VPC (no public endpoint by default).
VPC_ONLY_TYPES = frozenset(
    {
        "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::ElastiCache::CacheCluster",
        "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::ServerlessCache",
        "AWS::DocDB::DBCluster", "AWS::DocDB::DBInstance", "AWS::MemoryDB::Cluster",
        "AWS::Redshift::Cluster", "AWS::Neptune::DBCluster",
    }
)  # fmt: skip
#: IAM actions that authorise a network connection (IAM database auth), so imply VPC access.
_CONNECT_ACTIONS = frozenset({"rds-db:connect", "elasticache:connect", "memorydb:connect"})


@dataclass(frozen=True, slots=True)
class Exposure:
    """One way a function is invoked from the internet: an API route or a function URL."""

    description: str
    protocol: str | None  # "REST" / "HTTP" / "WEBSOCKET" for API routes, None for a URL
    authenticated: bool


def exposures(app: App, fn: Function) -> tuple[Exposure, ...]:
    """API routes, SAM API events, API Gateway permissions and the function URL of ``fn``."""
    found = [
        Exposure(
            f"{api.protocol} API {api.id}: {r.method} {r.path}",
            api.protocol,
            not unauthorized(r.authorizer),
        )
        for api in app.apis
        for r in api.routes
        if r.function == fn.id
    ]
    if not found:
        found += [
            Exposure(f"{ev.kind} event {ev.id}", _EVENT_PROTOCOL[ev.kind], authenticated=False)
            for ev in fn.events
            if ev.kind in _EVENT_PROTOCOL
        ]
    if not found:
        found += [
            Exposure(f"API Gateway permission {p.id}", "REST", authenticated=False)
            for p in app.permissions
            if p.function == fn.id and p.principal == "apigateway.amazonaws.com"
        ]
    if fn.url is not None:
        auth = fn.url.auth_type
        found.append(Exposure(f"function URL (AuthType {auth})", None, auth == "AWS_IAM"))
    return tuple(found)


FN002 = RuleInfo(
    id="FN002",
    name="public-function-without-concurrency-limit",
    title="Internet-facing function has no reserved concurrency limit",
    pillar=Pillar.HARDENING,
    severity=Severity.MEDIUM,
    rationale="A function behind an API route or a function URL scales with the traffic anyone "
    "sends it. Without ReservedConcurrentExecutions a flood of requests runs up the bill "
    "(denial of wallet) and takes the account's whole concurrency pool, throttling every other "
    "function of the account (denial of service).",
    remediation="Set `ReservedConcurrentExecutions` on the function to the peak it needs; for "
    "APIs also set stage throttling. The finding is LOW when every route is authenticated.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_DOS, "AWS Well-Architected SEC06-BP03", "CWE-770"),
    equivalents=("checkov:CKV_AWS_115", "cfn_nag:W92"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Events:\n"
    "      Get: {Type: HttpApi, Properties: {Path: /, Method: GET}}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    ReservedConcurrentExecutions: 20\n    Events:\n"
    "      Get: {Type: HttpApi, Properties: {Path: /, Method: GET}}",
    limitations="Routes defined only in an OpenAPI body are not seen. API throttling is not "
    "counted as a substitute. Setting reserved concurrency can fail on new accounts whose "
    "concurrency quota is low.",
)


@rule(FN002)
def public_function_without_concurrency_limit(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        exposed = exposures(app, fn)
        if not exposed:
            continue
        if isinstance(fn.reserved_concurrency, Ref):
            reason = f"reserved concurrency of {fn.id} is {fn.reserved_concurrency}"
            where = fn.at("reserved_concurrency")
            yield Inconclusive(resource=fn.id, location=where, reason=reason)
            continue
        if fn.reserved_concurrency is not None:
            continue
        yield Violation(
            resource=fn.id,
            location=fn.at("reserved_concurrency"),
            message=f"Function {fn.id} is invoked from the internet and has no reserved "
            "concurrency limit",
            evidence=tuple(f"invoked by {e.description}" for e in exposed),
            fix=f"Set ReservedConcurrentExecutions on {fn.id} to the concurrency it needs.",
            severity=Severity.LOW if all(e.authenticated for e in exposed) else None,
        )


def _seconds(value: object) -> int | None:
    """A timeout as written (int, or a numeric string); None when absent or not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


FN003 = RuleInfo(
    id="FN003",
    name="excessive-timeout",
    title="Function timeout exceeds what its synchronous caller waits for",
    pillar=Pillar.HARDENING,
    severity=Severity.LOW,
    rationale="API Gateway stops waiting for the integration after 29 s (REST, WebSocket) or "
    "30 s (HTTP APIs) and answers 504, but the function keeps running and billing until its own "
    "timeout. A long timeout behind an API multiplies the cost of slow or hostile requests and "
    "keeps concurrency busy; a timeout above Lambda's 900 s maximum makes the deployment fail.",
    remediation="Set `Timeout` (SAM: on the function or in `Globals.Function`) to at most the "
    "API's integration timeout (29 s REST, 30 s HTTP API), and move long work to an "
    "asynchronous path (queue, Step Functions). Never above 900.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_DOS, "AWS Well-Architected REL05-BP05", "CWE-400"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Timeout: 300\n"
    "    Events:\n      Get: {Type: Api, Properties: {Path: /, Method: GET}}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Timeout: 29\n"
    "    Events:\n      Get: {Type: Api, Properties: {Path: /, Method: GET}}",
    limitations="A REST API whose integration timeout was raised through a quota increase "
    "(regional and private APIs) is still held to 29 s.",
)


@rule(FN003)
def excessive_timeout(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        limits = {API_TIMEOUT_SECONDS.get(e.protocol, 29) for e in exposures(app, fn) if e.protocol}
        seconds = _seconds(fn.timeout)
        if isinstance(fn.timeout, Ref) and limits:
            reason = f"timeout of API-backed function {fn.id} is {fn.timeout}"
            yield Inconclusive(resource=fn.id, location=fn.at("timeout"), reason=reason)
        if seconds is None:
            continue
        if seconds > LAMBDA_MAX_TIMEOUT:
            yield Violation(
                resource=fn.id,
                location=fn.at("timeout"),
                message=f"Function {fn.id} has Timeout {seconds} s, above Lambda's maximum of "
                f"{LAMBDA_MAX_TIMEOUT} s",
                fix=f"Set Timeout on {fn.id} to {LAMBDA_MAX_TIMEOUT} or less.",
                key="above-maximum",
            )
        elif limits and seconds > min(limits):
            yield Violation(
                resource=fn.id,
                location=fn.at("timeout"),
                message=f"Function {fn.id} has Timeout {seconds} s but its API gives up after "
                f"{min(limits)} s",
                evidence=(f"API Gateway integration timeout: {min(limits)} s",),
                fix=f"Set Timeout on {fn.id} to {min(limits)} or less; move long work to an "
                "asynchronous path.",
                key="behind-api",
            )


def _vpc_only_ids(app: App) -> dict[str, str]:
    return {rid: rtype for rid, rtype in app.resource_types if rtype in VPC_ONLY_TYPES}


def _targets(statement: PolicyStatement) -> Iterator[str]:
    for resource in statement.resources:
        if isinstance(resource, Ref) and resource.target:
            yield resource.target


def _vpc_references(app: App, fn: Function, vpc_only: dict[str, str]) -> Iterator[str]:
    """Evidence lines: environment values and connect grants that point at VPC-only resources."""
    for var in fn.environment:
        if isinstance(var.value, Ref) and var.value.target in vpc_only:
            target = var.value.target
            yield f"environment variable {var.name} refers to {vpc_only[target]} {target}"
    role = app.role(fn.role) if isinstance(fn.role, str) else None
    if role is None:
        return
    for st in role.statements:
        actions = {a.lower() for a in st.actions if isinstance(a, str)}
        if actions & _CONNECT_ACTIONS:
            for target in _targets(st):
                if target in vpc_only:
                    yield f"role {role.id} may connect to {vpc_only[target]} {target}"


FN005 = RuleInfo(
    id="FN005",
    name="function-outside-vpc-with-vpc-resources",
    title="Function outside any VPC connects to a VPC-only resource",
    pillar=Pillar.HARDENING,
    severity=Severity.MEDIUM,
    rationale="Databases and caches (RDS, Aurora, ElastiCache, DocumentDB, MemoryDB, Redshift, "
    "Neptune) are meant to be reachable only inside their VPC. A function without VpcConfig "
    "that connects to one only works if the database is exposed to the internet, which turns "
    "its password into the only barrier.",
    remediation="Give the function a `VpcConfig` with private subnets in the database's VPC and "
    "a security group the database's security group admits; keep the database private.",
    frameworks=SAM_CFN_TF,
    references=(OWASP_MISCONFIG, "AWS Well-Architected SEC05-BP01", "CWE-668"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Environment:\n"
    "      Variables: {DB_HOST: !GetAtt Db.Endpoint.Address}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    VpcConfig:\n"
    "      SubnetIds: [!Ref PrivateSubnet]\n      SecurityGroupIds: [!Ref FnSg]\n"
    "    Environment:\n      Variables: {DB_HOST: !GetAtt Db.Endpoint.Address}",
    limitations="Only references to resources of the same template are seen (environment "
    "values and IAM connect grants). The RDS Data API and Redshift Data API need no VPC and are "
    "not flagged. OpenSearch domains are skipped: whether they sit in a VPC is not modelled.",
)


@rule(FN005)
def function_outside_vpc_with_vpc_resources(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    vpc_only = _vpc_only_ids(app)
    if not vpc_only:
        return
    for fn in app.functions:
        if fn.vpc is not None:
            continue
        evidence = tuple(sorted(set(_vpc_references(app, fn, vpc_only))))
        if evidence:
            yield Violation(
                resource=fn.id,
                location=fn.at("vpc"),
                message=f"Function {fn.id} has no VpcConfig but connects to a VPC-only resource",
                evidence=evidence,
                fix=f"Add a VpcConfig to {fn.id} with private subnets of the resource's VPC.",
            )


RULES: tuple[Rule, ...] = (
    public_function_without_concurrency_limit,
    excessive_timeout,
    function_outside_vpc_with_vpc_resources,
)
