"""How a rule is declared: a ``RuleInfo`` constant plus one decorated pure function."""

from __future__ import annotations

from collections.abc import Callable

from faasguard.model import Rule, RuleCheck, RuleInfo


def rule(info: RuleInfo) -> Callable[[RuleCheck], Rule]:
    """Bind metadata to a check function. Nothing is registered: modules list rules in ``RULES``."""

    def bind(check: RuleCheck) -> Rule:
        return Rule(info=info, check=check)

    return bind
