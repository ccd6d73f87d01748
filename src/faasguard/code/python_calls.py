"""What a method call on a boto3-family object does: the SDK operations it makes, with the
arguments that name resources (client methods, resource actions, collections, transfers...)."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.code.boto3_resources import (
    S3_TRANSFERS,
    batch_operation,
    collection_operation,
    request_param_sources,
    resource_operation,
)
from faasguard.code.powertools import PT_PROVIDERS, provider_calls
from faasguard.code.python_clients import Obj
from faasguard.code.sdk_calls import sdk_call
from faasguard.code.service_models import (
    operation_for_method,
    paginator_operation,
    waiter_operation,
)
from faasguard.code.traced import UNKNOWN_STR, Str, nth
from faasguard.model.code import SdkCall
from faasguard.model.values import Location

#: client attributes that make no request
_NOT_CALLS = frozenset({"close", "can_paginate", "get_paginator", "get_waiter", "meta"})
#: collection methods that list it (one request each; ``note == "listed"`` marks a result)
_LISTING = ("all", "filter", "limit", "page_size", "pages")


def method_calls(
    recv: Obj, name: str, kwargs: dict[str, Str], positional: list[Str], where: Location
) -> Iterator[SdkCall]:
    """The calls ``recv.name(*positional, **kwargs)`` makes."""
    service, sdk = recv.service, recv.sdk
    if recv.kind == "client":
        yield from client_calls(recv, name, kwargs, positional, where)
    elif recv.kind in ("resource", "sres") and service:
        yield from _resource_calls(recv, service, name, kwargs, positional, where)
    elif recv.kind == "coll" and service:
        yield from _collection_calls(recv, service, name, kwargs, where)
    elif recv.kind == "pager" and name == "paginate":
        op = paginator_operation(service, recv.name)
        yield sdk_call(service, op, where, sdk, "paginator", kwargs)
    elif recv.kind == "waiter" and name == "wait":
        op = waiter_operation(service, recv.name)
        yield sdk_call(service, op, where, sdk, "waiter", kwargs)
    elif recv.kind == "provider" and name in PT_PROVIDERS.get(recv.name, {}):
        table = dict(recv.ids).get("TableName")
        yield from provider_calls(recv.name, name, table, positional, where)


def _resource_calls(
    recv: Obj,
    service: str,
    name: str,
    kwargs: dict[str, Str],
    positional: list[Str],
    where: Location,
) -> Iterator[SdkCall]:
    sdk = recv.sdk
    if name in S3_TRANSFERS and service == "s3":
        ids = dict(recv.ids)
        key_arg = 0 if name.startswith("download") else 1  # Bucket.download_file(Key, ...)
        key = ids.get("Key") or nth(positional, key_arg)
        args = {"Bucket": ids.get("Name") or ids.get("BucketName") or UNKNOWN_STR, "Key": key}
        for transfer_op in S3_TRANSFERS[name]:
            yield sdk_call(service, transfer_op, where, sdk, "managed transfer", args)
    elif name == "batch_writer":  # the table is a key of RequestItems, not a parameter
        table = {"TableName": dict(recv.ids).get("Name", UNKNOWN_STR)}
        yield sdk_call(service, "BatchWriteItem", where, sdk, "batch writer", table, fixed=True)
    elif op := resource_operation(service, recv.name if recv.kind == "resource" else "", name):
        args = {**kwargs, **request_params(service, recv, name)}
        yield sdk_call(service, op, where, sdk, "resource action", args)


def _collection_calls(
    recv: Obj, service: str, name: str, kwargs: dict[str, Str], where: Location
) -> Iterator[SdkCall]:
    if name in _LISTING and recv.note != "listed":
        op = collection_operation(service, recv.name)
        args = {**kwargs, **request_params(service, recv, "")}
        yield sdk_call(service, op, where, recv.sdk, "collection", args)
    elif op := batch_operation(service, recv.name, name):
        yield sdk_call(service, op, where, recv.sdk, "batch action", kwargs)


def client_calls(
    recv: Obj, name: str, kwargs: dict[str, Str], positional: list[Str], where: Location
) -> Iterator[SdkCall]:
    """The calls ``client.name(...)`` makes (``name`` may come from ``getattr``)."""
    service, sdk = recv.service, recv.sdk
    if name in _NOT_CALLS or name.startswith("_") or name == "exceptions":
        return
    if service is None:
        note = f"{recv.note or 'client of an unknown service'}; method {name}"
        yield SdkCall(
            service=None, operation=None, location=where, sdk=sdk, form="client method", note=note
        )
    elif name in S3_TRANSFERS and service == "s3":
        args = _client_transfer_args(name, kwargs, positional)
        for transfer_op in S3_TRANSFERS[name]:
            yield sdk_call(service, transfer_op, where, sdk, "managed transfer", args)
    elif name in ("generate_presigned_url", "generate_presigned_post"):
        method = kwargs.get("ClientMethod") or nth(positional, 0)
        if name == "generate_presigned_post":
            method = Str(literal="put_object")
        op = operation_for_method(service, method.literal or "")
        note = "" if op else "presigned for a computed method"
        yield sdk_call(service, op, where, sdk, "presigned url", kwargs, note)
    else:
        op = operation_for_method(service, name)
        note = "" if op else f"unknown method {name}"
        yield sdk_call(service, op, where, sdk, "client method", kwargs, note)


def _client_transfer_args(
    name: str, kwargs: dict[str, Str], positional: list[Str]
) -> dict[str, Str]:
    """``s3.upload_file(Filename, Bucket, Key)`` / ``s3.download_file(Bucket, Key, Filename)``."""
    if name.startswith("download"):
        return {"Bucket": nth(positional, 0), "Key": nth(positional, 1), **kwargs}
    args = dict(kwargs)
    for param, value in zip(("Filename", "Bucket", "Key"), positional, strict=False):
        args.setdefault(param, value)
    return args


def request_params(service: str, recv: Obj, action: str) -> dict[str, Str]:
    """The request parameters a resource fills from its identifiers (``TableName`` ← ``Name``)."""
    ids = dict(recv.ids)
    mapping = request_param_sources(service, recv.kind, recv.name, action)
    return {target: ids[source] for target, source in mapping if source in ids}
