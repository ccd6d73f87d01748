"""Privilege-escalation methods (``data/iam_privesc.json``) found in a set of granted statements."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from faasguard.iam.actions import normalize
from faasguard.iam.policy import applies_to_service, covers_all_resources, grants
from faasguard.model import PolicyStatement


@dataclass(frozen=True, slots=True)
class Method:
    id: str
    actions: tuple[str, ...]
    unbounded: frozenset[str]  # normalized actions that only count when granted on every resource
    path: str  # how the escalation works, in words
    source: str


@dataclass(frozen=True, slots=True)
class Escalation:
    method: Method
    #: (action, the statement that grants it), in the method's order
    grants: tuple[tuple[str, PolicyStatement], ...]

    def describe(self) -> str:
        actions = " + ".join(action for action, _ in self.grants)
        return f"{self.method.id}: {actions} -> {self.method.path}"


@cache
def methods() -> tuple[Method, ...]:
    text = resources.files("faasguard").joinpath("data/iam_privesc.json").read_text("utf-8")
    return tuple(
        Method(
            id=entry["id"],
            actions=tuple(entry["actions"]),
            unbounded=frozenset(normalize(a) for a in entry["unbounded"]),
            path=entry["path"],
            source=entry["source"],
        )
        for entry in json.loads(text)["methods"]
    )


def _granting(
    statements: Sequence[PolicyStatement], action: str, unbounded: bool, parameters: frozenset[str]
) -> PolicyStatement | None:
    """The first statement that surely grants ``action`` (on every resource when required)."""
    service = action.partition(":")[0]
    for statement in statements:
        if grants(statement, action) is not True or not applies_to_service(statement, service):
            continue
        if not unbounded or covers_all_resources(statement, parameters) is True:
            return statement
    return None


def find_escalations(
    statements: Sequence[PolicyStatement], parameters: frozenset[str] = frozenset()
) -> tuple[Escalation, ...]:
    """Every method whose actions are all surely granted by ``statements``.

    Deny statements are not subtracted (they are rare in function roles and need condition
    evaluation), so a method blocked by an explicit Deny is still reported.
    """
    found: list[Escalation] = []
    for method in methods():
        granted: list[tuple[str, PolicyStatement]] = []
        for action in method.actions:
            unbounded = normalize(action) in method.unbounded
            statement = _granting(statements, action, unbounded, parameters)
            if statement is None:
                break
            granted.append((action, statement))
        else:
            found.append(Escalation(method=method, grants=tuple(granted)))
    return tuple(found)
