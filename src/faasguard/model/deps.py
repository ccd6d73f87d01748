"""What the dependency audit found for one code root (a function or a layer)."""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.model.values import Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """One package a code root ships, as a manifest or lockfile declares it."""

    ecosystem: str  # OSV ecosystem name: "PyPI", "npm"
    name: str  # normalised (PEP 503 for PyPI; npm names as written, scope included)
    version: str | None  # the locked/pinned version; None when only a range is known
    location: Location  # the manifest/lockfile line that declares it
    direct: bool = True  # declared by the project itself (not only pulled in by another)
    #: the range as written when unpinned ("^4.17.0", ">=2.0"), else ""
    requirement: str = ""
    #: names of the packages this one depends on, when a lockfile gives the graph
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Advisory:
    """One vulnerability (aliases merged: one vulnerability is one advisory)."""

    id: str  # the OSV id ("GHSA-…", "PYSEC-…")
    aliases: tuple[str, ...] = ()  # CVE, GHSA, PYSEC ids other than ``id``
    summary: str = ""
    #: CVSS base score where a vector was given (0.0-10.0), else None
    score: float | None = None
    vector: str = ""
    #: the nearest version that fixes it for the installed version, when one exists
    fixed: str | None = None
    references: tuple[str, ...] = ()
    #: the database's own label (GHSA: LOW/MODERATE/HIGH/CRITICAL) when no vector was scored
    severity_label: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class VulnerablePackage:
    package: Package
    advisories: tuple[Advisory, ...]
    #: does the code import it (directly or through a package that it imports)? None = unknown
    reachable: bool | None = None
    #: how reachability was decided ("imported in handler.py:3", "no lockfile graph: direct only")
    reachability_note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DependencyReport:
    """``Function.dependencies`` / ``Layer.dependencies``."""

    manifests: tuple[str, ...] = ()  # manifest and lockfile paths, relative to the scan root
    packages: tuple[Package, ...] = ()
    vulnerable: tuple[VulnerablePackage, ...] = ()
    #: packages declared by a range with no lockfile to pin them (they cannot be audited)
    unpinned: tuple[Package, ...] = ()
    #: "offline database built 2026-11-20 (9 days old)" / "OSV API" — said in every report
    source: str = ""
    problems: tuple[tuple[Location, str], ...] = ()
    #: False when no advisory source could be read (nothing was matched)
    source_available: bool = True
    #: days since the offline advisory database was built (None: online source or not known)
    source_age_days: int | None = None
    #: the configured age above which the database counts as stale
    source_max_age_days: int | None = None
