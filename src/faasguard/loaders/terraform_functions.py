"""The Terraform built-in functions configurations use to build names and policy documents.

Every function gets evaluated arguments; an argument that is a ``Ref`` makes the result a ``Ref``
(except where the function can still say something, like ``merge`` of known maps). Functions not
listed here give a ``Ref`` showing the call.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

from faasguard.loaders.terraform_eval import (
    Context,
    Encoded,
    LineDict,
    LineList,
    eval_node,
    source_text,
    string_of,
)
from faasguard.loaders.terraform_hcl import Call, template_of
from faasguard.model import Ref

_Fn = Callable[[list[Any]], Any]


def call(expr: Call, args: list[Any], ctx: Context, depth: int) -> Any:
    """Apply one function; unknown functions and unknown arguments give a ``Ref``."""
    name = expr.name.removeprefix("provider::terraform::")
    if name == "jsonencode" and len(args) == 1:
        return Encoded(args[0])
    if name in ("file", "templatefile"):
        return _file(expr, args, ctx, depth)
    if name in ("merge", "concat") and all(not isinstance(a, Ref) for a in args):
        return _merge(args) if name == "merge" else _concat(args)
    if name == "format" and args and isinstance(args[0], str):
        return _format(args)  # known text around unknown arguments stays visible
    if name == "try" or name == "coalesce":
        known = [a for a in args if not isinstance(a, Ref) and a not in (None, "")]
        return known[0] if known else Ref(text=source_text(expr))
    function = _PURE.get(name)
    if function is None or any(_symbolic(a) for a in args):
        return Ref(text=source_text(expr))
    return function(args)


def _symbolic(value: Any) -> bool:
    if isinstance(value, Ref):
        return True
    if isinstance(value, list):
        return any(_symbolic(v) for v in value)
    if isinstance(value, dict):
        return any(_symbolic(v) for v in value.values())
    return False


def _merge(args: list[Any]) -> Any:
    found = LineDict()
    found.lines = {}
    for arg in args:
        if isinstance(arg, dict):
            found.update(arg)
            found.lines.update(getattr(arg, "lines", {}))
        elif arg is not None:
            raise TypeError("merge needs maps")
    return found


def _concat(args: list[Any]) -> Any:
    found = LineList()
    found.lines = []
    for arg in args:
        if not isinstance(arg, list):
            raise TypeError("concat needs lists")
        found.extend(arg)
        found.lines.extend(getattr(arg, "lines", [0] * len(arg)))
    return found


def _file(expr: Call, args: list[Any], ctx: Context, depth: int) -> Any:
    """``file``/``templatefile``: read relative to the module; missing files stay symbolic."""
    path = args[0] if args else None
    if not isinstance(path, str):
        return Ref(text=source_text(expr))
    module = ctx.module
    display_dir = module.display.rstrip("/") + "/"
    relative = path[len(display_dir) :] if path.startswith(display_dir) else path
    text = module.read_file(os.path.normpath(os.path.join(module.directory, relative)))
    if text is None:
        return Ref(text=source_text(expr))
    if expr.name == "file":
        return text
    variables = args[1] if len(args) > 1 else {}
    if not isinstance(variables, dict):
        return Ref(text=source_text(expr))
    inner = Context(module=module, bindings=dict(variables), steps=ctx.steps)
    template = template_of(text, expr.line)
    if len(template.parts) == 1 and not isinstance(template.parts[0], str):
        return eval_node(template.parts[0], inner, depth + 1)
    pieces = [p if isinstance(p, str) else eval_node(p, inner, depth + 1) for p in template.parts]
    strings = [string_of(p) for p in pieces]
    if any(isinstance(s, Ref) for s in strings):
        return Ref(text=source_text(expr))
    return "".join(str(s) for s in strings)


def _format(args: list[Any]) -> str | Ref:
    spec, values = str(args[0]), list(args[1:])
    refs: list[Ref] = []

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        text = string_of(values.pop(0)) if values else ""
        if isinstance(text, Ref):
            refs.append(text)
            return "${" + text.text + "}"
        return json.dumps(text) if match.group(1) == "q" else text

    result = re.sub(r"%%|%[-+#0 ]*\d*(?:\.\d+)?([sdfvqtbxXeEgGo])", one, spec)
    if refs:
        return Ref(text=result, target=next((r.target for r in refs if r.target), None))
    return result


def _lookup(args: list[Any]) -> Any:
    table, key = args[0], args[1]
    if isinstance(table, dict) and str(key) in table:
        return table[str(key)]
    if len(args) > 2:
        return args[2]
    raise KeyError(key)


def _to_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise TypeError("a list is needed")


_PURE: dict[str, _Fn] = {
    "format": _format,
    "lookup": _lookup,
    "lower": lambda a: str(a[0]).lower(),
    "upper": lambda a: str(a[0]).upper(),
    "trimspace": lambda a: str(a[0]).strip(),
    "replace": lambda a: str(a[0]).replace(str(a[1]), str(a[2])),
    "join": lambda a: str(a[0]).join(str(string_of(v)) for v in _to_list(a[1])),
    "split": lambda a: str(a[1]).split(str(a[0])),
    "tostring": lambda a: string_of(a[0]),
    "tonumber": lambda a: a[0] if isinstance(a[0], int | float) else float(a[0]),
    "tobool": lambda a: a[0] if isinstance(a[0], bool) else str(a[0]) == "true",
    "tolist": lambda a: _to_list(a[0]),
    "toset": lambda a: list(dict.fromkeys(_to_list(a[0]))),
    "tomap": lambda a: dict(a[0]),
    "distinct": lambda a: list(dict.fromkeys(_to_list(a[0]))),
    "flatten": lambda a: [x for v in _to_list(a[0]) for x in (v if isinstance(v, list) else [v])],
    "length": lambda a: len(a[0]),
    "element": lambda a: _to_list(a[0])[int(a[1]) % len(a[0])],
    "keys": lambda a: sorted(dict(a[0])),
    "values": lambda a: [a[0][k] for k in sorted(a[0])],
    "contains": lambda a: a[1] in _to_list(a[0]),
    "jsondecode": lambda a: json.loads(str(a[0])),
    "max": lambda a: max(a),
    "min": lambda a: min(a),
    "abs": lambda a: abs(a[0]),
    "can": lambda a: True,
    "sensitive": lambda a: a[0],
    "nonsensitive": lambda a: a[0],
    "base64encode": lambda a: Ref(text="base64encode(...)"),
}
