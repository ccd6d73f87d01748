"""The matcher agrees, package by package, with a brute-force reference over the PyPA database.

The reference is written independently of ``faasguard.deps.osv``: it turns each ECOSYSTEM range
into explicit intervals (sorted boundaries, then pairs) and checks membership with ``packaging``
directly, instead of walking events with a state flag. Versions are generated to straddle every
range boundary (just below, at, just above) plus every listed version. The corpus lives outside
the repository (``../shared/corpus/advisories``); the test skips with a message when it is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from faasguard.deps.osv import RecordError, match, parse_record

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "advisories"


def _records() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(CORPUS.rglob("*.yaml")):
        if not path.name.startswith(("PYSEC-", "GHSA-")):
            continue
        loader = yaml.CBaseLoader(path.read_bytes())
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        if isinstance(data, dict):
            yield path, data


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _intervals(events: list[dict[str, str]]) -> list[tuple[Version | None, Version | None, bool]]:
    """(low, high, high_inclusive) intervals; low None = -inf, high None = +inf."""
    points: list[tuple[int, Version | None, str]] = []
    for event in events:
        ((kind, text),) = event.items()
        if kind == "introduced" and text == "0":
            points.append((0, None, kind))
        elif kind == "limit" and text == "*":
            continue
        elif (parsed := _version(text)) is not None:
            points.append((1, parsed, kind))
    points.sort(key=lambda p: (p[0], p[1] or Version("0"), p[2] == "introduced"))
    intervals: list[tuple[Version | None, Version | None, bool]] = []
    start: tuple[bool, Version | None] | None = None
    for _, at, kind in points:
        if kind == "introduced" and start is None:
            start = (True, at)
        elif kind in ("fixed", "last_affected") and start is not None:
            intervals.append((start[1], at, kind == "last_affected"))
            start = None
    if start is not None:
        intervals.append((start[1], None, False))
    limits = [at for _, at, kind in points if kind == "limit" and at is not None]
    if limits:
        cap = max(limits)
        intervals = [(lo, cap if hi is None or hi > cap else hi, False) for lo, hi, _ in intervals]
    return intervals


def reference_affected(affected: dict[str, Any], version: str) -> bool:
    mine = _version(version)
    for rng in affected.get("ranges") or []:
        if rng.get("type") != "ECOSYSTEM" or mine is None:
            continue
        for low, high, inclusive in _intervals(rng.get("events") or []):
            above = low is None or mine >= low
            below = high is None or (mine <= high if inclusive else mine < high)
            if above and below:
                return True
    for listed in affected.get("versions") or []:
        other = _version(listed)
        if (other is not None and mine is not None and other == mine) or listed == version:
            return True
    return False


def straddling(affected: dict[str, Any]) -> set[str]:
    """Versions just below, at and just above every boundary, plus the listed versions."""
    found: set[str] = set(affected.get("versions") or [])
    for rng in affected.get("ranges") or []:
        if rng.get("type") != "ECOSYSTEM":
            continue
        for event in rng.get("events") or []:
            ((_, text),) = event.items()
            parsed = _version(text)
            if parsed is None:
                continue
            release = list(parsed.release)
            found |= {text, f"{parsed.base_version}.post1", f"{parsed.base_version}rc1"}
            found.add(".".join(map(str, [*release[:-1], release[-1] + 1])))
            if release[-1] > 0:
                found.add(".".join(map(str, [*release[:-1], release[-1] - 1])))
    found.add("0.0.1")
    found.add("99999.0")
    return found


@pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"PyPA advisory corpus not found at {CORPUS} (a checkout without ../shared)",
)
def test_matcher_agrees_with_the_reference_on_every_pypi_advisory(
    record_property: Callable[[str, object], None],
) -> None:
    pairs = 0
    records = 0
    disagreements: list[str] = []
    for path, data in _records():
        try:
            rec = parse_record(data)
        except RecordError:
            continue
        if rec.withdrawn:
            continue
        records += 1
        for raw in data.get("affected") or []:
            package = raw.get("package") or {}
            if package.get("ecosystem") != "PyPI" or not package.get("name"):
                continue
            name = canonicalize_name(package["name"])
            for version in sorted(straddling(raw)):
                expected = any(
                    reference_affected(a, version)
                    for a in data["affected"]
                    if (a.get("package") or {}).get("ecosystem") == "PyPI"
                    and canonicalize_name((a.get("package") or {}).get("name", "")) == name
                )
                got = match(rec, "PyPI", name, version) is not None
                pairs += 1
                if got != expected:
                    disagreements.append(f"{path.name} {name}=={version}: {got} vs {expected}")
    # the count goes to the JUnit XML and, with -s, to the terminal
    record_property("reference_pairs", pairs)
    print(f"reference check: {records} records, {pairs} (package, version) pairs")
    assert records > 2000, f"only {records} records read from {CORPUS}"
    assert not disagreements, f"{len(disagreements)} of {pairs}: {disagreements[:10]}"
