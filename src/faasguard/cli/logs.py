"""``faasguard logs scan|rules|export``: CloudTrail threat detection with our Sigma rules.

A subcommand each, so a log folder named ``rules`` can never be mistaken for the command.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from faasguard.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    SEVERITIES,
    Subparsers,
    config_of,
    emit,
    fail,
    fail_on,
    ids,
    utc_time,
)
from faasguard.report import FORMATS

#: ``(files done, files in all)`` as the engine reports its progress
Progress = Callable[[int, int], None]


def add_parser(sub: Subparsers) -> None:
    logs = sub.add_parser("logs", help="CloudTrail threat detection (Sigma rules)")
    commands = logs.add_subparsers(dest="logs_command", required=True)
    s = commands.add_parser("scan", help="run the detections over CloudTrail log files/folders")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--since", type=utc_time, help="ignore events before (ISO time, UTC)")
    s.add_argument("--until", type=utc_time, help="ignore events after (ISO time, UTC)")
    s.add_argument("--format", choices=sorted(FORMATS), default="text")
    s.add_argument("--output", "-o", metavar="FILE", help="write the report here (default: stdout)")
    s.add_argument("--fail-on", choices=SEVERITIES, default=None)
    s.add_argument("--config", metavar="FILE", help=".faasguard.yml (logs: deploy_principals)")
    s.add_argument("--select", action="append", default=[], metavar="ID")
    s.add_argument("--ignore", action="append", default=[], metavar="ID")
    s.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    s.add_argument(
        "--app",
        action="append",
        default=[],
        metavar="APP_PATH",
        help="join detections to these applications and report each function role's privileges",
    )
    commands.add_parser("rules", help="list the detections")
    e = commands.add_parser("export", help="print the detections for a large-scale engine")
    e.add_argument("--target", required=True, choices=("athena", "trino", "splunk", "elastic"))
    e.add_argument("--table", default="cloudtrail_logs", help="CloudTrail table (athena/trino)")


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading logs", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description="reading log files")

        yield update


def run(args: argparse.Namespace) -> int:
    # the log engine (DuckDB, pySigma) loads only for this command
    from faasguard.api_logs import LogOptions, detect
    from faasguard.logs.export import ExportError, render
    from faasguard.logs.sigma import builtin_ruleset
    from faasguard.report.options import ReportOptions

    ruleset = builtin_ruleset()
    if args.logs_command == "rules":
        for d in ruleset.detectors:
            print(f"{d.id:<6} {d.severity.label:<8} {d.kind.value:<16} {d.title}")
        return EXIT_CLEAN
    if args.logs_command == "export":
        try:
            sys.stdout.write(render(args.target, ruleset, ruleset.detectors, args.table))
        except ExportError as exc:
            return fail(str(exc))
        return EXIT_CLEAN
    config = config_of(args)
    with _progress() as progress:
        options = LogOptions(
            fail_on=fail_on(args, config),
            since=args.since,
            until=args.until,
            jobs=max(1, args.jobs),
            deploy_principals=config.deploy_principals,
            select=ids(args.select) | config.select,
            ignore=ids(args.ignore) | config.ignore,
            progress=progress,
            app_paths=tuple(args.app),
        )
        result = detect(args.paths, options)
    emit(FORMATS[args.format](result, ReportOptions(root=os.getcwd())), args.output)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN
