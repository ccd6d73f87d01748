"""One Terraform module directory (and the local modules it calls) into resource instances.

Reads every ``*.tf`` file of the directory, gives variables their values (default <
``terraform.tfvars`` < ``*.auto.tfvars`` < ``--var-file`` < ``--var``), expands ``count`` and
``for_each`` into instances addressed like Terraform does (``aws_lambda_function.worker["a"]``),
and follows ``source = "./..."`` modules with their inputs (addresses prefixed ``module.x.``).
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, field
from typing import Any

from faasguard.limits import MAX_FILE_BYTES
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform_eval import Context, Module, evaluate, string_of
from faasguard.loaders.terraform_hcl import Block, Expr, HclError, parse_body, parse_file
from faasguard.loaders.terraform_json import parse_json_file
from faasguard.model import Diagnostic, Location, Ref

#: most instances one ``count``/``for_each`` expands to; more are cut with a diagnostic
MAX_INSTANCES = 256
#: arguments of a module block that are not inputs of the module
_MODULE_META_ARGUMENTS = frozenset(
    {"source", "version", "count", "for_each", "providers", "depends_on"}
)
#: deepest chain of local modules followed
MAX_MODULE_DEPTH = 8


@dataclass(slots=True)
class Instance:
    """One resource (or data source) instance with the context its expressions evaluate in."""

    address: str
    type: str  # "aws_lambda_function", or "data.aws_iam_policy_document"
    block: Block
    ctx: Context


@dataclass(slots=True)
class Loaded:
    """What loading a module tree gives: instances, file texts by display path, problems."""

    root: str  # absolute directory paths in the model are relative to
    instances: list[Instance] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    #: ``variable`` blocks of the root module (they are the configuration's parameters)
    root_variables: list[Block] = field(default_factory=list)


def load_root(directory: str, display: str, settings: LoadSettings, root: str) -> Loaded:
    loaded = Loaded(root=root)
    _load_module(loaded, directory, display, "", None, settings, 0)
    return loaded


def read_limited(path: str) -> str | None:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _load_module(
    loaded: Loaded,
    directory: str,
    display: str,
    prefix: str,
    inputs: dict[str, Any] | None,
    settings: LoadSettings,
    depth: int,
) -> tuple[Module, dict[str, Expr]]:
    blocks = _read_blocks(loaded, directory, display)
    module = Module(
        prefix=prefix,
        directory=directory,
        display=display,
        variables={},
        locals={
            a.name: a.expr for b in blocks if b.type == "locals" for a in b.attributes.values()
        },
        resources={},
        read_file=lambda path: _read_inside(loaded, path),
    )
    module.local_files = {
        a.name: b.file for b in blocks if b.type == "locals" for a in b.attributes.values()
    }
    for block in blocks:
        if block.type == "resource" and len(block.labels) == 2:
            module.resources.setdefault(block.labels[0], set()).add(block.labels[1])
    given = inputs if inputs is not None else _root_values(loaded, directory, display, settings)
    variables = [b for b in blocks if b.type == "variable"]
    _set_variables(module, variables, given)
    if inputs is None:
        loaded.root_variables = variables
    children = _modules(loaded, module, blocks, settings, depth)
    module.outputs = lambda name, output: _output(children, name, output)
    loaded.modules.append(module)
    outputs = {
        b.labels[0]: b.attributes["value"].expr
        for b in blocks
        if b.type == "output" and b.labels and "value" in b.attributes
    }
    for block in blocks:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            kind = block.labels[0] if block.type == "resource" else f"data.{block.labels[0]}"
            _expand(loaded, module, kind, block)
    return module, outputs


def _read_blocks(loaded: Loaded, directory: str, display: str) -> list[Block]:
    blocks: list[Block] = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return blocks
    for name in names:
        if not name.endswith((".tf", ".tf.json")):
            continue
        shown = posixpath.join(display, name) if display not in ("", ".") else name
        text = read_limited(os.path.join(directory, name))
        if text is None:
            _problem(loaded, "FG001", f"cannot read {name} (missing or too large)", shown, 0)
            continue
        loaded.texts[shown] = text
        try:
            if name.endswith(".json"):
                blocks.extend(parse_json_file(text, shown))
            else:
                blocks.extend(parse_file(text, shown))
        except HclError as exc:
            _problem(loaded, "FG001", exc.message, shown, exc.line)
    return blocks


def _problem(loaded: Loaded, code: str, message: str, file: str, line: int) -> None:
    location = Location(file=file, line=line)
    loaded.diagnostics.append(Diagnostic(code=code, message=message, location=location))


def _read_inside(loaded: Loaded, path: str) -> str | None:
    """``file()`` reads stay inside the scanned tree."""
    real, root = os.path.realpath(path), os.path.realpath(loaded.root)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return read_limited(real) if os.path.isfile(real) else None


# --- variables -----------------------------------------------------------------------------


def _root_values(
    loaded: Loaded, directory: str, display: str, settings: LoadSettings
) -> dict[str, Any]:
    """Values from tfvars files and ``--var`` options, in Terraform's order of precedence."""
    names = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
    files = ["terraform.tfvars", "terraform.tfvars.json"]
    files += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    paths = [os.path.join(directory, n) for n in files if n in names]
    for given in settings.var_files:
        here = os.path.join(directory, given)
        paths.append(given if os.path.isfile(given) or not os.path.isfile(here) else here)
    values: dict[str, Any] = {}
    for path in paths:
        values.update(_tfvars(loaded, path, display))
    values.update(dict(settings.variables))
    return values


def _tfvars(loaded: Loaded, path: str, display: str) -> dict[str, Any]:
    shown = posixpath.join(display, os.path.basename(path))
    text = read_limited(path)
    if text is None:
        _problem(loaded, "FG001", f"cannot read variables file {path}", shown, 0)
        return {}
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            _problem(loaded, "FG001", f"not valid JSON: {exc}", shown, 0)
            return {}
        return data if isinstance(data, dict) else {}
    try:
        body = parse_body(text, shown)
    except HclError as exc:
        _problem(loaded, "FG001", exc.message, shown, exc.line)
        return {}
    empty = Module("", "", display, {}, {}, {}, lambda _: None)
    return {a.name: evaluate(a.expr, Context(module=empty)) for a in body.attributes.values()}


def _set_variables(module: Module, blocks: list[Block], given: dict[str, Any]) -> None:
    for block in blocks:
        if not block.labels:
            continue
        name = block.labels[0]
        if name in given:
            module.variables[name] = given[name]
        elif "default" in block.attributes:
            value = evaluate(block.attributes["default"].expr, Context(module=module))
            module.variables[name] = value
            text = string_of(value)
            shown = text if isinstance(text, Ref) else json.dumps(text)[:80]
            module.variable_notes[name] = f"variable {name}: default {shown} used"
        else:
            module.variables[name] = Ref(text=f"var.{name}")


# --- modules -------------------------------------------------------------------------------


def _modules(
    loaded: Loaded, module: Module, blocks: list[Block], settings: LoadSettings, depth: int
) -> dict[str, tuple[Module, dict[str, Expr]]]:
    children: dict[str, tuple[Module, dict[str, Expr]]] = {}
    for block in blocks:
        if block.type != "module" or not block.labels:
            continue
        name = block.labels[0]
        source = (
            evaluate(block.attributes["source"].expr, Context(module=module))
            if ("source" in block.attributes)
            else None
        )
        at = block.attributes["source"].line if "source" in block.attributes else block.line
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            message = f"module {name}: source {source!s} is not a local module; not analysed"
            _problem(loaded, "FG002", message, block.file, at)
            continue
        path = os.path.normpath(os.path.join(module.directory, source))
        if depth >= MAX_MODULE_DEPTH or not os.path.isdir(path):
            _problem(
                loaded, "FG002", f"module {name}: {source} not found or too deep", block.file, at
            )
            continue
        shown = posixpath.normpath(posixpath.join(module.display, source))
        for suffix, bindings in _instance_keys(loaded, module, block, f"module.{name}"):
            ctx = Context(module=module, bindings=bindings)
            inputs = {
                a.name: evaluate(a.expr, ctx)
                for a in block.attributes.values()
                if a.name not in _MODULE_META_ARGUMENTS
            }
            prefix = f"{module.prefix}module.{name}{suffix}."
            child = _load_module(loaded, path, shown, prefix, inputs, settings, depth + 1)
            if not suffix:  # outputs of a module with instances stay symbolic
                children[name] = child
    return children


def _output(children: dict[str, tuple[Module, dict[str, Expr]]], name: str, output: str) -> Any:
    child = children.get(name)
    if child is None or output not in child[1]:
        return Ref(text=f"module.{name}.{output}")
    return evaluate(child[1][output], Context(module=child[0]))


# --- count / for_each ----------------------------------------------------------------------


def _expand(loaded: Loaded, module: Module, kind: str, block: Block) -> None:
    address = f"{module.prefix}{kind}.{block.labels[1]}"
    for suffix, bindings in _instance_keys(loaded, module, block, address):
        instance_ctx = Context(module=module, bindings=bindings)
        loaded.instances.append(Instance(address + suffix, kind, block, instance_ctx))


def _instance_keys(
    loaded: Loaded, module: Module, block: Block, address: str
) -> list[tuple[str, dict[str, Any]]]:
    """``[0]``/``["key"]`` address suffixes with their ``count``/``each`` values; one unnamed
    instance when there is neither or their value is unknown."""
    ctx = Context(module=module)
    keys: list[tuple[str, dict[str, Any]]] = [("", {})]
    if "count" in block.attributes:
        count = evaluate(block.attributes["count"].expr, ctx)
        if isinstance(count, int | float) and not isinstance(count, bool):
            keys = [(f"[{i}]", {"count.index": i}) for i in range(int(count))]
    elif "for_each" in block.attributes:
        each = evaluate(block.attributes["for_each"].expr, ctx)
        if isinstance(each, dict):
            keys = [
                (f"[{json.dumps(k)}]", {"each.key": k, "each.value": v}) for k, v in each.items()
            ]
        elif isinstance(each, list) and all(isinstance(k, str) for k in each):
            keys = [(f"[{json.dumps(k)}]", {"each.key": k, "each.value": k}) for k in each]
    if len(keys) > MAX_INSTANCES:
        message = f"{address}: {len(keys)} instances, only the first {MAX_INSTANCES} are analysed"
        _problem(loaded, "FG002", message, block.file, block.line)
        keys = keys[:MAX_INSTANCES]
    return keys
