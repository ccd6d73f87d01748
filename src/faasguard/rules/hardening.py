"""Function hardening pillar (FN001-FN006).

The checks live in modules by concern: what a function runs, its runtime, code signature and
layers (``hardening_code``), and how it is reached, its concurrency, timeout and network
placement (``hardening_network``). This module lists them.
"""

from __future__ import annotations

from faasguard.model import Rule
from faasguard.rules import hardening_code, hardening_network

RULES: tuple[Rule, ...] = tuple(
    sorted((*hardening_code.RULES, *hardening_network.RULES), key=lambda r: r.info.id)
)
