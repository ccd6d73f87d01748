"""SDK operation -> the IAM actions a call needs (research §6.2).

1. The IAM prefix of a botocore service: the curated override, else ``signingName``, else
   ``endpointPrefix``.
2. A curated row (``data/iam_sdk_exceptions.yaml``) wins: renames, multi-action operations,
   conditional KMS side effects, calls that need nothing.
3. Operations botocore marks unauthenticated need nothing.
4. Otherwise ``<prefix>:<Operation>``: "exact" when the IAM database knows the action (its ARN
   template then comes from there, with the placeholders bound to the operation's parameters),
   "unverified" when it does not (a new operation the database has not caught up with). An
   unverified action is kept, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache

from faasguard.iam import botocore_models as models
from faasguard.iam.iamdb import (
    ActionInfo,
    ResourceType,
    all_prefixes,
    dependent_actions,
    prefix_action_names,
)
from faasguard.iam.iamdb import action_info as _action_info
from faasguard.iam.sdk_exceptions import CuratedAction, CuratedOperation, exceptions
from faasguard.iam.sdk_names import (
    operation_for_js,
    operation_for_method,
    resource_operation,
    service_for_js_client,
)

__all__ = [
    "ActionInfo",
    "RequiredAction",
    "ResourceType",
    "action_info",
    "expand_action_pattern",
    "iam_prefix",
    "operation_for_js",
    "operation_for_method",
    "partiql_target",
    "refine_for_request",
    "required_actions",
    "resource_operation",
    "service_for_js_client",
]

#: ARN placeholders every template has that no SDK parameter fills
PSEUDO_PLACEHOLDERS = frozenset({"Partition", "Region", "Account"})
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RequiredAction:
    action: str  # "s3:GetObject" (IAM spelling)
    arn_template: str  # "arn:${Partition}:s3:::${BucketName}/${ObjectName}", or "*"
    #: ARN placeholder -> SDK parameter that fills it, e.g.
    #: (("BucketName", "Bucket"), ("ObjectName", "Key"))
    bindings: tuple[tuple[str, str], ...] = ()
    #: "exact" | "curated" | "unverified" (unknown to the IAM DB: kept, never dropped)
    certainty: str
    conditional: bool = False  # needed only in some configurations (kms:Decrypt for SSE-KMS)
    reason: str = ""  # why, for curated/conditional rows


def action_info(action: str) -> ActionInfo | None:
    """Access level, resource types and ARN templates of an IAM action (any case), or None."""
    return _action_info(action)


def iam_prefix(service: str) -> str:
    """The IAM service prefix of a botocore service; raises KeyError for an unknown service."""
    override = exceptions().prefixes.get(service)
    if override is not None:
        return override.prefix
    model = models.service_model(service)
    if model is None:
        raise KeyError(service)
    return model.signing_name.lower()


def _placeholders(template: str) -> list[str]:
    return [n for n in _PLACEHOLDER.findall(template) if n not in PSEUDO_PLACEHOLDERS]


def _parameter_for(placeholder: str, inputs: tuple[str, ...]) -> str | None:
    """The input member that fills an ARN placeholder: same name, any case, alias, or an ARN."""
    if placeholder in inputs:
        return placeholder
    lower = {i.lower(): i for i in inputs}
    if placeholder.lower() in lower:
        return lower[placeholder.lower()]
    for alias in exceptions().aliases.get(placeholder, ()):
        if alias in inputs:
            return alias
    # ${TopicName} <- TopicArn, ${KeyId} <- KeyArn: the same thing named another way
    stem = placeholder.lower().removesuffix("name").removesuffix("id")
    for suffix in ("arn", "name", "id") if stem else ():
        if stem + suffix in lower:
            return lower[stem + suffix]
    return None


def bind_template(template: str, inputs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Placeholder -> parameter pairs; empty unless the leading placeholder binds (a template
    bound only in a sub-resource would name the wrong thing)."""
    names = _placeholders(template)
    if not names:
        return ()
    found = [(n, p) for n in names if (p := _parameter_for(n, inputs)) is not None]
    if not found or found[0][0] != names[0]:
        return ()
    return tuple(found)


def _best_resource(
    info: ActionInfo, inputs: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The resource type whose ARN the operation's parameters fill best (required ones first)."""
    if not info.resource_types:
        return "*", ()
    if not any(rt.required for rt in info.resource_types) and not any(
        bind_template(rt.arn, inputs) for rt in info.resource_types
    ):
        return "*", ()  # every resource type is optional and the call names none of them
    ranked = sorted(
        info.resource_types,
        key=lambda rt: (
            -len(bind_template(rt.arn, inputs)),
            not rt.required,
            "accesspoint" in rt.name.lower(),  # access points are the exception, not the rule
        ),
    )
    chosen = ranked[0]
    return chosen.arn, bind_template(chosen.arn, inputs)


def _curated(row: CuratedOperation, inputs: tuple[str, ...]) -> tuple[RequiredAction, ...]:
    found = []
    for item in row.actions:
        found.append(_curated_action(row, item, inputs))
    return tuple(found)


def _curated_action(
    row: CuratedOperation, item: CuratedAction, inputs: tuple[str, ...]
) -> RequiredAction:
    info = _action_info(item.action)
    spelled = info.action if info is not None else item.action
    if item.arn:
        arn, bindings = item.arn, item.bindings
    elif info is not None:
        arn, bindings = _best_resource(info, inputs)
    else:
        arn, bindings = "*", ()
    reason = row.reason if not item.when else f"{row.reason} (needed when {item.when})"
    return RequiredAction(
        action=spelled,
        arn_template=arn,
        bindings=bindings,
        certainty="curated" if info is not None or item.undocumented else "unverified",
        conditional=item.conditional,
        reason=reason,
    )


@cache
def required_actions(service: str, operation: str) -> tuple[RequiredAction, ...]:
    """botocore service name + operation name -> the IAM actions a call needs (empty for calls
    that need no permission, e.g. sts:GetCallerIdentity); raises KeyError for an operation
    botocore does not know."""
    model = models.service_model(service)
    if model is None or operation not in model.operations:
        raise KeyError(f"{service}.{operation}")
    op = model.operations[operation]
    row = exceptions().operations.get((service, operation))
    if row is not None:
        return _curated(row, op.inputs)
    if op.unauthenticated:
        return ()
    action = f"{iam_prefix(service)}:{operation}"
    info = _action_info(action)
    if info is None:
        reason = "not in the IAM database yet (a newer operation?): name derived from the SDK"
        return (
            RequiredAction(action=action, arn_template="*", certainty="unverified", reason=reason),
        )
    arn, bindings = _best_resource(info, op.inputs)
    main = RequiredAction(
        action=info.action, arn_template=arn, bindings=bindings, certainty="exact"
    )
    return (main, *_dependents(info.action, op.inputs))


def _dependents(action: str, inputs: tuple[str, ...]) -> tuple[RequiredAction, ...]:
    """AWS's dependent actions, as conditional rows: the reference lists them per action without
    saying when (iam:PassRole only when a role is passed), so they are suggestions, never
    silent additions (research §6.2 step 6)."""
    found = []
    for dependent in dependent_actions(action):
        info = _action_info(dependent)
        arn, bindings = _best_resource(info, inputs) if info is not None else ("*", ())
        found.append(
            RequiredAction(
                action=info.action if info is not None else dependent,
                arn_template=arn,
                bindings=bindings,
                certainty="exact" if info is not None else "unverified",
                conditional=True,
                reason=f"AWS lists {dependent} as a dependent action of {action}",
            )
        )
    return tuple(found)


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@cache
def expand_action_pattern(pattern: str) -> frozenset[str]:
    """``"s3:Get*"`` -> every known action it matches (IAM wildcards, case-insensitive), in AWS's
    spelling. A pattern without wildcards gives the action itself when it is known."""
    prefix, sep, _ = pattern.strip().partition(":")
    regex = _pattern_regex(pattern.strip())
    if not sep or any(c in prefix for c in "*?"):  # "*" alone is every action
        head = _pattern_regex(prefix) if sep else None
        candidates = [p for p in all_prefixes() if head is None or head.fullmatch(p)]
    else:
        candidates = [prefix.lower()]
    return frozenset(a for p in candidates for a in prefix_action_names(p) if regex.fullmatch(a))


#: a PartiQL name, quoted ("Orders") or bare (Orders), optionally followed by ."index"
_PARTIQL_NAME = re.compile(r'\s*(?:"([^"]+)"|([\w-]+))(?:\.(?:"([^"]+)"|([\w-]+)))?')
#: the keyword after which each verb names its table
_PARTIQL_TABLE_AFTER = {"SELECT": "FROM", "DELETE": "FROM", "EXISTS": "FROM", "INSERT": "INTO"}


def partiql_target(statement: str) -> tuple[str, str | None, str | None]:
    """(VERB, table, index) of a PartiQL statement (``SELECT ... FROM "T"."I"``, ``INSERT INTO
    "T"``, ``UPDATE "T"``, ``DELETE FROM "T"``); table/index None when not recognised."""
    words = statement.lstrip().split(None, 1)
    verb = re.sub(r"\W.*", "", words[0]).upper() if words else ""
    rest = words[1] if len(words) > 1 else ""
    if verb == "EXISTS":
        rest = statement.lstrip()[len("EXISTS") :]
    keyword = _PARTIQL_TABLE_AFTER.get(verb)
    if keyword is not None:
        found = re.search(rf"\b{keyword}\b", rest, re.IGNORECASE)
        rest = rest[found.end() :] if found else ""
    elif verb != "UPDATE":
        return verb, None, None
    match = _PARTIQL_NAME.match(rest)
    if match is None:
        return verb, None, None
    return verb, match.group(1) or match.group(2), match.group(3) or match.group(4)


def _keep(item: CuratedAction, params: Mapping[str, str | None]) -> bool | None:
    """True: needed by this request; False: not needed; None: cannot tell from the request."""
    if item.if_params:
        return any(p in params for p in item.if_params)
    if item.if_verb:
        statement = params.get("Statement")
        if statement is None:
            return None
        verb, _, _ = partiql_target(statement)
        return verb == item.if_verb or (verb == "EXISTS" and item.if_verb == "SELECT")
    return None


def refine_for_request(
    service: str, operation: str, params: Mapping[str, str | None]
) -> tuple[RequiredAction, ...]:
    """``required_actions`` narrowed by what the call's request shows: ``params`` maps each
    parameter the call passes to its literal value (None when present but not constant).

    A conditional row whose predicate the request decides becomes unconditional (``VersionId``
    passed -> s3:GetObjectVersion; a SELECT statement -> dynamodb:PartiQLSelect) or is dropped
    (no ``ACL`` -> no s3:PutObjectAcl); configuration-dependent rows (KMS) stay conditional.
    """
    rows = required_actions(service, operation)
    curated = exceptions().operations.get((service, operation))
    if curated is None:
        return tuple(_passes_role(row, params) for row in rows)
    found = []
    for row, item in zip(rows, curated.actions, strict=True):
        keep = _keep(item, params) if row.conditional else None
        if keep is True:
            found.append(replace(row, conditional=False))
        elif keep is None:
            found.append(row)
    return tuple(found)


_ROLE_PARAM = re.compile(r"role(arn)?$", re.IGNORECASE)


def _passes_role(row: RequiredAction, params: Mapping[str, str | None]) -> RequiredAction:
    """A dependent iam:PassRole is needed for sure when the call passes a role parameter."""
    passed = any(_ROLE_PARAM.search(p) for p in params)
    if row.conditional and row.action == "iam:PassRole" and passed:
        return replace(row, conditional=False)
    return row
