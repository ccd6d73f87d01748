"""Encryption pillar (ENC001-ENC013): data at rest under customer-managed keys, data in transit
over modern TLS.

The checks live in modules by resource family: stored data and messages
(``encryption_stores``), what functions, workflows and logs keep, and the keys
(``encryption_services``), and connections (``encryption_transit``). This module lists them.
"""

from __future__ import annotations

from faasguard.model import Rule
from faasguard.rules import encryption_services, encryption_stores, encryption_transit

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (*encryption_stores.RULES, *encryption_services.RULES, *encryption_transit.RULES),
        key=lambda r: r.info.id,
    )
)
