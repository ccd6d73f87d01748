"""How Serverless Framework variables are written: ``${source:address, fallback, 'literal'}``
pieces of a string, fallback lists and literals. Text only; ``serverless_vars`` resolves them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

#: what starts a Serverless variable; ``${AWS::Region}`` and ``${Res.Arn}`` (Fn::Sub) do not
_VARIABLE = re.compile(r"^\s*(\$\{|[A-Za-z][A-Za-z0-9]*(\(|:(?!:)))")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class Missing:
    """The variable has no value here: the next fallback applies."""


MISSING = Missing()
#: a literal fallback's value, or MISSING when the text is not a literal
Literal: TypeAlias = str | int | float | bool | None | Missing


@dataclass(frozen=True, slots=True)
class Var:
    body: str


def split_pieces(text: str) -> list[str | Var] | None:
    """Literal text and top-level ``${...}`` variables, or None when braces do not balance."""
    pieces: list[str | Var] = []
    index = 0
    while (start := text.find("${", index)) >= 0:
        end = _matching_brace(text, start + 2)
        if end < 0:
            return None
        if start > index:
            pieces.append(text[index:start])
        body = text[start + 2 : end]
        pieces.append(Var(body) if _VARIABLE.match(body) else text[start : end + 1])
        index = end + 1
    if index < len(text):
        pieces.append(text[index:])
    return pieces


def _matching_brace(text: str, index: int) -> int:
    depth = 1
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif text.startswith("${", index):
            depth += 1
            index += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def split_fallbacks(body: str) -> list[str]:
    """``a, b, 'c'`` at the top level (commas inside quotes, parentheses or ${} are kept)."""
    items: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def literal(text: str) -> Literal:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return MISSING
