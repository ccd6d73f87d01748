"""Least-privilege pillar (IAM001-IAM010): identity policies, managed policies, roles, trust.

The checks live in two modules by what they look at: single statements (``iam_statements``) and
roles as a whole (``iam_roles``). IAM knowledge (action matching, access levels, escalation
methods, managed policies) lives in ``faasguard.iam`` and ``faasguard/data/iam_*.json``.
"""

from __future__ import annotations

from faasguard.model import Rule
from faasguard.rules import iam_roles, iam_statements

RULES: tuple[Rule, ...] = tuple(
    sorted((*iam_statements.RULES, *iam_roles.RULES), key=lambda r: r.info.id)
)
