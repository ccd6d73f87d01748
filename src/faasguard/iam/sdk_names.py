"""How SDK code names services and operations -> botocore's service and operation names.

Python: boto3 client methods are ``xform_name`` of the operation (``get_object``), plus a few
injected helpers (``upload_file``); resource actions come from boto3's ``resources-1.json``.
JavaScript: v2 methods are the operation in lowerCamelCase (``getObject``), v3 commands the
operation + ``Command`` (``GetObjectCommand``), paginators ``paginate`` + operation; clients are
``AWS.S3`` / ``S3Client`` / ``S3`` / package ``@aws-sdk/client-s3``, derived from the service id
with a curated table for the names that differ.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import product
from typing import Any

from botocore import xform_name  # type: ignore[import-untyped]

from faasguard.iam import botocore_models as models
from faasguard.iam.sdk_exceptions import exceptions

_CAMEL_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")
_PACKAGE = "@aws-sdk/client-"
#: more joins than this would be guessing, not deriving
_MAX_WORDS = 6


def operation_for_method(service: str, python_method: str) -> str | None:
    """``("s3", "get_object")`` -> ``"GetObject"``; boto3 helpers (``upload_file``) -> the
    operation whose permissions they need; None when the client has no such method."""
    found = models.python_methods(service).get(python_method)
    if found is not None:
        return found
    return exceptions().python_methods.get(service, {}).get(python_method)


def _operation_named(service: str, name: str) -> str | None:
    operations = models.service_model(service)
    if operations is None or not name:
        return None
    if name in operations.operations:
        return name
    lower = name.lower()
    return next((op for op in operations.operations if op.lower() == lower), None)


def operation_for_js(service: str, name: str) -> str | None:
    """v2 ``"getObject"`` / v3 ``"GetObjectCommand"`` / ``"paginateListObjectsV2"`` ->
    ``"GetObject"``; DocumentClient and lib-dynamodb names (``put``, ``PutCommand``) too."""
    aliases = exceptions().js_operations.get(service, {})
    stem = name.removesuffix("Command") if name.endswith("Command") and name != "Command" else name
    for candidate in (name, stem):
        if candidate in aliases:
            return aliases[candidate]
    if stem.startswith("paginate") and len(stem) > len("paginate"):
        stem = stem.removeprefix("paginate")
    return _operation_named(service, stem[:1].upper() + stem[1:])


def _joins(words: list[str]) -> list[str]:
    """Every way to join words with "" or "-": ["bedrock","runtime"] -> bedrockruntime, ..."""
    if not words or len(words) > _MAX_WORDS:
        return []
    found = []
    for seps in product(("", "-"), repeat=len(words) - 1):
        found.append(words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=True)))
    return found


@cache
def _service_set() -> frozenset[str]:
    return frozenset(models.service_names())


def _class_words(name: str) -> list[str]:
    return [w.lower() for w in _CAMEL_WORD.findall(name)]


def _matches_service_id(service: str, name: str) -> bool:
    model = models.service_model(service)
    if model is None:
        return False
    squash = re.sub(r"[^a-z0-9]", "", model.service_id.lower())
    return squash == re.sub(r"[^a-z0-9]", "", name.lower()) or service == name.lower()


@cache
def service_for_js_client(name: str) -> str | None:
    """``"S3"`` / ``"S3Client"`` / ``"AWS.DynamoDB"`` / ``"@aws-sdk/client-s3"`` -> ``"s3"``."""
    text = name.strip().removeprefix("AWS.")
    curated = exceptions().js_clients
    if text.lower() in curated:
        return curated[text.lower()]
    if text.startswith(_PACKAGE):
        words = text.removeprefix(_PACKAGE).split("-")
    else:
        stem = text.removesuffix("Client") if text != "Client" else text
        if stem.lower() in curated:
            return curated[stem.lower()]
        words = _class_words(stem)
    services = _service_set()
    for candidate in _joins(words):
        if candidate in services and _matches_service_id(candidate, "".join(words)):
            return candidate
    return None


def _named(defs: dict[str, Any], python_name: str) -> dict[str, Any] | None:
    return next((d for n, d in defs.items() if xform_name(n) == python_name), None)


def resource_operation(service: str, resource: str, action: str) -> str | None:
    """boto3 resource action -> client operation: ``("dynamodb", "Table", "put_item")`` ->
    ``"PutItem"``; ``resource=""`` is the service resource; ``load``/``reload``, ``wait_until_*``
    waiters and batch actions (``("s3", "Object", "delete")``) included."""
    model = models.resource_model(service)
    if not model:
        return None
    rdef: dict[str, Any] = (
        model.get("resources", {}).get(resource, {}) if resource else model.get("service", {})
    )
    if action in ("load", "reload") and "load" in rdef:
        return str(rdef["load"]["request"]["operation"])
    if action.startswith("wait_until_"):
        waiter = _named(rdef.get("waiters", {}), action.removeprefix("wait_until_"))
        return models.waiters(service).get(str(waiter["waiterName"])) if waiter else None
    for kind in ("actions", "batchActions"):
        found = _named(rdef.get(kind, {}), action)
        if found is not None:
            return str(found["request"]["operation"])
    # helpers boto3 injects into resources too (Bucket.upload_file, Table.batch_writer)
    return exceptions().python_methods.get(service, {}).get(action) if rdef else None


def collection_operation(service: str, resource: str, collection: str) -> str | None:
    """``("s3", "Bucket", "objects")`` -> ``"ListObjects"``: what iterating it calls."""
    model = models.resource_model(service)
    rdef: dict[str, Any] = (
        model.get("resources", {}).get(resource, {}) if resource else model.get("service", {})
    )
    found = _named(rdef.get("hasMany", {}), collection)
    return str(found["request"]["operation"]) if found else None


def waiter_operation(service: str, waiter: str) -> str | None:
    """``("s3", "object_exists")`` (or ``"ObjectExists"``) -> ``"HeadObject"``."""
    return models.waiters(service).get(waiter)


def paginator_operation(service: str, python_name: str) -> str | None:
    """``get_paginator("list_objects_v2")`` -> ``"ListObjectsV2"`` when the paginator exists."""
    operation = operation_for_method(service, python_name)
    return operation if operation in models.paginated_operations(service) else None
