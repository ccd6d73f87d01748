"""The curated irregular SDK-operation -> IAM-action cases (``data/iam_sdk_exceptions.yaml``).

Everything regular is derived from botocore + the IAM database (``sdkmap``); this file holds only
what cannot be derived, each row with a reason and a source note, and a test per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True, slots=True, kw_only=True)
class CuratedAction:
    action: str
    #: ARN template; "" = take it from the IAM database, "*" = no resource
    arn: str = ""
    bindings: tuple[tuple[str, str], ...] = ()
    conditional: bool = False
    #: the action is not in any IAM database (documented elsewhere, or AWS lists it late)
    undocumented: bool = False
    when: str = ""  # predicate on the request or the configuration, in words
    #: machine-checkable forms of ``when``: needed when one of these parameters is present
    if_params: tuple[str, ...] = ()
    #: needed when the PartiQL statement's verb is this (SELECT, INSERT, UPDATE, DELETE)
    if_verb: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CuratedOperation:
    service: str
    operation: str
    actions: tuple[CuratedAction, ...]  # empty = the call needs no permission
    reason: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PrefixOverride:
    service: str
    prefix: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Exceptions:
    prefixes: dict[str, PrefixOverride]
    operations: dict[tuple[str, str], CuratedOperation]
    #: ARN placeholder -> SDK parameter names that fill it when the names differ
    aliases: dict[str, tuple[str, ...]]
    #: service -> helper/alias method name -> operation (boto3 injected methods)
    python_methods: dict[str, dict[str, str]]
    #: service -> JS name (v2 method, v3 command stem, DocumentClient method) -> operation
    js_operations: dict[str, dict[str, str]]
    #: JS client class / package name (lower-case) -> botocore service
    js_clients: dict[str, str]


def _action(raw: dict[str, Any]) -> CuratedAction:
    return CuratedAction(
        action=str(raw["action"]),
        arn=str(raw.get("arn", "")),
        bindings=tuple((str(k), str(v)) for k, v in raw.get("bindings", {}).items()),
        conditional=bool(raw.get("conditional", False)),
        undocumented=bool(raw.get("undocumented", False)),
        when=str(raw.get("when", "")),
        if_params=tuple(str(p) for p in raw.get("if_params", ())),
        if_verb=str(raw.get("if_verb", "")).upper(),
    )


def _operation(raw: dict[str, Any]) -> CuratedOperation:
    return CuratedOperation(
        service=str(raw["service"]),
        operation=str(raw["operation"]),
        actions=tuple(_action(a) for a in raw.get("actions") or ()),
        reason=str(raw["reason"]),
        source=str(raw["source"]),
    )


def read_exceptions(text: str) -> Exceptions:
    loader = yaml.CSafeLoader(text)
    try:
        raw: dict[str, Any] = loader.get_single_data()
    finally:
        loader.dispose()
    operations = [_operation(row) for row in raw.get("operations", ())]
    return Exceptions(
        prefixes={
            str(r["service"]): PrefixOverride(
                service=str(r["service"]), prefix=str(r["prefix"]), source=str(r["source"])
            )
            for r in raw.get("prefixes", ())
        },
        operations={(op.service, op.operation): op for op in operations},
        aliases={str(k): tuple(v) for k, v in raw.get("aliases", {}).items()},
        python_methods={s: dict(m) for s, m in raw.get("python_methods", {}).items()},
        js_operations={s: dict(m) for s, m in raw.get("js_operations", {}).items()},
        js_clients={str(k).lower(): str(v) for k, v in raw.get("js_clients", {}).items()},
    )


@cache
def exceptions() -> Exceptions:
    text = files("faasguard").joinpath("data", "iam_sdk_exceptions.yaml").read_text("utf-8")
    return read_exceptions(text)


def curated_rows() -> tuple[CuratedOperation, ...]:
    """Every curated operation row, in file order (for tests and the bench)."""
    return tuple(exceptions().operations.values())
