"""boto3's resource layer: what its ``resources-1.json`` models say about collections, actions,
identifiers and loads, plus the S3 transfer methods boto3 injects onto clients and resources."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore import xform_name  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    DataNotFoundError,
    UnknownServiceError,
)
from botocore.loaders import Loader  # type: ignore[import-untyped]

from faasguard.iam import botocore_models, sdk_names

#: boto3/s3/inject.py: each managed transfer method → the operations it may make
S3_TRANSFERS: dict[str, tuple[str, ...]] = {
    "upload_file": (
        "PutObject",
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ),
    "download_file": ("HeadObject", "GetObject"),
    "copy": (
        "HeadObject",
        "CopyObject",
        "CreateMultipartUpload",
        "UploadPartCopy",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ),
}
S3_TRANSFERS["upload_fileobj"] = S3_TRANSFERS["upload_file"]
S3_TRANSFERS["download_fileobj"] = S3_TRANSFERS["download_file"]


def resource_operation(service: str, type_name: str, action: str) -> str | None:
    """``("dynamodb", "Table", "put_item")`` → ``"PutItem"`` (``""`` = the service resource)."""
    return sdk_names.resource_operation(service, type_name, action)


def resource_def(service: str, type_name: str) -> dict[str, Any]:
    """A resource type's definition (``""`` = the service resource); empty when unknown."""
    model = botocore_models.resource_model(service)
    found: dict[str, Any] = (
        model.get("resources", {}).get(type_name, {}) if type_name else model.get("service", {})
    )
    return found


@cache
def _shapes(service: str) -> dict[str, Any]:
    """The shapes of a service model (for the attributes a resource ``load`` fills)."""
    try:
        model: dict[str, Any] = Loader().load_service_model(service, "service-2")
    except (DataNotFoundError, UnknownServiceError, ValueError):
        return {}
    shapes: dict[str, Any] = model.get("shapes", {})
    return shapes


def _named(defs: dict[str, Any], python_name: str) -> dict[str, Any] | None:
    return next((d for n, d in defs.items() if xform_name(n) == python_name), None)


@cache
def shape_attributes(service: str, type_name: str) -> frozenset[str]:
    """Attributes of a resource that come from its ``load`` (``content_length`` of an Object)."""
    rdef = resource_def(service, type_name)
    shape = _shapes(service).get(rdef.get("shape", ""), {})
    if "load" not in rdef:
        return frozenset()
    return frozenset(xform_name(member) for member in shape.get("members", {}))


def collection(service: str, type_name: str, attr: str) -> str | None:
    """The collection key (``"Objects"``) for ``bucket.objects``, or None."""
    many = resource_def(service, type_name).get("hasMany", {})
    return next((n for n in many if xform_name(n) == attr), None)


def _collection_def(service: str, coll: str) -> dict[str, Any]:
    type_name, _, key = coll.rpartition(".")
    found: dict[str, Any] = resource_def(service, type_name).get("hasMany", {}).get(key, {})
    return found


def collection_operation(service: str, coll: str) -> str | None:
    request = _collection_def(service, coll).get("request", {})
    return str(request["operation"]) if "operation" in request else None


def batch_operation(service: str, coll: str, action: str) -> str | None:
    item_type = _collection_def(service, coll).get("resource", {}).get("type", "")
    found = _named(resource_def(service, item_type).get("batchActions", {}), action)
    return str(found["request"]["operation"]) if found else None


def resource_identifiers(service: str, parent: str, type_name: str) -> list[tuple[str, str]]:
    """How ``parent.TypeName(args)`` fills the new resource's identifiers: (target, source) where
    source is ``"input"`` (the next argument) or the parent's identifier name."""
    sub = resource_def(service, parent).get("has", {}).get(type_name, {}).get("resource")
    if sub:
        return [
            (i["target"], "input" if i["source"] == "input" else i.get("name", ""))
            for i in sub["identifiers"]
        ]
    own = resource_def(service, type_name).get("identifiers", [])
    return [(i["name"], "input") for i in own]


def request_param_sources(
    service: str, kind: str, type_name: str, action: str
) -> list[tuple[str, str]]:
    """(request parameter, identifier) pairs of a resource action, load, waiter or collection."""
    if kind == "coll":
        request = _collection_def(service, type_name).get("request", {})
    else:
        request = _resource_request(service, type_name if kind == "resource" else "", action)
    params = request.get("params", [])
    return [
        (p["target"], p["name"])
        for p in params
        if p.get("source") == "identifier" and "." not in p["target"]
    ]


def _resource_request(service: str, type_name: str, action: str) -> dict[str, Any]:
    """The request model behind ``action`` on a resource (load, waiter or plain action)."""
    rdef = resource_def(service, type_name)
    request: dict[str, Any]
    if action in ("load", "reload"):
        request = rdef.get("load", {}).get("request", {})
    elif action.startswith("wait_until_"):
        request = _named(rdef.get("waiters", {}), action.removeprefix("wait_until_")) or {}
    else:
        request = (_named(rdef.get("actions", {}), action) or {}).get("request", {})
    if action in S3_TRANSFERS or action == "batch_writer":
        # not modelled actions: they fill the parameters the resource's load or PutItem would
        request = rdef.get("load", {}).get("request", {}) or rdef.get("actions", {}).get(
            "PutItem", {}
        ).get("request", {})
    return request
