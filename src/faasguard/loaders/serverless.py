"""Serverless Framework services (``serverless.yml``, v3/v4 syntax) into the ``App`` model.

Serverless compiles a service to CloudFormation; so do we, keeping positions: variables are
resolved first (``serverless_vars``), then every function, its role, log group, URL and events
become the resources Serverless generates, under Serverless's own logical ids
(``HelloLambdaFunction``, ``IamRoleLambdaExecution``, ``ApiGatewayRestApi``, ``HttpApi``...),
each pointing at the serverless.yml key it comes from. ``resources.Resources`` joins them, and
the whole template goes through the CloudFormation loader, so ``!Ref``/``Fn::GetAtt`` between
functions and user resources resolve as in SAM and every rule works unchanged.
"""

from __future__ import annotations

import posixpath
from dataclasses import fields, replace
from typing import Any

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.serverless_api import ApiContext
from faasguard.loaders.serverless_events import EventWork, PendingEvent, add_events
from faasguard.loaders.serverless_functions import Service, add_function, function_id
from faasguard.loaders.serverless_iam import provider_iam
from faasguard.loaders.serverless_nodes import Out, as_list, normalize_function, put, section, ymap
from faasguard.loaders.serverless_vars import VariableResolver
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.yamljson import Document, Node, YList, YMap
from faasguard.model import (
    App,
    Diagnostic,
    EventSource,
    Framework,
    Function,
    Layer,
    Location,
    Ref,
    Resource,
)

__all__ = ["load_serverless"]


def load_serverless(doc: Document, base_dir: str, settings: LoadSettings) -> App:
    """Build the ``App`` of one serverless.yml document (``base_dir``: its directory on disk)."""
    top = doc.root if isinstance(doc.root, YMap) else YMap(Location(file=doc.file, line=1))
    problems: list[Diagnostic] = []
    provider = section(top, "provider")
    cloud = provider.get("name", "aws") if provider is not None else "aws"
    if isinstance(cloud, str) and cloud != "aws":  # Azure/GCP... functions: not our model
        message = f"provider {cloud}: only AWS services are analysed"
        where = provider.key_loc("name") if provider is not None else top.loc
        problem = Diagnostic(code="FG002", message=message, location=where)
        return App(
            name=doc.file,
            root=base_dir,
            source=doc.file,
            framework=Framework.SERVERLESS,
            diagnostics=(problem,),
        )
    if not isinstance(doc.root, YMap):
        problems.append(
            Diagnostic(
                code="FG001", message="serverless definition is not a mapping", location=top.loc
            )
        )
    resolver = VariableResolver(top, doc.file, base_dir, settings)
    stage = resolver.stage()
    resolved = resolver.resolve_tree(top)
    assert isinstance(resolved, YMap)
    out = Out(doc.file)
    pending: list[PendingEvent] = []
    service = _service(resolved, doc.file, stage)
    _layers(out, resolved)
    functions = section(resolved, "functions") or YMap(top.loc)
    api = ApiContext(service.name, stage, service.provider, service.function_keys)
    for key, fn in functions.items():
        at = functions.key_loc(key)
        if not isinstance(fn, YMap):
            problems.append(
                Diagnostic(code="FG002", message=f"function {key} is not a mapping", location=at)
            )
            continue
        ident = add_function(out, service, key, fn, at)
        work = EventWork(out, api, key, ident, pending, problems)
        add_events(work, fn.get("events"))
    generated = frozenset(out.resources)
    template = _template(out, resolved)
    app = load_template(Document(root=template, file=doc.file), base_dir)
    app = _as_serverless(app, out, generated, pending, functions, resolved)
    return replace(
        app,
        name=service.name,
        diagnostics=tuple(
            dict.fromkeys((*doc.diagnostics, *resolver.diagnostics, *problems, *app.diagnostics))
        ),
    )


def _service(top: YMap, file: str, stage: str) -> Service:
    raw = top.get("service")
    name = raw.get("name") if isinstance(raw, YMap) else raw
    provider = section(top, "provider") or YMap(top.loc)
    functions = section(top, "functions") or YMap(top.loc)
    return Service(
        file=file,
        name=name
        if isinstance(name, str)
        else posixpath.basename(posixpath.dirname(file)) or "service",
        stage=stage,
        provider=provider,
        iam=provider_iam(provider, section(top, "custom")),
        resource_ids=frozenset(_user_resources(top)),
        function_keys=frozenset(functions),
    )


def _layers(out: Out, top: YMap) -> None:
    layers = section(top, "layers")
    for key, spec in (layers or {}).items():
        if not isinstance(spec, YMap) or layers is None:
            continue
        at = layers.key_loc(key)
        props = ymap(
            at, LayerName=spec.get("name") or key, CompatibleRuntimes=spec.get("compatibleRuntimes")
        )
        path = spec.get("path")
        if isinstance(path, str):
            put(props, "Content", posixpath.normpath(path), spec.key_loc("path"))
        out.add(normalize_function(key) + "LambdaLayer", "AWS::Lambda::LayerVersion", at, props)


def _user_resources(top: YMap) -> YMap:
    """``resources.Resources`` (a mapping, or a list of mappings as ``${file()}`` gives)."""
    merged = YMap(top.loc)
    for part, _ in _resource_parts(top):
        found = section(part, "Resources")
        for ident, resource in (found or {}).items():
            merged[ident] = resource
            merged.key_locs[ident] = found.key_loc(ident) if found is not None else top.loc
    return merged


def _resource_parts(top: YMap) -> list[tuple[Node, Location]]:
    raw = top.get("resources")
    return as_list(raw) if isinstance(raw, YList) else [(raw, top.key_loc("resources"))]


def _template(out: Out, top: YMap) -> YMap:
    """The CloudFormation template: generated resources, then the user's (which win, or
    extend a generated resource of the same id as Serverless merges them)."""
    resources = out.resources
    template = YMap(top.loc)
    for part, _ in _resource_parts(top):
        for name in ("Conditions", "Outputs", "Mappings", "Parameters"):
            found = section(part, name)
            if found is not None:
                template[name] = found
                template.key_locs[name] = found.loc
        extensions = section(part, "extensions")
        for ident, extra in (extensions or {}).items():
            _extend(resources, ident, extra)
    user = _user_resources(top)
    for ident, resource in user.items():
        resources[ident] = resource
        resources.key_locs[ident] = user.key_loc(ident)
    template["Resources"] = resources
    return template


def _extend(resources: YMap, ident: str, extra: Node) -> None:
    target = resources.get(ident)
    props = target.get("Properties") if isinstance(target, YMap) else None
    more = extra.get("Properties") if isinstance(extra, YMap) else None
    if isinstance(props, YMap) and isinstance(more, YMap):
        for key, value in more.items():
            put(props, key, value, more.key_loc(key))


# --- the model, as Serverless users see it -------------------------------------------------


def _as_serverless(
    app: App,
    out: Out,
    generated: frozenset[str],
    pending: list[PendingEvent],
    functions: YMap,
    top: YMap,
) -> App:
    owners = out.owners
    events: dict[str, list[EventSource]] = {}
    for event in pending:
        events.setdefault(event.function, []).append(_event_source(event, app))
    changed: dict[str, Any] = {"framework": Framework.SERVERLESS}
    for field in fields(App):
        value = getattr(app, field.name)
        if isinstance(value, tuple) and value and isinstance(value[0], Resource):
            changed[field.name] = tuple(
                _restyle(r, owners, generated, events, functions, top, out) for r in value
            )
    return replace(app, **changed)


def _restyle(
    resource: Resource,
    owners: dict[str, str],
    generated: frozenset[str],
    events: dict[str, list[EventSource]],
    functions: YMap,
    top: YMap,
    out: Out,
) -> Resource:
    code_dirs, service_file = out.code_dirs, out.resources.loc.file
    extra: dict[str, Any] = {"framework": Framework.SERVERLESS}
    if resource.id in owners and not isinstance(resource, Function):
        extra["generated_from"] = owners[resource.id]
    if isinstance(resource, Function) and resource.id in code_dirs:
        here = posixpath.dirname(service_file)  # paths are relative to the service
        extra["code_uri"] = code_dirs[resource.id]
        extra["code_dir"] = posixpath.normpath(posixpath.join(here, code_dirs[resource.id]))
    if isinstance(resource, Function):
        extra["events"] = (*resource.events, *events.get(resource.id, ()))
        extra["assumptions"] = (*resource.assumptions, *_function_notes(resource, functions, top))
    if (
        isinstance(resource, Layer)
        and isinstance(resource.content_uri, str)
        and resource.id in generated
    ):
        here = posixpath.dirname(service_file)  # paths are relative to the service
        extra["content_dir"] = posixpath.normpath(posixpath.join(here, resource.content_uri))
    return replace(resource, **extra)


def _event_source(event: PendingEvent, app: App) -> EventSource:
    ids = {ident for ident, _ in app.resource_types}
    source = event.source
    value: str | Ref | None
    if isinstance(source, str):
        value = source
    elif isinstance(source, YMap):
        value = Ref(text=str(dict(source)))
        first = next(iter(source.values()), None)
        head = first[0] if isinstance(first, list) and first else first
        if isinstance(head, str) and head in ids:
            value = head
    else:
        value = source if isinstance(source, Ref) else None
    return EventSource(
        id=event.name,
        kind=event.kind,
        function=event.function,
        source=value,
        location=event.location,
        invocation=event.invocation,
    )


def _function_notes(fn: Function, functions: YMap, top: YMap) -> tuple[str, ...]:
    key = next((k for k in functions if function_id(k) == fn.id), None)
    spec = functions.get(key) if key is not None else None
    if not isinstance(spec, YMap):
        return ()
    notes: list[str] = []
    if fn.runtime is None and "image" not in spec:
        notes.append("runtime not set: the Serverless Framework version's default runtime applies")
    package = section(spec, "package") or section(top, "package")
    patterns = _package_patterns(package)
    if patterns:
        shown = ", ".join(patterns)
        notes.append(
            f"package.patterns {shown}: the whole service directory is packaged except "
            "what they exclude; code is analysed from the handler's directory"
        )
    return tuple(notes)


def _package_patterns(package: YMap | None) -> list[str]:
    """``package.patterns`` (v3), or the v1/v2 ``exclude``/``include`` lists as patterns."""
    if package is None:
        return []
    found: list[str] = []
    for key, prefix in (("patterns", ""), ("exclude", "!"), ("include", "")):
        items = package.get(key)
        if isinstance(items, YList):
            found += [f"{prefix}{item}" for item in items]
    return found
