"""``faasguard scan``: check every application under the given paths."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from faasguard.cli import deps
from faasguard.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    SEVERITIES,
    Subparsers,
    config_of,
    emit,
    fail,
    fail_on,
    ids,
    name_value,
)
from faasguard.report import FORMATS


def add_parser(sub: Subparsers) -> None:
    s = sub.add_parser(
        "scan", help="scan SAM/CloudFormation, Serverless and Terraform apps under PATH..."
    )
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--format", choices=sorted(FORMATS), default="text")
    s.add_argument("--output", "-o", metavar="FILE", help="write the report here (default: stdout)")
    s.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    s.add_argument(
        "--config", metavar="FILE", help=".faasguard.yml or pyproject.toml (default: nearest one)"
    )
    s.add_argument("--baseline", metavar="FILE", help="do not fail on findings recorded here")
    s.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings as accepted, exit 0"
    )
    s.add_argument(
        "--show-suppressed",
        action="store_true",
        help="include suppressed and baselined findings in the report",
    )
    for name, verb in (("--select", "only these rules"), ("--ignore", "skip these rules")):
        s.add_argument(
            name,
            action="append",
            default=[],
            metavar="ID",
            help=f"{verb} (ids or prefixes, comma-separated); repeatable",
        )
    s.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="parallel processes")
    _definition_arguments(s)
    deps.add_arguments(s)


def _definition_arguments(s: argparse.ArgumentParser) -> None:
    """Values the definitions resolve at deploy time (Serverless options, Terraform variables)."""
    s.add_argument("--stage", help="Serverless stage: what ${opt:stage} and ${sls:stage} become")
    s.add_argument("--region", help="what ${opt:region} and ${aws:region} resolve to")
    s.add_argument(
        "--param",
        action="append",
        default=[],
        type=name_value,
        metavar="NAME=VALUE",
        help="Serverless ${param:NAME}; repeatable",
    )
    s.add_argument(
        "--var",
        action="append",
        default=[],
        type=name_value,
        metavar="NAME=VALUE",
        help="a variable: Serverless ${env:NAME}, Terraform -var; repeatable",
    )
    s.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        help="Terraform variables file (*.tfvars), like terraform -var-file; repeatable",
    )


def run(args: argparse.Namespace) -> int:
    from faasguard.api import ScanOptions, scan
    from faasguard.config import read_baseline, render_baseline
    from faasguard.loaders.settings import LoadSettings
    from faasguard.report.options import ReportOptions

    if args.jobs < 1:
        return fail("--jobs must be at least 1")
    config = config_of(args)
    options = ScanOptions(
        today=date.today(),
        fail_on=fail_on(args, config),
        select=ids(args.select) | config.select,
        ignore=ids(args.ignore) | config.ignore,
        severity_overrides=config.severity,
        exclude=config.exclude,
        baseline=read_baseline(args.baseline) if args.baseline else frozenset(),
        jobs=args.jobs,
        load=LoadSettings(
            stage=args.stage,
            region=args.region,
            params=tuple(args.param),
            variables=tuple(args.var),
            var_files=tuple(args.var_file),
        ),
        deps=deps.settings(args, config),
    )
    result = scan(args.paths, options)
    if args.write_baseline:
        Path(args.write_baseline).write_text(render_baseline(result.active), encoding="utf-8")
        print(
            f"faasguard: wrote {len(result.active)} findings to baseline {args.write_baseline}",
            file=sys.stderr,
        )
        return EXIT_CLEAN
    color = (
        not args.output
        and args.format == "text"
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    report = ReportOptions(show_suppressed=args.show_suppressed, root=os.getcwd(), color=color)
    emit(FORMATS[args.format](result, report), args.output)
    if result.incomplete:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN
