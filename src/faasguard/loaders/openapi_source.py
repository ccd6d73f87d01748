"""Where an API's OpenAPI document comes from: inline, or a local file next to the template.

``DefinitionBody``/``Body`` inline; ``DefinitionUri``/``BodyS3Location`` naming a file inside
the template's directory tree is read (bounded by ``load_file``). An S3 location, an
``AWS::Include`` transform or a path leaving the tree stays unanalysed, with an FG002 note.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from dataclasses import dataclass

from faasguard.loaders.cfn_common import Source
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.cfn_values import is_intrinsic
from faasguard.loaders.openapi import Definition, is_openapi, parse_definition
from faasguard.loaders.yamljson import LoadError, Node, YMap, load_file
from faasguard.model import Api, Diagnostic, Location


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiDefinition:
    """The parsed definition, or why the API's routes cannot be seen (``note``)."""

    present: bool = False  # the API has a definition at all
    definition: Definition | None = None
    note: Diagnostic | None = None

    @property
    def routes_complete(self) -> bool:
        return not self.present or self.definition is not None


def api_definition(tpl: Template, props: YMap, keys: tuple[str, str], api: str) -> ApiDefinition:
    """``keys`` = (inline body property, location property), e.g. DefinitionBody/DefinitionUri."""
    body_key, uri_key = keys
    if body_key in props:
        body = tpl.pick(props.get(body_key))
        return _parsed(tpl, body, api, props.key_loc(body_key), body_key)
    if uri_key not in props:
        return ApiDefinition()
    at = props.key_loc(uri_key)
    uri = tpl.text(props.get(uri_key))
    if not isinstance(uri, str) or "://" in uri:
        return _unanalysed(api, at, uri_key, "it is not a local file")
    path = _inside_tree(tpl.root, uri)
    if path is None:
        return _unanalysed(api, at, uri_key, "it points outside the template's directory")
    if not os.path.isfile(path):
        return _unanalysed(api, at, uri_key, "the file does not exist")
    display = posixpath.normpath(posixpath.join(posixpath.dirname(tpl.file), uri))
    try:
        doc = load_file(path, display)
    except LoadError as exc:
        return _unanalysed(api, at, uri_key, exc.message)
    return _parsed(tpl, doc.root, api, at, uri_key)


def _parsed(tpl: Template, doc: Node, api: str, at: Location, key: str) -> ApiDefinition:
    if isinstance(doc, YMap) and is_intrinsic(doc):
        return _unanalysed(api, at, key, "it is built by an intrinsic function")
    if not isinstance(doc, YMap) or not is_openapi(doc):
        return _unanalysed(api, at, key, "it is not a Swagger/OpenAPI document")
    return ApiDefinition(present=True, definition=parse_definition(tpl, doc, api))


def _unanalysed(api: str, at: Location, key: str, why: str) -> ApiDefinition:
    message = f"{api}: routes defined in an OpenAPI {key} are not analysed ({why})"
    return ApiDefinition(present=True, note=Diagnostic(code="FG002", message=message, location=at))


def _inside_tree(root: str, uri: str) -> str | None:
    """The path when it lies inside ``root`` (symlinks resolved, so no escape), else None."""
    if not root or os.path.isabs(uri):
        return None
    base = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, uri))
    if os.path.commonpath([base, path]) != base:
        return None
    return path


def openapi_fields(tpl: Template, src: Source, api: Api) -> Api:
    """Routes, authorizers and CORS from the API's OpenAPI ``Body``/``BodyS3Location``."""
    source = api_definition(tpl, src.props, ("Body", "BodyS3Location"), src.ident)
    if source.note is not None:
        tpl.diagnose(source.note.location, source.note.message)
    definition = source.definition
    if definition is None:
        return dataclasses.replace(api, routes_complete=source.routes_complete)
    return dataclasses.replace(
        api,
        routes=(*api.routes, *definition.routes),
        authorizers=(*api.authorizers, *definition.authorizers),
        cors=api.cors or definition.cors,
        routes_complete=True,
    )
