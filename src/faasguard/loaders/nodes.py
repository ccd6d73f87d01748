"""Position-carrying document nodes shared by the YAML and JSON readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from faasguard.model import Diagnostic, Location


class YMap(dict[str, "Node"]):
    """A mapping with the position of itself and of each key."""

    __slots__ = ("key_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Location] = {}

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)


class YList(list["Node"]):
    """A sequence with the position of itself and of each item."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []

    def item_loc(self, index: int) -> Location:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


Node: TypeAlias = YMap | YList | str | int | float | bool | None


class LoadError(Exception):
    """The file cannot be read as YAML/JSON; carries where it went wrong."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass(frozen=True, slots=True)
class Document:
    root: Node
    file: str
    diagnostics: tuple[Diagnostic, ...] = ()
