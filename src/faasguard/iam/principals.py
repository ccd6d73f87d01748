"""Who a resource policy lets in: public principals, service principals, narrowing conditions.

Used for resource-based policies (queue, topic, bucket, key, event bus, API) and Lambda
permissions. A statement open to ``*`` is only public when no condition narrows it to an account,
an organisation, a source resource, a network or an address range.
"""

from __future__ import annotations

import re

from faasguard.model import Data, FrozenMap, PolicyStatement, Principal, Ref, Text

#: condition keys that tie a request to a known caller, source, network or organisation
NARROWING_KEYS: frozenset[str] = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:sourceip",
        "aws:userid",
        "aws:username",
        "aws:resourceorgid",
        "kms:calleraccount",
        "kms:viaservice",
        "lambda:functionarn",
    }
)
#: a wildcard account in an AWS principal ARN: ``arn:aws:iam::*:root``
_ANY_ACCOUNT = re.compile(r"^arn:[^:]*:iam::\*:")
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")


def is_public_value(value: Text) -> bool | None:
    """Whether a principal value means "every AWS account"; None when it is unresolved."""
    if isinstance(value, Ref):
        return None
    text = value.strip()
    return text == "*" or bool(_ANY_ACCOUNT.match(text))


def is_public(principal: Principal) -> bool | None:
    """``Principal: "*"``, ``{AWS: "*"}`` or ``{AWS: "arn:aws:iam::*:root"}``."""
    if principal.kind == "*":
        return True
    if principal.kind != "AWS":
        return False
    return is_public_value(principal.value)


def is_service(value: Text) -> bool:
    """An AWS service principal such as ``s3.amazonaws.com``."""
    return isinstance(value, str) and bool(_SERVICE.match(value.strip().lower()))


def service_name(value: str) -> str:
    """``s3.amazonaws.com`` -> ``s3``."""
    return value.strip().lower().split(".", 1)[0]


def _restricts(operator: str, values: Data) -> bool:
    """A condition narrows access unless it is negated, optional, or matches anything."""
    op = operator.lower()
    if "not" in op or op.endswith("ifexists") or op == "null":
        return False
    items = values if isinstance(values, tuple) else (values,)
    return bool(items) and not any(v == "*" for v in items)


def narrowing_conditions(statement: PolicyStatement) -> tuple[str, ...]:
    """The narrowing condition keys of a statement, sorted (``aws:SourceArn`` ...)."""
    found: set[str] = set()
    for operator, block in statement.conditions.items:
        if not isinstance(block, FrozenMap):
            continue
        for key, values in block.items:
            if key.lower() in NARROWING_KEYS and _restricts(operator, values):
                found.add(key)
    return tuple(sorted(found))
