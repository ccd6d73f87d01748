"""AWS managed policies: recognising their ARNs and knowing the (nearly) administrator ones."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from faasguard.model import Ref, Severity, Text

#: ``arn:<partition>:iam::aws:policy/[path/]Name``, also inside a ``!Sub`` with ${AWS::Partition};
#: a name continued by a ``${...}`` substitution is unknown, not a shorter name
_AWS_MANAGED = re.compile(r"iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)(?![\w+=,.@${/-])")


@dataclass(frozen=True, slots=True)
class AdminPolicy:
    name: str
    severity: Severity
    grants: str


@dataclass(frozen=True, slots=True)
class _ManagedData:
    admin: tuple[AdminPolicy, ...]
    full_access_marker: str


@cache
def _data() -> _ManagedData:
    text = resources.files("faasguard").joinpath("data/iam_managed.json").read_text("utf-8")
    raw = json.loads(text)
    return _ManagedData(
        admin=tuple(
            AdminPolicy(name=e["name"], severity=Severity.parse(e["severity"]), grants=e["grants"])
            for e in raw["admin"]
        ),
        full_access_marker=raw["full_access_marker"],
    )


def aws_managed_name(arn: Text) -> str | None:
    """The policy name when ``arn`` is an AWS managed policy; None otherwise or when unknown."""
    text = arn.text if isinstance(arn, Ref) else arn
    match = _AWS_MANAGED.search(text)
    return match.group(1) if match else None


def admin_policy(name: str) -> AdminPolicy | None:
    return next((p for p in _data().admin if p.name == name), None)


def is_full_access(name: str) -> bool:
    """A service-wide ``*FullAccess`` policy that is not one of the administrator ones."""
    return _data().full_access_marker in name and admin_policy(name) is None
