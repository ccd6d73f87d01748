"""Monitoring and logging pillar (LOG001-LOG017): traces, logs with retention, and failures that
are not lost.

A rule here answers "would we see it, and keep the evidence?". The checks live in modules by
resource family: functions and their log groups (``logging_functions``), APIs
(``logging_apis``), failed asynchronous deliveries (``logging_failures``), state machines and
CloudTrail (``logging_audit``), and error alarms (``logging_alarms``). This module lists them.
"""

from __future__ import annotations

from faasguard.model import Rule
from faasguard.rules import (
    logging_alarms,
    logging_apis,
    logging_audit,
    logging_failures,
    logging_functions,
)

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *logging_functions.RULES,
            *logging_apis.RULES,
            *logging_failures.RULES,
            *logging_audit.RULES,
            *logging_alarms.RULES,
        ),
        key=lambda r: r.info.id,
    )
)
