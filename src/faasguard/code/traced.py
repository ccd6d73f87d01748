"""What a traced argument value is: a literal, an environment variable, a template or unknown.

Both analysers reduce an SDK call's arguments to these, so the model's ``ResourceArg`` is filled
the same way whatever language the function is written in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class Str:
    """A traced string value."""

    literal: str | None = None
    env_var: str | None = None
    template: str | None = None
    note: str = ""


UNKNOWN_STR = Str(note="value computed at run time")

_Piece = TypeVar("_Piece")


def nth(values: list[Str], index: int) -> Str:
    """The ``index``-th positional argument, unknown when the call passes fewer."""
    return values[index] if len(values) > index else UNKNOWN_STR


def show(value: Str) -> str:
    """A short rendering for notes: ``$TABLE``, ``orders-${STAGE}``, the literal, or ``?``."""
    if value.env_var and not value.template:
        return "$" + value.env_var
    return value.template or value.literal or "?"


def fold_template(pieces: Iterable[str | _Piece], trace: Callable[[_Piece], Str]) -> Str:
    """A string built from literal text and expressions (f-string, ``+``, template literal).

    Known pieces are spliced in, an environment variable stays ``${NAME}`` and anything else is
    ``${?}``; the whole is a literal only when nothing was left open."""
    parts: list[str] = []
    envs: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        value = trace(piece)
        if value.literal is not None:
            parts.append(value.literal)
        elif value.env_var:
            envs.append(value.env_var)
            parts.append("${" + value.env_var + "}")
        else:
            parts.append("${?}")
    text = "".join(parts)
    if not envs and "${?}" not in text:
        return Str(literal=text)
    return Str(env_var=envs[0] if len(envs) == 1 else None, template=text)
