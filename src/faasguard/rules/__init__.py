"""The built-in rule catalog: each pillar module exports ``RULES``; this concatenates them."""

from __future__ import annotations

from faasguard.model import Rule

#: IDs that were released and later withdrawn: never reuse them for another meaning.
RETIRED_IDS: frozenset[str] = frozenset()


def builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule, in ID order (imports are local so nothing runs at import time)."""
    from faasguard.rules import api, encryption, hardening, iam, iam_code, logging, secrets
    from faasguard.rules import deps as dependencies
    from faasguard.rules import iam_principals as principals
    from faasguard.rules import secrets_serverless as serverless_secrets

    modules = (iam, encryption, logging, api, hardening, secrets, dependencies, serverless_secrets)
    rules = (r for m in (*modules, iam_code, principals) for r in m.RULES)  # IAM011-IAM016
    return tuple(sorted(rules, key=lambda r: r.info.id))
