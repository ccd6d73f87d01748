"""Function hardening: supported runtimes, bounded cost and concurrency, signed code, network
placement, and layers that are not shared with the world."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

import yaml

from faasguard.model import (
    App,
    Framework,
    FrozenMap,
    Function,
    Inconclusive,
    Pillar,
    PolicyStatement,
    Ref,
    Route,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._registry import rule

_SAM_CFN = (Framework.SAM, Framework.CLOUDFORMATION)
_OWASP_CONFIG = "OWASP Serverless Top 10: SAS-6 Security Misconfiguration"
_OWASP_DOS = "OWASP Serverless Top 10: SAS-8 Denial of Service & Financial Resource Exhaustion"
#: How long before the deprecation date FN001 starts to warn.
DEPRECATION_WARNING = timedelta(days=90)
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
class RuntimeLifecycle:
    deprecated: date
    successor: str | None


@cache
def runtime_lifecycles() -> dict[str, RuntimeLifecycle]:
    """The dated table of ``data/runtimes.yaml`` (AWS "Lambda runtimes" page)."""
    text = resources.files("faasguard").joinpath("data/runtimes.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["runtimes"]
    return {
        name: RuntimeLifecycle(
            deprecated=date.fromisoformat(entry["deprecated"]), successor=entry.get("successor")
        )
        for name, entry in raw.items()
    }


FN001 = RuleInfo(
    id="FN001",
    name="deprecated-runtime",
    title="Function uses a deprecated Lambda runtime",
    pillar=Pillar.HARDENING,
    severity=Severity.HIGH,
    rationale="After a runtime's deprecation date AWS no longer applies security patches to it: "
    "vulnerabilities in the language runtime and its bundled libraries stay open, and soon after "
    "AWS blocks creating and then updating functions on it, so an urgent fix cannot be deployed.",
    remediation="Set `Runtime` (SAM: on the function or in `Globals.Function`) to a supported "
    "version, usually the successor named in the finding, and test the code on it.",
    frameworks=_SAM_CFN,
    references=(
        _OWASP_CONFIG,
        "AWS Lambda developer guide: Lambda runtimes (runtime deprecation policy)",
        "CWE-1104: Use of Unmaintained Third Party Components",
    ),
    equivalents=("checkov:CKV_AWS_363", "cfn-lint:E2531", "cfn-lint:W2531"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.8",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13",
    limitations="Container-image functions (no Runtime) are not checked; the dates come from a "
    "table shipped with faasguard and are only as current as the installed version.",
)


@rule(FN001)
def deprecated_runtime(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if isinstance(fn.runtime, Ref):
            reason = f"runtime of {fn.id} is {fn.runtime}: cannot tell whether it is deprecated"
            yield Inconclusive(resource=fn.id, location=fn.at("runtime"), reason=reason)
            continue
        lifecycle = runtime_lifecycles().get(fn.runtime or "")
        if lifecycle is None or ctx.today < lifecycle.deprecated - DEPRECATION_WARNING:
            continue
        past = ctx.today >= lifecycle.deprecated
        successor = lifecycle.successor or "a supported runtime"
        yield Violation(
            resource=fn.id,
            location=fn.at("runtime"),
            message=f"Function {fn.id} uses runtime {fn.runtime}, "
            + ("deprecated" if past else "deprecated soon")
            + f" (deprecation date {lifecycle.deprecated.isoformat()})",
            evidence=(f"deprecation date of {fn.runtime}: {lifecycle.deprecated.isoformat()}",),
            fix=f"Move {fn.id} to {successor}.",
            severity=None if past else Severity.LOW,
            key=str(fn.runtime),
        )


@dataclass(frozen=True, slots=True)
class Exposure:
    """One way a function is invoked from the internet: an API route or a function URL."""

    description: str
    protocol: str | None  # "REST" / "HTTP" / "WEBSOCKET" for API routes, None for a URL
    authenticated: bool


def _authed(route: Route) -> bool:
    return route.authorizer is not None and route.authorizer.kind != "NONE"


def exposures(app: App, fn: Function) -> tuple[Exposure, ...]:
    """API routes, SAM API events, API Gateway permissions and the function URL of ``fn``."""
    found = [
        Exposure(f"{api.protocol} API {api.id}: {r.method} {r.path}", api.protocol, _authed(r))
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
    frameworks=_SAM_CFN,
    references=(_OWASP_DOS, "AWS Well-Architected SEC06-BP03", "CWE-770"),
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
    frameworks=_SAM_CFN,
    references=(_OWASP_DOS, "AWS Well-Architected REL05-BP05", "CWE-400"),
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


FN004 = RuleInfo(
    id="FN004",
    name="no-code-signing",
    title="Function does not enforce code signing",
    pillar=Pillar.HARDENING,
    severity=Severity.INFO,
    rationale="Without a code signing configuration, anyone who can update the function's code "
    "(a leaked CI credential, a compromised artifact bucket) can deploy any code. With "
    "CodeSigningConfigArn and an enforcing policy, Lambda only accepts packages signed by the "
    "signing profiles you trust.",
    remediation="Create an `AWS::Lambda::CodeSigningConfig` with your AWS Signer profile and "
    "`UntrustedArtifactOnDeployment: Enforce`, and set `CodeSigningConfigArn` on the function.",
    frameworks=_SAM_CFN,
    references=(
        "OWASP Serverless Top 10: SAS-9 Functions Execution Flow Manipulation",
        "AWS Well-Architected SEC11-BP06",
        "CWE-494: Download of Code Without Integrity Check",
    ),
    equivalents=("checkov:CKV_AWS_272",),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13\n"
    "    CodeSigningConfigArn: !Ref SigningConfig",
    limitations="Container-image functions are skipped (Lambda does not support code signing "
    "for them). Whether the configuration enforces or only warns is not checked.",
)


@rule(FN004)
def no_code_signing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if fn.package_type == "Image" or fn.code_signing_config is not None:
            continue
        yield Violation(
            resource=fn.id,
            location=fn.at("code_signing_config"),
            message=f"Function {fn.id} has no CodeSigningConfigArn",
            fix=f"Set CodeSigningConfigArn on {fn.id} to a code signing configuration that "
            "enforces signatures.",
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
    frameworks=_SAM_CFN,
    references=(_OWASP_CONFIG, "AWS Well-Architected SEC05-BP01", "CWE-668"),
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


def _org_restricted(statement: PolicyStatement) -> bool:
    """An ``aws:PrincipalOrgID`` condition (how OrganizationId reaches the model)."""
    for _, keys in statement.conditions.items:
        if isinstance(keys, FrozenMap) and any(
            name.lower() == "aws:principalorgid"
            for name in keys.keys()  # noqa: SIM118 (FrozenMap is not iterable)
        ):
            return True
    return False


def _public_principal(statement: PolicyStatement) -> bool:
    return any(p.kind == "*" or p.value == "*" for p in statement.principals)


FN006 = RuleInfo(
    id="FN006",
    name="public-layer",
    title="Lambda layer version is shared with every AWS account",
    pillar=Pillar.HARDENING,
    severity=Severity.MEDIUM,
    rationale="A LayerVersionPermission with Principal '*' and no OrganizationId lets any AWS "
    "account download the layer's content: proprietary code, configuration, and any credential "
    "that was bundled into it.",
    remediation="Grant `lambda:GetLayerVersion` to specific account ids, or keep Principal '*' "
    "only together with `OrganizationId` set to your organisation.",
    frameworks=_SAM_CFN,
    references=(_OWASP_CONFIG, "AWS Well-Architected SEC03-BP07", "CWE-200"),
    example="LayerShare:\n  Type: AWS::Lambda::LayerVersionPermission\n  Properties:\n"
    "    Action: lambda:GetLayerVersion\n    LayerVersionArn: !Ref Layer\n    Principal: '*'",
    fixed_example="LayerShare:\n  Type: AWS::Lambda::LayerVersionPermission\n  Properties:\n"
    "    Action: lambda:GetLayerVersion\n    LayerVersionArn: !Ref Layer\n    Principal: '*'\n"
    "    OrganizationId: o-a1b2c3d4e5",
    limitations="Layers shared outside the template (CLI, other stacks) are not seen.",
)


@rule(FN006)
def public_layer(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for policy in app.resource_policies:
        if policy.target_kind != "layer":
            continue
        for st in policy.statements:
            if st.effect != "Allow" or not _public_principal(st) or _org_restricted(st):
                continue
            layers = ", ".join(str(t) for t in policy.targets) or "a layer"
            yield Violation(
                resource=policy.id,
                location=st.location,
                message=f"Layer permission {policy.id} shares {layers} with every AWS account",
                evidence=("principal '*' without OrganizationId",),
                fix="Name the account ids that may use the layer, or add OrganizationId.",
            )


RULES: tuple[Rule, ...] = (
    deprecated_runtime,
    public_function_without_concurrency_limit,
    excessive_timeout,
    no_code_signing,
    function_outside_vpc_with_vpc_resources,
    public_layer,
)
