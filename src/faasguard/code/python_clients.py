"""boto3-family objects a Python name can hold, and how reading an attribute of one leads to the
next: ``boto3`` → ``boto3.client`` (factory) → client → ``client.get_object`` (method) ..."""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.code.boto3_resources import collection, resource_def, resource_identifiers
from faasguard.code.powertools import PT_FUNCTIONS, PT_IDEMPOTENCY, PT_PARAMS, PT_PROVIDERS
from faasguard.code.service_models import known_service
from faasguard.code.traced import UNKNOWN_STR, Str

#: modules whose attributes are recognised by name (never followed into their sources)
_ROOTS = frozenset({"boto3", "boto3.session", "aioboto3", "botocore", "botocore.session", "os"})
#: type-stub packages name a service: ``mypy_boto3_s3`` (clients annotated with their classes)
_STUB_PREFIXES = ("mypy_boto3_", "types_boto3_", "types_aiobotocore_")


@dataclass(frozen=True, slots=True)
class Obj:
    """Something SDK-related a name can hold: a module, factory, session, client, resource..."""

    kind: str  # module | factory | session | client | sres | resource | coll | pager | waiter ...
    name: str = ""  # module path, factory kind, resource type, operation, method name
    service: str | None = None
    sdk: str = "boto3"
    ids: tuple[tuple[str, Str], ...] = ()
    note: str = ""
    target: object = None  # Scope of a local module, LocalFunction, Obj of a method


def is_sdk_module(path: str) -> bool:
    """An import recognised by name rather than resolved to a file of the code root."""
    return path in _ROOTS or path.startswith("aws_lambda_powertools") or bool(stub_service(path))


def stub_service(path: str) -> str | None:
    """``mypy_boto3_bedrock_runtime.client`` → ``"bedrock-runtime"`` (type stubs name a service)."""
    for prefix in _STUB_PREFIXES:
        if path.startswith(prefix):
            name = path.removeprefix(prefix).split(".")[0]
            for candidate in (name.replace("_", "-"), name.replace("_", "")):
                if known_service(candidate):
                    return candidate
    return None


def attr_of(obj: Obj, attr: str) -> Obj:
    """``obj.attr`` for an SDK object; anything unrecognised is a method of ``obj``."""
    if obj.kind == "module":
        return _module_attr(obj.name, attr)
    if obj.kind == "environ" and attr == "get":
        return Obj("factory", "environ.get")
    if obj.kind in ("sres", "resource") and obj.service:
        type_name = obj.name if obj.kind == "resource" else ""
        key = collection(obj.service, type_name, attr)
        if key:
            return Obj("coll", f"{type_name}.{key}", obj.service, obj.sdk, obj.ids)
        if attr == "meta":
            return Obj("meta", service=obj.service, sdk=obj.sdk)
    if obj.kind == "meta" and attr == "client":
        return Obj("client", service=obj.service, sdk=obj.sdk)
    return Obj("method", attr, obj.service, obj.sdk, target=obj)


def _module_attr(path: str, attr: str) -> Obj:
    if path in ("botocore", "botocore.session"):
        if attr in ("get_session", "Session"):
            return Obj("factory", "session", sdk="botocore")
        return Obj("module", f"{path}.{attr}")
    if path in ("boto3", "aioboto3", "boto3.session"):
        return _boto3_attr(path, attr)
    if path == "os":
        if attr == "environ":
            return Obj("environ")
        return Obj("factory", "getenv") if attr == "getenv" else Obj("module", "os." + attr)
    if path.startswith(PT_PARAMS) and (attr in PT_FUNCTIONS or attr in PT_PROVIDERS):
        return Obj("factory", "pt:" + attr, sdk="powertools")
    if path.startswith(PT_IDEMPOTENCY) and attr == "DynamoDBPersistenceLayer":
        return Obj("factory", "pt:idempotency", sdk="powertools")
    return _stub_attr(path, attr) or Obj("module", f"{path}.{attr}")


def _boto3_attr(path: str, attr: str) -> Obj:
    sdk = "aioboto3" if path == "aioboto3" else "boto3"
    if attr in ("client", "resource"):
        return Obj("factory", attr, sdk=sdk)
    if attr == "Session":
        return Obj("factory", "session", sdk=sdk)
    return Obj("module", f"{path}.{attr}")


def _stub_attr(path: str, attr: str) -> Obj | None:
    """A class of a type-stub package: the client, service resource or resource it annotates."""
    stub = stub_service(path)
    if stub and attr.endswith("ServiceResource"):
        return Obj("sres", service=stub)
    if stub and attr.endswith("Client"):
        return Obj("client", service=stub)
    if stub and attr[:1].isupper() and resource_def(stub, attr):
        return Obj("resource", attr, stub)  # a resource type: its identifiers are unknown
    return None


def new_resource(parent: Obj, type_name: str, args: list[Str]) -> Obj:
    """``s3.Bucket("b")`` / ``bucket.Object(key)``: identifiers from the arguments or the parent."""
    service = parent.service or ""
    names = resource_identifiers(
        service, parent.name if parent.kind == "resource" else "", type_name
    )
    ids: list[tuple[str, Str]] = []
    inputs = iter(args)
    parent_ids = dict(parent.ids)
    for target, source in names:
        if source == "input":
            ids.append((target, next(inputs, UNKNOWN_STR)))
        else:
            ids.append((target, parent_ids.get(source, UNKNOWN_STR)))
    return Obj("resource", type_name, service, parent.sdk, tuple(ids))
