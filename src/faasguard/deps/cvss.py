"""CVSS v3.0/v3.1 base score from a vector string, per the FIRST CVSS 3.1 specification §7.

Written here (about 60 lines) rather than depending on the ``cvss`` package, which is LGPL and not
otherwise needed. CVSS v2 and v4 vectors are not scored (v4 needs the large macro-vector table):
callers fall back to the advisory's own severity label and say so.
"""

from __future__ import annotations

import math

_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
#: Privileges Required weighs more when the scope changes (spec table 16).
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_BASE_METRICS = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")


def _roundup_31(value: float) -> float:
    """CVSS 3.1 Appendix A: round up to one decimal, immune to floating-point noise."""
    as_int = round(value * 100_000)
    if as_int % 10_000 == 0:
        return as_int / 100_000.0
    return (math.floor(as_int / 10_000) + 1) / 10.0


def _roundup_30(value: float) -> float:
    return math.ceil(value * 10) / 10


def _metrics(vector: str) -> tuple[str, dict[str, str]] | None:
    parts = vector.strip().split("/")
    if not parts or parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        return None
    metrics: dict[str, str] = {}
    for part in parts[1:]:
        name, sep, value = part.partition(":")
        if not sep or name in metrics:
            return None
        metrics[name] = value
    if any(m not in metrics for m in _BASE_METRICS):
        return None
    return parts[0], metrics


def base_score(vector: str) -> float | None:
    """The base score (0.0-10.0) of a CVSS v3.x vector; None for other or malformed vectors."""
    parsed = _metrics(vector)
    if parsed is None:
        return None
    version, m = parsed
    try:
        changed = {"U": False, "C": True}[m["S"]]
        pr = (_PR_CHANGED if changed else _PR_UNCHANGED)[m["PR"]]
        w = {name: _WEIGHTS[name][m[name]] for name in _WEIGHTS}
    except KeyError:
        return None
    iss = 1 - (1 - w["C"]) * (1 - w["I"]) * (1 - w["A"])
    # scope changed: the impact formula of spec §7.1 grows faster near full impact
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    exploitability = 8.22 * w["AV"] * w["AC"] * pr * w["UI"]
    if impact <= 0:
        return 0.0
    raw = (1.08 if changed else 1.0) * (impact + exploitability)
    roundup = _roundup_31 if version == "CVSS:3.1" else _roundup_30
    return roundup(min(raw, 10.0))


def rating(score: float) -> str:
    """The qualitative severity band of a base score (CVSS 3.1 spec, table 14)."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0.0:
        return "low"
    return "none"
