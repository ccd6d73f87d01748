"""A minimal stand-in for ``cloudformation.Template`` while the real one is being written.

It resolves only what the SAM tests need: plain scalars, ``Ref``/``GetAtt`` targets, statement
lists. Everything else stays a ``Ref`` with the source text. ``load_sam`` prefers the real
``Template`` and falls back to this one only while the real one raises NotImplementedError.
"""

from __future__ import annotations

import json
from pathlib import Path

from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import Document, Node, YList, YMap, load_file
from faasguard.model import (
    Data,
    FrozenMap,
    Ignore,
    Location,
    PolicyStatement,
    Principal,
    Ref,
    Text,
    Value,
)


class FakeTemplate:
    def __init__(self, doc: Document) -> None:
        root = doc.root
        assert isinstance(root, YMap)
        resources = root.get("Resources")
        globals_ = root.get("Globals")
        self.resources = resources if isinstance(resources, YMap) else YMap(root.loc)
        self.globals = globals_ if isinstance(globals_, YMap) else YMap(root.loc)

    def location(self, ident: str) -> Location:
        return self.resources.key_loc(ident)

    def condition_of(self, ident: str) -> str | None:
        res = self.resources.get(ident)
        cond = res.get("Condition") if isinstance(res, YMap) else None
        return cond if isinstance(cond, str) else None

    def ignores(self, ident: str) -> tuple[Ignore, ...]:
        return ()

    def field_locations(
        self, props: YMap, mapping: dict[str, str]
    ) -> tuple[tuple[str, Location], ...]:
        return tuple((f, props.key_loc(k)) for f, k in mapping.items() if k in props)

    def take_assumptions(self) -> tuple[str, ...]:
        return ()

    def value(self, node: Node) -> Value:
        if isinstance(node, YMap | YList):
            return Ref(text=json.dumps(node, sort_keys=True), target=self._target_id(node))
        return node

    def text(self, node: Node) -> Text | None:
        value = self.value(node)
        if value is None or isinstance(value, Ref):
            return value
        return str(value)

    def texts(self, node: Node) -> tuple[Text, ...]:
        items = node if isinstance(node, YList) else [node] if node is not None else []
        return tuple(t for t in (self.text(i) for i in items) if t is not None)

    def data(self, node: Node) -> Data:
        if isinstance(node, YMap):
            return FrozenMap(tuple((k, self.data(v)) for k, v in node.items()))
        if isinstance(node, YList):
            return tuple(self.data(v) for v in node)
        return node

    def _target_id(self, node: YMap) -> str | None:
        if "Ref" in node and isinstance(node["Ref"], str) and node["Ref"] in self.resources:
            return node["Ref"]
        att = node.get("Fn::GetAtt")
        if isinstance(att, YList) and att and att[0] in self.resources:
            return str(att[0])
        if isinstance(att, str) and att.split(".")[0] in self.resources:
            return att.split(".")[0]
        return None

    def target(self, node: Node) -> Text | None:
        if isinstance(node, YMap) and self._target_id(node):
            return self._target_id(node)
        return self.text(node)

    def statements(self, document: Node, source: str) -> tuple[PolicyStatement, ...]:
        assert isinstance(document, YMap)
        found = document.get("Statement")
        items = found if isinstance(found, YList) else YList(document.loc)
        result = []
        for i, st in enumerate(items):
            assert isinstance(st, YMap)
            principal = st.get("Principal")
            principals: tuple[Principal, ...] = ()
            if principal == "*":
                principals = (Principal(kind="*", value="*"),)
            elif isinstance(principal, YMap):
                principals = tuple(
                    Principal(kind=k, value=t) for k, v in principal.items() for t in self.texts(v)
                )
            result.append(
                PolicyStatement(
                    effect=self.text(st.get("Effect")) or "Allow",
                    actions=self.texts(st.get("Action")),
                    resources=self.texts(st.get("Resource")),
                    principals=principals,
                    location=items.item_loc(i),
                    source=source,
                )
            )
        return tuple(result)


def load_sam(path: Path) -> Parts:
    """Expand one SAM fixture into ``Parts`` with the real Template, or the fake meanwhile."""
    from faasguard.loaders import cloudformation, sam

    doc = load_file(str(path), path.name)
    parts = Parts()
    try:
        tpl = cloudformation.Template(doc, str(path.parent))
    except NotImplementedError:
        tpl = FakeTemplate(doc)  # type: ignore[assignment]
    sam.expand(tpl, parts)
    return parts
