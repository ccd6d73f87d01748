"""The built-in rule catalog: each pillar module exports ``RULES``; this concatenates them."""

from __future__ import annotations

from faasguard.model import Rule

#: IDs that were released and later withdrawn: never reuse them for another meaning.
RETIRED_IDS: frozenset[str] = frozenset()


def builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule, in ID order (imports are local so nothing runs at import time)."""
    from faasguard.rules import api, encryption, hardening, iam, logging, secrets

    modules = (iam, encryption, logging, api, hardening, secrets)
    return tuple(sorted((r for m in modules for r in m.RULES), key=lambda r: r.info.id))
