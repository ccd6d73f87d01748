"""IAM identity-policy evaluation over the model's ``PolicyStatement``s.

``decide`` answers one request (action, resource) the way IAM does for identity policies: an
explicit Deny wins, else an Allow grants, else the request is implicitly denied. Matching follows
IAM: ``*`` (any run) and ``?`` (one character) anywhere; action names compare case-insensitively,
ARNs case-sensitively; ``NotAction``/``NotResource`` apply to everything not listed.

Two things keep an answer open instead of guessing:
- a condition: a conditional Allow is "allowed if <condition>" (``Verdict.CONDITIONAL``), a
  conditional Deny makes an otherwise allowed request unknown;
- a symbolic value (``Ref``) in the effect, an action or a resource: unknown, unless a literal
  part already decides. Callers may pass ``resolve`` to turn a ``Ref`` resource into a comparable
  ARN pattern (e.g. ``binding.canonical``), or None when it stays unknown.

Principals are not consulted (identity policies have none); permission boundaries, SCPs and
resource policies are outside this function.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from faasguard.iam.sdkmap import expand_action_pattern
from faasguard.model import FrozenMap, PolicyStatement, Ref, Text

#: turns a statement's resource (a literal or a ``Ref``) into a comparable pattern, or None
Resolver = Callable[[Text], str | None]


class Verdict(enum.StrEnum):
    ALLOWED = "allowed"
    CONDITIONAL = "allowed if condition"
    DENIED = "explicitly denied"
    NOT_ALLOWED = "not allowed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    verdict: Verdict
    #: the statement that decided (the Deny, the Allow, the conditional or symbolic one)
    statement: PolicyStatement | None = None
    #: for CONDITIONAL: the condition block under which the request is allowed
    conditions: FrozenMap = FrozenMap()
    why: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOWED

    @property
    def denied(self) -> bool:
        """Explicitly denied or not allowed: the call would fail with AccessDenied."""
        return self.verdict in (Verdict.DENIED, Verdict.NOT_ALLOWED)

    def __str__(self) -> str:
        return f"{self.verdict.value}: {self.why}" if self.why else self.verdict.value


@cache
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # a request may itself be a pattern ("table/*"): its wildcards are matched as characters, so
    # a grant covers it only when the grant's own wildcards do ("*" covers "*", "?" does not)
    parts = (".*" if c == "*" else "[^*?]" if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: wildcards anywhere, case-insensitive."""
    return _regex(pattern.strip(), True).fullmatch(action.strip()) is not None


def resource_matches(pattern: str, resource: str) -> bool:
    """IAM resource matching: wildcards anywhere, case-sensitive (``*`` alone matches all)."""
    pattern = pattern.strip()
    return pattern == "*" or _regex(pattern, False).fullmatch(resource.strip()) is not None


def _any_match(
    values: Iterable[Text], test: Callable[[str], bool], resolve: Resolver | None
) -> bool | None:
    """True when some value matches, False when none can, None when a symbolic one might."""
    unknown = False
    for value in values:
        text = value if isinstance(value, str) else (resolve(value) if resolve else None)
        if text is None:
            unknown = True
        elif test(text):
            return True
    return None if unknown else False


def _covers(listed: bool | None, negated: bool) -> bool | None:
    if listed is None:
        return None
    return not listed if negated else listed


def statement_action_matches(statement: PolicyStatement, action: str) -> bool | None:
    """Whether the statement's Action (or NotAction) covers ``action``; None = symbolic."""
    negated = not statement.actions and bool(statement.not_actions)
    values = statement.not_actions if negated else statement.actions
    return _covers(_any_match(values, lambda p: action_matches(p, action), None), negated)


def statement_resource_matches(
    statement: PolicyStatement, resource: str | None, resolve: Resolver | None = None
) -> bool | None:
    """Whether the statement's Resource (or NotResource) covers ``resource`` (None = a resource
    not known statically: only ``Resource: "*"`` covers it for sure)."""
    negated = not statement.resources and bool(statement.not_resources)
    values = statement.not_resources if negated else statement.resources
    if not values:
        return False  # a statement without Resource is invalid and grants nothing
    if resource is None:
        star = any(isinstance(v, str) and v.strip() == "*" for v in values)
        return (not star if negated else True) if star else None
    return _covers(_any_match(values, lambda p: resource_matches(p, resource), resolve), negated)


def _effect(statement: PolicyStatement) -> str | None:
    return None if isinstance(statement.effect, Ref) else statement.effect


def applies(
    statement: PolicyStatement, action: str, resource: str | None, resolve: Resolver | None
) -> bool | None:
    """Whether the statement's action and resource parts both cover the request."""
    acts = statement_action_matches(statement, action)
    if acts is False:
        return False
    hits = statement_resource_matches(statement, resource, resolve)
    if hits is False:
        return False
    return True if acts and hits else None


@dataclass(slots=True)
class _Tally:
    denied: PolicyStatement | None = None
    maybe_denied: PolicyStatement | None = None
    allowed: PolicyStatement | None = None
    conditional: PolicyStatement | None = None
    maybe_allowed: PolicyStatement | None = None

    def add(self, statement: PolicyStatement, hit: bool | None) -> None:
        effect = _effect(statement)
        certain = hit is True and effect is not None and not statement.conditions
        if effect == "Deny" or effect is None:
            if certain:
                self.denied = self.denied or statement
            else:
                self.maybe_denied = self.maybe_denied or statement
        if effect == "Allow" or effect is None:
            if certain:
                self.allowed = self.allowed or statement
            elif hit is True and effect is not None:
                self.conditional = self.conditional or statement
            else:
                self.maybe_allowed = self.maybe_allowed or statement


def decide(
    statements: Sequence[PolicyStatement],
    action: str,
    resource: str | None = "*",
    resolve: Resolver | None = None,
) -> Decision:
    """IAM's identity-policy decision for one request (``resource`` None = not known)."""
    tally = _Tally()
    for statement in statements:
        hit = applies(statement, action, resource, resolve)
        if hit is not False:
            tally.add(statement, hit)
    return _verdict(tally)


def _verdict(tally: _Tally) -> Decision:
    if tally.denied is not None:
        return Decision(verdict=Verdict.DENIED, statement=tally.denied)
    some_allow = tally.allowed or tally.conditional or tally.maybe_allowed
    if tally.maybe_denied is not None and some_allow is not None:
        why = "a Deny may apply (condition or symbolic value)"
        return Decision(verdict=Verdict.UNKNOWN, statement=tally.maybe_denied, why=why)
    if tally.allowed is not None:
        return Decision(verdict=Verdict.ALLOWED, statement=tally.allowed)
    if tally.conditional is not None:
        cond = tally.conditional.conditions
        why = "allowed if " + describe_conditions(cond)
        return Decision(
            verdict=Verdict.CONDITIONAL, statement=tally.conditional, conditions=cond, why=why
        )
    if tally.maybe_allowed is not None:
        why = "hangs on a value decided at deploy time"
        return Decision(verdict=Verdict.UNKNOWN, statement=tally.maybe_allowed, why=why)
    return Decision(verdict=Verdict.NOT_ALLOWED)


def describe_conditions(conditions: FrozenMap) -> str:
    """``StringEquals aws:SourceVpc=vpc-1; Bool aws:SecureTransport=true`` (for messages)."""
    parts = []
    for operator, block in conditions.items:
        if isinstance(block, FrozenMap):
            keys = ", ".join(f"{k}={_short(v)}" for k, v in block.items)
            parts.append(f"{operator} {keys}")
        else:
            parts.append(operator)
    return "; ".join(parts)


def _short(value: object) -> str:
    if isinstance(value, tuple):
        return "|".join(_short(v) for v in value)
    return str(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantedActions:
    """The known IAM actions some statement allows on at least one resource."""

    #: allowed without condition (and not denied on every resource)
    allowed: frozenset[str] = frozenset()
    #: allowed only under a condition, or through a symbolic effect/action
    conditional: frozenset[str] = frozenset()
    #: denied on every resource without condition (removed from ``allowed``)
    denied: frozenset[str] = frozenset()
    #: literal patterns that match no known action (kept: typos or actions newer than the DB)
    unknown: tuple[str, ...] = ()

    @property
    def all(self) -> frozenset[str]:
        return self.allowed | self.conditional


def _every_action() -> frozenset[str]:
    return expand_action_pattern("*:*")


def _statement_actions(statement: PolicyStatement) -> tuple[frozenset[str], list[str], bool]:
    """(expanded actions, patterns that match nothing known, symbolic?)"""
    negated = not statement.actions and bool(statement.not_actions)
    values = statement.not_actions if negated else statement.actions
    found: set[str] = set()
    unknown: list[str] = []
    symbolic = False
    for value in values:
        if isinstance(value, Ref):
            symbolic = True
            continue
        expanded = expand_action_pattern(value)
        found |= expanded
        if not expanded:
            unknown.append(value.strip())
    if negated:
        return _every_action() - found, [], symbolic
    return frozenset(found), unknown, symbolic


def granted_actions(statements: Iterable[PolicyStatement]) -> GrantedActions:
    """Every known action the statements allow, expanded over the IAM database.

    Resources are not weighed except for Deny: only a Deny on ``*`` without condition removes
    an action (a Deny on one ARN leaves the action allowed elsewhere).
    """
    allowed: set[str] = set()
    conditional: set[str] = set()
    denied: set[str] = set()
    unknown: list[str] = []
    for statement in statements:
        actions, missing, symbolic = _statement_actions(statement)
        effect = _effect(statement)
        if effect == "Deny":
            every = any(isinstance(r, str) and r.strip() == "*" for r in statement.resources)
            if every and not statement.conditions and not symbolic:
                denied |= actions
            continue
        unknown.extend(m for m in missing if m not in unknown)
        if effect is None or symbolic or statement.conditions:
            conditional |= actions
        else:
            allowed |= actions
    return GrantedActions(
        allowed=frozenset(allowed - denied),
        conditional=frozenset(conditional - denied - allowed),
        denied=frozenset(denied),
        unknown=tuple(unknown),
    )
