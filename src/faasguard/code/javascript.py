"""JavaScript/TypeScript function code: the AWS SDK calls it can make (tree-sitter, never run).

Covers aws-sdk v2 (``new AWS.S3()``, ``aws-sdk/clients/s3``, DocumentClient) and v3 (``*Client``
+ ``new XCommand``, aggregated clients, ``@aws-sdk/lib-dynamodb``, ``paginate*``/``waitUntil*``,
``@aws-sdk/lib-storage`` ``Upload``), ESM and CommonJS. Names are bound per file,
flow-insensitively; a v3 command counts where it is *constructed*, so a command built in one
place and sent elsewhere is still seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from faasguard.code.python import Str, resource_params, waiter_operation
from faasguard.iam import sdkmap
from faasguard.model.code import ResourceArg, SdkCall
from faasguard.model.values import Location

MAX_EVAL_DEPTH = 30

_MULTIPART = (
    "PutObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
)
#: values that cannot name a resource (``Item: {...}``, ``Limit: 10``)
_NOT_STRINGS = frozenset(
    {"object", "array", "number", "true", "false", "null", "arrow_function", "function_expression"}
)
_NOT_OPERATIONS = frozenset(
    {
        "promise",
        "send",
        "on",
        "config",
        "destroy",
        "middlewareStack",
        "createPresignedPost",
        "waitFor",
        "makeRequest",
        "then",
    }
)


def service_for_js_client(name: str) -> str | None:
    """``"@aws-sdk/client-s3"`` / ``"S3"`` / ``"DynamoDB"`` → the botocore service name."""
    return sdkmap.service_for_js_client(name) if name else None


def _operation(service: str | None, name: str) -> str | None:
    """v2 ``getObject`` / v3 ``GetObjectCommand`` / ``paginateX`` / DocumentClient ``put``."""
    return sdkmap.operation_for_js(service, name) if service and name else None


@dataclass(frozen=True, slots=True)
class Obj:
    kind: (
        str  # v2ns v2class v2client v2docclass v2doc v3pkg v3client v3agg v3cmd doccmd docfrom ...
    )
    service: str | None = None
    name: str = ""
    target: object = None  # the JsModule of a local module


@dataclass(slots=True, eq=False)  # identity: compared and hashed by object
class JsModule:
    file: str
    root: Node
    names: dict[str, list[Node | Obj | Str]] = field(default_factory=dict)
    exports: dict[str, list[Node | Obj | Str]] = field(default_factory=dict)


JsResolver = Callable[[str, str], "JsModule | None"]


def parse(source: bytes, file: str) -> Node:
    if file.endswith(".tsx"):
        language = Language(tree_sitter_typescript.language_tsx())
    elif file.endswith((".ts", ".mts", ".cts")):
        language = Language(tree_sitter_typescript.language_typescript())
    else:
        language = Language(tree_sitter_javascript.language())
    return Parser(language).parse(source).root_node


def first_error(root: Node) -> Node | None:
    """The first syntax error in a tree, or None."""
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return root


_TS_WRAPPERS = (
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
    "await_expression",
)


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _string_value(node: Node) -> str | None:
    if node.type == "string":
        return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return "".join(_text(c) for c in node.named_children)
    return None


def _walk(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.named_children))


class JsAnalysis:
    """Binds names in many files of one code root, then reports every SDK call in them."""

    def __init__(self, resolve: JsResolver) -> None:
        self._resolve = resolve
        self.modules: list[JsModule] = []
        self._active: set[tuple[int, int]] = set()
        self._in_use: list[str] | None = None  # services this code constructs clients for

    # -- binding ---------------------------------------------------------------------------------
    def add_module(self, file: str, root: Node) -> JsModule:
        module = JsModule(file, root)
        self.modules.append(module)
        for node in _walk(root):
            self._bind(node, module)
        return module

    def _bind(self, node: Node, module: JsModule) -> None:
        if node.type == "import_statement":
            self._bind_import(node, module)
        elif node.type == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None:
                self._bind_pattern(name, value, module)
                if (
                    node.parent
                    and node.parent.parent
                    and node.parent.parent.type == "export_statement"
                ):
                    module.exports.setdefault(_text(name), []).append(value)
        elif node.type == "assignment_expression":
            self._bind_assignment(node, module)
        elif node.type in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            module.names.setdefault(_text(name), []).append(node)
            if node.parent and node.parent.type == "export_statement":
                module.exports.setdefault(_text(name), []).append(node)
        elif node.type == "export_statement":
            value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
            if value is not None and any(c.type == "default" for c in node.children):
                module.exports.setdefault("default", []).append(value)

    def _bind_pattern(self, pattern: Node, value: Node | Obj | Str, module: JsModule) -> None:
        if pattern.type == "identifier":
            module.names.setdefault(_text(pattern), []).append(value)
            return
        if pattern.type != "object_pattern":
            return
        for part in pattern.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                key, local = _text(part), _text(part)
            elif part.type == "pair_pattern":
                key = _text(part.child_by_field_name("key"))
                local = _text(part.child_by_field_name("value"))
            else:
                continue
            module.names.setdefault(local, []).append(Obj("member", name=key, target=value))

    def _bind_assignment(self, node: Node, module: JsModule) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return
        text = _text(left)
        if left.type == "identifier" or text.startswith("this."):
            module.names.setdefault(text, []).append(right)
        elif text == "module.exports":
            module.exports.setdefault("default", []).append(right)
        elif text.startswith(("module.exports.", "exports.")):
            module.exports.setdefault(text.rsplit(".", 1)[1], []).append(right)

    def _bind_import(self, node: Node, module: JsModule) -> None:
        clause = next((c for c in node.named_children if c.type == "import_require_clause"), None)
        if clause is not None:  # TypeScript: import S3 = require("aws-sdk/clients/s3")
            source = clause.child_by_field_name("source")
            package = _string_value(source) if source is not None else None
            if package is not None and clause.named_children:
                origin = _default_of(self._package(package, module.file))
                module.names.setdefault(_text(clause.named_children[0]), []).append(origin)
            return
        source = node.child_by_field_name("source")
        package = _string_value(source) if source is not None else None
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if package is None or clause is None:
            return
        origin = self._package(package, module.file)
        for part in clause.named_children:
            if part.type == "identifier":  # default import
                module.names.setdefault(_text(part), []).append(_default_of(origin))
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                module.names.setdefault(_text(ident), []).append(origin)
            elif part.type == "named_imports":
                for spec in part.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    member = Obj("member", name=_text(name), target=origin)
                    module.names.setdefault(_text(alias), []).append(member)

    def _package(self, package: str, file: str) -> Obj:
        if package.startswith("."):
            found = self._resolve(package, file)
            return Obj("jsmodule", target=found) if found else Obj("external", name=package)
        if package == "aws-sdk" or package == "aws-sdk/global":
            return Obj("v2ns")
        if package.startswith("aws-sdk/clients/"):
            return Obj("v2class", service_for_js_client(package.rsplit("/", 1)[1]), package)
        if package.startswith("@aws-sdk/client-"):
            suffix = package.removeprefix("@aws-sdk/client-")
            return Obj("v3pkg", service_for_js_client(package), suffix)
        if package in (
            "@aws-sdk/lib-dynamodb",
            "@aws-sdk/lib-storage",
            "@aws-sdk/s3-request-presigner",
        ):
            return Obj("v3pkg", "dynamodb" if package.endswith("dynamodb") else "s3", package)
        return Obj("external", name=package)

    # -- evaluation ------------------------------------------------------------------------------
    def value_of(self, value: Node | Obj | Str, module: JsModule, depth: int) -> list[Obj | Str]:
        if isinstance(value, Str):
            return [value]
        if isinstance(value, Obj):
            if value.kind == "member":
                base = value.target
                if isinstance(base, Node) and _text(base) == "process.env":
                    return [Str(env_var=value.name)]
                owners = (
                    self.value_of(base, module, depth + 1)
                    if isinstance(base, Node | Obj | Str)
                    else []
                )
                return [
                    r
                    for o in owners
                    if isinstance(o, Obj)
                    for r in self._attr(o, value.name, depth)
                ]
            if value.kind == "arg" and isinstance(value.target, tuple):
                node, caller = value.target  # an argument, evaluated where it was passed
                return self.value_of(node, caller, depth + 1)
            return [value]
        key = (id(module), value.id)
        if depth > MAX_EVAL_DEPTH or key in self._active:
            return []
        self._active.add(key)
        try:
            return list(dict.fromkeys(self._evaluate(value, module, depth)))
        finally:
            self._active.discard(key)

    def lookup(self, name: str, module: JsModule, depth: int) -> list[Obj | Str]:
        return [r for v in module.names.get(name, []) for r in self.value_of(v, module, depth + 1)]

    def _evaluate(self, node: Node, module: JsModule, depth: int) -> list[Obj | Str]:
        kind = node.type
        if kind in _TS_WRAPPERS:
            inner = node.named_children[0] if node.named_children else None
            return self.value_of(inner, module, depth) if inner is not None else []
        if kind == "identifier":
            return self.lookup(_text(node), module, depth)
        if kind in ("string", "template_string") or (
            kind == "binary_expression" and _text(node.child_by_field_name("operator")) == "+"
        ):
            return [self._template(node, module, depth)]
        if kind == "binary_expression":  # a || b, a ?? b
            parts = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            return [r for p in parts if p is not None for r in self.value_of(p, module, depth)]
        if kind == "ternary_expression":
            parts = [
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ]
            return [r for p in parts if p is not None for r in self.value_of(p, module, depth)]
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, module, depth)
        if kind == "new_expression":
            ctor = node.child_by_field_name("constructor")
            owners = self.value_of(ctor, module, depth) if ctor is not None else []
            made = [_construct(o, (node, module)) for o in owners if isinstance(o, Obj)]
            return [m for m in made if m.kind != "none"]
        if kind == "call_expression":
            return self._call_value(node, module, depth)
        if kind in ("function_declaration", "arrow_function", "function_expression", "function"):
            return [Obj("function", name=str(node.id), target=(node, module))]
        return []

    def _member(self, node: Node, module: JsModule, depth: int) -> list[Obj | Str]:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        if obj is None or prop is None:
            return []
        name = _text(prop) if prop.type == "property_identifier" else _string_value(prop)
        if _text(obj) == "process.env":
            return [
                Str(env_var=name) if name else Str(note="environment variable with a computed name")
            ]
        if obj.type == "this" and name:
            return self.lookup("this." + name, module, depth)
        if name is None:  # AWS[computed]: a client of a service chosen at run time
            owners = self.value_of(obj, module, depth)
            computed: list[Obj | Str] = [Obj("v2class", None, "a service name from a variable")]
            return computed if any(isinstance(o, Obj) and o.kind == "v2ns" for o in owners) else []
        return [
            r
            for o in self.value_of(obj, module, depth)
            if isinstance(o, Obj)
            for r in self._attr(o, name, depth)
        ]

    def _call_value(self, node: Node, module: JsModule, depth: int) -> list[Obj | Str]:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None:
            return []
        if _text(func) == "require" and args is not None and args.named_children:
            package = _string_value(args.named_children[0])
            return [_default_of(self._package(package, module.file))] if package else []
        out: list[Obj | Str] = []
        for fn in self.value_of(func, module, depth):
            if isinstance(fn, Obj) and fn.kind == "docfrom":
                out.append(Obj(fn.name, "dynamodb"))
            elif isinstance(fn, Obj) and fn.kind == "function" and isinstance(fn.target, tuple):
                out.extend(self._returns(fn.target[0], fn.target[1], depth))
        return out

    def _returns(self, fn: Node, module: JsModule, depth: int) -> list[Obj | Str]:
        body = fn.child_by_field_name("body")
        if body is None:
            return []
        if body.type != "statement_block":
            return self.value_of(body, module, depth)
        returns = [n for n in _walk(body) if n.type == "return_statement" and n.named_children]
        return [r for n in returns for r in self.value_of(n.named_children[0], module, depth)]

    def _attr(self, obj: Obj, name: str, depth: int) -> list[Obj | Str]:
        if obj.kind == "jsmodule" and isinstance(obj.target, JsModule):
            mod = obj.target
            return [r for v in mod.exports.get(name, []) for r in self.value_of(v, mod, depth + 1)]
        if obj.kind == "jsdefault" and isinstance(obj.target, JsModule):
            return self._default_attr(obj.target, name, depth)
        attr = _member_of(obj, name)
        return [attr] if attr.kind != "none" else []

    def _default_attr(self, mod: JsModule, name: str, depth: int) -> list[Obj | Str]:
        """``name`` of a module's default export (``module.exports = {...}``, export default)."""
        out: list[Obj | Str] = []
        for value in mod.exports.get("default", []):
            if isinstance(value, Node) and value.type == "object":
                out.extend(self._object_property(value, name, mod, depth))
                continue
            for owner in self.value_of(value, mod, depth + 1):
                if isinstance(owner, Obj):
                    out.extend(self._attr(owner, name, depth + 1))
        return out + self._attr(Obj("jsmodule", target=mod), name, depth)

    def _object_property(
        self, obj: Node, name: str, module: JsModule, depth: int
    ) -> list[Obj | Str]:
        for pair in obj.named_children:
            if pair.type == "shorthand_property_identifier" and _text(pair) == name:
                return self.lookup(name, module, depth)
            if pair.type == "pair" and _property_name(pair.child_by_field_name("key")) == name:
                value = pair.child_by_field_name("value")
                return self.value_of(value, module, depth + 1) if value is not None else []
        return []

    def first_str(self, node: Node | None, module: JsModule) -> Str:
        if node is None:
            return Str(note="value computed at run time")
        values = [v for v in self.value_of(node, module, 0) if isinstance(v, Str)]
        known = list(
            dict.fromkeys(v for v in values if v.literal is not None or v.env_var or v.template)
        )
        if len(known) == 1:
            return known[0]
        if known:
            return Str(note="one of several values")
        return Str(note="value computed at run time")

    def _template(self, node: Node, module: JsModule, depth: int) -> Str:
        literal = _string_value(node)
        if literal is not None:
            return Str(literal=literal)
        parts: list[str] = []
        envs: list[str] = []
        for piece in _template_pieces(node):
            if isinstance(piece, str):
                parts.append(piece)
                continue
            value = self.first_str(piece, module)
            if value.literal is not None:
                parts.append(value.literal)
            elif value.env_var:
                envs.append(value.env_var)
                parts.append("${" + value.env_var + "}")
            else:
                parts.append("${?}")
        text = "".join(parts)
        if not envs and "${?}" not in text:
            return Str(literal=text)
        return Str(env_var=envs[0] if len(envs) == 1 else None, template=text)

    # -- arguments ---------------------------------------------------------------------------
    def bind_arguments(self) -> None:
        """Bind the parameters of local functions to the arguments the analysed files pass
        (``save(doc)`` → ``function save(db) { db.put(...) }``); two rounds for pass-through."""
        for _ in range(2):
            for module in self.modules:
                for node in _walk(module.root):
                    if node.type == "call_expression":
                        self._bind_call(node, module)

    def _bind_call(self, node: Node, module: JsModule) -> None:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None or args is None or _text(func) == "require":
            return
        values = [a for a in args.named_children if a.type != "comment"]
        for fn in self.value_of(func, module, 0):
            if not (isinstance(fn, Obj) and fn.kind == "function" and isinstance(fn.target, tuple)):
                continue
            target, owner = fn.target
            for param, value in zip(_parameter_names(target), values, strict=False):
                if not param:
                    continue
                bound = owner.names.setdefault(param, [])
                arg = Obj("arg", name=str(value.id), target=(value, module))
                if arg not in bound:
                    bound.append(arg)

    # -- reporting ---------------------------------------------------------------------------------
    def calls(self) -> Iterator[SdkCall]:
        for module in self.modules:
            for node in _walk(module.root):
                if node.type == "new_expression":
                    yield from self._report_new(node, module)
                elif node.type == "call_expression":
                    yield from self._report_call(node, module)

    def _where(self, node: Node, module: JsModule) -> Location:
        row, column = node.start_point
        return Location(file=module.file, line=row + 1, column=column + 1)

    def _arg(self, node: Node, index: int) -> Node | None:
        args = node.child_by_field_name("arguments")
        named = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        return named[index] if len(named) > index else None

    def _report_new(self, node: Node, module: JsModule) -> Iterator[SdkCall]:
        ctor = node.child_by_field_name("constructor")
        for obj in self.value_of(ctor, module, 0) if ctor is not None else []:
            if not isinstance(obj, Obj):
                continue
            params = self._params(self._arg(node, 0), module)
            where = self._where(node, module)
            if obj.kind in ("v3cmd", "doccmd"):
                form = (
                    "presigned url"
                    if _inside_call(node, "getSignedUrl")
                    else ("command" if obj.kind == "v3cmd" else "document command")
                )
                op = _operation(obj.service, obj.name + "Command")
                note = "" if op else f"unknown command {obj.name}Command"
                yield _call(obj.service, op, where, "aws-sdk-v3", form, params, note)
            elif obj.kind == "upload":
                inner = self._params_node(self._arg(node, 0), module, "params")
                for op in _MULTIPART:
                    yield _call(
                        "s3", op, where, "aws-sdk-v3", "managed upload", self._params(inner, module)
                    )

    def _report_call(self, node: Node, module: JsModule) -> Iterator[SdkCall]:
        func = node.child_by_field_name("function")
        if func is None:
            return
        where = self._where(node, module)
        found = self.value_of(func, module, 0)
        if not found and func.type == "member_expression":
            yield from self._report_inferred(func, module, where)
        for fn in found:
            if not isinstance(fn, Obj):
                continue
            if fn.kind in ("pagefn", "waitfn"):
                params = self._params(self._arg(node, 1), module)
                op = (
                    _operation(fn.service, fn.name)
                    if fn.kind == "pagefn"
                    else waiter_operation(fn.service, fn.name)
                )
                yield _call(
                    fn.service,
                    op,
                    where,
                    "aws-sdk-v3",
                    "paginator" if fn.kind == "pagefn" else "waiter",
                    params,
                )
            elif fn.kind == "method" and isinstance(fn.target, Obj):
                yield from self._method_call(fn.target, fn.name, node, module, where)

    def _report_inferred(self, func: Node, module: JsModule, where: Location) -> Iterator[SdkCall]:
        """``deps.s3.getObject(...)`` on a receiver that could not be traced (injected from
        outside the analysed files): matched by name against the clients this code makes."""
        receiver = func.child_by_field_name("object")
        name = _text(func.child_by_field_name("property"))
        if receiver is None or name.islower() or name in _NOT_OPERATIONS:
            return  # one-word names (get, send, query) are too common to guess from
        if self.value_of(receiver, module, 0):
            return
        for service in self._services_in_use():
            op = _operation(service, name)
            if op is not None and op[:1].lower() + op[1:] == name:
                note = "receiver not traced; service inferred from the method name"
                yield _call(service, op, where, "aws-sdk-v2", "inferred", {}, note)

    def _services_in_use(self) -> list[str]:
        if self._in_use is None:
            services: set[str] = set()
            for module in self.modules:
                for node in _walk(module.root):
                    if node.type != "new_expression":
                        continue
                    for obj in self.value_of(node, module, 0):
                        if isinstance(obj, Obj) and obj.kind in ("v2client", "v3agg"):
                            services.add(obj.service or "")
            self._in_use = sorted(services - {""})
        return self._in_use

    def _method_call(
        self, recv: Obj, name: str, node: Node, module: JsModule, where: Location
    ) -> Iterator[SdkCall]:
        sdk = "aws-sdk-v2" if recv.kind in ("v2client", "v2doc") else "aws-sdk-v3"
        params = {**self._bound_params(recv), **self._params(self._arg(node, 0), module)}
        if name in _NOT_OPERATIONS:
            return
        if recv.kind in ("v2doc", "docagg", "doc"):
            if doc_op := _operation("dynamodb", name):
                yield _call("dynamodb", doc_op, where, sdk, "document client", params)
        elif recv.kind not in ("v2client", "v3agg"):
            return
        elif recv.service is None:
            note = f"client of a service chosen at run time; method {name}"
            yield _call(None, None, where, sdk, "client method", {}, note)
        elif recv.service == "s3" and name == "upload" and recv.kind == "v2client":
            for part in _MULTIPART:
                yield _call("s3", part, where, sdk, "managed upload", params)
        elif name in ("getSignedUrl", "getSignedUrlPromise"):
            method = self.first_str(self._arg(node, 0), module).literal or ""
            signed = _operation(recv.service, method)
            note = "" if signed else "presigned for a computed method"
            params = self._params(self._arg(node, 1), module)
            yield _call(recv.service, signed, where, sdk, "presigned url", params, note)
        else:
            op = _operation(recv.service, name)
            note = "" if op else f"unknown method {name}"
            yield _call(recv.service, op, where, sdk, "client method", params, note)

    def _bound_params(self, recv: Obj) -> dict[str, Str]:
        """aws-sdk v2 ``new AWS.S3({ params: { Bucket } })``: defaults for every call."""
        if recv.kind not in ("v2client", "v2doc") or not isinstance(recv.target, tuple):
            return {}
        new, module = recv.target
        return self._params(self._params_node(self._arg(new, 0), module, "params"), module)

    def _params_node(
        self, node: Node | None, module: JsModule, key: str | None = None
    ) -> Node | None:
        """The object literal a parameter expression stands for (following one variable)."""
        for _ in range(3):
            if node is not None and node.type in _TS_WRAPPERS and node.named_children:
                node = node.named_children[0]
            elif node is not None and node.type == "identifier":
                values = [v for v in module.names.get(_text(node), []) if isinstance(v, Node)]
                node = values[0] if len(values) == 1 else None
        if node is None or node.type != "object":
            return None
        if key is None:
            return node
        for pair in node.named_children:
            if pair.type == "pair" and _property_name(pair.child_by_field_name("key")) == key:
                return self._params_node(pair.child_by_field_name("value"), module)
        return None

    def _params(self, node: Node | None, module: JsModule) -> dict[str, Str]:
        obj = self._params_node(node, module)
        out: dict[str, Str] = {}
        for pair in obj.named_children if obj is not None else []:
            if pair.type == "pair":
                key = _property_name(pair.child_by_field_name("key"))
                value = pair.child_by_field_name("value")
                if key and value is not None and value.type not in _NOT_STRINGS:
                    out[key] = self.first_str(value, module)
            elif pair.type == "shorthand_property_identifier":
                values = [v for v in self.lookup(_text(pair), module, 0) if isinstance(v, Str)]
                out[_text(pair)] = (
                    values[0] if len(values) == 1 else Str(note="value computed at run time")
                )
        return out


def _parameter_names(fn: Node) -> list[str]:
    """Positional parameter names of a function ("" for a destructuring pattern)."""
    single = fn.child_by_field_name("parameter")  # x => ...
    if single is not None:
        return [_text(single)]
    params = fn.child_by_field_name("parameters")
    names: list[str] = []
    for param in params.named_children if params is not None else []:
        if param.type in ("required_parameter", "optional_parameter"):
            param = param.child_by_field_name("pattern") or param
        elif param.type == "assignment_pattern":
            param = param.child_by_field_name("left") or param
        names.append(_text(param) if param.type == "identifier" else "")
    return names


def _property_name(node: Node | None) -> str | None:
    if node is None:
        return None
    return _string_value(node) if node.type == "string" else _text(node)


def _inside_call(node: Node, function: str) -> bool:
    parent = node.parent
    while parent is not None and parent.type in ("arguments", *_TS_WRAPPERS):
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and _text(parent.child_by_field_name("function")).endswith(function)
    )


def _template_pieces(node: Node) -> Iterator[str | Node]:
    if node.type == "template_string":
        for child in node.named_children:
            if child.type == "template_substitution" and child.named_children:
                yield child.named_children[0]
            else:
                yield _text(child)
    elif node.type == "binary_expression":
        for side in ("left", "right"):
            part = node.child_by_field_name(side)
            if part is not None:
                yield from _template_pieces(part)
    elif node.type == "string":
        yield _string_value(node) or ""
    else:
        yield node


def _default_of(origin: Obj) -> Obj:
    if origin.kind == "jsmodule":
        return Obj("jsdefault", target=origin.target)
    return origin


def _member_of(obj: Obj, name: str) -> Obj:
    if obj.kind == "v2ns":
        return Obj("v2class", service_for_js_client(name), name)
    if obj.kind == "v2class" and name == "DocumentClient":
        return Obj("v2docclass", "dynamodb")
    if obj.kind == "v3pkg":
        return _v3_export(obj, name)
    if obj.kind in ("docclientclass", "docaggclass") and name == "from":
        return Obj("docfrom", "dynamodb", "doc" if obj.kind == "docclientclass" else "docagg")
    if obj.kind in ("v2client", "v3agg", "v2doc", "docagg", "doc", "v3client"):
        return Obj("method", obj.service, name, target=obj)
    return Obj("none")


def _v3_export(pkg: Obj, name: str) -> Obj:
    service = pkg.service
    if pkg.name == "@aws-sdk/lib-dynamodb":
        if name.endswith("Command") and len(name) > len("Command"):
            return Obj("doccmd", "dynamodb", name.removesuffix("Command"))
        if name in ("DynamoDBDocumentClient", "DynamoDBDocument"):
            return Obj("docclientclass" if name.endswith("Client") else "docaggclass", service)
    if pkg.name == "@aws-sdk/lib-storage":
        return Obj("upload", "s3") if name == "Upload" else Obj("none")
    if pkg.name == "@aws-sdk/s3-request-presigner":
        return Obj("none")  # getSignedUrl signs locally: not a call (the command inside is)
    if name.endswith("Command") and len(name) > 7:
        return Obj("v3cmd", service, name[: -len("Command")])
    if name.startswith("paginate") and len(name) > 8:
        return Obj("pagefn", service, name[len("paginate") :])
    for prefix in ("waitUntil", "waitFor"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return Obj("waitfn", service, name[len(prefix) :])
    if name.endswith("Client"):
        return Obj("v3clientclass", service, name)
    if name[:1].isupper() and not name.endswith(("Exception", "Error", "Fault")):
        return Obj("v3aggclass", service, name)
    return Obj("none")


def _construct(obj: Obj, where: tuple[Node, JsModule]) -> Obj:
    """The instance ``new`` makes; it keeps its ``new`` expression (v2 ``params`` defaults)."""
    kinds = {
        "v2class": "v2client",
        "v2docclass": "v2doc",
        "v3clientclass": "v3client",
        "v3aggclass": "v3agg",
        "docclientclass": "doc",
        "docaggclass": "docagg",
    }
    if obj.kind in kinds:
        return Obj(kinds[obj.kind], obj.service, obj.name, target=where)
    return Obj("none")


def _call(
    service: str | None,
    op: str | None,
    where: Location,
    sdk: str,
    form: str,
    args: dict[str, Str],
    note: str = "",
) -> SdkCall:
    if service is None and not note:
        note = "service not recognised"
    elif op is None and not note:
        note = "operation not found in the service model"
    params = resource_params(service, op, args) if service and op else ()
    resources = tuple(
        ResourceArg(
            param=p,
            literal=args[p].literal,
            env_var=args[p].env_var,
            template=args[p].template,
            note=args[p].note,
        )
        for p in params
    )
    return SdkCall(
        service=service,
        operation=op,
        location=where,
        sdk=sdk,
        resources=resources,
        form=form,
        note=note,
    )
