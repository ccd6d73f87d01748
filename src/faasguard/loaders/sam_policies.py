"""SAM policy templates (``DynamoDBCrudPolicy: {TableName: ...}``) expanded to real statements.

The template definitions come from the data file shipped in ``aws-sam-translator``, so the
statements are exactly those SAM deploys. Template parameters are substituted as nodes (the
user's own ``!Ref``/``!GetAtt``), then resolved through ``Template`` like any other policy.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Location

_DATA_PACKAGE = "samtranslator"
_DATA_FILE = ("policy_templates_data", "policy_templates.json")


@cache
def policy_templates() -> dict[str, Any]:
    """Template name -> its definition (``Parameters`` and ``Definition``)."""
    path = resources.files(_DATA_PACKAGE).joinpath(*_DATA_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    templates = data.get("Templates", {})
    assert isinstance(templates, dict)
    return templates


def is_policy_template(name: str) -> bool:
    return name in policy_templates()


def _to_node(value: Any, params: dict[str, Node], loc: Location) -> Node:
    """Copy a JSON definition into located nodes, replacing ``{"Ref": <param>}`` by the value."""
    if isinstance(value, YMap | YList):
        return value
    if isinstance(value, dict):
        if len(value) == 1 and "Ref" in value and value["Ref"] in params:
            return params[value["Ref"]]
        mapping = YMap(loc)
        for key, item in value.items():
            mapping[key] = _to_node(item, params, loc)
            mapping.key_locs[key] = loc
        return mapping
    if isinstance(value, list):
        sequence = YList(loc)
        for item in value:
            sequence.append(_to_node(item, params, loc))
            sequence.item_locs.append(loc)
        return sequence
    assert value is None or isinstance(value, str | int | float | bool)
    return value


def plain_to_node(value: Any, loc: Location) -> Node:
    """Plain JSON-like data (which may already hold nodes) as located nodes."""
    return _to_node(value, {}, loc)


def expand_policy_template(name: str, arguments: Node, loc: Location) -> tuple[Node, list[str]]:
    """The policy document of template ``name`` with ``arguments`` substituted.

    Returns the document node and the names of required parameters that were not given
    (SAM rejects such a template; we report it and leave the reference unresolved).
    """
    definition = policy_templates()[name]
    wanted = list(definition.get("Parameters", {}))
    given = arguments if isinstance(arguments, YMap) else YMap(loc)
    params: dict[str, Node] = {key: given[key] for key in wanted if key in given}
    missing = [key for key in wanted if key not in given]
    for key in missing:
        placeholder = YMap(loc)
        placeholder["Ref"] = key
        params[key] = placeholder
    return _to_node(definition["Definition"], params, loc), missing
