"""Python scopes: which expressions each name is bound to, per module, function and class.

Names are bound lazily: a scope keeps the *expressions* assigned to a name (evaluated later, on
lookup), so a client defined below its use, in a class attribute, in a helper module of the same
package or passed as an argument is still recognised.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from faasguard.code.python_clients import Obj, attr_of, is_sdk_module
from faasguard.code.traced import Str

#: what a name can be bound to: an expression (evaluated in a scope) or a value already known
Binding = ast.expr | Obj | Str

_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(slots=True, eq=False)  # identity: compared and hashed by object
class LocalFunction:
    """A function defined in the analysed code, with the scope of its body."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope


@dataclass(slots=True, eq=False)  # identity: compared and hashed by object
class Scope:
    module: PyModule
    parent: Scope | None
    #: name → (value, scope the value is evaluated in)
    defs: dict[str, list[tuple[Binding, Scope]]] = field(default_factory=dict)

    def bind(self, name: str, value: Binding, where: Scope | None = None) -> None:
        defs = self.defs.setdefault(name, [])
        if not any(v is value and w is (where or self) for v, w in defs):
            defs.append((value, where or self))


@dataclass(slots=True, eq=False)  # identity: compared and hashed by object
class PyModule:
    file: str  # display path
    tree: ast.Module
    scope: Scope = field(init=False)
    functions: list[LocalFunction] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.scope = Scope(self, None)


#: (module, import level, importing file) → the module of the code root it names, or None
ImportResolver = Callable[[str, int, str], "PyModule | None"]


def definitions(name: str, scope: Scope | None) -> list[tuple[Binding, Scope]]:
    """The bindings of ``name`` in the innermost enclosing scope that binds it."""
    while scope is not None:
        if name in scope.defs:
            return scope.defs[name]
        scope = scope.parent
    return []


def as_scope(target: object) -> Scope | None:
    return target if isinstance(target, Scope) else None


@dataclass(slots=True)
class ScopeBuilder:
    """Binds the names of one module's statements (importing local modules as they are met)."""

    resolve: ImportResolver

    def bind_body(self, body: list[ast.stmt], scope: Scope, cls: Scope | None) -> None:
        for stmt in body:
            for node in own_nodes(stmt):
                self._bind_node(node, scope, cls)

    def _bind_node(self, node: ast.AST, scope: Scope, cls: Scope | None) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            self._bind_import(node, scope)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._bind_function(node, scope, cls)
        elif isinstance(node, ast.ClassDef):
            cls_scope = scope.module.scope  # attributes are looked up as "self.x" module-wide
            self.bind_body(node.body, scope, cls_scope)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and not isinstance(node, ast.AugAssign):
                for target in targets:
                    self._bind_target(target, node.value, scope, cls)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._bind_target(node.optional_vars, node.context_expr, scope, cls)
        elif isinstance(node, ast.NamedExpr):
            scope.bind(node.target.id, node.value)

    def _bind_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, cls: Scope | None
    ) -> None:
        fn = LocalFunction(node, Scope(scope.module, scope))
        scope.module.functions.append(fn)
        scope.bind(node.name, Obj("function", node.name, target=fn))
        if cls is not None:
            cls.bind("self." + node.name, Obj("function", node.name, target=fn))
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            hint = _annotation(arg.annotation)  # `client: S3Client` (mypy_boto3 stubs)
            if hint is not None:
                fn.scope.bind(arg.arg, hint, scope)
        self.bind_body(node.body, fn.scope, cls)

    def _bind_target(
        self, target: ast.expr, value: ast.expr, scope: Scope, cls: Scope | None
    ) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, value)
            if cls is not None and scope.parent is None:
                cls.bind("self." + target.id, value, scope)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.value.id in ("self", "cls"):
                scope.module.scope.bind("self." + target.attr, value, scope)
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
            for sub_target, sub_value in zip(target.elts, value.elts, strict=False):
                self._bind_target(sub_target, sub_value, scope, cls)

    def _bind_import(self, node: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        file = scope.module.file
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                path = alias.name if alias.asname else alias.name.split(".")[0]
                scope.bind(local, self._module_obj(path, file))
            return
        base = node.module or ""
        for alias in node.names:
            local = alias.asname or alias.name
            if node.level == 0 and is_sdk_module(base):
                scope.bind(local, attr_of(Obj("module", base), alias.name))
                continue
            module = self.resolve(base, node.level, file)
            if module is not None:
                scope.bind(local, Obj("attr", alias.name, target=module.scope))
                continue
            # `from . import helpers` names a submodule
            sub = self.resolve(f"{base}.{alias.name}".strip("."), node.level, file)
            if sub is not None:
                scope.bind(local, Obj("module", "local", target=sub.scope))

    def _module_obj(self, path: str, file: str) -> Obj:
        if is_sdk_module(path):
            return Obj("module", path)
        module = self.resolve(path, 0, file)
        if module is not None:
            return Obj("module", "local", target=module.scope)
        return Obj("module", "external:" + path)


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and what it contains, without entering functions and classes (their own scopes)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, _SCOPE_NODES):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(current))))


def nodes_with_scopes(module: PyModule) -> Iterator[tuple[ast.AST, Scope]]:
    """Every node of a module with the scope its names are looked up in."""

    def walk(body: list[ast.stmt], scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        for stmt in body:
            for node in own_nodes(stmt):
                yield node, scope
                if isinstance(node, ast.ClassDef):
                    yield from walk(node.body, scope)

    yield from walk(module.tree.body, module.scope)
    for fn in module.functions:
        yield from walk(fn.node.body, fn.scope)


def calls_with_scopes(module: PyModule) -> Iterator[tuple[ast.Call, Scope]]:
    for node, scope in nodes_with_scopes(module):
        if isinstance(node, ast.Call):
            yield node, scope


def bind_parameters(fn: LocalFunction, call: ast.Call, scope: Scope) -> None:
    """Bind ``fn``'s parameters to the arguments of one call of it (evaluated in ``scope``)."""
    params = [a.arg for a in fn.node.args.posonlyargs + fn.node.args.args]
    if params and params[0] in ("self", "cls") and isinstance(call.func, ast.Attribute):
        params = params[1:]
    for param, arg in zip(params, call.args, strict=False):
        if not isinstance(arg, ast.Starred):
            fn.scope.bind(param, arg, scope)
    for kw in call.keywords:
        if kw.arg is not None:
            fn.scope.bind(kw.arg, kw.value, scope)


def _annotation(node: ast.expr | None) -> ast.expr | None:
    """The class a parameter annotation names (``S3Client``, ``"S3Client"``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    return node if isinstance(node, ast.Name | ast.Attribute) else None
