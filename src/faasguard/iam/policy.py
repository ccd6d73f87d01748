"""What one policy statement grants, answered three-way: yes, no, or unknown (``None``).

Unknown means the answer hangs on a value decided at deploy time (a ``Ref``); callers turn it
into an ``Inconclusive`` result, never into a pass or a finding.
"""

from __future__ import annotations

import re

from faasguard.iam.actions import matches
from faasguard.model import PolicyStatement, Ref, Text

#: an ARN split into its service and resource parts
_ARN = re.compile(r"arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)", re.IGNORECASE)
#: a resource part that is only a wildcard after a resource type: ``function:*``, ``role/*``
_TYPE_WIDE = re.compile(r"[\w-]+[:/]\*")


def is_allow(statement: PolicyStatement) -> bool | None:
    effect = statement.effect
    if isinstance(effect, Ref):
        return None
    return effect == "Allow"


def literal(values: tuple[Text, ...]) -> tuple[str, ...]:
    return tuple(v for v in values if isinstance(v, str))


def has_unknown(values: tuple[Text, ...]) -> bool:
    return any(isinstance(v, Ref) for v in values)


def grants(statement: PolicyStatement, action: str) -> bool | None:
    """Whether an Allow statement covers ``action`` (``NotAction`` = everything not listed)."""
    allow = is_allow(statement)
    if allow is not True:
        return allow
    if statement.actions:
        if any(matches(p, action) for p in literal(statement.actions)):
            return True
        return None if has_unknown(statement.actions) else False
    if statement.not_actions:
        if any(matches(p, action) for p in literal(statement.not_actions)):
            return False
        return None if has_unknown(statement.not_actions) else True
    return False


def is_star(resource: Text) -> bool:
    return isinstance(resource, str) and resource.strip() == "*"


def is_unbounded(resource: str) -> bool:
    """``*`` or an ARN that names every resource of its type (``arn:aws:iam::1:role/*``)."""
    text = resource.strip()
    if text == "*":
        return True
    arn = _ARN.fullmatch(text)
    if arn is None:
        return False
    service, part = arn.group(1).lower(), arn.group(2)
    if service == "s3":  # S3 resource parts start with the bucket name, not a type
        return part in ("*", "*/*")
    return part == "*" or _TYPE_WIDE.fullmatch(part) is not None


def ref_could_be_star(ref: Ref, parameters: frozenset[str]) -> bool:
    """Whether a symbolic resource may be ``*`` at deploy time: only a template parameter can.

    Resource attributes (``!GetAtt T.Arn``), ARN texts and references to other resources or
    pseudo parameters always name something specific.
    """
    if ref.attribute is not None or "arn:" in ref.text.lower():
        return False
    if ref.target is not None:
        return ref.target in parameters
    words = set(re.findall(r"[A-Za-z0-9]+", ref.text))
    return not words.isdisjoint(parameters)


def covers_all_resources(
    statement: PolicyStatement, parameters: frozenset[str], *, star_only: bool = False
) -> bool | None:
    """Whether the statement applies to every resource (``*``, a type-wide ARN, NotResource).

    ``star_only`` narrows "every resource" to the literal ``*``.
    """
    if statement.not_resources:
        return True
    test = is_star if star_only else (lambda r: isinstance(r, str) and is_unbounded(r))
    if any(test(r) for r in statement.resources):
        return True
    refs = (r for r in statement.resources if isinstance(r, Ref))
    if any(ref_could_be_star(r, parameters) for r in refs):
        return None
    return False


def applies_to_service(statement: PolicyStatement, service: str) -> bool:
    """Whether some resource of the statement can belong to ``service`` (an ``iam:`` action
    granted only on an S3 object ARN grants nothing). Symbolic resources are assumed to fit.
    """
    if statement.not_resources:
        return True
    for resource in statement.resources:
        if isinstance(resource, Ref) or resource.strip() == "*":
            return True
        arn = _ARN.fullmatch(resource.strip())
        if arn is None or matches(arn.group(1) + ":x", f"{service}:x"):
            return True
    return False
