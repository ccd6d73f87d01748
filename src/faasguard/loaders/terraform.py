"""Terraform configurations into the ``App`` model.

Public entry point: ``load_terraform``. Parsing keeps lines (``terraform_hcl``), expressions are
evaluated in ``terraform_eval``/``terraform_functions``, a module tree becomes resource
instances in ``terraform_module``, and each family of resources has its builder module
(``terraform_iam``, ``terraform_lambda``, ``terraform_api``, ``terraform_data``,
``terraform_ops``). Resource ids are Terraform addresses (``aws_lambda_function.orders``,
``module.api.aws_lambda_function.handler["a"]``); every resource has ``Framework.TERRAFORM``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from faasguard.loaders import (
    terraform_api,
    terraform_data,
    terraform_iam,
    terraform_lambda,
    terraform_ops,
)
from faasguard.loaders.parts import Parts
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform_hcl import Expr, Lit, Template
from faasguard.loaders.terraform_module import Instance, Loaded, load_root
from faasguard.loaders.terraform_policy import Documents
from faasguard.loaders.terraform_types import cloudformation_type
from faasguard.loaders.terraform_view import Body
from faasguard.model import App, Diagnostic, Framework, Location, Parameter

__all__ = ["load_terraform"]

_Builder = Callable[[Instance, Body, Parts, Documents], None]
_BUILDERS: dict[str, _Builder] = {
    **terraform_iam.BUILDERS,
    **terraform_lambda.BUILDERS,
    **terraform_data.BUILDERS,
    **terraform_ops.BUILDERS,
}
#: resources that change objects built from others, built after all of those
_LINKERS: dict[str, _Builder] = {
    **terraform_iam.LINKERS,
    **terraform_lambda.LINKERS,
    **terraform_data.LINKERS,
    **terraform_ops.LINKERS,
}


def load_terraform(
    directory: str, display: str, settings: LoadSettings, root: str | None = None
) -> tuple[App, dict[str, str]]:
    """The App of the Terraform module at ``directory`` (shown as ``display``), and the text of
    every file read, by display path. ``root`` bounds ``file()`` reads (default: ``directory``)."""
    try:
        loaded = load_root(directory, display, settings, root or directory)
    except Exception as exc:  # a loader bug must cost this configuration only, visibly
        loaded = Loaded(root=root or directory)
        where = Location(file=display)
        message = f"could not read the Terraform configuration: {type(exc).__name__}: {exc}"
        loaded.diagnostics.append(Diagnostic(code="FG002", message=message, location=where))
    parts = Parts()
    docs = Documents({inst.address: inst for inst in loaded.instances})
    managed = [i for i in loaded.instances if not i.type.startswith("data.")]
    for inst in managed:
        builder = _BUILDERS.get(inst.type)
        if builder is not None:
            _guarded(parts, inst, lambda b=builder, i=inst: b(i, Body(i.block, i.ctx), parts, docs))  # type: ignore[misc]
    for inst in managed:
        linker = _LINKERS.get(inst.type)
        if linker is not None:
            _guarded(parts, inst, lambda b=linker, i=inst: b(i, Body(i.block, i.ctx), parts, docs))  # type: ignore[misc]
    terraform_iam.link_policies(parts)
    _guarded_api(parts, managed, docs)
    return _freeze(loaded, directory, display, parts), loaded.texts


def _guarded(parts: Parts, inst: Instance, step: Callable[[], None]) -> None:
    """Run one build step; a failure is a diagnostic on the resource, not a failed scan."""
    try:
        step()
    except Exception as exc:  # one odd resource must not cost the whole configuration
        where = Location(file=inst.block.file, line=inst.block.line)
        message = f"could not read {inst.address}: {type(exc).__name__}: {exc}"
        parts.diagnostics.append(Diagnostic(code="FG002", message=message, location=where))


def _guarded_api(parts: Parts, managed: list[Instance], docs: Documents) -> None:
    api_parts = [i for i in managed if i.type in terraform_api.TYPES]
    try:
        terraform_api.build(api_parts, parts, docs)
    except Exception as exc:  # an odd API must not cost the rest
        where = Location(file=api_parts[0].block.file, line=api_parts[0].block.line)
        message = f"could not read the API resources: {type(exc).__name__}: {exc}"
        parts.diagnostics.append(Diagnostic(code="FG002", message=message, location=where))


def _parameters(loaded: Loaded) -> tuple[Parameter, ...]:
    """Root variables as parameters: a literal default is kept; ``sensitive`` counts as NoEcho."""
    found: list[Parameter] = []
    for block in loaded.root_variables:
        if not block.labels:
            continue
        default = block.attributes.get("default")
        sensitive = block.attributes.get("sensitive")
        found.append(
            Parameter(
                name=block.labels[0],
                default=_literal(default.expr) if default is not None else None,
                no_echo=sensitive is not None and _literal(sensitive.expr) is True,
                location=Location(file=block.file, line=block.line),
            )
        )
    return tuple(found)


def _literal(expr: Expr) -> str | int | float | bool | None:
    """A value written out in the file (no reference, variable or function in it)."""
    if isinstance(expr, Lit):
        return expr.value
    if isinstance(expr, Template) and all(isinstance(p, str) for p in expr.parts):
        return "".join(str(p) for p in expr.parts)
    return None


def _freeze(loaded: Loaded, directory: str, display: str, parts: Parts) -> App:
    fields = {f: tuple(getattr(parts, f)) for f in Parts.__slots__ if f != "diagnostics"}
    problems = [
        Diagnostic(code="FG002", message=message, location=Location(file=file, line=line))
        for module in loaded.modules
        for file, message, line in module.problems
    ]
    diagnostics = dict.fromkeys((*loaded.diagnostics, *problems, *parts.diagnostics))
    return App(
        name=posixpath.basename(display.rstrip("/")) or display,
        root=directory,
        source=display,
        framework=Framework.TERRAFORM,
        parameters=_parameters(loaded),
        diagnostics=tuple(diagnostics),
        resource_types=tuple(
            (i.address, cloudformation_type(i.type))
            for i in loaded.instances
            if not i.type.startswith("data.")
        ),
        **fields,
    )
