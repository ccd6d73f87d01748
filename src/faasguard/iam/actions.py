"""IAM action names: wildcard matching, expansion over the known actions, access levels.

IAM compares action names case-insensitively, and a policy may use ``*`` (any run of characters)
and ``?`` (one character) anywhere in an action, service prefix included. Known actions come from
``data/iam_actions.json`` (derived from cfn-lint's IAM data); access levels from a naming heuristic
curated in ``data/iam_access.json``, because no shipped source carries AWS's access levels.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


class Access(enum.StrEnum):
    """What an action does, coarsely: the classes least-privilege rules care about."""

    READ = "read"
    WRITE = "write"
    PERMISSIONS = "permissions-management"


@dataclass(frozen=True, slots=True)
class ServiceActions:
    """The known actions of one service prefix, lower-cased."""

    scoped: frozenset[str]  # actions that name at least one resource type
    unscoped: frozenset[str]  # actions that only ever apply to Resource "*"

    @property
    def all(self) -> frozenset[str]:
        return self.scoped | self.unscoped


@dataclass(frozen=True, slots=True)
class _AccessData:
    read_verbs: tuple[str, ...]
    permission_tokens: tuple[str, ...]
    permission_services: frozenset[str]
    resource_star_expected: frozenset[str]
    sensitive_services: frozenset[str]


def _read_json(name: str) -> object:
    text = resources.files("faasguard").joinpath(f"data/{name}").read_text("utf-8")
    return json.loads(text)


@cache
def _services() -> dict[str, ServiceActions]:
    raw = _read_json("iam_actions.json")
    assert isinstance(raw, dict)
    return {
        prefix: ServiceActions(
            scoped=frozenset(entry["scoped"].split()),
            unscoped=frozenset(entry["unscoped"].split()),
        )
        for prefix, entry in raw["services"].items()
    }


@cache
def _access() -> _AccessData:
    raw = _read_json("iam_access.json")
    assert isinstance(raw, dict)
    return _AccessData(
        read_verbs=tuple(raw["read_verbs"]),
        permission_tokens=tuple(raw["permission_tokens"]),
        permission_services=frozenset(raw["permission_services"]),
        resource_star_expected=frozenset(raw["resource_star_expected"]),
        sensitive_services=frozenset(raw["sensitive_services"]),
    )


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def normalize(action: str) -> str:
    """Canonical spelling for comparisons: trimmed and lower-cased (IAM ignores case)."""
    return action.strip().lower()


def split(action: str) -> tuple[str, str]:
    """``"s3:GetObject"`` -> ``("s3", "getobject")``; ``"*"`` -> ``("*", "*")``."""
    text = normalize(action)
    if text == "*":
        return "*", "*"
    service, _, name = text.partition(":")
    return service, name


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def matches(pattern: str, action: str) -> bool:
    """Whether an action pattern of a policy covers one concrete action (case-insensitive)."""
    return _pattern_regex(normalize(pattern)).fullmatch(normalize(action)) is not None


def is_full_wildcard(pattern: str) -> bool:
    """``*``: every action of every service (also ``*:*``, which IAM reads the same way)."""
    return normalize(pattern) in ("*", "*:*")


def is_service_wildcard(pattern: str) -> bool:
    """``svc:*``: every action of one (literal) service."""
    service, name = split(pattern)
    return name == "*" and bool(service) and not has_wildcard(service)


def service_actions(service: str) -> ServiceActions | None:
    return _services().get(normalize(service))


def expand(pattern: str) -> tuple[str, ...] | None:
    """Known actions a pattern covers (``svc:name``, sorted); None when its service is unknown."""
    service, name = split(pattern)
    if has_wildcard(service):
        prefixes = sorted(p for p in _services() if matches(service, p))
    else:
        prefixes = [service] if service in _services() else []
    if not prefixes:
        return None
    regex = _pattern_regex(name)
    return tuple(
        f"{prefix}:{action}"
        for prefix in prefixes
        for action in sorted(_services()[prefix].all)
        if regex.fullmatch(action)
    )


def access_of(action: str) -> Access:
    """Access class of a concrete action, from AWS's verb-first naming (see module docstring)."""
    service, name = split(action)
    data = _access()
    if name.startswith(data.read_verbs):
        return Access.READ
    if service in data.permission_services or any(t in name for t in data.permission_tokens):
        return Access.PERMISSIONS
    return Access.WRITE


def literal_prefix_is_read(pattern: str) -> bool:
    """For a pattern whose service is unknown: does its fixed start name a read verb only?"""
    _, name = split(pattern)
    fixed = re.split(r"[*?]", name, maxsplit=1)[0]
    return any(fixed.startswith(verb) for verb in _access().read_verbs)


def supports_resource_scoping(action: str) -> bool | None:
    """True when the action can be limited to named resources; None for an unknown action."""
    service, name = split(action)
    known = service_actions(service)
    if known is None or name not in known.all:
        return None
    return name in known.scoped


def resource_star_expected(action: str) -> bool:
    """Write actions that are normally granted on ``*`` (Lambda logging, X-Ray, VPC ENIs)."""
    return normalize(action) in _access().resource_star_expected


def is_sensitive_service(service: str) -> bool:
    """Services whose wildcards hand out identities, code execution, keys or secrets."""
    return normalize(service) in _access().sensitive_services


@dataclass(frozen=True, slots=True)
class Reach:
    """What a wildcard pattern covers beyond reading."""

    service_known: bool
    permissions: tuple[str, ...]  # permissions-management actions covered, sorted
    writes: tuple[str, ...]  # other write actions covered, sorted

    @property
    def any(self) -> bool:
        return bool(self.permissions or self.writes)


def _fixed_part(pattern: str) -> str:
    """The pattern up to its first wildcard: ``sqs:SendMessage*`` -> ``sqs:sendmessage``."""
    return re.split(r"[*?]", normalize(pattern), maxsplit=1)[0]


def reach(pattern: str) -> Reach:
    """Write and permissions-management actions a wildcard pattern grants.

    For a service faasguard does not know, the pattern is assumed to reach writes unless its
    fixed start is a read verb (``newsvc:Get*``).
    """
    expanded = expand(pattern)
    if expanded is None:
        unknown = () if literal_prefix_is_read(pattern) else (normalize(pattern),)
        return Reach(service_known=False, permissions=(), writes=unknown)
    # a wildcard that only adds its own literal action (SAM's sqs:SendMessage*) grants no more
    # than writing that action out
    exact = _fixed_part(pattern)
    levels = [(a, access_of(a)) for a in expanded if a != exact]
    return Reach(
        service_known=True,
        permissions=tuple(a for a, level in levels if level is Access.PERMISSIONS),
        writes=tuple(a for a, level in levels if level is Access.WRITE),
    )
