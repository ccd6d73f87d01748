"""Serverless Framework variables (``${source:address, fallback}``) resolved in the document tree.

What the definition alone decides is resolved: ``self:``, ``opt:`` (``--stage``/``--region``),
``env:`` (``--var`` and defaults only: the scanner's own environment is never read),
``sls:stage``, ``aws:region``, ``param:`` (``--param`` and the ``params`` section) and
``file(...)`` (relative paths inside the service directory, never executed). What is decided at
deploy time (``ssm:``, ``cf:``, ``s3:``, ``aws:accountId``...) becomes a ``Ref`` whose text is the
variable as written, so rules can tell where a value comes from. A cycle or a runaway expansion
ends with an FG002 diagnostic and a ``Ref``, never a hang.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import TypeAlias, cast

from faasguard.limits import MAX_FILE_BYTES, MAX_RESOLVE_DEPTH
from faasguard.loaders.serverless_varsyntax import (
    MISSING,
    Missing,
    Var,
    literal,
    split_fallbacks,
    split_pieces,
)
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.yamljson import LoadError, Node, YList, YMap, loads, read_text
from faasguard.model import Diagnostic, Location, Ref

#: Most variables resolved in one document (each ``${...}`` counts, memoized ones once): a
#: definition that expands beyond this is reported instead of exhausting time.
MAX_VARIABLE_RESOLUTIONS = 20_000
#: Most distinct files ``${file(...)}`` may read for one service.
MAX_VARIABLE_FILES = 64
#: Longest string an interpolation may build.
MAX_INTERPOLATED_CHARS = 100_000

#: a resolved value: a document node, or a Ref for what only the deployment decides
Resolved: TypeAlias = Node | Ref
_SOURCE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(\((.*)\))?(?::(.*))?$", re.DOTALL)
#: sources whose value only the deployment knows: kept symbolic, no fallback is taken
_DEPLOY_TIME = frozenset({"ssm", "cf", "s3", "sls", "aws", "git", "strToBool"})


_Result: TypeAlias = Resolved | Missing


def as_node(value: Resolved) -> Node:
    """A ``Ref`` placed in the document tree: the CloudFormation resolver passes it through as
    an unknown value, which is exactly what it is."""
    return cast(Node, value)


@dataclass(slots=True)
class _State:
    budget: int = MAX_VARIABLE_RESOLUTIONS
    stack: list[str] = field(default_factory=list)
    memo: dict[str, _Result] = field(default_factory=dict)
    files: dict[str, Node | None] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)


class VariableResolver:
    """Resolves every ``${...}`` of one serverless.yml against ``LoadSettings``."""

    def __init__(self, root: YMap, file: str, base_dir: str, settings: LoadSettings) -> None:
        self.root = root
        self.file = file
        self.base_dir = base_dir
        self.settings = settings
        self.diagnostics: list[Diagnostic] = []
        self.notes: list[str] = []
        self._state = _State()
        self._settings: dict[str, str] = {}
        provider = root.get("provider")
        self._provider = provider if isinstance(provider, YMap) else YMap(root.loc)

    # --- public ---------------------------------------------------------------------

    def resolve_tree(self, node: Node, depth: int = 0, at: Location | None = None) -> Node:
        """A copy of ``node`` with every variable resolved (positions kept)."""
        if depth > MAX_RESOLVE_DEPTH * 4:
            return node
        if isinstance(node, YMap):
            copy = YMap(node.loc)
            for key, value in node.items():
                copy[key] = self.resolve_tree(value, depth + 1, node.key_loc(key))
                copy.key_locs[key] = node.key_loc(key)
            return copy
        if isinstance(node, YList):
            items = YList(node.loc)
            for index, item in enumerate(node):
                items.append(self.resolve_tree(item, depth + 1, node.item_loc(index)))
                items.item_locs.append(node.item_loc(index))
            return items
        if isinstance(node, str) and "${" in node:
            where = at or Location(file=self.file)
            return as_node(self.resolve_string(node, where, depth))
        return node

    def stage(self) -> str:
        """The stage ``--stage``, else ``provider.stage``, else ``dev``."""
        return self.settings.stage or self._setting("stage", "dev")

    def region(self) -> str:
        """The region ``--region``, else ``provider.region``, else ``us-east-1``."""
        return self.settings.region or self._setting("region", "us-east-1")

    def _setting(self, name: str, default: str) -> str:
        """``provider.<name>`` resolved once; one that refers back to itself (``stage:
        ${sls:stage}``) is a cycle, reported, and the framework default applies."""
        key = "provider." + name
        if key in self._state.stack:
            self._diagnose(self._provider.key_loc(name), f"variable cycle: {key} refers to itself")
            return default
        if key in self._settings:
            return self._settings[key]
        raw = self._provider.get(name)
        found: Resolved = raw
        if isinstance(raw, str) and "${" in raw:
            at = self._provider.key_loc(name)
            self._state.stack.append(key)
            try:
                found = self.resolve_string(raw, at, 0)
            finally:
                self._state.stack.pop()
        self._settings[key] = found if isinstance(found, str) else default
        return self._settings[key]

    # --- strings ---------------------------------------------------------------------

    def resolve_string(self, text: str, at: Location, depth: int) -> Resolved:
        """A string with variables: one whole variable gives its value (any type); variables
        inside a longer string are interpolated."""
        pieces = split_pieces(text)
        if pieces is None:
            return text  # unbalanced braces: Serverless leaves such text as it is
        if len(pieces) == 1 and isinstance(pieces[0], Var):
            found = self._variable(pieces[0].body, at, depth)
            return Ref(text=text) if isinstance(found, Missing) else found
        return self._interpolate(pieces, text, at, depth)

    def _interpolate(
        self, pieces: list[str | Var], text: str, at: Location, depth: int
    ) -> Resolved:
        out: list[str] = []
        symbolic = False
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            found = self._variable(piece.body, at, depth)
            if isinstance(found, YMap | YList):
                self._diagnose(
                    at,
                    f"variable ${{{piece.body}}} is not a string and cannot be "
                    "part of a longer string",
                )
                return Ref(text=text)
            if isinstance(found, Ref | Missing):
                symbolic = True
                out.append(found.text if isinstance(found, Ref) else "${" + piece.body + "}")
            else:
                out.append(_scalar(found))
            if sum(len(p) for p in out) > MAX_INTERPOLATED_CHARS:
                self._diagnose(at, "variable interpolation builds a string that is too long")
                return Ref(text=text[:200])
        joined = "".join(out)
        return Ref(text=joined) if symbolic else joined

    # --- one variable -----------------------------------------------------------------

    def _variable(self, body: str, at: Location, depth: int) -> _Result:
        if depth >= MAX_RESOLVE_DEPTH:
            self._diagnose(at, f"variables nested deeper than {MAX_RESOLVE_DEPTH}: ${{{body}}}")
            return Ref(text="${" + body + "}")
        self._state.budget -= 1
        if self._state.budget < 0:
            self._diagnose(
                at,
                f"more than {MAX_VARIABLE_RESOLUTIONS} variables: resolution "
                "stopped, the remaining values are unknown",
            )
            return Ref(text="${" + body + "}")
        for candidate in split_fallbacks(body):
            found = self._candidate(candidate.strip(), at, depth)
            if not isinstance(found, Missing) and found is not None:
                return found  # a deploy-time value (Ref) is the value: no fallback is taken
        return MISSING

    def _candidate(self, text: str, at: Location, depth: int) -> _Result:
        value = literal(text)
        if not isinstance(value, Missing):
            return value
        if text.startswith("${") and text.endswith("}"):
            return self.resolve_string(text, at, depth + 1)
        if "${" in text:  # a nested variable inside the address: resolve it first
            inner = self.resolve_string(text, at, depth + 1)
            if not isinstance(inner, str):
                return Ref(text="${" + text + "}")
            text = inner
        match = _SOURCE.match(text)
        if match is None:
            return MISSING  # e.g. ``${AWS::Region}`` of Fn::Sub: not a Serverless variable
        source, _, argument, address = match.groups()
        return self._source(source, argument, address or "", text, at, depth)

    def _source(
        self, source: str, argument: str | None, address: str, text: str, at: Location, depth: int
    ) -> _Result:
        match source:
            case "self":
                return self._self(address, at, depth)
            case "opt":
                return self._option(address)
            case "env":
                return _lookup(self.settings.variables, address)
            case "param":
                return self._param(address, at, depth)
            case "file":
                return self._file(argument or "", address, at, depth)
            case "sls" if address == "stage":
                return self.stage()
            case "aws" if address == "region":
                return self.region()
            case _ if source in _DEPLOY_TIME:
                return Ref(text="${" + text + "}", target=address or None)
        return Ref(text="${" + text + "}")

    def _option(self, name: str) -> _Result:
        if name == "stage" and self.settings.stage:
            return self.settings.stage
        if name == "region" and self.settings.region:
            return self.settings.region
        return MISSING

    def _param(self, name: str, at: Location, depth: int) -> _Result:
        given = _lookup(self.settings.params, name)
        if not isinstance(given, Missing):
            return given
        for section in (self.stage(), "default"):
            found = self._self(f"params.{section}.{name}", at, depth)
            if not isinstance(found, Missing):
                return found
        return Ref(text="${param:" + name + "}", target=name)

    def _self(self, address: str, at: Location, depth: int) -> _Result:
        key = "self:" + address
        if key in self._state.memo:
            return self._state.memo[key]
        node = _walk(self.root, address)
        if isinstance(node, Missing):
            return MISSING
        return self._guarded(key, node, at, depth)

    def _guarded(self, key: str, node: Node, at: Location, depth: int) -> _Result:
        """Resolve what an address names, with cycle detection on the address."""
        if key in self._state.stack:
            chain = " -> ".join([*self._state.stack[self._state.stack.index(key) :], key])
            self._diagnose(at, f"variable cycle: {chain}")
            return Ref(text="${" + key + "}")
        self._state.stack.append(key)
        try:
            found: _Result = self._deep(node, at, depth + 1)
        finally:
            self._state.stack.pop()
        self._state.memo[key] = found
        return found

    def _deep(self, node: Node, at: Location, depth: int) -> Resolved:
        if isinstance(node, str) and "${" in node:
            return self.resolve_string(node, at, depth)
        if isinstance(node, YMap | YList):
            return self.resolve_tree(node, depth, at)
        return node

    # --- files ----------------------------------------------------------------------

    def _file(self, argument: str, address: str, at: Location, depth: int) -> _Result:
        relative = argument.strip().strip("'\"")
        content = self._read_file(relative, at)
        if isinstance(content, Ref):
            return content
        if content is None:
            return MISSING
        node = _walk(content, address) if address else content
        if isinstance(node, Missing):
            return MISSING
        return self._guarded(f"file({relative}):{address}", node, at, depth)

    def _read_file(self, relative: str, at: Location) -> Node | Ref | None:
        shown = "${file(" + relative + ")}"
        if relative.endswith((".js", ".cjs", ".mjs", ".ts")):
            self._diagnose(
                at, f"{shown}: JavaScript variable files are never executed; the value is unknown"
            )
            return Ref(text=shown)
        path = os.path.realpath(os.path.join(self.base_dir, relative))
        inside = os.path.realpath(self.base_dir)
        if os.path.isabs(relative) or os.path.commonpath([path, inside]) != inside:
            self._diagnose(at, f"{shown} points outside the service directory: not read")
            return Ref(text=shown)
        if path in self._state.files:
            return self._state.files[path]
        if len(self._state.files) >= MAX_VARIABLE_FILES:
            self._diagnose(at, f"more than {MAX_VARIABLE_FILES} variable files: {shown} not read")
            return Ref(text=shown)
        display = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), relative))
        self._state.files[path] = self._load(path, display, at)
        return self._state.files[path]

    def _load(self, path: str, display: str, at: Location) -> Node | None:
        if not os.path.isfile(path):
            return None  # Serverless treats a missing file as no value: fallbacks apply
        if os.path.getsize(path) > MAX_FILE_BYTES:
            self._diagnose(at, f"{display} is larger than {MAX_FILE_BYTES} bytes: not read")
            return None
        try:
            return loads(read_text(path, display), display).root
        except LoadError as exc:
            self.diagnostics.append(
                Diagnostic(code="FG001", message=exc.message, location=exc.location)
            )
            return None

    def _diagnose(self, at: Location, message: str) -> None:
        if message not in self._state.reported:
            self._state.reported.add(message)
            self.diagnostics.append(Diagnostic(code="FG002", message=message, location=at))


def _walk(node: Node, address: str) -> Node | Missing:
    """``a.b.0.c`` inside a document (keys may not contain dots, as in Serverless)."""
    if not address:
        return node
    for part in address.split("."):
        if isinstance(node, YMap) and part in node:
            node = node[part]
        elif isinstance(node, YList) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _lookup(pairs: tuple[tuple[str, str], ...], name: str) -> _Result:
    return next((value for key, value in pairs if key == name), MISSING)


def _scalar(value: Node) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
