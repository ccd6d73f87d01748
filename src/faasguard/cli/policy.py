"""``faasguard policy``: the minimal IAM policy of each function, in the app's own syntax."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from faasguard.cli.common import EXIT_CLEAN, Subparsers, emit, fail


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("policy", help="print the minimal IAM policy of each function")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--function", metavar="NAME", help="only this function (logical id or name)")
    p.add_argument(
        "--format",
        choices=("json", "sam", "serverless", "terraform"),
        default=None,
        help="output syntax (default: the app's own framework)",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from faasguard.api import ScanOptions
    from faasguard.api_policy import UnknownFunctionError, minimal_policies
    from faasguard.report.policy import default_format, render

    try:
        result = minimal_policies(args.paths, ScanOptions(today=date.today()), args.function)
    except UnknownFunctionError as exc:
        return fail(str(exc))
    for problem in result.problems:
        print(f"faasguard: {problem.location}: {problem.message}", file=sys.stderr)
    if not result.apps:
        return fail("no functions found")
    fmt = args.format or default_format(result.apps[0][0].framework)
    emit(render(result.apps, fmt), args.output)
    return EXIT_CLEAN
