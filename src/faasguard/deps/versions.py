"""Version ordering per ecosystem, as OSV ranges need it (precedence, never range satisfaction).

PyPI compares PEP 440 ``Version`` objects (``SpecifierSet`` is never used: it drops pre-releases,
so ``5.4b1`` would escape ``< 5.4``). npm and OSV ``SEMVER`` ranges compare SemVer 2.0 precedence
with the ``semver`` library (npm's ``satisfies`` would also drop pre-releases). A version that does
not parse is kept as its string: it can only be compared for equality, and the match says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

import semver
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

#: How versions of an ecosystem are ordered; "" for ecosystems we do not order.
Scheme: TypeAlias = Literal["pep440", "semver", ""]

_SCHEMES: dict[str, Scheme] = {"PyPI": "pep440", "npm": "semver"}


@dataclass(frozen=True, slots=True)
class Parsed:
    """A version string with its ordering key, or ``key=None`` when it does not parse."""

    text: str
    key: Version | semver.Version | None


def scheme_for(ecosystem: str, range_type: str = "ECOSYSTEM") -> Scheme:
    """The ordering of ``range_type`` ranges in ``ecosystem`` ("PyPI:…" suffixes ignored)."""
    if range_type == "SEMVER":
        return "semver"
    if range_type != "ECOSYSTEM":
        return ""
    return _SCHEMES.get(base_ecosystem(ecosystem), "")


def base_ecosystem(ecosystem: str) -> str:
    """``Debian:12`` -> ``Debian``: OSV ecosystems may carry a release suffix."""
    return ecosystem.split(":", 1)[0].strip()


def normalise_name(ecosystem: str, name: str) -> str:
    """PEP 503 for PyPI (``PyYAML`` -> ``pyyaml``); npm names are kept as written."""
    eco = base_ecosystem(ecosystem)
    if eco == "PyPI":
        return canonicalize_name(name)
    return name.strip()


@lru_cache(maxsize=65536)
def parse(scheme: Scheme, text: str) -> Parsed:
    """Parse ``text`` under ``scheme``; unparseable versions keep only their string."""
    raw = text.strip()
    if scheme == "pep440":
        try:
            return Parsed(raw, Version(raw))
        except InvalidVersion:
            return Parsed(raw, None)
    if scheme == "semver":
        cleaned = raw.lstrip("=v").strip()
        try:
            return Parsed(raw, semver.Version.parse(cleaned))
        except (ValueError, TypeError):
            return Parsed(raw, None)
    return Parsed(raw, None)


def compare(a: Parsed, b: Parsed) -> int | None:
    """-1, 0 or 1 by precedence; None when either side has no order (only equality is known)."""
    if a.key is None or b.key is None or type(a.key) is not type(b.key):
        return 0 if a.text == b.text else None
    if isinstance(a.key, semver.Version):
        assert isinstance(b.key, semver.Version)
        return a.key.compare(b.key)
    assert isinstance(b.key, Version)
    return (a.key > b.key) - (a.key < b.key)


def equal(a: Parsed, b: Parsed) -> bool:
    """Same version: ``1.0-1`` equals ``1.0.post1`` in PEP 440; strings when unparseable."""
    return compare(a, b) == 0


def crosses_major(ecosystem: str, installed: str, target: str) -> bool:
    """True when upgrading ``installed`` to ``target`` changes the major version (may break)."""
    scheme = scheme_for(ecosystem)
    a, b = parse(scheme, installed).key, parse(scheme, target).key
    if isinstance(a, Version) and isinstance(b, Version):
        return a.epoch != b.epoch or a.release[0] != b.release[0]
    if isinstance(a, semver.Version) and isinstance(b, semver.Version):
        return a.major != b.major
    return False
