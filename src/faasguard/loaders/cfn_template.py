"""The resolution context of one template, shared by the CloudFormation and SAM loaders."""

from __future__ import annotations

from faasguard.loaders.cfn_resolve import Resolver
from faasguard.loaders.cfn_values import (
    NO_VALUE,
    NoValue,
    Resolved,
    is_intrinsic,
    scalar_text,
)
from faasguard.loaders.yamljson import Document, Node, YList, YMap
from faasguard.model import (
    Data,
    Diagnostic,
    FrozenMap,
    Ignore,
    Location,
    PolicyStatement,
    Principal,
    Ref,
    Text,
    Value,
)

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class Template:
    """Resolution context for one template: parameters, pseudo parameters, conditions, mappings.

    Every method takes a raw ``Node`` and returns model values: resolved where possible,
    ``Ref`` where the value is decided at deploy time. Parameter defaults that were used are
    recorded and handed out per resource by ``take_assumptions()``.
    """

    def __init__(self, doc: Document, root: str) -> None:
        self.file = doc.file
        self.root = root
        top = doc.root if isinstance(doc.root, YMap) else YMap(Location(file=doc.file, line=1))
        self.top = top
        self.resources = _section(top, "Resources")
        self.globals = _section(top, "Globals")
        self._resolver = Resolver(top, doc.file)
        self._resolver.strict_refs = not self.is_sam
        if not isinstance(doc.root, YMap) and doc.root is not None:
            self.diagnose(top.loc, "the template is not a mapping")
        elif "Resources" in top and not isinstance(top.get("Resources"), YMap):
            self.diagnose(top.key_loc("Resources"), "Resources is not a mapping")

    # --- documented resolution API ----------------------------------------------------

    def value(self, node: Node | Resolved) -> Value:
        """A scalar: str/int/float/bool/None, or a ``Ref`` for unresolvable intrinsics."""
        resolved = self._resolver.resolve(node)
        if isinstance(resolved, NoValue):
            return None
        if isinstance(resolved, Ref | str | int | float | bool) or resolved is None:
            return resolved
        return Ref(text=_describe(resolved))

    def text(self, node: Node | Resolved) -> Text | None:
        """A string (Sub/Join resolved when possible), a ``Ref``, or None when absent."""
        value = self.value(node)
        if value is None or isinstance(value, Ref):
            return value
        return scalar_text(value)

    def texts(self, node: Node) -> tuple[Text, ...]:
        """A list of strings (a single string counts as a list of one)."""
        resolved = self._resolver.resolve(node)
        if isinstance(resolved, list):
            found = (self.text(item) for item in resolved if not isinstance(item, list))
            return tuple(t for t in found if t is not None)
        single = self.text(node)
        return () if single is None else (single,)

    def data(self, node: Node) -> Data:
        """Free-form data as FrozenMap / tuples / values (for conditions, patterns...)."""
        return self._data(node, 0)

    def target(self, node: Node) -> Text | None:
        """The logical id a ``Ref``/``GetAtt`` points at when it is a resource of this template,
        otherwise the value itself (an ARN string or a ``Ref``)."""
        value = self.text(node)
        if (
            isinstance(value, Ref)
            and self._resolver.names_resource(value.target)
            and (value.text.startswith("!") or value.text in _placeholders(value))
        ):
            return value.target
        return value

    def statements(self, document: Node, source: str) -> tuple[PolicyStatement, ...]:
        """IAM policy document (``{"Statement": [...]}``) into statements with locations."""
        found: list[PolicyStatement] = []
        for doc in self.branches(document):
            if not isinstance(doc, YMap):
                continue
            raw = doc.get("Statement")
            for node, loc in self._items(raw, doc.key_loc("Statement")):
                for statement in self.branches(node):
                    if isinstance(statement, YMap):
                        found.append(self._statement(statement, loc, source))
        return tuple(found)

    def take_assumptions(self) -> tuple[str, ...]:
        """Notes on parameter defaults used since the last call (attach them to the resource)."""
        return self._resolver.take_notes()

    # --- what the resource builders (ours and sam.py) share ---------------------------

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(self._resolver.diagnostics.values())

    @property
    def transforms(self) -> tuple[str, ...]:
        return tuple(t for t in self.texts(self.top.get("Transform")) if isinstance(t, str))

    @property
    def is_sam(self) -> bool:
        return SAM_TRANSFORM in self.transforms

    def location(self, logical_id: str) -> Location:
        return self.resources.key_loc(logical_id)

    def condition_of(self, logical_id: str) -> str | None:
        resource = self.resources.get(logical_id)
        found = resource.get("Condition") if isinstance(resource, YMap) else None
        return found if isinstance(found, str) else None

    def is_resource(self, name: object) -> bool:
        """A logical id of the template (or, in SAM templates, of a resource SAM generates)."""
        return isinstance(name, str) and self._resolver.names_resource(name)

    def ignores(self, logical_id: str) -> tuple[Ignore, ...]:
        """``Metadata.faasguard.ignore`` entries; one without a reason is reported, not applied."""
        resource = self.resources.get(logical_id)
        metadata = resource.get("Metadata") if isinstance(resource, YMap) else None
        ours = metadata.get("faasguard") if isinstance(metadata, YMap) else None
        entries = ours.get("ignore") if isinstance(ours, YMap) else None
        result: list[Ignore] = []
        for entry, loc in self._items(entries, self.location(logical_id)):
            rule = entry.get("rule") if isinstance(entry, YMap) else None
            reason = entry.get("reason") if isinstance(entry, YMap) else None
            if not isinstance(rule, str):
                self.diagnose(loc, "faasguard ignore entry without a rule id")
            elif not isinstance(reason, str) or not reason.strip():
                self.diagnose(loc, f"suppression without reason ({rule} on {logical_id})")
            else:
                result.append(Ignore(rule=rule, reason=reason, location=loc))
        return tuple(result)

    def field_locations(
        self, props: YMap, mapping: dict[str, str]
    ) -> tuple[tuple[str, Location], ...]:
        """Model field name -> location of the source key that set it (keys present only).

        A dotted key (``TracingConfig.Mode``) points at the deepest of its keys that is present.
        """
        found: list[tuple[str, Location]] = []
        for name, path in mapping.items():
            keys = path.split(".")
            if keys[0] not in props:
                continue
            node: Node = props
            loc = props.key_loc(keys[0])
            for key in keys:
                node = self.pick(node)
                if not (isinstance(node, YMap) and key in node):
                    break
                loc, node = node.key_loc(key), node[key]
            found.append((name, loc))
        return tuple(found)

    def pick(self, node: Node) -> Node:
        """A property value with structural intrinsics applied: ``Fn::If`` chooses its branch,
        ``AWS::NoValue`` becomes None. An undecidable ``Fn::If`` reads its first branch and
        says so in the assumptions."""
        for _ in range(8):
            if not (isinstance(node, YMap) and len(node) == 1):
                return node
            if node.get("Ref") == "AWS::NoValue":
                return None
            branches = node.get("Fn::If")
            if not (isinstance(branches, YList) and len(branches) == 3):
                return node
            name = branches[0]
            decided = (
                self._resolver.named_condition(name, node.loc) if isinstance(name, str) else None
            )
            if decided is None:
                self._resolver.note(
                    f"condition {name} undecided: the first branch of Fn::If is read"
                )
            node = branches[1] if decided in (True, None) else branches[2]
        return node

    def branches(self, node: Node) -> list[Node]:
        """Every value an ``Fn::If`` may take (only the chosen one when it is decided)."""
        if isinstance(node, YMap) and len(node) == 1 and isinstance(node.get("Fn::If"), YList):
            arg = node["Fn::If"]
            assert isinstance(arg, YList)
            if len(arg) == 3 and isinstance(arg[0], str):
                decided = self._resolver.named_condition(arg[0], node.loc)
                chosen = [arg[1], arg[2]] if decided is None else [arg[1] if decided else arg[2]]
                return [b for item in chosen for b in self.branches(item)]
        if isinstance(node, YMap) and node.get("Ref") == "AWS::NoValue" and len(node) == 1:
            return []
        return [node]

    def diagnose(self, at: Location, message: str) -> None:
        self._resolver.bad(at, message)

    # --- helpers ----------------------------------------------------------------------

    def _items(self, node: Node, loc: Location) -> list[tuple[Node, Location]]:
        node = self.pick(node)
        if isinstance(node, YList):
            return [(item, node.item_loc(i)) for i, item in enumerate(node)]
        if node is None:
            return []
        return [(node, node.loc if isinstance(node, YMap) else loc)]

    def _statement(self, st: YMap, loc: Location, source: str) -> PolicyStatement:
        sid = self.text(st.get("Sid"))
        conditions = self.data(st.get("Condition"))
        return PolicyStatement(
            effect=self.text(st.get("Effect")) or "Allow",
            actions=self.texts(st.get("Action")),
            not_actions=self.texts(st.get("NotAction")),
            resources=self.texts(st.get("Resource")),
            not_resources=self.texts(st.get("NotResource")),
            principals=self._principals(st.get("Principal")),
            not_principals=self._principals(st.get("NotPrincipal")),
            conditions=conditions if isinstance(conditions, FrozenMap) else FrozenMap(),
            sid=sid if isinstance(sid, str) else None,
            location=loc,
            source=source,
        )

    def _principals(self, node: Node) -> tuple[Principal, ...]:
        node = self.pick(node)
        if node is None:
            return ()
        if isinstance(node, YMap) and not is_intrinsic(node):
            return tuple(
                Principal(kind=kind, value=value)
                for kind, values in node.items()
                for value in self.texts(values)
            )
        value = self.text(node)
        if value == "*":
            return (Principal(kind="*", value="*"),)
        return () if value is None else (Principal(kind="AWS", value=value),)

    def _data(self, node: Resolved, depth: int) -> Data:
        if depth > 64:
            return Ref(text="...")
        resolved: Resolved = self._resolver.resolve(node) if is_intrinsic(node) else node
        if isinstance(resolved, NoValue):
            return None
        if isinstance(resolved, YMap):
            return FrozenMap(
                tuple(
                    (key, self._data(value, depth + 1))
                    for key, value in resolved.items()
                    if self._resolver.resolve(value) is not NO_VALUE
                )
            )
        if isinstance(resolved, list):
            return tuple(self._data(item, depth + 1) for item in resolved)
        return resolved


def _section(top: YMap, name: str) -> YMap:
    found = top.get(name)
    return found if isinstance(found, YMap) else YMap(top.key_loc(name))


def _placeholders(ref: Ref) -> tuple[str, ...]:
    whole = "${" + str(ref.target) + "}"
    return (
        (whole, "${" + str(ref.target) + f".{ref.attribute}" + "}") if ref.attribute else (whole,)
    )


def _describe(value: Resolved) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    if isinstance(value, YMap):
        return "{" + ", ".join(value) + "}"
    if isinstance(value, YList):
        return "[...]"
    return str(value)
