"""Join the packages of every code root with advisories and import reachability, into the model.

All packages of an app are matched in one pass (one database session or one querybatch), whatever
the number of functions; a code root shared by several functions is read once. When no advisory
source can be used the reports say so (``source_available=False``) and the scan goes on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from faasguard.deps.collect import Collected, collect
from faasguard.deps.database import AdvisoryDatabase, DatabaseError
from faasguard.deps.grouping import advisories_for
from faasguard.deps.online import OnlineError, OsvClient, Query
from faasguard.deps.osv import Record
from faasguard.deps.pinning import classify
from faasguard.deps.reachability import reachable
from faasguard.deps.settings import DepsSettings
from faasguard.model.app import App, Function, Layer
from faasguard.model.deps import DependencyReport, VulnerablePackage
from faasguard.model.values import Location


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatus:
    """Which advisories were used, said in every report."""

    description: str
    available: bool
    age_days: int | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Root:
    directory: str
    runtime: str | None


def _root_of(resource: Function | Layer) -> _Root | None:
    if isinstance(resource, Function):
        if not resource.code_dir or not os.path.isdir(resource.code_dir):
            return None
        runtime = resource.runtime if isinstance(resource.runtime, str) else None
        return _Root(directory=resource.code_dir, runtime=runtime)
    if not resource.content_dir or not os.path.isdir(resource.content_dir):
        return None
    runtimes = [r for r in resource.compatible_runtimes if isinstance(r, str)]
    return _Root(directory=resource.content_dir, runtime=runtimes[0] if runtimes else None)


def _from_database(
    settings: DepsSettings, queries: Sequence[Query], why: str = ""
) -> tuple[dict[Query, tuple[Record, ...]], SourceStatus]:
    if settings.db_path is None:
        reason = "no advisory database given (run: faasguard db update)"
        return {}, SourceStatus(description=f"{why}{reason}", available=False)
    try:
        with AdvisoryDatabase(settings.db_path) as db:
            found = db.records_for({(eco, name) for eco, name, _ in queries})
            info = db.info
    except DatabaseError as exc:
        return {}, SourceStatus(description=f"{why}{exc}", available=False)
    except (sqlite3.Error, OSError, ValueError) as exc:  # damaged file: reported, scan goes on
        reason = f"advisory database {settings.db_path} unreadable: {exc}"
        return {}, SourceStatus(description=f"{why}{reason}", available=False)
    age = max(0, (settings.today - info.built_at.date()).days)
    description = (
        f"{why}offline advisory database {info.path} built {info.built_at.date().isoformat()} "
        f"({age} day{'' if age == 1 else 's'} old) from {info.sources or 'unknown sources'}"
    )
    records = {q: found.get((q[0], q[1]), ()) for q in queries}
    return records, SourceStatus(description=description, available=True, age_days=age)


def fetch_advisories(
    settings: DepsSettings, queries: Sequence[Query]
) -> tuple[dict[Query, tuple[Record, ...]], SourceStatus]:
    """Candidate records per (ecosystem, name, version): offline database, or the OSV API."""
    if settings.offline:
        return _from_database(settings, queries)
    client = OsvClient(api_url=settings.api_url, cache_dir=settings.cache_dir)
    client.timeout = settings.timeout
    try:
        records = client.records_for(queries) if queries else {}
    except OnlineError as exc:
        if settings.db_path is not None:
            return _from_database(settings, queries, why=f"OSV API failed ({exc}); fallback: ")
        return {}, SourceStatus(description=f"OSV API failed: {exc}", available=False)
    return records, SourceStatus(description=f"OSV API {settings.api_url}", available=True)


def _queries(collected: Sequence[Collected]) -> list[Query]:
    wanted: set[Query] = set()
    for found in collected:
        for package in found.packages:
            if package.version is not None and classify(package)[0] == "ok":
                wanted.add((package.ecosystem, package.name, package.version))
    return sorted(wanted)


def _report(
    root: _Root,
    found: Collected,
    records: dict[Query, tuple[Record, ...]],
    status: SourceStatus,
    settings: DepsSettings,
) -> DependencyReport:
    vulnerable: list[VulnerablePackage] = []
    problems = list(found.problems)
    reach: dict[tuple[str, str], tuple[bool | None, str]] | None = None
    for package in found.packages:
        if package.version is None:
            continue
        query = (package.ecosystem, package.name, package.version)
        advisories, notes = advisories_for(records.get(query, ()), *query)
        problems.extend((package.location, note) for note in notes)
        if not advisories:
            continue
        if reach is None:
            reach = _reachability(root.directory, found, problems)
        imported, note = reach.get((package.ecosystem, package.name), (None, "not analysed"))
        vulnerable.append(
            VulnerablePackage(
                package=package, advisories=advisories, reachable=imported, reachability_note=note
            )
        )
    return DependencyReport(
        manifests=found.manifests,
        packages=found.packages,
        vulnerable=tuple(vulnerable),
        unpinned=found.unpinned,
        source=status.description,
        problems=tuple(sorted(set(problems))),
        source_available=status.available,
        source_age_days=status.age_days,
        source_max_age_days=settings.max_age_days,
    )


def _reachability(
    directory: str, found: Collected, problems: list[tuple[Location, str]]
) -> dict[tuple[str, str], tuple[bool | None, str]]:
    try:
        return reachable(directory, found)
    except (OSError, ValueError, RecursionError) as exc:  # bad input never stops the audit
        problems.append((Location(file=directory), f"import analysis failed: {exc}"))
        return {}


def _collect(root: _Root) -> Collected:
    try:
        return collect(root.directory, root.runtime)
    except (OSError, ValueError, RecursionError) as exc:  # bad input never stops the scan
        problem = (Location(file=root.directory), f"dependencies not read: {exc}")
        return Collected(
            manifests=(), packages=(), unpinned=(), problems=(problem,), has_graph=False
        )


def audit_app(app: App, settings: DepsSettings) -> App:
    """Every function and layer with local code gets its ``DependencyReport``."""
    candidates: list[Function | Layer] = [*app.functions, *app.layers]
    resources = [(r, root) for r in candidates if (root := _root_of(r)) is not None]
    if not resources:
        return app
    collected: dict[_Root, Collected] = {}
    for _, root in resources:
        if root not in collected:
            collected[root] = _collect(root)
    records, status = fetch_advisories(settings, _queries(list(collected.values())))
    reports = {
        root: _report(root, found, records, status, settings) for root, found in collected.items()
    }
    by_id = {r.id: reports[root] for r, root in resources}
    return replace(
        app,
        functions=tuple(
            replace(f, dependencies=by_id[f.id]) if f.id in by_id else f for f in app.functions
        ),
        layers=tuple(
            replace(x, dependencies=by_id[x.id]) if x.id in by_id else x for x in app.layers
        ),
    )
