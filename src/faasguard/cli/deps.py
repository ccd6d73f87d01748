"""``faasguard db update`` and ``faasguard sbom``, and the dependency options of ``scan``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from faasguard.cli.common import EXIT_CLEAN, EXIT_ERROR, Subparsers, cache_dir, fail, ids
from faasguard.config import Config
from faasguard.deps.settings import (
    DEFAULT_API_URL,
    DEFAULT_EXPORT_URL,
    DEFAULT_MAX_AGE_DAYS,
    DepsSettings,
)


def add_arguments(s: argparse.ArgumentParser) -> None:
    """Dependency audit options (online by default, local database with --offline)."""
    s.add_argument(
        "--offline", action="store_true", help="audit dependencies with the local database only"
    )
    s.add_argument("--db", metavar="PATH", help="advisory database (default: user cache dir)")
    s.add_argument("--no-deps", action="store_true", help="do not audit dependencies")
    s.add_argument(
        "--osv-url",
        default=DEFAULT_API_URL,
        metavar="URL",
        help="OSV API base URL, e.g. an internal mirror (default: %(default)s)",
    )


def _database(args: argparse.Namespace) -> str:
    return str(args.db or cache_dir() / "advisories.db")


def _wants_deps(select: frozenset[str], ignore: frozenset[str]) -> bool:
    """Skip the audit (and its network use) when no DEP rule can report."""
    if any("DEP".startswith(i) for i in ignore):
        return False
    return not select or any(s.startswith("DEP") or "DEP".startswith(s) for s in select)


def settings(args: argparse.Namespace, config: Config | None = None) -> DepsSettings | None:
    """What ``scan`` and ``sbom`` audit with; None when the audit is off."""
    if args.no_deps:
        return None
    if config is not None:
        select, ignore = ids(args.select) | config.select, ids(args.ignore) | config.ignore
        if not _wants_deps(select, ignore):
            return None
    max_age = config.advisories_max_age_days if config is not None else None
    return DepsSettings(
        offline=args.offline,
        db_path=_database(args),
        cache_dir=str(cache_dir() / "osv"),
        api_url=args.osv_url,
        max_age_days=max_age or DEFAULT_MAX_AGE_DAYS,
        today=date.today(),
    )


def add_db_parser(sub: Subparsers) -> None:
    db = sub.add_parser("db", help="the local advisory database (offline dependency audit)")
    commands = db.add_subparsers(dest="db_command", required=True)
    u = commands.add_parser("update", help="build the database from OSV exports or records")
    u.add_argument(
        "--ecosystem", default="PyPI,npm", help="comma-separated OSV ecosystems (%(default)s)"
    )
    u.add_argument(
        "--from",
        dest="sources",
        action="append",
        default=[],
        metavar="FILE.zip|DIR",
        help="OSV export zip or folder of OSV JSON/YAML records; repeatable (default: download)",
    )
    u.add_argument("--db", metavar="PATH", help="database file (default: user cache dir)")
    u.add_argument(
        "--export-url",
        default=DEFAULT_EXPORT_URL,
        metavar="URL",
        help="OSV export base URL (<URL>/<Ecosystem>/all.zip; default: %(default)s)",
    )


def db_command(args: argparse.Namespace) -> int:
    from faasguard.deps.database import build_database
    from faasguard.deps.online import OnlineError, fetch_export

    ecosystems = [e.strip() for e in args.ecosystem.split(",") if e.strip()]
    sources = list(args.sources)
    if not sources:
        download = cache_dir() / "exports"
        for ecosystem in ecosystems:
            print(f"faasguard: downloading {ecosystem} advisories...", file=sys.stderr)
            try:
                sources.append(fetch_export(args.export_url, ecosystem, str(download)))
            except OnlineError as exc:
                return fail(str(exc))
    missing = [s for s in sources if not os.path.exists(s)]
    if missing:
        return fail(f"no such file or directory: {', '.join(missing)}")
    report = build_database(
        _database(args), sources, built_at=datetime.now(UTC), ecosystems=ecosystems
    )
    for problem in report.problems:
        print(f"faasguard: skipped {problem}", file=sys.stderr)
    info = report.info
    print(
        f"faasguard: advisory database {info.path}: {info.records} records "
        f"({', '.join(info.ecosystems) or 'no ecosystem'}), {report.withdrawn} withdrawn dropped, "
        f"{report.skipped} unreadable; built {info.built_at.isoformat(timespec='seconds')}",
        file=sys.stderr,
    )
    return EXIT_ERROR if report.skipped and not info.records else EXIT_CLEAN


def add_sbom_parser(sub: Subparsers) -> None:
    s = sub.add_parser("sbom", help="write a CycloneDX SBOM of the packages each function ships")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--format", choices=("cyclonedx",), default="cyclonedx")
    s.add_argument(
        "--output",
        "-o",
        metavar="FILE|DIR",
        help="one BOM to FILE, or one BOM per function into an existing DIR (default: stdout)",
    )
    add_arguments(s)


def sbom_command(args: argparse.Namespace) -> int:
    from faasguard.api import ScanOptions
    from faasguard.api_sbom import sbom

    split = bool(args.output) and os.path.isdir(args.output)
    options = ScanOptions(today=date.today(), deps=settings(args))
    boms = sbom(args.paths, options, split=split)
    if isinstance(boms, dict):
        for name, text in sorted(boms.items()):
            (Path(args.output) / name).write_text(text, encoding="utf-8")
        print(f"faasguard: wrote {len(boms)} SBOMs into {args.output}", file=sys.stderr)
    elif args.output:
        Path(args.output).write_text(boms, encoding="utf-8")
    else:
        sys.stdout.write(boms)
    return EXIT_CLEAN
