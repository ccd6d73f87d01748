"""Observed vs granted vs needed: what each function's role really did, per the logs.

Calls made from inside the Lambda runtime (the ``faasguard_lambda_runtime_call`` base query:
role sessions whose user agent carries ``exec-env/AWS_Lambda_``) are grouped by session. Lambda
names the session after the function (``assumed-role/<role>/<function>``), which joins a session
to a function of the App model: by the function's name, or, for names CloudFormation generates
(``<stack>-<LogicalId>-<suffix>``), by the logical id inside the session name.

Per function: actions observed (``<service>:<eventName>``, API-version suffix removed), actions
granted by its role's statements, actions its code needs (``Function.code`` calls mapped with
``iam.sdkmap.required_actions``, when the code was analysed completely). From these:
granted-never-used (tighten), used-but-not-in-code (suspicious), denied (missing or probing).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from faasguard.iam.actions import matches
from faasguard.iam.grants import role_statements
from faasguard.iam.policy import is_allow, literal
from faasguard.iam.sdkmap import required_actions
from faasguard.logs.detections import Detection
from faasguard.model import App, Finding, Function, Location, Pillar, RuleInfo, Severity

#: the base query whose rows are the calls made from inside Lambda
LAMBDA_RUNTIME_QUERY = "faasguard_lambda_runtime_call"
_VERSION_SUFFIX = re.compile(r"(\d{8}(v\d+)?)$")
_SESSION = re.compile(r"^arn:aws[a-z-]*:sts::\d{12}:assumed-role/([^/]+)/(.+)$")
#: eventSource prefixes whose IAM service prefix differs
_PREFIXES = {"monitoring": "cloudwatch", "email": "ses", "runtime.lambda": "lambda"}

GRANTED_UNUSED = RuleInfo(
    id="CT101",
    name="granted-never-used",
    title="Function role grants actions the function never used in the logs",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    rationale="Every granted but unused action widens what an attacker who runs code in the "
    "function can do. The logs show what the function really calls.",
    remediation="Remove the listed actions (or narrow the wildcard) after checking that no rare "
    "code path (yearly job, error handler) needs them in a longer log window.",
    frameworks=(),
    limitations="Only as good as the log window; data events (S3 objects, Lambda Invoke, "
    "DynamoDB items) are seen only if the trail records them.",
)
USED_NOT_IN_CODE = RuleInfo(
    id="CT102",
    name="used-but-not-in-code",
    title="Function role used for an action its code does not call",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="The static analysis of the function's code found no call needing this action, "
    "yet its role session made it: injected code or stolen credentials, or a call the analysis "
    "missed (a library making AWS calls on its own).",
    remediation="Find which code made the call (CloudTrail eventID, time); if none should, treat "
    "the function as compromised: revoke the role's sessions and redeploy.",
    frameworks=(),
)
DENIED = RuleInfo(
    id="CT103",
    name="function-access-denied",
    title="Function role calls were denied",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    rationale="Denied calls from a function are missing grants (a bug users will hit) or code "
    "probing what the role allows.",
    remediation="Grant the action if the code needs it; otherwise find out what made the call.",
    frameworks=(),
)
PRIVILEGE_RULES = (GRANTED_UNUSED, USED_NOT_IN_CODE, DENIED)
_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "Client.UnauthorizedOperation",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedCall:
    """Calls of one role session to one API, as counted in the logs."""

    session_arn: str
    event_source: str
    event_name: str
    error_code: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivilegeReport:
    function: Function
    role: str
    observed: tuple[str, ...]
    denied: tuple[str, ...]
    granted_unused: tuple[str, ...]
    #: None when the code was not analysed completely (nothing can be said)
    not_in_code: tuple[str, ...] | None


def action_of(event_source: str, event_name: str) -> str:
    """``lambda.amazonaws.com``, ``UpdateFunctionCode20150331v2`` -> ``lambda:UpdateFunctionCode``
    (IAM prefix from the event source, API-version suffix dropped)."""
    service = event_source.removesuffix(".amazonaws.com")
    return f"{_PREFIXES.get(service, service)}:{_VERSION_SUFFIX.sub('', event_name)}"


def session_parts(arn: str) -> tuple[str, str] | None:
    """``(role name, session name)`` of an assumed-role session ARN."""
    match = _SESSION.match(arn)
    return (match.group(1), match.group(2)) if match else None


def function_for_session(app: App, session: str) -> Function | None:
    exact = [f for f in app.functions if isinstance(f.name, str) and f.name == session]
    if exact:
        return exact[0]
    generated = [f for f in app.functions if not isinstance(f.name, str) and f"-{f.id}-" in session]
    return generated[0] if len(generated) == 1 else None


def _granted_patterns(app: App, function: Function) -> list[str]:
    role = app.role(function.role) if function.role else None
    if role is None:
        return []
    return [
        pattern
        for statement in role_statements(app, role)
        if is_allow(statement) is True
        for pattern in literal(statement.actions)
    ]


def needed_actions(function: Function) -> set[str] | None:
    """IAM actions the function's code needs, or None when the code was not fully analysed."""
    if function.code is None or not function.code.complete:
        return None
    needed: set[str] = set()
    for call in function.code.calls:
        if call.service is None or call.operation is None:
            return None
        try:
            needed.update(r.action for r in required_actions(call.service, call.operation))
        except KeyError:
            return None
    return needed


def _report(app: App, function: Function, calls: Sequence[ObservedCall]) -> PrivilegeReport:
    used = {action_of(c.event_source, c.event_name) for c in calls if not c.error_code}
    denied = {
        action_of(c.event_source, c.event_name) for c in calls if c.error_code in _DENIED_CODES
    }
    patterns = _granted_patterns(app, function)
    unused = sorted({p for p in patterns if not any(matches(p, a) for a in used)})
    needed = needed_actions(function)
    not_in_code = None if needed is None else tuple(sorted(a for a in used if a not in needed))
    role = session_parts(calls[0].session_arn) if calls else None
    return PrivilegeReport(
        function=function,
        role=role[0] if role else "",
        observed=tuple(sorted(used)),
        denied=tuple(sorted(denied)),
        granted_unused=tuple(unused),
        not_in_code=not_in_code,
    )


def privilege_reports(app: App, calls: Iterable[ObservedCall]) -> list[PrivilegeReport]:
    """One report per function of ``app`` that the logs show calling AWS from Lambda."""
    by_function: dict[str, list[ObservedCall]] = {}
    functions: dict[str, Function] = {}
    for call in calls:
        parts = session_parts(call.session_arn)
        function = function_for_session(app, parts[1]) if parts else None
        if function is not None:
            by_function.setdefault(function.id, []).append(call)
            functions[function.id] = function
    return [_report(app, functions[i], by_function[i]) for i in sorted(by_function)]


def report_location(report: PrivilegeReport) -> Location:
    return report.function.at("role")


def function_concerned(app: App, actor: str, resource: str) -> Function | None:
    """The function an event concerns: the caller's Lambda session, or the function named in
    the request (a name or a function ARN)."""
    parts = session_parts(actor)
    if parts:
        found = function_for_session(app, parts[1])
        if found is not None:
            return found
    name = resource.rsplit(":function:", 1)[-1].split(":", 1)[0] if resource else ""
    return next((f for f in app.functions if isinstance(f.name, str) and f.name == name), None)


def join_function(detection: Detection, apps: Sequence[App]) -> Detection:
    """The detection with the function it concerns named (``app source: logical id``)."""
    for app in apps:
        found = function_concerned(app, detection.actor, detection.resource)
        if found is not None:
            return replace(detection, function=f"{app.source}: {found.id}")
    return detection


def _finding(
    info: RuleInfo, report: PrivilegeReport, message: str, items: Sequence[str]
) -> Finding:
    key = f"{info.id}\x1f{report.function.location.file}\x1f{report.function.id}"
    return Finding(
        rule=info,
        severity=info.severity,
        resource=report.function.id,
        location=report_location(report),
        message=message,
        evidence=(f"role: {report.role}", *(f"action: {a}" for a in items)),
        fix=info.remediation,
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:32],
    )


def privilege_findings(apps: Sequence[App], calls: Sequence[ObservedCall]) -> list[Finding]:
    """The privilege report of every function the logs show, as findings (CT101-CT103)."""
    findings: list[Finding] = []
    for app in apps:
        for report in privilege_reports(app, calls):
            name = report.function.id
            if report.granted_unused:
                text = f"{name}: role grants {len(report.granted_unused)} action pattern(s) " + (
                    f"never used in the logs (used: {', '.join(report.observed) or 'none'})"
                )
                findings.append(_finding(GRANTED_UNUSED, report, text, report.granted_unused))
            if report.not_in_code:
                text = f"{name}: role session used actions its code does not call"
                findings.append(_finding(USED_NOT_IN_CODE, report, text, report.not_in_code))
            if report.denied:
                text = f"{name}: calls denied for {', '.join(report.denied)}"
                findings.append(_finding(DENIED, report, text, report.denied))
    return findings
