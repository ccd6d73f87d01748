"""CloudFormation intrinsic functions, evaluated as far as a template alone allows.

Values decided at deploy time (resources, pseudo parameters, imports, parameters without a
default) become ``Ref``s. A string that is only partly known keeps its known parts and shows the
unknown ones as ``${Name}``/``${Name.Attr}``, so rules still see that e.g. the resource part of an
ARN is not ``*``. Bad input never raises: it becomes an FG002 diagnostic and a ``Ref``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from faasguard.limits import MAX_RESOLVE_DEPTH
from faasguard.loaders.cfn_values import (
    NO_VALUE,
    Resolved,
    compose,
    is_intrinsic,
    normal,
    scalar_text,
    symbolic,
)
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Diagnostic, Location, Ref
from faasguard.secretscan import looks_secret_name, redact

KNOWN_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
SYMBOLIC_PSEUDO = frozenset(
    {
        "AWS::Region",
        "AWS::AccountId",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::NotificationARNs",
    }
)
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_SSM_PARAMETER = "AWS::SSM::Parameter::Value"


class Resolver:
    """Evaluates intrinsics against one template's parameters, mappings and conditions."""

    def __init__(self, root: YMap, file: str) -> None:
        self.file = file
        self.parameters = _section(root, "Parameters")
        self.mappings = _section(root, "Mappings")
        self.conditions = _section(root, "Conditions")
        self.resource_ids = frozenset(_section(root, "Resources"))
        #: False for SAM templates, whose Refs may name resources SAM generates (``FnRole``)
        self.strict_refs = True
        self.assumptions: list[str] = []
        self.taken = 0  # assumptions before this index were handed out already
        self.diagnostics: dict[tuple[str, Location], Diagnostic] = {}
        self._condition_cache: dict[str, bool | None] = {}
        self._condition_stack: list[str] = []
        self._handlers: dict[str, Callable[[Node, Location, int], Resolved]] = {
            "Ref": self._ref,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::GetAtt": self._get_att,
            "Fn::ImportValue": self._import_value,
            "Fn::Base64": lambda arg, at, depth: self.resolve(arg, depth + 1),
            "Fn::Cidr": lambda arg, at, depth: Ref(text="!Cidr"),
            "Fn::GetAZs": lambda arg, at, depth: Ref(text="!GetAZs"),
            "Fn::Transform": self._transform,
            "Fn::Length": self._length,
        }

    # --- entry points -----------------------------------------------------------------

    def resolve(self, node: Resolved, depth: int = 0) -> Resolved:
        """The value of ``node``; plain scalars, lists and mappings come back as they are."""
        if not is_intrinsic(node):
            return node
        assert isinstance(node, YMap)
        name, arg = next(iter(node.items()))
        at = node.loc
        if depth >= MAX_RESOLVE_DEPTH:
            return self.bad(at, f"intrinsic functions nested deeper than {MAX_RESOLVE_DEPTH}")
        handler = self._handlers.get(name)
        if handler is None:
            return self.bad(at, f"intrinsic function {name} is not supported")
        try:
            return handler(arg, at, depth)
        except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
            # malformed arguments of every shape end here rather than in the scan
            return self.bad(at, f"malformed {name}: {type(exc).__name__}")

    def condition(self, node: Node, depth: int = 0) -> bool | None:
        """A condition expression: True/False when its inputs are known, else None."""
        if depth >= MAX_RESOLVE_DEPTH:
            self.bad(_loc_of(node, self.file), "condition nested too deeply")
            return None
        if isinstance(node, str):
            return self.named_condition(node, _loc_of(node, self.file))
        if isinstance(node, YMap) and len(node) == 1:
            name, arg = next(iter(node.items()))
            if name == "Condition" and isinstance(arg, str):
                return self.named_condition(arg, node.loc)
            if name in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
                return self._logic(name, arg, node.loc, depth)
        value = self.resolve(node, depth + 1)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None

    def named_condition(self, name: str, at: Location) -> bool | None:
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name in self._condition_stack:
            self.bad(at, f"condition {name} refers to itself")
            return None
        if name not in self.conditions:
            self.bad(at, f"unknown condition {name}")
            return None
        self._condition_stack.append(name)
        try:
            result = self.condition(self.conditions[name], len(self._condition_stack))
        finally:
            self._condition_stack.pop()
        self._condition_cache[name] = result
        return result

    def note(self, text: str) -> None:
        """Record how a value was resolved, once per resource."""
        if text not in self.assumptions[self.taken :]:
            self.assumptions.append(text)

    def take_notes(self) -> tuple[str, ...]:
        notes = tuple(self.assumptions[self.taken :])
        self.taken = len(self.assumptions)
        return notes

    def names_resource(self, name: str | None) -> bool:
        """True when ``name`` is a resource of the template (or, in SAM, one it generates)."""
        if name is None:
            return False
        if name in self.resource_ids:
            return True
        generated = name not in self.parameters and not name.startswith("AWS::")
        return not self.strict_refs and generated

    def bad(self, at: Location, message: str) -> Ref:
        """Record an FG002 diagnostic and stand in a ``Ref`` for the value."""
        key = (message, at)
        if key not in self.diagnostics:
            self.diagnostics[key] = Diagnostic(code="FG002", message=message, location=at)
        return Ref(text=f"!{message}")

    def string_of(self, node: Node, depth: int) -> str | Ref:
        """``node`` as a string or a symbolic ``Ref`` (lists and maps are malformed here)."""
        value = self.resolve(node, depth + 1)
        if isinstance(value, Ref):
            return value
        text = scalar_text(value)
        if text is None:
            raise TypeError("expected a string")
        return text

    # --- Ref and parameters -----------------------------------------------------------

    def _ref(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, str):
            raise TypeError("Ref needs a name")
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in KNOWN_PSEUDO:
            return KNOWN_PSEUDO[arg]
        if arg in SYMBOLIC_PSEUDO or arg in self.resource_ids:
            return Ref(text=f"!Ref {arg}", target=arg)
        if arg in self.parameters:
            return self._parameter(arg)
        if self.strict_refs:
            self.bad(at, f"Ref to {arg}, which is neither a parameter nor a resource")
        return Ref(text=f"!Ref {arg}", target=arg)

    def _parameter(self, name: str) -> Resolved:
        spec = self.parameters[name]
        symbolic = Ref(text=f"!Ref {name}", target=name)
        if not isinstance(spec, YMap) or "Default" not in spec:
            return symbolic
        kind = spec.get("Type")
        kind = kind if isinstance(kind, str) else "String"
        if kind.startswith(_SSM_PARAMETER):
            return symbolic  # the default names an SSM parameter; its value is unknown
        default = spec["Default"]
        text = scalar_text(default)
        if text is None:
            return symbolic
        self.note(f"parameter {name}: default {_shown_default(name, spec, text)!r} used")
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            return [item.strip() for item in text.split(",")]
        if kind == "Number" and isinstance(default, int | float) and not isinstance(default, bool):
            return default
        return text

    # --- strings ----------------------------------------------------------------------

    def _sub(self, arg: Node, at: Location, depth: int) -> Resolved:
        variables: YMap | None = None
        if isinstance(arg, YList) and len(arg) == 2 and isinstance(arg[1], YMap):
            template, variables = arg[0], arg[1]
        else:
            template = arg
        if not isinstance(template, str):
            raise TypeError("Fn::Sub needs a string")
        pieces: list[str | Ref] = []
        position = 0
        for match in _SUB_VAR.finditer(template):
            pieces.append(template[position : match.start()])
            pieces.append(self._sub_variable(match.group(1), variables, at, depth))
            position = match.end()
        pieces.append(template[position:])
        return compose(pieces, self.names_resource)

    def _sub_variable(
        self, inner: str, variables: YMap | None, at: Location, depth: int
    ) -> str | Ref:
        if inner.startswith("!"):
            return "${" + inner[1:] + "}"  # ${!Literal} is written out as ${Literal}
        name = inner.strip()
        if variables is not None and name in variables:
            return self.string_of(variables[name], depth)
        if "." in name and name.split(".", 1)[0] in self.resource_ids:
            obj, attr = name.split(".", 1)
            return Ref(text=f"!GetAtt {obj}.{attr}", target=obj, attribute=attr)
        value = self._ref(name, at, depth)
        if isinstance(value, Ref):
            return value
        text = scalar_text(value)
        if isinstance(value, list):
            text = ",".join(str(v) for v in value)
        if text is None:
            raise TypeError("Fn::Sub variable is not a string")
        return text

    def _join(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, YList) or len(arg) != 2 or not isinstance(arg[0], str):
            raise TypeError("Fn::Join needs [delimiter, list]")
        delimiter = arg[0]
        items = self.resolve(arg[1], depth + 1)
        if isinstance(items, Ref):
            return Ref(text=f"!Join [{delimiter!r}, {items.text}]", target=items.target)
        if not isinstance(items, list):
            raise TypeError("Fn::Join needs a list")
        pieces: list[str | Ref] = []
        for item in items:
            value = self.resolve(item, depth + 1)
            if value is NO_VALUE:
                continue
            if pieces:
                pieces.append(delimiter)
            pieces.append(self._as_piece(value))
        return compose(pieces, self.names_resource)

    def _as_piece(self, value: Resolved) -> str | Ref:
        if isinstance(value, Ref):
            return value
        text = scalar_text(value)
        if text is None:
            raise TypeError("expected a string")
        return text

    def _split(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, YList) or len(arg) != 2 or not isinstance(arg[0], str):
            raise TypeError("Fn::Split needs [delimiter, string]")
        source = self.string_of(arg[1], depth)
        if isinstance(source, Ref):
            return Ref(text=f"!Split [{arg[0]!r}, {source.text}]", target=source.target)
        return list(source.split(arg[0])) if arg[0] else [source]

    def _select(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, YList) or len(arg) != 2:
            raise TypeError("Fn::Select needs [index, list]")
        index = self.resolve(arg[0], depth + 1)
        items = self.resolve(arg[1], depth + 1)
        if isinstance(index, Ref) or isinstance(items, Ref):
            return Ref(text="!Select", target=items.target if isinstance(items, Ref) else None)
        if isinstance(index, bool) or not isinstance(index, int | str):
            raise TypeError("Fn::Select index")
        if not isinstance(items, list):
            raise TypeError("Fn::Select needs a list")
        position = int(index)
        if not 0 <= position < len(items):
            return self.bad(at, f"Fn::Select index {position} out of range")
        return self.resolve(items[position], depth + 1)

    # --- lookups and conditions -------------------------------------------------------

    def _find_in_map(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, YList) or len(arg) not in (3, 4):
            raise TypeError("Fn::FindInMap needs [map, key, key]")
        keys = [self.string_of(k, depth) for k in arg[:3]]
        if any(isinstance(k, Ref) for k in keys):
            return Ref(text="!FindInMap " + " ".join(str(k) for k in keys))
        mapping = self.mappings.get(str(keys[0]))
        top = mapping.get(str(keys[1])) if isinstance(mapping, YMap) else None
        if isinstance(top, YMap) and str(keys[2]) in top:
            return self.resolve(top[str(keys[2])], depth + 1)
        if len(arg) == 4 and isinstance(arg[3], YMap) and "DefaultValue" in arg[3]:
            return self.resolve(arg[3]["DefaultValue"], depth + 1)
        return self.bad(at, "Fn::FindInMap: no entry " + "/".join(str(k) for k in keys))

    def _if(self, arg: Node, at: Location, depth: int) -> Resolved:
        if not isinstance(arg, YList) or len(arg) != 3 or not isinstance(arg[0], str):
            raise TypeError("Fn::If needs [condition, then, else]")
        decided = self.named_condition(arg[0], at)
        if decided is not None:
            return self.resolve(arg[1] if decided else arg[2], depth + 1)
        then, other = self.resolve(arg[1], depth + 1), self.resolve(arg[2], depth + 1)
        if then == other and not isinstance(then, Ref | YMap | YList | list):
            return then
        shown = [v.text if isinstance(v, Ref) else scalar_text(v) or "..." for v in (then, other)]
        return Ref(text=f"!If [{arg[0]}, {shown[0]}, {shown[1]}]")

    def _logic(self, name: str, arg: Node, at: Location, depth: int) -> bool | None:
        if name == "Fn::Equals":
            if not isinstance(arg, YList) or len(arg) != 2:
                self.bad(at, "malformed Fn::Equals")
                return None
            left, right = (self.resolve(v, depth + 1) for v in arg)
            if symbolic(left) or symbolic(right):
                return None
            return normal(left) == normal(right)
        if not isinstance(arg, YList) or not arg:
            self.bad(at, f"malformed {name}")
            return None
        values = [self.condition(v, depth + 1) for v in arg]
        if name == "Fn::Not":
            return None if values[0] is None else not values[0]
        if name == "Fn::And":
            return False if False in values else None if None in values else True
        return True if True in values else None if None in values else False

    # --- symbolic ---------------------------------------------------------------------

    def _get_att(self, arg: Node, at: Location, depth: int) -> Resolved:
        if isinstance(arg, str) and "." in arg:
            obj, attr = arg.split(".", 1)
        elif isinstance(arg, YList) and len(arg) == 2 and isinstance(arg[0], str):
            obj = arg[0]
            resolved = self.string_of(arg[1], depth)
            attr = resolved if isinstance(resolved, str) else resolved.text
        else:
            raise TypeError("Fn::GetAtt needs [resource, attribute]")
        if obj not in self.resource_ids and self.strict_refs:
            self.bad(at, f"Fn::GetAtt of {obj}, which is not a resource of the template")
        return Ref(text=f"!GetAtt {obj}.{attr}", target=obj, attribute=attr)

    def _import_value(self, arg: Node, at: Location, depth: int) -> Resolved:
        name = self.string_of(arg, depth)
        shown = name if isinstance(name, str) else name.text
        return Ref(text=f"!ImportValue {shown}", target=name if isinstance(name, str) else None)

    def _transform(self, arg: Node, at: Location, depth: int) -> Resolved:
        self.bad(at, "Fn::Transform (a macro) is not expanded; the value is unknown")
        return Ref(text="!Transform")

    def _length(self, arg: Node, at: Location, depth: int) -> Resolved:
        items = self.resolve(arg, depth + 1)
        return len(items) if isinstance(items, list) else Ref(text="!Length")


def _section(root: YMap, name: str) -> YMap:
    found = root.get(name)
    return found if isinstance(found, YMap) else YMap(root.loc)


def _loc_of(node: Node, file: str) -> Location:
    return node.loc if isinstance(node, YMap | YList) else Location(file=file)


def _shown_default(name: str, spec: YMap, text: str) -> str:
    """The default as evidence may print it: redacted when the parameter holds a secret.

    Assumptions travel into every finding's evidence, so a ``NoEcho`` or secret-named
    parameter's default would otherwise be printed in full.
    """
    no_echo = spec.get("NoEcho")
    if no_echo is True or str(no_echo).lower() == "true" or looks_secret_name(name):
        return redact(text)
    return text
