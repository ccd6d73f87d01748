"""Detections: what a rule found in the logs, with who, from where, on what, and what to do.

Also the checks SQL cannot express (comparing two fields of a record) and the deploy-principal
allow-list, both applied to the hits the SQL engine returned.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

import orjson

from faasguard.logs.correlate import Correlated, correlate
from faasguard.logs.sigma import Detector, Kind, Match, RuleSet

Hit = Mapping[str, str | int]
#: changes made by CloudFormation on a stack's behalf are deployments
_DEPLOY_SERVICES = frozenset({"cloudformation.amazonaws.com"})
_ACCOUNT = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
_LAYER_ACCOUNT = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:([0-9]{12}):layer:")
#: request fields that name the function, role or other resource an event concerns
_RESOURCE_FIELDS = (
    "requestParameters.functionName",
    "requestParameters.layerName",
    "requestParameters.roleName",
    "requestParameters.logGroupName",
    "requestParameters.secretId",
    "requestParameters.name",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Detection:
    """One alert. ``file``/``record``/``line`` locate the reported event (``record`` -1 and
    ``line`` 0 when unknown); ``count`` > 1 for a correlation (events, or distinct values)."""

    detector: Detector
    time: str
    actor: str
    source_ip: str
    user_agent: str
    account: str
    region: str
    event_name: str
    event_id: str
    resource: str
    file: str
    record: int
    line: int
    count: int = 1
    group: tuple[tuple[str, str], ...] = ()
    last_time: str = ""
    #: filled by the --app join: the function whose role or name the event concerns
    function: str = ""

    @property
    def explanation(self) -> str:
        return self.detector.description

    @property
    def response(self) -> str:
        return self.detector.response


def _text(hit: Hit, field: str) -> str:
    value = hit.get(field)
    return "" if value is None else str(value)


def resource_of(hit: Hit) -> str:
    """The function, layer, role, log group or secret an event concerns ('' when none)."""
    for field in _RESOURCE_FIELDS:
        value = _text(hit, field)
        if value:
            return value
    return ""


def is_deploy(hit: Hit, deploy_principals: Sequence[str]) -> bool:
    """Made by CloudFormation, or by a principal matching one of the allow-list's glob patterns
    (checked against the caller ARN and, for role sessions, the role ARN)."""
    if _text(hit, "userIdentity.invokedBy") in _DEPLOY_SERVICES:
        return True
    if _text(hit, "sourceIPAddress") in _DEPLOY_SERVICES:
        return True
    candidates = [
        _text(hit, "userIdentity.arn"),
        _text(hit, "userIdentity.sessionContext.sessionIssuer.arn"),
    ]
    return any(
        c and fnmatch.fnmatchcase(c, pattern) for c in candidates for pattern in deploy_principals
    )


def _foreign_principal(hit: Hit) -> bool:
    own = _text(hit, "recipientAccountId")
    accounts = _ACCOUNT.findall(_text(hit, "requestParameters.principal"))
    return bool(accounts) and any(a != own for a in accounts)


def _foreign_layer(hit: Hit) -> bool:
    own = _text(hit, "recipientAccountId")
    layers = _text(hit, "requestParameters.layers")
    try:
        decoded = orjson.loads(layers) if layers.startswith("[") else [layers]
    except orjson.JSONDecodeError:
        decoded = [layers]
    arns = [str(item.get("arn", "")) if isinstance(item, dict) else str(item) for item in decoded]
    return any(m and m.group(1) != own for m in map(_LAYER_ACCOUNT.match, arns))


def _matches(detector: Detector, hit: Hit) -> bool:
    match detector.match:
        case Match.NONE:
            return True
        case Match.FOREIGN_PRINCIPAL:
            return _foreign_principal(hit)
        case Match.FOREIGN_LAYER:
            return _foreign_layer(hit)


def _detection(detector: Detector, hit: Hit, files: Sequence[str], **extra: object) -> Detection:
    number = int(hit.get("_file", 0))
    return Detection(
        detector=detector,
        time=_text(hit, "eventTime"),
        actor=_text(hit, "userIdentity.arn") or _text(hit, "userIdentity.invokedBy"),
        source_ip=_text(hit, "sourceIPAddress"),
        user_agent=_text(hit, "userAgent"),
        account=_text(hit, "recipientAccountId"),
        region=_text(hit, "awsRegion"),
        event_name=_text(hit, "eventName"),
        event_id=_text(hit, "eventID"),
        resource=resource_of(hit),
        file=files[number] if 0 <= number < len(files) else "",
        record=int(hit.get("_record", -1)),
        line=int(hit.get("_line", 0)),
        **extra,  # type: ignore[arg-type]
    )


def _from_correlation(alert: Correlated, files: Sequence[str]) -> Detection:
    # the last event completed the pattern (the invoke, the call from outside Lambda): report its
    # actor and source, and the time span from the first event
    last = alert.events[-1]
    found = _detection(
        alert.detector,
        last,
        files,
        count=alert.count,
        group=alert.group,
        last_time=_text(last, "eventTime"),
    )
    return replace(found, time=_text(alert.events[0], "eventTime"))


def detect(
    ruleset: RuleSet,
    hits: Mapping[str, Sequence[Hit]],
    files: Sequence[str],
    deploy_principals: Sequence[str] = (),
    alerts: Sequence[Correlated] | None = None,
) -> list[Detection]:
    """All detections of ``ruleset`` over the engine's hits, in a stable order. ``alerts`` are
    the correlation alerts when the engine already evaluated them (else computed from ``hits``)."""
    if alerts is None:
        alerts = [
            a for d in ruleset.detectors if d.kind is not Kind.BASE for a in correlate(d, hits)
        ]
    found = list(_all(ruleset, hits, files, deploy_principals, alerts))
    found.sort(key=lambda d: (d.time, d.detector.id, d.file, d.record))
    return found


def _all(
    ruleset: RuleSet,
    hits: Mapping[str, Sequence[Hit]],
    files: Sequence[str],
    deploy_principals: Sequence[str],
    alerts: Sequence[Correlated],
) -> Iterator[Detection]:
    for detector in ruleset.detectors:
        if detector.kind is Kind.BASE:
            for hit in hits.get(detector.queries[0], ()):
                if detector.non_deploy_actor and is_deploy(hit, deploy_principals):
                    continue
                if _matches(detector, hit):
                    yield _detection(detector, hit, files)
    for alert in alerts:
        if alert.detector.non_deploy_actor and is_deploy(alert.events[0], deploy_principals):
            continue
        yield _from_correlation(alert, files)
