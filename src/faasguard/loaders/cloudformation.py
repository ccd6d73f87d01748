"""CloudFormation templates (and CDK output) into the ``App`` model.

Public entry point: ``load_template``. ``Template`` (in ``cfn_template``) is the resolution
context shared with ``loaders.sam``; intrinsics are evaluated in ``cfn_resolve``, and each
family of plain resources has its builder module (``cfn_lambda``, ``cfn_iam``, ``cfn_api``,
``cfn_data``, ``cfn_ops``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import replace

from faasguard.loaders import cdk, cfn_api, cfn_data, cfn_iam, cfn_lambda, cfn_ops
from faasguard.loaders.cfn_common import Source
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import Document, YMap
from faasguard.model import App, Diagnostic, Framework, Parameter

__all__ = ["Template", "load_template"]

_Builder = Callable[[Template, Source, Parts], None]
#: one builder per resource type; the ones that attach to others run in ``_link``
_BUILDERS: dict[str, _Builder] = {
    "AWS::IAM::Role": lambda t, s, p: p.roles.append(cfn_iam.role(t, s)),
    "AWS::IAM::Policy": lambda t, s, p: p.policies.append(cfn_iam.policy(t, s)),
    "AWS::IAM::ManagedPolicy": lambda t, s, p: p.policies.append(cfn_iam.policy(t, s)),
    "AWS::Lambda::Permission": lambda t, s, p: p.permissions.append(cfn_lambda.permission(t, s)),
    "AWS::Lambda::LayerVersion": lambda t, s, p: p.layers.append(cfn_lambda.layer(t, s)),
    "AWS::Lambda::LayerVersionPermission": lambda t, s, p: p.resource_policies.append(
        cfn_lambda.layer_permission(t, s)
    ),
    **cfn_data.BUILDERS,
    **cfn_ops.BUILDERS,
}
#: types that change objects built from other resources: built after all of those
_LINKED = frozenset(
    {
        "AWS::Lambda::Url",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::EventInvokeConfig",
        *cfn_api.TYPES,
        *cfn_data.LINKED_TYPES,
    }
)


def load_template(doc: Document, root: str) -> App:
    """Build the ``App`` of one CloudFormation/SAM template document."""
    tpl = Template(doc, root)
    parts = Parts()
    framework = _framework(tpl)
    if tpl.is_sam:
        from faasguard.loaders import sam

        _guarded(tpl, parts, "SAM expansion", lambda: sam.expand(tpl, parts))
    sources = list(_plain_sources(tpl, framework))
    for src in sources:
        builder = _BUILDERS.get(src.type)
        if builder is not None:
            tpl.take_assumptions()  # notes of earlier resources must not leak into this one
            _guarded(tpl, parts, src.ident, lambda b=builder, s=src: b(tpl, s, parts))  # type: ignore[misc]
        elif src.type == "AWS::Lambda::Function":
            _guarded(tpl, parts, src.ident, lambda s=src: _function(tpl, s, parts))  # type: ignore[misc]
    _link(tpl, parts, sources)
    if framework is Framework.CDK:
        cdk.annotate(parts, cdk.construct_paths(tpl.resources))
    return _freeze(tpl, doc, parts, framework)


def _function(tpl: Template, src: Source, parts: Parts) -> None:
    asset = _asset_path(tpl, src.ident)
    fn = cfn_lambda.function(tpl, src, asset)
    source = cdk.source_of_asset(fn.code_dir) if asset and fn.code_dir else None
    if source is not None:  # findings on code should point at the files the user edits
        note = f"CDK asset {asset} is a copy of {source}"
        fn = replace(fn, code_dir=source, assumptions=(*fn.assumptions, note))
    parts.functions.append(fn)


def _guarded(tpl: Template, parts: Parts, what: str, step: Callable[[], None]) -> None:
    """Run one build step; a failure is a diagnostic on the resource, not a failed scan."""
    try:
        step()
    except Exception as exc:  # one odd resource must not cost the whole template
        where = tpl.location(what) if tpl.is_resource(what) else tpl.top.loc
        message = f"could not read {what}: {type(exc).__name__}: {exc}"
        parts.diagnostics.append(Diagnostic(code="FG002", message=message, location=where))


def _plain_sources(tpl: Template, framework: Framework) -> list[Source]:
    found: list[Source] = []
    for ident, resource in tpl.resources.items():
        if not isinstance(resource, YMap):
            tpl.diagnose(tpl.location(ident), f"resource {ident} is not a mapping")
            continue
        kind = resource.get("Type")
        if not isinstance(kind, str):
            tpl.diagnose(tpl.location(ident), f"resource {ident} has no Type")
            continue
        if kind.startswith("AWS::Serverless::"):
            continue
        props = resource.get("Properties")
        if props is not None and not isinstance(props, YMap):
            tpl.diagnose(resource.key_loc("Properties"), f"Properties of {ident} is not a mapping")
        props = props if isinstance(props, YMap) else YMap(tpl.location(ident))
        found.append(Source(ident=ident, type=kind, props=props, framework=framework))
    return found


def _link(tpl: Template, parts: Parts, sources: list[Source]) -> None:
    """Resources that modify others: URLs, mappings, invoke configs, API parts, rotations."""
    for src in sources:
        if src.type in _LAMBDA_LINKS:
            tpl.take_assumptions()
            link = _LAMBDA_LINKS[src.type]
            _guarded(tpl, parts, src.ident, lambda s=src, f=link: f(tpl, s, parts))  # type: ignore[misc]
    _guarded(tpl, parts, "IAM policies", lambda: cfn_iam.attach_policies(parts))
    rotations = [s for s in sources if s.type in cfn_data.LINKED_TYPES]
    _guarded(tpl, parts, "secret rotations", lambda: cfn_data.link(tpl, parts, rotations))
    api_parts = [s for s in sources if s.type in cfn_api.TYPES]
    _guarded(tpl, parts, "API resources", lambda: cfn_api.build(tpl, parts, api_parts))


def _link_url(tpl: Template, src: Source, parts: Parts) -> None:
    fn, url = cfn_lambda.function_url(tpl, src)
    cfn_lambda.attach(parts, fn, url=url)


def _link_mapping(tpl: Template, src: Source, parts: Parts) -> None:
    mapping = cfn_lambda.event_source_mapping(tpl, src)
    parts.event_source_mappings.append(mapping)
    event = cfn_lambda.mapping_event(mapping, cfn_lambda.polled_kind(tpl, mapping, src))
    cfn_lambda.attach(parts, mapping.function, events=(event,))


def _link_invoke_config(tpl: Template, src: Source, parts: Parts) -> None:
    fn, fields = cfn_lambda.invoke_config(tpl, src)
    cfn_lambda.attach(parts, fn, **fields)


_LAMBDA_LINKS: dict[str, _Builder] = {
    "AWS::Lambda::Url": _link_url,
    "AWS::Lambda::EventSourceMapping": _link_mapping,
    "AWS::Lambda::EventInvokeConfig": _link_invoke_config,
}


def _framework(tpl: Template) -> Framework:
    if tpl.is_sam:
        return Framework.SAM
    if "cdk.out" in tpl.file.replace("\\", "/").split("/"):
        return Framework.CDK
    for resource in tpl.resources.values():
        metadata = resource.get("Metadata") if isinstance(resource, YMap) else None
        if isinstance(metadata, YMap) and "aws:cdk:path" in metadata:
            return Framework.CDK
    return Framework.CLOUDFORMATION


def _asset_path(tpl: Template, ident: str) -> str | None:
    resource = tpl.resources.get(ident)
    metadata = resource.get("Metadata") if isinstance(resource, YMap) else None
    path = metadata.get("aws:asset:path") if isinstance(metadata, YMap) else None
    return path if isinstance(path, str) else None


def _parameters(tpl: Template) -> tuple[Parameter, ...]:
    section = tpl.top.get("Parameters")
    if not isinstance(section, YMap):
        return ()
    found = []
    for name, spec in section.items():
        spec = spec if isinstance(spec, YMap) else YMap(section.key_loc(name))
        default = spec.get("Default")
        found.append(
            Parameter(
                name=name,
                default=default if not isinstance(default, YMap | list) else None,
                no_echo=str(spec.get("NoEcho")).lower() == "true",
                location=section.key_loc(name),
            )
        )
    return tuple(found)


def _resource_types(tpl: Template) -> tuple[tuple[str, str], ...]:
    return tuple(
        (ident, kind if isinstance(res, YMap) and isinstance(kind := res.get("Type"), str) else "")
        for ident, res in tpl.resources.items()
    )


def _freeze(tpl: Template, doc: Document, parts: Parts, framework: Framework) -> App:
    name = posixpath.splitext(posixpath.basename(doc.file))[0] or doc.file
    fields = {f: tuple(getattr(parts, f)) for f in Parts.__slots__ if f != "diagnostics"}
    diagnostics = dict.fromkeys((*doc.diagnostics, *parts.diagnostics, *tpl.diagnostics))
    return App(
        name=name,
        root=tpl.root,
        source=doc.file,
        framework=framework,
        parameters=_parameters(tpl),
        diagnostics=tuple(diagnostics),
        resource_types=_resource_types(tpl),
        **fields,
    )
