"""Python function code: the AWS SDK calls it can make, found with ``ast`` (never imported or run).

This module ties the pieces together: ``python_scopes`` binds names, ``python_bindings`` traces
what they hold, ``python_calls`` and ``powertools`` say what a call on an SDK object does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from faasguard.code.boto3_resources import resource_operation, shape_attributes
from faasguard.code.powertools import PT_FUNCTIONS, powertools_calls
from faasguard.code.python_bindings import ValueTracer
from faasguard.code.python_calls import method_calls, request_params
from faasguard.code.python_clients import Obj
from faasguard.code.python_scopes import (
    ImportResolver,
    PyModule,
    Scope,
    ScopeBuilder,
    calls_with_scopes,
    nodes_with_scopes,
)
from faasguard.code.sdk_calls import sdk_call
from faasguard.code.service_models import operation_for_method
from faasguard.model.code import SdkCall
from faasguard.model.values import Location


class PythonAnalysis:
    """Builds scopes for many files of one code root, then reports every SDK call in them."""

    def __init__(self, resolve: ImportResolver) -> None:
        self._scopes = ScopeBuilder(resolve)
        self._values = ValueTracer()
        self.modules: list[PyModule] = []
        self._in_use: list[str] | None = None  # services this code creates clients for

    def add_module(self, file: str, tree: ast.Module) -> PyModule:
        module = PyModule(file, tree)
        self.modules.append(module)
        self._scopes.bind_body(tree.body, module.scope, None)
        return module

    def bind_arguments(self) -> None:
        """Bind local functions' parameters to the arguments the analysed files pass them."""
        self._values.bind_arguments(self.modules)

    def calls(self) -> Iterator[SdkCall]:
        for module in self.modules:
            called = {id(n.func) for n, _ in calls_with_scopes(module)}
            for node, scope in nodes_with_scopes(module):
                if isinstance(node, ast.Call):
                    yield from self._report(node, scope, module.file)
                elif isinstance(node, ast.Attribute) and id(node) not in called:
                    yield from self._report_attribute_read(node, scope, module.file)

    def _report_attribute_read(
        self, node: ast.Attribute, scope: Scope, file: str
    ) -> Iterator[SdkCall]:
        """``obj.content_length`` loads a resource (HeadObject) on first read."""
        if not isinstance(node.ctx, ast.Load) or node.attr.startswith("_"):
            return
        for recv in self._values.objects(node.value, scope):
            if not (recv.kind == "resource" and recv.service):
                continue
            if node.attr in shape_attributes(recv.service, recv.name):
                op = resource_operation(recv.service, recv.name, "load")
                args = request_params(recv.service, recv, "load")
                where = Location(file=file, line=node.lineno, column=node.col_offset + 1)
                yield sdk_call(recv.service, op, where, recv.sdk, "resource load", args)

    def _report(self, call: ast.Call, scope: Scope, file: str) -> Iterator[SdkCall]:
        where = Location(file=file, line=call.lineno, column=call.col_offset + 1)
        func = call.func
        getter = _getattr_call(func)
        if getter is not None:
            yield from self._report_getattr(getter, call, scope, where)
            return
        values = self._values
        found = values.value_of(func, scope, 0)
        if not found and isinstance(func, ast.Attribute) and "_" in func.attr:
            yield from self._report_inferred(func, scope, where)
        for fn in (o for o in found if isinstance(o, Obj)):
            if fn.kind == "method" and isinstance(fn.target, Obj):
                kwargs, positional = values.kwargs(call, scope), values.positional(call, scope)
                yield from method_calls(fn.target, fn.name, kwargs, positional, where)
            elif fn.kind == "factory" and fn.name[3:] in (*PT_FUNCTIONS, "idempotency"):
                positional, kwargs = values.positional(call, scope), values.kwargs(call, scope)
                yield from powertools_calls(fn.name[3:], positional, kwargs, where)

    def _report_inferred(
        self, func: ast.Attribute, scope: Scope, where: Location
    ) -> Iterator[SdkCall]:
        """A method call on a receiver that could not be traced (a client injected from outside
        the analysed files): matched by name against the services this code creates clients for."""
        if self._values.value_of(func.value, scope, 0):
            return  # the receiver is something known that has no such method
        for service in self._services_in_use():
            op = operation_for_method(service, func.attr)
            if op is not None:
                note = "receiver not traced; service inferred from the method name"
                yield sdk_call(service, op, where, "boto3", "inferred", {}, note)

    def _services_in_use(self) -> list[str]:
        if self._in_use is None:
            services: set[str] = set()
            for module in self.modules:
                for node, scope in calls_with_scopes(module):
                    for obj in self._values.objects(node, scope):
                        if obj.kind in ("client", "sres") and obj.service:
                            services.add(obj.service)
            self._in_use = sorted(services)
        return self._in_use

    def _report_getattr(
        self, getattr_call: ast.Call, call: ast.Call, scope: Scope, where: Location
    ) -> Iterator[SdkCall]:
        """``getattr(client, name)(...)``: the method ``name`` when it can be traced."""
        if len(getattr_call.args) < 2:
            return
        name = self._values.first_str(getattr_call.args[1], scope)
        for recv in self._values.objects(getattr_call.args[0], scope):
            if recv.kind != "client":
                continue
            if name.literal is not None:
                kwargs = self._values.kwargs(call, scope)
                yield from method_calls(recv, name.literal, kwargs, [], where)
            else:
                yield SdkCall(
                    service=recv.service,
                    operation=None,
                    location=where,
                    sdk=recv.sdk,
                    form="client method",
                    note="getattr with a computed name",
                )


def _getattr_call(func: ast.expr) -> ast.Call | None:
    """The ``getattr(obj, name)`` a call's callee is, or None."""
    if isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "getattr":
        return func
    return None
