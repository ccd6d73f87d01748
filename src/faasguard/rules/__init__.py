"""The built-in rule catalog: each pillar module exports ``RULES``; this concatenates them."""

from __future__ import annotations

from faasguard.model import Rule

BUILTIN_RULES: tuple[Rule, ...] = ()


def builtin_rules() -> tuple[Rule, ...]:
    return BUILTIN_RULES
