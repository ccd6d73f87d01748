"""SAM ``Globals``: merged into each resource the way the SAM translator merges them.

Rules (samtranslator/plugins/globals): maps merge key by key with the local value winning,
lists concatenate (global first), scalars and intrinsics are replaced by the local value;
``Function.Architectures`` is replaced, not concatenated. Positions survive: a key that comes
from ``Globals`` keeps the location of its line in the ``Globals`` section.
"""

from __future__ import annotations

from faasguard.loaders.yamljson import Node, YList, YMap

#: resource type -> the section name under ``Globals``
GLOBAL_SECTIONS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::LayerVersion": "LayerVersion",
    "AWS::Serverless::StateMachine": "StateMachine",
}

#: dotted paths (below the resource's Properties) whose lists replace instead of concatenating
_REPLACED_PATHS = frozenset({"Architectures"})

#: properties SAM refuses to take from Globals for a type (they are never merged)
_NOT_GLOBAL = {
    "Function": frozenset({"Role", "Policies", "FunctionName", "Events"}),
    "Api": frozenset({"StageName", "DefinitionBody"}),
}


def is_intrinsic(node: Node) -> bool:
    """An intrinsic function counts as a scalar in the merge (it resolves to one)."""
    if not isinstance(node, YMap) or len(node) != 1:
        return False
    key = next(iter(node))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def _kind(node: Node) -> str:
    if isinstance(node, YMap) and not is_intrinsic(node):
        return "map"
    if isinstance(node, YList):
        return "list"
    return "scalar"


def _merge(global_value: Node, local_value: Node, path: str) -> Node:
    kind = _kind(global_value)
    if kind != _kind(local_value) or kind == "scalar":
        return local_value
    if kind == "list":
        assert isinstance(global_value, YList) and isinstance(local_value, YList)
        if path in _REPLACED_PATHS:
            return local_value
        merged_list = YList(local_value.loc)
        merged_list.extend([*global_value, *local_value])
        merged_list.item_locs = [*global_value.item_locs, *local_value.item_locs]
        return merged_list
    assert isinstance(global_value, YMap) and isinstance(local_value, YMap)
    return _merge_maps(global_value, local_value, path)


def _merge_maps(global_map: YMap, local_map: YMap, path: str) -> YMap:
    merged = YMap(local_map.loc)
    for key, value in global_map.items():
        merged[key] = value
        merged.key_locs[key] = global_map.key_loc(key)
    for key, value in local_map.items():
        child = f"{path}.{key}" if path else key
        merged[key] = _merge(global_map[key], value, child) if key in global_map else value
        merged.key_locs[key] = local_map.key_loc(key)
    return merged


def merge_globals(globals_section: YMap, resource_type: str, properties: YMap) -> YMap:
    """The resource's properties with the matching ``Globals`` section merged in."""
    section_name = GLOBAL_SECTIONS.get(resource_type)
    if section_name is None:
        return properties
    section = globals_section.get(section_name)
    if not isinstance(section, YMap) or not section:
        return properties
    excluded = _NOT_GLOBAL.get(section_name, frozenset())
    usable = YMap(section.loc)
    for key, value in section.items():
        if key not in excluded:
            usable[key] = value
            usable.key_locs[key] = section.key_loc(key)
    return _merge_maps(usable, properties, "")
