"""The AWS SDK for JavaScript as the analyser sees it: what importing a package gives, and what
an export, a member or ``new`` of an SDK object is (aws-sdk v2 and the v3 ``@aws-sdk/*`` packages).
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.iam import sdkmap

#: what the v3 ``Upload`` of lib-storage and v2 ``s3.upload`` may call
MULTIPART = (
    "PutObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
)
#: client members that are not operations
NOT_OPERATIONS = frozenset(
    {
        "promise",
        "send",
        "on",
        "config",
        "destroy",
        "middlewareStack",
        "createPresignedPost",
        "waitFor",
        "makeRequest",
        "then",
    }
)
#: packages of helpers over one service's client
_V3_LIBS = ("@aws-sdk/lib-dynamodb", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner")
#: the instance ``new`` makes of each constructible kind
_INSTANCES = {
    "v2class": "v2client",
    "v2docclass": "v2doc",
    "v3clientclass": "v3client",
    "v3aggclass": "v3agg",
    "docclientclass": "doc",
    "docaggclass": "docagg",
}


@dataclass(frozen=True, slots=True)
class Obj:
    """Something SDK-related (or a local module, function or argument) a JS name can hold."""

    kind: (
        str  # v2ns v2class v2client v2docclass v2doc v3pkg v3client v3agg v3cmd doccmd docfrom ...
    )
    service: str | None = None
    name: str = ""
    target: object = None  # the JsModule of a local module


def service_for_js_client(name: str) -> str | None:
    """``"@aws-sdk/client-s3"`` / ``"S3"`` / ``"DynamoDB"`` → the botocore service name."""
    return sdkmap.service_for_js_client(name) if name else None


def js_operation(service: str | None, name: str) -> str | None:
    """v2 ``getObject`` / v3 ``GetObjectCommand`` / ``paginateX`` / DocumentClient ``put``."""
    return sdkmap.operation_for_js(service, name) if service and name else None


def sdk_package(package: str) -> Obj:
    """What importing a (non-relative) package gives; ``external`` for anything not the SDK."""
    if package == "aws-sdk" or package == "aws-sdk/global":
        return Obj("v2ns")
    if package.startswith("aws-sdk/clients/"):
        return Obj("v2class", service_for_js_client(package.rsplit("/", 1)[1]), package)
    if package.startswith("@aws-sdk/client-"):
        suffix = package.removeprefix("@aws-sdk/client-")
        return Obj("v3pkg", service_for_js_client(package), suffix)
    if package in _V3_LIBS:
        return Obj("v3pkg", "dynamodb" if package.endswith("dynamodb") else "s3", package)
    return Obj("external", name=package)


def default_of(origin: Obj) -> Obj:
    """The default import of a module (a local module's default export; the SDK itself)."""
    if origin.kind == "jsmodule":
        return Obj("jsdefault", target=origin.target)
    return origin


def member_of(obj: Obj, name: str) -> Obj:
    """``obj.name`` for an SDK object; kind ``none`` when it is nothing the analyser follows."""
    if obj.kind == "v2ns":
        return Obj("v2class", service_for_js_client(name), name)
    if obj.kind == "v2class" and name == "DocumentClient":
        return Obj("v2docclass", "dynamodb")
    if obj.kind == "v3pkg":
        return _v3_export(obj, name)
    if obj.kind in ("docclientclass", "docaggclass") and name == "from":
        return Obj("docfrom", "dynamodb", "doc" if obj.kind == "docclientclass" else "docagg")
    if obj.kind in ("v2client", "v3agg", "v2doc", "docagg", "doc", "v3client"):
        return Obj("method", obj.service, name, target=obj)
    return Obj("none")


def _v3_export(pkg: Obj, name: str) -> Obj:
    if pkg.name == "@aws-sdk/lib-dynamodb":
        if name.endswith("Command") and len(name) > len("Command"):
            return Obj("doccmd", "dynamodb", name.removesuffix("Command"))
        if name in ("DynamoDBDocumentClient", "DynamoDBDocument"):
            return Obj("docclientclass" if name.endswith("Client") else "docaggclass", pkg.service)
    if pkg.name == "@aws-sdk/lib-storage":
        return Obj("upload", "s3") if name == "Upload" else Obj("none")
    if pkg.name == "@aws-sdk/s3-request-presigner":
        return Obj("none")  # getSignedUrl signs locally: not a call (the command inside is)
    return _client_package_export(pkg.service, name)


def _client_package_export(service: str | None, name: str) -> Obj:
    """An export of ``@aws-sdk/client-*``: command, paginator, waiter, client classes."""
    if name.endswith("Command") and len(name) > 7:
        return Obj("v3cmd", service, name[: -len("Command")])
    if name.startswith("paginate") and len(name) > 8:
        return Obj("pagefn", service, name[len("paginate") :])
    for prefix in ("waitUntil", "waitFor"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return Obj("waitfn", service, name[len(prefix) :])
    if name.endswith("Client"):
        return Obj("v3clientclass", service, name)
    if name[:1].isupper() and not name.endswith(("Exception", "Error", "Fault")):
        return Obj("v3aggclass", service, name)
    return Obj("none")


def construct(obj: Obj, where: object) -> Obj:
    """The instance ``new`` makes; it keeps ``where`` (its ``new`` expression and module) for the
    v2 ``params`` defaults."""
    if obj.kind in _INSTANCES:
        return Obj(_INSTANCES[obj.kind], obj.service, obj.name, target=where)
    return Obj("none")
