"""API-level security pillar: who can reach a function, from where, and how often.

The rules live in modules by concern: ``api_routes`` (routes, function URLs, throttling,
validation, WAF), ``api_authorizers`` (token checks), ``api_cors`` (browser origins) and
``api_access`` (Lambda permissions, resource policies, identity pools, public buckets).
This module lists them.
"""

from __future__ import annotations

from faasguard.model import Rule
from faasguard.rules import api_access, api_authorizers, api_cors, api_routes

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (*api_routes.RULES, *api_authorizers.RULES, *api_cors.RULES, *api_access.RULES),
        key=lambda r: r.info.id,
    )
)
