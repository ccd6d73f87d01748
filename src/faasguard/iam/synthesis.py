"""Minimal policy per function: what its code calls plus what the platform needs to run it.

Needs come from the function's ``CodeProfile`` (each call -> ``sdkmap.required_actions`` ->
``binding.bind``) and from its configuration (``platform.platform_needs``: logs, VPC, X-Ray,
event-source polling, DLQ and destinations, environment KMS key). Actions with identical
resources are grouped into one statement; everything is sorted, so the output is deterministic.
A call that cannot be mapped is never turned into ``*``: it is listed in ``unresolved``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from faasguard.iam.binding import BoundResource, app_resources, bind, reference
from faasguard.iam.platform import Need, platform_needs
from faasguard.iam.sdkmap import RequiredAction, required_actions
from faasguard.model import App, Channel, DataStore, Function, Location, Ref, SdkCall, Text

__all__ = [
    "MinimalPolicy",
    "MinimalStatement",
    "Need",
    "Unresolved",
    "function_needs",
    "minimal_policy",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Unresolved:
    """A call whose permissions cannot be known statically (shown, never replaced by ``*``)."""

    call: SdkCall
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimalStatement:
    actions: tuple[str, ...]
    resources: tuple[str, ...]  # ARN patterns in CloudFormation Sub syntax, or "*"
    sites: tuple[Location, ...]  # call sites (or template keys) that need the statement
    reasons: tuple[str, ...] = ()
    #: "" for the code's needs; else what the platform needs it for ("logs", "vpc"...)
    platform: str = ""
    #: a SAM-generated role already gets this statement from SAM itself
    sam_adds: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionNeeds:
    needs: tuple[Need, ...] = ()
    #: needs that depend on arguments faasguard cannot see (never reported as unused)
    optional: tuple[Need, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    #: False when the code was not analysed completely: unused grants are then inconclusive
    complete: bool = True
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimalPolicy:
    function: str
    role: str | None
    statements: tuple[MinimalStatement, ...] = ()
    needs: FunctionNeeds = field(default_factory=FunctionNeeds)


def _key_resource(key: Text | None) -> BoundResource | None:
    if isinstance(key, Ref) and key.target is not None:
        return BoundResource(arn="${" + key.target + ".Arn}", target=key.target)
    if isinstance(key, str) and key.startswith("arn:") and ":alias/aws/" not in key:
        return BoundResource(arn=key)
    return None


def _cmk_of(app: App, target: str | None) -> BoundResource | None:
    """The customer managed key a data store or channel is encrypted with, when the app knows."""
    holders: tuple[DataStore | Channel, ...] = (*app.data_stores, *app.channels)
    for item in holders:
        if item.id == target and item.encryption is not None and item.encryption.kind == "kms":
            key = item.encryption.key
            if isinstance(key, str) and key in {k.id for k in app.keys}:
                return BoundResource(arn=reference(app_resources(app)[key]), target=key)
            return _key_resource(key)
    return None


def _call_needs(
    app: App, fn: Function, call: SdkCall, rows: tuple[RequiredAction, ...]
) -> tuple[list[Need], list[Need]]:
    needs: list[Need] = []
    optional: list[Need] = []
    main_target: str | None = None
    for row in rows:
        if row.conditional:
            continue
        resource = bind(app, fn, call, row)
        main_target = main_target or resource.target
        reason = f"{call.service}.{call.operation}"  # the row's own reason is about variants
        needs.append(
            Need(
                action=row.action,
                resource=resource,
                sites=(call.location,),
                reason=reason,
                certainty=row.certainty,
            )
        )
    for row in rows:
        if not row.conditional:
            continue
        key = _cmk_of(app, main_target) if row.action.lower().startswith("kms:") else None
        resource = key or bind(app, fn, call, row)
        need = Need(
            action=row.action,
            resource=resource,
            sites=(call.location,),
            reason=row.reason,
            certainty=row.certainty,
            conditional=True,
        )
        (needs if key is not None else optional).append(need)
    return needs, optional


@lru_cache(maxsize=64)  # rules, comparison and synthesis ask for the same function's needs
def function_needs(app: App, fn: Function) -> FunctionNeeds:
    """Everything ``fn`` needs: its calls' actions and its platform's."""
    needs = list(platform_needs(app, fn))
    optional: list[Need] = []
    unresolved: list[Unresolved] = []
    notes: list[str] = []
    if fn.code is None:
        notes.append("no local code was analysed: only the platform's needs are known")
    else:
        notes.extend(f"{where}: {problem}" for where, problem in fn.code.problems)
        for call in fn.code.calls:
            if call.service is None or call.operation is None:
                why = call.note or "service or operation computed at run time"
                unresolved.append(Unresolved(call=call, reason=why))
                continue
            try:
                rows = required_actions(call.service, call.operation)
            except KeyError:
                why = f"{call.service}.{call.operation} is not a known AWS operation"
                unresolved.append(Unresolved(call=call, reason=why))
                continue
            found, maybe = _call_needs(app, fn, call, rows)
            needs.extend(found)
            optional.extend(maybe)
    complete = fn.code is not None and fn.code.complete and not unresolved
    notes.extend(f"{u.call.location}: {u.reason}" for u in unresolved)
    return FunctionNeeds(
        needs=tuple(needs),
        optional=tuple(optional),
        unresolved=tuple(unresolved),
        complete=complete,
        notes=tuple(notes),
    )


def _statements(needs: tuple[Need, ...]) -> tuple[MinimalStatement, ...]:
    """Group needs: one statement per (platform, resource set), its actions sorted."""
    by_action: dict[tuple[str, str, bool], list[Need]] = defaultdict(list)
    for need in needs:
        by_action[(need.platform, need.action, need.sam_adds)].append(need)
    groups: dict[tuple[str, bool, tuple[str, ...]], list[tuple[str, list[Need]]]] = defaultdict(
        list
    )
    for (platform, action, sam_adds), group in by_action.items():
        arns = sorted({n.resource.arn for n in group})
        resources = ("*",) if "*" in arns else tuple(arns)
        groups[(platform, sam_adds, resources)].append((action, group))
    statements = []
    for (platform, sam_adds, resources), members in groups.items():
        flat = [n for _, group in members for n in group]
        statements.append(
            MinimalStatement(
                actions=tuple(sorted({a for a, _ in members}, key=str.lower)),
                resources=resources,
                sites=tuple(sorted({s for n in flat for s in n.sites})),
                reasons=tuple(sorted({n.reason for n in flat if n.reason})),
                platform=platform,
                sam_adds=sam_adds,
                notes=tuple(sorted({n.resource.note for n in flat if n.resource.note})),
            )
        )
    return tuple(sorted(statements, key=lambda s: (s.platform, s.actions, s.resources)))


def minimal_policy(app: App, fn: Function) -> MinimalPolicy:
    needs = function_needs(app, fn)
    role = fn.role if isinstance(fn.role, str) else None
    return MinimalPolicy(
        function=fn.id, role=role, statements=_statements(needs.needs), needs=needs
    )
