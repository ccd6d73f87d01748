"""What botocore's and boto3's shipped data files say about each AWS service.

Only the (gzipped) JSON data files of the installed packages are read; no client is created and
AWS is never called. Everything is loaded lazily per service and cached.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from botocore import xform_name  # type: ignore[import-untyped]

_SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
#: ``auth`` values that mean "no signature": the call needs no IAM permission
_NO_AUTH = frozenset({"smithy.api#noAuth"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    name: str  # "GetObject"
    #: top-level input members (parameter names), in model order
    inputs: tuple[str, ...]
    unauthenticated: bool
    deprecated: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceModel:
    name: str  # botocore service name: "s3", "dynamodb", "bedrock-runtime"
    signing_name: str
    endpoint_prefix: str
    service_id: str  # "S3", "DynamoDB", "Bedrock Runtime"
    operations: dict[str, Operation]


@cache
def _data_root() -> Traversable:
    return files("botocore").joinpath("data")


@cache
def _latest_version(service: str) -> Traversable | None:
    """The newest API version folder of a service, as botocore's loader picks it. The files are
    read straight from the installed package: botocore's loader would also search ``~/.aws``
    (the scanning user's files) and costs a large import."""
    if _SERVICE_NAME.fullmatch(service) is None:  # a name from scanned code, not a path
        return None
    root = _data_root().joinpath(service)
    if not root.is_dir():
        return None
    versions = sorted(
        (v for v in root.iterdir() if v.is_dir() and _file(v, "service-2") is not None),
        key=lambda v: v.name,
    )
    return versions[-1] if versions else None


def _file(folder: Traversable, kind: str) -> Traversable | None:
    for name in (f"{kind}.json.gz", f"{kind}.json"):
        candidate = folder.joinpath(name)
        if candidate.is_file():
            return candidate
    return None


@cache
def service_names() -> tuple[str, ...]:
    """Every service botocore ships a model for, sorted."""
    root = _data_root()
    return tuple(sorted(d.name for d in root.iterdir() if _latest_version(d.name) is not None))


def _load(service: str, kind: str) -> dict[str, Any] | None:
    folder = _latest_version(service)
    found = _file(folder, kind) if folder is not None else None
    if found is None:
        return None
    raw = found.read_bytes()
    if found.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def _operation(name: str, raw: dict[str, Any], shapes: dict[str, Any]) -> Operation:
    input_shape = raw.get("input", {}).get("shape")
    members = shapes.get(input_shape, {}).get("members", {}) if input_shape else {}
    auth = raw.get("auth")
    unauthenticated = raw.get("authtype") == "none" or (
        isinstance(auth, list) and bool(auth) and all(a in _NO_AUTH for a in auth)
    )
    return Operation(
        name=name,
        inputs=tuple(members),
        unauthenticated=unauthenticated,
        deprecated=bool(raw.get("deprecated")),
    )


@cache
def service_model(service: str) -> ServiceModel | None:
    """The parsed model of one botocore service, or None when botocore does not know it."""
    raw = _load(service, "service-2")
    if raw is None:
        return None
    meta = raw.get("metadata", {})
    shapes = raw.get("shapes", {})
    endpoint_prefix = str(meta.get("endpointPrefix") or service)
    return ServiceModel(
        name=service,
        signing_name=str(meta.get("signingName") or endpoint_prefix),
        endpoint_prefix=endpoint_prefix,
        service_id=str(meta.get("serviceId") or service),
        operations={
            name: _operation(name, op, shapes) for name, op in raw.get("operations", {}).items()
        },
    )


@cache
def python_methods(service: str) -> dict[str, str]:
    """boto3 client method name -> operation name (``get_object`` -> ``GetObject``)."""
    model = service_model(service)
    if model is None:
        return {}
    return {xform_name(name): name for name in model.operations}


@cache
def waiters(service: str) -> dict[str, str]:
    """Waiter name (both ``ObjectExists`` and ``object_exists``) -> the operation it polls."""
    raw = _load(service, "waiters-2") or {}
    found: dict[str, str] = {}
    for name, waiter in raw.get("waiters", {}).items():
        operation = str(waiter.get("operation", ""))
        found[name] = operation
        found[xform_name(name)] = operation
    return found


@cache
def paginated_operations(service: str) -> frozenset[str]:
    """Operations that have a paginator (a paginator is named after its operation)."""
    raw = _load(service, "paginators-1") or {}
    return frozenset(raw.get("pagination", {}))


@cache
def resource_model(service: str) -> dict[str, Any]:
    """boto3's ``resources-1.json`` for a service (empty for the services without one)."""
    root = files("boto3").joinpath("data", service)
    if not root.is_dir():
        return {}
    versions = sorted(v.name for v in root.iterdir() if v.joinpath("resources-1.json").is_file())
    if not versions:
        return {}
    loaded: dict[str, Any] = json.loads(
        root.joinpath(versions[-1], "resources-1.json").read_text("utf-8")
    )
    return loaded
