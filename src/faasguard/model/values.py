"""Positions and symbolic values: the vocabulary every loader produces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Location:
    """A place in a scanned file; line and column are 1-based (0 = unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref:
    """A value that cannot be resolved statically (parameter without default, GetAtt, import...).

    ``text`` is how the value is written in the source (``!Ref BucketName``), ``target`` the
    logical id or name it points at when there is one, ``attribute`` the GetAtt attribute.
    Rules treat a ``Ref`` as unknown: never as safe, never as a finding by itself.
    """

    text: str
    target: str | None = None
    attribute: str | None = None

    def __str__(self) -> str:
        return self.text


Scalar: TypeAlias = str | int | float | bool | None
#: A resolved scalar, or a symbolic reference.
Value: TypeAlias = str | int | float | bool | None | Ref
#: A resolved string (possibly containing symbolic parts), or a symbolic reference.
Text: TypeAlias = str | Ref
#: Free-form data (policy conditions, CORS settings) kept as nested tuples/dicts of values.
Data: TypeAlias = "Value | tuple[Data, ...] | FrozenMap"


@dataclass(frozen=True, slots=True)
class FrozenMap:
    """An immutable, ordered mapping used for free-form data inside the frozen model."""

    items: tuple[tuple[str, Data], ...] = ()

    def get(self, key: str, default: Data = None) -> Data:
        for k, v in self.items:
            if k == key:
                return v
        return default

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.items)

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.items)

    def __len__(self) -> int:
        return len(self.items)


def is_unknown(value: object) -> bool:
    """True when a value is symbolic (its real value is decided at deploy time)."""
    return isinstance(value, Ref)
