"""CloudTrail records -> flat rows whose columns are exactly the dotted field paths the rules read.

Values become text the way the SQL rules expect them: strings as they are, booleans as
``true``/``false``, numbers in JSON form, objects and arrays as compact JSON text (so a rule can
``contains`` inside ``requestParameters.layers``), absent or null as NULL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import orjson

Row = dict[str, str]


def as_text(value: object) -> str | None:
    """One field value as the rules see it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # integers beyond 64 bits: orjson refuses them, the standard library does not
        return json.dumps(value, separators=(",", ":"), default=str)


#: one level of the path tree: (key, column when the path ends here, deeper levels)
_Level = list[tuple[str, str | None, "_Level"]]


def _tree(fields: Sequence[str]) -> _Level:
    nested: dict[str, Any] = {}
    for field in fields:
        node = nested
        for key in field.split("."):
            node = node.setdefault(key, {})
        node[""] = field  # "" cannot be a key segment of a dotted path, so it marks the end

    def level(node: dict[str, Any]) -> _Level:
        return [(k, v.get(""), level(v)) for k, v in sorted(node.items()) if k != ""]

    return level(nested)


def _walk(node: dict[str, Any], levels: _Level, row: Row) -> None:
    # the tree is walked once per record, so each shared prefix is looked up once
    for key, column, deeper in levels:
        value = node.get(key)
        if value is None:
            continue
        if column is not None:
            row[column] = value if isinstance(value, str) else str(as_text(value))
        if deeper and isinstance(value, dict):
            _walk(value, deeper, row)


def flattener(fields: Sequence[str]) -> Callable[[dict[str, Any]], Row]:
    """A function turning one record into a row with the given columns (absent values left out)."""
    levels = _tree(fields)

    def flatten(record: dict[str, Any]) -> Row:
        row: Row = {}
        _walk(record, levels, row)
        return row

    return flatten
