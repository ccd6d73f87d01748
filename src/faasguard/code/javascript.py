"""JavaScript/TypeScript function code: the AWS SDK calls it can make (tree-sitter, never run).

Covers aws-sdk v2 (``new AWS.S3()``, ``aws-sdk/clients/s3``, DocumentClient) and v3 (``*Client``
+ ``new XCommand``, aggregated clients, ``@aws-sdk/lib-dynamodb``, ``paginate*``/``waitUntil*``,
``@aws-sdk/lib-storage`` ``Upload``), ESM and CommonJS. A v3 command counts where it is
*constructed*, so a command built in one place and sent elsewhere is still seen. This module ties
the pieces together: ``js_scopes`` binds names, ``js_bindings`` traces values, ``js_sdk`` knows
the SDK's packages and objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from faasguard.code.js_bindings import JsValueTracer
from faasguard.code.js_scopes import JsModule, NameBinder
from faasguard.code.js_sdk import MULTIPART, NOT_OPERATIONS, Obj, js_operation, sdk_package
from faasguard.code.js_syntax import argument, inside_call, location, text, walk
from faasguard.code.sdk_calls import sdk_call
from faasguard.code.service_models import waiter_operation
from faasguard.code.traced import Str
from faasguard.model.code import SdkCall
from faasguard.model.values import Location

#: (relative import specifier, importing file) → the module of the code root, or None
JsResolver = Callable[[str, str], "JsModule | None"]


def _call(
    service: str | None,
    op: str | None,
    where: Location,
    sdk: str,
    form: str,
    args: dict[str, Str],
    note: str = "",
) -> SdkCall:
    return sdk_call(
        service, op, where, sdk, form, args, note, unknown_service="service not recognised"
    )


class JsAnalysis:
    """Binds names in many files of one code root, then reports every SDK call in them."""

    def __init__(self, resolve: JsResolver) -> None:
        self._resolve = resolve
        self._names = NameBinder(self._package)
        self._values = JsValueTracer(self._package)
        self.modules: list[JsModule] = []
        self._in_use: list[str] | None = None  # services this code constructs clients for

    def add_module(self, file: str, root: Node) -> JsModule:
        module = JsModule(file, root)
        self.modules.append(module)
        self._names.bind_module(module)
        return module

    def _package(self, package: str, file: str) -> Obj:
        """What importing ``package`` from ``file`` gives: a local module or an SDK object."""
        if package.startswith("."):
            found = self._resolve(package, file)
            return Obj("jsmodule", target=found) if found else Obj("external", name=package)
        return sdk_package(package)

    def bind_arguments(self) -> None:
        """Bind local functions' parameters to the arguments the analysed files pass them."""
        self._values.bind_arguments(self.modules)

    def calls(self) -> Iterator[SdkCall]:
        for module in self.modules:
            for node in walk(module.root):
                if node.type == "new_expression":
                    yield from self._report_new(node, module)
                elif node.type == "call_expression":
                    yield from self._report_call(node, module)

    def _report_new(self, node: Node, module: JsModule) -> Iterator[SdkCall]:
        """``new GetObjectCommand({...})`` (a v3 command) and ``new Upload({...})``."""
        values = self._values
        ctor = node.child_by_field_name("constructor")
        for obj in values.value_of(ctor, module, 0) if ctor is not None else []:
            if not isinstance(obj, Obj):
                continue
            params = values.params(argument(node, 0), module)
            where = location(node, module.file)
            if obj.kind in ("v3cmd", "doccmd"):
                form = (
                    "presigned url"
                    if inside_call(node, "getSignedUrl")
                    else ("command" if obj.kind == "v3cmd" else "document command")
                )
                op = js_operation(obj.service, obj.name + "Command")
                note = "" if op else f"unknown command {obj.name}Command"
                yield _call(obj.service, op, where, "aws-sdk-v3", form, params, note)
            elif obj.kind == "upload":
                inner = values.params_node(argument(node, 0), module, "params")
                for op in MULTIPART:
                    upload_params = values.params(inner, module)
                    yield _call("s3", op, where, "aws-sdk-v3", "managed upload", upload_params)

    def _report_call(self, node: Node, module: JsModule) -> Iterator[SdkCall]:
        func = node.child_by_field_name("function")
        if func is None:
            return
        where = location(node, module.file)
        found = self._values.value_of(func, module, 0)
        if not found and func.type == "member_expression":
            yield from self._report_inferred(func, module, where)
        for fn in found:
            if not isinstance(fn, Obj):
                continue
            if fn.kind in ("pagefn", "waitfn"):
                yield self._helper_call(fn, node, module, where)
            elif fn.kind == "method" and isinstance(fn.target, Obj):
                yield from self._method_call(fn.target, fn.name, node, module, where)

    def _helper_call(self, fn: Obj, node: Node, module: JsModule, where: Location) -> SdkCall:
        """v3 ``paginateX(config, input)`` / ``waitUntilX(config, input)``."""
        params = self._values.params(argument(node, 1), module)
        if fn.kind == "pagefn":
            op = js_operation(fn.service, fn.name)
            return _call(fn.service, op, where, "aws-sdk-v3", "paginator", params)
        op = waiter_operation(fn.service, fn.name)
        return _call(fn.service, op, where, "aws-sdk-v3", "waiter", params)

    def _report_inferred(self, func: Node, module: JsModule, where: Location) -> Iterator[SdkCall]:
        """``deps.s3.getObject(...)`` on a receiver that could not be traced (injected from
        outside the analysed files): matched by name against the clients this code makes."""
        receiver = func.child_by_field_name("object")
        name = text(func.child_by_field_name("property"))
        if receiver is None or name.islower() or name in NOT_OPERATIONS:
            return  # one-word names (get, send, query) are too common to guess from
        if self._values.value_of(receiver, module, 0):
            return
        for service in self._services_in_use():
            op = js_operation(service, name)
            if op is not None and op[:1].lower() + op[1:] == name:
                note = "receiver not traced; service inferred from the method name"
                yield _call(service, op, where, "aws-sdk-v2", "inferred", {}, note)

    def _services_in_use(self) -> list[str]:
        if self._in_use is None:
            services: set[str] = set()
            for module in self.modules:
                for node in walk(module.root):
                    if node.type != "new_expression":
                        continue
                    for obj in self._values.value_of(node, module, 0):
                        if isinstance(obj, Obj) and obj.kind in ("v2client", "v3agg"):
                            services.add(obj.service or "")
            self._in_use = sorted(services - {""})
        return self._in_use

    def _method_call(
        self, recv: Obj, name: str, node: Node, module: JsModule, where: Location
    ) -> Iterator[SdkCall]:
        """``client.getObject({...})`` (v2, v3 aggregated client, document clients)."""
        values = self._values
        sdk = "aws-sdk-v2" if recv.kind in ("v2client", "v2doc") else "aws-sdk-v3"
        params = {**values.bound_params(recv), **values.params(argument(node, 0), module)}
        if name in NOT_OPERATIONS:
            return
        if recv.kind in ("v2doc", "docagg", "doc"):
            if doc_op := js_operation("dynamodb", name):
                yield _call("dynamodb", doc_op, where, sdk, "document client", params)
        elif recv.kind not in ("v2client", "v3agg"):
            return
        elif recv.service is None:
            note = f"client of a service chosen at run time; method {name}"
            yield _call(None, None, where, sdk, "client method", {}, note)
        elif recv.service == "s3" and name == "upload" and recv.kind == "v2client":
            for part in MULTIPART:
                yield _call("s3", part, where, sdk, "managed upload", params)
        elif name in ("getSignedUrl", "getSignedUrlPromise"):
            method = values.first_str(argument(node, 0), module).literal or ""
            signed = js_operation(recv.service, method)
            note = "" if signed else "presigned for a computed method"
            params = values.params(argument(node, 1), module)
            yield _call(recv.service, signed, where, sdk, "presigned url", params, note)
        else:
            op = js_operation(recv.service, name)
            note = "" if op else f"unknown method {name}"
            yield _call(recv.service, op, where, sdk, "client method", params, note)
