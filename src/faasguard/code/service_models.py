"""botocore service models as both analysers ask them, read through ``faasguard.iam`` so the tool
keeps one mapping from SDK names to IAM operations."""

from __future__ import annotations

import re
from collections.abc import Iterable

from faasguard.iam import botocore_models, sdk_names, sdkmap

#: input members whose name says they identify a resource ...
_RESOURCE_PARAM = re.compile(r"(Name|Arn|ARN|Url|URL|Id|Bucket|Key|Path|Prefix|Identifier)$")
#: ... unless the name says it is something else that happens to end the same way
_NOT_RESOURCE = re.compile(r"(Token|GroupId|DeduplicationId|RequestId|ContentType|Expression)$")


def operation_for_method(service: str | None, method: str) -> str | None:
    """``("s3", "get_object")`` → ``"GetObject"``; None when the client has no such method."""
    return sdkmap.operation_for_method(service, method) if service else None


def paginator_operation(service: str | None, name: str) -> str | None:
    return sdk_names.paginator_operation(service, name) if service else None


def waiter_operation(service: str | None, waiter: str) -> str | None:
    """``("s3", "object_exists")`` (or ``"ObjectExists"``) → ``"HeadObject"``."""
    return sdk_names.waiter_operation(service, waiter) if service else None


def known_service(service: str) -> bool:
    return botocore_models.service_model(service) is not None


def resource_params(service: str, operation: str, args: Iterable[str]) -> tuple[str, ...]:
    """The arguments of a call that name a resource: input members with a name like one."""
    model = botocore_models.service_model(service)
    found = model.operations.get(operation) if model is not None else None
    inputs = found.inputs if found is not None else ()
    return tuple(
        sorted(
            p
            for p in args
            if p in inputs and _RESOURCE_PARAM.search(p) and not _NOT_RESOURCE.search(p)
        )
    )
