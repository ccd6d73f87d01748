"""Our Sigma rules: loaded with pySigma, base rules converted to SQL WHERE clauses (SQLite backend).

pySigma's SQLite backend emits one dotted, backtick-quoted column per field path
(`` `requestParameters.principal` ``); the flattened table provides exactly those columns.
Correlation rules are not converted: faasguard evaluates them itself (``correlate.py``) so that a
local run and a run over exported hits agree.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml
from sigma.backends.sqlite import sqlite as sqlite_backend
from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
)
from sigma.exceptions import SigmaError
from sigma.rule import SigmaDetection, SigmaDetectionItem, SigmaRule

from faasguard.model import Severity

_SQL_PREFIX = "SELECT * FROM logs WHERE "
_LEVELS = {
    "informational": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
#: columns every detection report needs, whatever the rules reference
CORE_FIELDS: tuple[str, ...] = (
    "eventTime",
    "eventName",
    "eventSource",
    "eventID",
    "awsRegion",
    "recipientAccountId",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "userIdentity.type",
    "userIdentity.arn",
    "userIdentity.accessKeyId",
    "userIdentity.invokedBy",
    "userIdentity.sessionContext.sessionIssuer.arn",
    "requestParameters.functionName",
    "requestParameters.layerName",
    "requestParameters.roleName",
    "requestParameters.logGroupName",
    "requestParameters.name",
    "requestParameters.secretId",
)


class RuleError(Exception):
    """A shipped or user rule file that pySigma cannot read or we cannot evaluate."""


class Kind(enum.StrEnum):
    BASE = "base"
    EVENT_COUNT = "event_count"
    VALUE_COUNT = "value_count"
    TEMPORAL = "temporal"
    TEMPORAL_ORDERED = "temporal_ordered"


class Match(enum.StrEnum):
    """Checks SQL cannot express (comparing two fields), applied to each hit by ``detections``."""

    NONE = ""
    FOREIGN_PRINCIPAL = "foreign-principal"
    FOREIGN_LAYER = "foreign-layer"


@dataclass(frozen=True, slots=True, kw_only=True)
class Detector:
    """One faasguard detection (``CT###``): a base rule or a correlation over base rules."""

    id: str
    name: str
    title: str
    description: str
    severity: Severity
    response: str
    references: tuple[str, ...]
    tags: tuple[str, ...]
    falsepositives: tuple[str, ...]
    sigma_id: str
    kind: Kind
    #: names of the base queries this detector reads (itself for a base rule)
    queries: tuple[str, ...]
    non_deploy_actor: bool = False
    match: Match = Match.NONE
    group_by: tuple[str, ...] = ()
    timespan: int = 0  # seconds
    threshold: int = 0
    value_field: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    detectors: tuple[Detector, ...]
    #: base query name -> SQL WHERE clause over the flattened ``logs`` table
    queries: tuple[tuple[str, str], ...]
    #: every column the rules and reports read, in a stable order
    fields: tuple[str, ...]

    def where(self, name: str) -> str:
        return dict(self.queries)[name]


def _detection_fields(detection: SigmaDetection | SigmaDetectionItem) -> Iterator[str]:
    if isinstance(detection, SigmaDetectionItem):
        if detection.field:
            yield detection.field
        return
    for item in detection.detection_items:
        yield from _detection_fields(item)


def rule_fields(rule: SigmaRule) -> set[str]:
    """The field paths a rule's detection reads (walked from pySigma's parse, not a hand list)."""
    found: set[str] = set()
    for detection in rule.detection.detections.values():
        found.update(_detection_fields(detection))
    return found


def _meta(doc: dict[str, object], where: str) -> dict[str, str]:
    meta = doc.get("faasguard")
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise RuleError(f"{where}: a detection needs a 'faasguard: {{id: CT###, ...}}' block")
    return {str(k): str(v) for k, v in meta.items()}


def _common(doc: dict[str, object], meta: dict[str, str], where: str) -> dict[str, object]:
    level = str(doc.get("level", ""))
    if level not in _LEVELS:
        raise RuleError(f"{where}: unknown level {level!r}")
    return {
        "id": meta["id"],
        "name": meta.get("name", meta["id"].lower()),
        "title": str(doc.get("title", "")),
        "description": " ".join(str(doc.get("description", "")).split()),
        "severity": _LEVELS[level],
        "response": " ".join(meta.get("response", "").split()),
        "references": tuple(str(r) for r in _list(doc.get("references"))),
        "tags": tuple(str(t) for t in _list(doc.get("tags"))),
        "falsepositives": tuple(str(f) for f in _list(doc.get("falsepositives"))),
        "sigma_id": str(doc.get("id", "")),
        "non_deploy_actor": meta.get("actor") == "non-deploy",
        "match": Match(meta.get("match", "")),
    }


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _correlation(doc: dict[str, object], where: str) -> Detector:
    try:
        rule = SigmaCorrelationRule.from_dict(doc)
    except SigmaError as exc:
        raise RuleError(f"{where}: {exc}") from exc
    meta = _meta(doc, where)
    condition = rule.condition
    if not isinstance(condition, SigmaCorrelationCondition):
        raise RuleError(f"{where}: extended correlation conditions are not evaluated")
    temporal = rule.type in (SigmaCorrelationType.TEMPORAL, SigmaCorrelationType.TEMPORAL_ORDERED)
    if condition.op is not SigmaCorrelationConditionOperator.GTE and not temporal:
        raise RuleError(f"{where}: only 'gte' conditions are evaluated")
    references = tuple(ref.reference for ref in rule.rules or ())
    return Detector(
        **_common(doc, meta, where),  # type: ignore[arg-type]
        kind=Kind(rule.type.name.lower()),
        queries=references,
        group_by=tuple(rule.group_by or ()),
        timespan=int(rule.timespan.seconds),
        threshold=len(references) if temporal else int(condition.count),
        value_field=str(condition.fieldref or ""),
    )


def _convert(rule: SigmaRule, backend: Any, where: str) -> str:
    try:
        converted = backend.convert_rule(rule)
    except SigmaError as exc:
        raise RuleError(f"{where}: {exc}") from exc
    if len(converted) != 1 or not str(converted[0]).startswith(_SQL_PREFIX):
        raise RuleError(f"{where}: unexpected conversion {converted!r}")
    return str(converted[0])[len(_SQL_PREFIX) :]


def parse_rules(texts: Sequence[tuple[str, str]]) -> RuleSet:
    """Read Sigma YAML documents ``(display name, text)`` into detectors and SQL base queries."""
    backend: Any = sqlite_backend.sqliteBackend()  # type: ignore[no-untyped-call]
    detectors: list[Detector] = []
    queries: dict[str, str] = {}
    fields: set[str] = set(CORE_FIELDS)
    for display, text in texts:
        for number, doc in enumerate(yaml.load_all(text, Loader=yaml.CSafeLoader), start=1):
            where = f"{display} (document {number})"
            if not isinstance(doc, dict):
                raise RuleError(f"{where}: not a Sigma rule")
            if "correlation" in doc:
                detector = _correlation(doc, where)
                fields.update(detector.group_by)
                fields.update([detector.value_field] if detector.value_field else [])
                detectors.append(detector)
                continue
            try:
                rule = SigmaRule.from_dict(doc)
            except SigmaError as exc:
                raise RuleError(f"{where}: {exc}") from exc
            fields.update(rule_fields(rule))
            if "faasguard" in doc:
                meta = _meta(doc, where)
                name = meta["id"]
                detectors.append(
                    Detector(**_common(doc, meta, where), kind=Kind.BASE, queries=(name,))  # type: ignore[arg-type]
                )
            elif isinstance(doc.get("name"), str):
                name = str(doc["name"])
            else:
                raise RuleError(f"{where}: a helper rule needs a 'name'")
            if name in queries:
                raise RuleError(f"{where}: duplicate rule name {name!r}")
            queries[name] = _convert(rule, backend, where)
    _check_references(detectors, queries)
    ordered = tuple(sorted(fields, key=lambda f: (f not in CORE_FIELDS, f)))
    detectors.sort(key=lambda d: d.id)
    return RuleSet(
        detectors=tuple(detectors), queries=tuple(sorted(queries.items())), fields=ordered
    )


def _check_references(detectors: Sequence[Detector], queries: dict[str, str]) -> None:
    seen: set[str] = set()
    for detector in detectors:
        if detector.id in seen:
            raise RuleError(f"duplicate detection id {detector.id}")
        seen.add(detector.id)
        missing = [q for q in detector.queries if q not in queries]
        if missing:
            raise RuleError(f"{detector.id}: correlation refers to unknown rules {missing}")


def rule_texts() -> list[tuple[str, str]]:
    """The shipped rule files, sorted by name: ``(file name, YAML text)``."""
    folder = files("faasguard.data").joinpath("sigma")
    entries = sorted((p for p in folder.iterdir() if p.name.endswith(".yml")), key=lambda p: p.name)
    return [(entry.name, entry.read_text(encoding="utf-8")) for entry in entries]


@functools.cache
def builtin_ruleset() -> RuleSet:
    """Our shipped detections, parsed and converted once per process."""
    return parse_rules(rule_texts())
