"""Turning a recognised call and its traced arguments into the model's ``SdkCall``."""

from __future__ import annotations

from faasguard.code.service_models import resource_params
from faasguard.code.traced import Str
from faasguard.model.code import ResourceArg, SdkCall
from faasguard.model.values import Location


def sdk_call(
    service: str | None,
    op: str | None,
    where: Location,
    sdk: str,
    form: str,
    args: dict[str, Str],
    note: str = "",
    *,
    fixed: bool = False,
    unknown_service: str = "client of a service named at run time",
) -> SdkCall:
    """An SdkCall; ``fixed`` keeps every argument given instead of the input shape's own, and
    ``unknown_service`` is the note when no service could be told (each analyser words it)."""
    if service is None and not note:
        note = unknown_service
    elif op is None and not note:
        note = "operation not found in the service model"
    params = resource_params(service, op, args) if service and op else ()
    params = tuple(args) if fixed else params
    return SdkCall(
        service=service,
        operation=op,
        location=where,
        sdk=sdk,
        resources=tuple(resource_arg(p, args[p]) for p in params),
        form=form,
        note=note,
    )


def resource_arg(param: str, value: Str) -> ResourceArg:
    return ResourceArg(
        param=param,
        literal=value.literal,
        env_var=value.env_var,
        template=value.template,
        note=value.note,
    )
