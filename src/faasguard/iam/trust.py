"""Trust policies: who a role's trust statement lets in, and which conditions narrow it."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from faasguard.model import FrozenMap, PolicyStatement, Principal, Ref

_ACCOUNT = re.compile(r"^(\d{12})$|^arn:[^:]*:iam::(\d{12}):")


@cache
def _keys(kind: str) -> frozenset[str]:
    text = resources.files("faasguard").joinpath("data/iam_trust.json").read_text("utf-8")
    return frozenset(json.loads(text)[kind])


def is_public(principal: Principal) -> bool:
    """``Principal: "*"`` or ``Principal: {AWS: "*"}``: anyone, in any account."""
    value = principal.value
    return principal.kind == "*" or (principal.kind == "AWS" and value == "*")


def account_of(principal: Principal) -> str | None:
    """The literal 12-digit account an AWS principal names (None for Refs and pseudo params)."""
    if principal.kind != "AWS" or isinstance(principal.value, Ref):
        return None
    match = _ACCOUNT.match(str(principal.value).strip())
    if match is None:
        return None
    return match.group(1) or match.group(2)


def condition_keys(statement: PolicyStatement) -> frozenset[str]:
    """Every condition key of a statement, lower-cased (operators are not evaluated)."""
    keys: set[str] = set()
    for _, block in statement.conditions.items:
        if isinstance(block, FrozenMap):
            keys.update(k.lower() for k, _ in block.items)
    return frozenset(keys)


def narrowing_keys(statement: PolicyStatement, kind: str) -> frozenset[str]:
    """Condition keys present that narrow a ``"public"`` or ``"cross_account"`` trust."""
    return condition_keys(statement) & _keys(kind)
