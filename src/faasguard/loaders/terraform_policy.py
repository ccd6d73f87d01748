"""IAM policy documents in Terraform: ``jsonencode({...})``, JSON strings/heredocs, and
``data "aws_iam_policy_document"`` blocks (statements, principals, conditions), with lines."""

from __future__ import annotations

from typing import Any

from faasguard.loaders.terraform_eval import Encoded, LineDict, LineList, string_of
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_view import Body, as_text, as_texts, decoded
from faasguard.model import Data, FrozenMap, Location, PolicyStatement, Principal, Ref

_DOCUMENT = "data.aws_iam_policy_document"
#: most policy documents followed through source/override_policy_documents for one policy
_MAX_NESTED_DOCUMENTS = 16


class Documents:
    """Builds statements from any way a policy document can be written."""

    def __init__(self, instances: dict[str, Instance]) -> None:
        self.instances = instances

    def statements(self, body: Body, name: str, source: str) -> tuple[PolicyStatement, ...]:
        return self.of_value(body.value(name), body.at(name), source, 0)

    def of_value(
        self, value: Any, at: Location, source: str, depth: int
    ) -> tuple[PolicyStatement, ...]:
        if depth > _MAX_NESTED_DOCUMENTS:
            return ()
        if isinstance(value, Ref):
            inst = self.instances.get(value.target or "")
            if inst is not None and inst.type == _DOCUMENT:
                return self._document(inst, source, depth)
            return ()
        data = decoded(value)
        if not isinstance(data, dict):
            return ()
        raw = data.get("Statement")
        items = raw if isinstance(raw, list) else ([raw] if isinstance(raw, dict) else [])
        lines = getattr(raw, "lines", [])
        found = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                line = lines[i] if i < len(lines) and lines[i] else at.line
                found.append(_statement(item, Location(file=at.file, line=line), source))
        return tuple(found)

    def _document(self, inst: Instance, source: str, depth: int) -> tuple[PolicyStatement, ...]:
        body = Body(inst.block, inst.ctx)
        found: list[PolicyStatement] = []
        for name in ("source_policy_documents", "source_json"):
            for item in _listed(body.value(name)):
                found.extend(self.of_value(item, body.at(name), source, depth + 1))
        found.extend(_block_statement(st, source) for st in body.blocks("statement"))
        for name in ("override_policy_documents", "override_json"):
            for item in _listed(body.value(name)):
                found.extend(self.of_value(item, body.at(name), source, depth + 1))
        return tuple(found)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _block_statement(st: Body, source: str) -> PolicyStatement:
    sid = st.text("sid")
    return PolicyStatement(
        effect=st.text("effect") or "Allow",
        actions=st.texts("actions"),
        not_actions=st.texts("not_actions"),
        resources=st.texts("resources"),
        not_resources=st.texts("not_resources"),
        principals=_block_principals(st, "principals"),
        not_principals=_block_principals(st, "not_principals"),
        conditions=_block_conditions(st),
        sid=sid if isinstance(sid, str) else None,
        location=st.loc,
        source=source,
    )


def _block_principals(st: Body, name: str) -> tuple[Principal, ...]:
    found: list[Principal] = []
    for block in st.blocks(name):
        kind = block.text("type")
        kind_text = kind if isinstance(kind, str) else "AWS"
        for value in block.texts("identifiers"):
            if kind_text == "*" or (kind_text == "AWS" and value == "*"):
                found.append(
                    Principal(kind="*", value="*")
                    if kind_text == "*"
                    else Principal(kind="AWS", value="*")
                )
            else:
                found.append(Principal(kind=kind_text, value=value))
    return tuple(found)


def _block_conditions(st: Body) -> FrozenMap:
    grouped: dict[str, list[tuple[str, Data]]] = {}
    for block in st.blocks("condition"):
        test, variable = block.text("test"), block.text("variable")
        if not isinstance(test, str) or not isinstance(variable, str):
            continue
        values = block.texts("values")
        grouped.setdefault(test, []).append((variable, values[0] if len(values) == 1 else values))
    return FrozenMap(tuple((test, FrozenMap(tuple(keys))) for test, keys in grouped.items()))


def _statement(item: dict[str, Any], at: Location, source: str) -> PolicyStatement:
    sid = item.get("Sid")
    conditions = to_data(item.get("Condition"))
    return PolicyStatement(
        effect=as_text(item.get("Effect")) or "Allow",
        actions=as_texts(item.get("Action")),
        not_actions=as_texts(item.get("NotAction")),
        resources=as_texts(item.get("Resource")),
        not_resources=as_texts(item.get("NotResource")),
        principals=principals(item.get("Principal")),
        not_principals=principals(item.get("NotPrincipal")),
        conditions=conditions if isinstance(conditions, FrozenMap) else FrozenMap(),
        sid=sid if isinstance(sid, str) else None,
        location=at,
        source=source,
    )


def principals(value: Any) -> tuple[Principal, ...]:
    if value is None:
        return ()
    if isinstance(value, dict):
        return tuple(
            Principal(kind=str(kind), value=v) for kind, vs in value.items() for v in as_texts(vs)
        )
    text = as_text(value)
    if text == "*":
        return (Principal(kind="*", value="*"),)
    return () if text is None else (Principal(kind="AWS", value=text),)


def to_data(value: Any, depth: int = 0) -> Data:
    """Free-form data (conditions, patterns) as FrozenMap / tuples / scalars."""
    if depth > 32:
        return Ref(text="...")
    if isinstance(value, Encoded):
        return value.text()
    if isinstance(value, LineDict | dict):
        return FrozenMap(tuple((str(k), to_data(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, LineList | list):
        return tuple(to_data(v, depth + 1) for v in value)
    if isinstance(value, Ref | str | int | float | bool) or value is None:
        return value
    return string_of(value)
