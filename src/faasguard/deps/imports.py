"""Which package names a code root's own source files import (Python with ast, JS/TS with
tree-sitter). Nothing is executed or imported: this reads text.

A literal dynamic import (``importlib.import_module("yaml")``, ``import("lodash")``) counts as an
import; a computed one (``require(name)``) is recorded as dynamic, so that packages the code does
not name are "unknown", never "unused".
"""

from __future__ import annotations

import ast
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript
import yaml

from faasguard.deps.manifests.bounds import MAX_SOURCE_BYTES

_PYTHON = (".py",)
_SCRIPT = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_DYNAMIC_PYTHON = frozenset({"import_module", "__import__"})


@dataclass(slots=True)
class Imports:
    """Imported names (dotted Python modules, or npm package names) with the first place seen."""

    names: dict[str, str] = field(default_factory=dict)  # name -> "file:line"
    dynamic: list[str] = field(default_factory=list)  # "file:line" of computed imports
    unreadable: list[str] = field(default_factory=list)  # files that could not be parsed
    sources: int = 0  # files read

    def add(self, name: str, where: str) -> None:
        self.names.setdefault(name, where)


@lru_cache(maxsize=1)
def _table() -> dict[str, object]:
    text = files("faasguard.data").joinpath("import_names.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    return loaded if isinstance(loaded, dict) else {}


def module_table() -> dict[str, tuple[str, ...]]:
    """Distribution (PEP 503 name) -> module names, from the shipped table."""
    table = _table().get("distributions")
    if not isinstance(table, dict):
        return {}
    return {str(k): tuple(str(m) for m in v) for k, v in table.items() if isinstance(v, list)}


def node_builtins() -> frozenset[str]:
    builtins = _table().get("node_builtins")
    return frozenset(str(b) for b in builtins) if isinstance(builtins, list) else frozenset()


def _read(path: str) -> bytes | None:
    try:
        if os.path.getsize(path) > MAX_SOURCE_BYTES:
            return None
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def python_imports(code_dir: str, relatives: tuple[str, ...]) -> Imports:
    """Absolute imports of the given ``.py`` files (relative imports are the root's own code)."""
    found = Imports()
    for relative in relatives:
        if not relative.endswith(_PYTHON):
            continue
        source = _read(os.path.join(code_dir, relative))
        tree = _parse_python(source, relative) if source is not None else None
        if tree is None:
            found.unreadable.append(relative)
            continue
        found.sources += 1
        for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
            _python_node(node, relative, found)
    return found


def _parse_python(source: bytes, relative: str) -> ast.Module | None:
    # the scanned code's own oddities (invalid escapes...) are not the scanner's warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=relative)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def _python_node(node: ast.AST, relative: str, found: Imports) -> None:
    where = f"{relative}:{getattr(node, 'lineno', 0)}"
    if isinstance(node, ast.Import):
        for alias in node.names:
            found.add(alias.name, where)
    elif isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module:
            found.add(node.module, where)
    elif isinstance(node, ast.Call) and _called_name(node.func) in _DYNAMIC_PYTHON:
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if not first.value.startswith("."):
                found.add(first.value, where)
        else:
            found.dynamic.append(where)


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


@lru_cache(maxsize=3)
def _parser(suffix: str) -> tree_sitter.Parser:
    if suffix == ".tsx":
        language = tree_sitter_typescript.language_tsx()
    elif suffix in (".ts", ".mts", ".cts"):
        language = tree_sitter_typescript.language_typescript()
    else:
        language = tree_sitter_javascript.language()
    return tree_sitter.Parser(tree_sitter.Language(language))


def script_imports(code_dir: str, relatives: tuple[str, ...]) -> Imports:
    """Package specifiers of ``require``/``import``/``export … from``/``import()`` in JS and TS."""
    found = Imports()
    for relative in relatives:
        if not relative.endswith(_SCRIPT) or relative.endswith((".min.js", ".d.ts")):
            continue
        source = _read(os.path.join(code_dir, relative))
        if source is None:
            found.unreadable.append(relative)
            continue
        found.sources += 1
        suffix = os.path.splitext(relative)[1]
        pending = [
            _parser(suffix if suffix in (".ts", ".mts", ".cts", ".tsx") else ".js")
            .parse(source)
            .root_node
        ]
        while pending:
            node = pending.pop()
            _script_node(node, relative, found)
            pending.extend(reversed(node.children))
    return found


def _script_node(node: tree_sitter.Node, relative: str, found: Imports) -> None:
    where = f"{relative}:{node.start_point[0] + 1}"
    if node.type in ("import_statement", "export_statement"):
        source = node.child_by_field_name("source")
        type_only = any(child.type == "type" for child in node.children)
        if source is not None and not type_only:
            _script_specifier(_literal(source), where, found)
    elif node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or not (
            function.type == "import"
            or (function.type == "identifier" and function.text == b"require")
        ):
            return
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments and arguments.named_children else None
        text = _literal(first) if first is not None else None
        if text is None:
            found.dynamic.append(where)
        else:
            _script_specifier(text, where, found)
    elif node.type == "import_require_clause":  # TypeScript: import x = require("y")
        source = node.child_by_field_name("source")
        if source is not None:
            _script_specifier(_literal(source), where, found)


def _literal(node: tree_sitter.Node) -> str | None:
    """A string literal's value ('x', "x", `x` without substitutions), else None."""
    if node.type not in ("string", "template_string"):
        return None
    if any(child.type == "template_substitution" for child in node.children):
        return None
    return "".join(
        (child.text or b"").decode("utf-8", "replace")
        for child in node.named_children
        if child.type in ("string_fragment", "escape_sequence")
    )


def _script_specifier(specifier: str | None, where: str, found: Imports) -> None:
    name = package_of_specifier(specifier or "")
    if name:
        found.add(name, where)


def package_of_specifier(specifier: str) -> str:
    """The npm package a module specifier names: ``lodash/fp`` -> lodash, ``@s/p/x`` -> @s/p;
    "" for relative and absolute paths, URLs and Node.js built-ins."""
    if not specifier or specifier.startswith((".", "/", "node:", "data:", "http:", "https:")):
        return ""
    parts = specifier.split("/")
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) >= 2 and parts[1] else ""
    return "" if parts[0] in node_builtins() else parts[0]
