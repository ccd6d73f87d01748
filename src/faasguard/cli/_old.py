"""Command line: argument parsing, exit codes and wiring. No logic a library user would need."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from faasguard import __version__
from faasguard.api import ScanOptions, scan
from faasguard.config import (
    Config,
    ConfigError,
    config_path_for,
    load_config,
    read_baseline,
    render_baseline,
)
from faasguard.model import RuleInfo, Severity
from faasguard.report import FORMATS
from faasguard.report.options import ReportOptions
from faasguard.report.ruledoc import render_index, render_markdown
from faasguard.rules import builtin_rules
from faasguard.rules.diagnostics import DIAGNOSTICS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SEVERITIES = [s.label for s in sorted(Severity, reverse=True)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faasguard", description="Security checks for serverless applications."
    )
    parser.add_argument("--version", action="version", version=f"faasguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("scan", help="scan SAM/CloudFormation apps under PATH...")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--format", choices=sorted(FORMATS), default="text")
    s.add_argument("--output", "-o", metavar="FILE", help="write the report here (default: stdout)")
    s.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    s.add_argument(
        "--config", metavar="FILE", help=".faasguard.yml or pyproject.toml (default: nearest one)"
    )
    s.add_argument("--baseline", metavar="FILE", help="do not fail on findings recorded here")
    s.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings as accepted, then exit 0",
    )
    s.add_argument(
        "--show-suppressed",
        action="store_true",
        help="include suppressed and baselined findings in the report",
    )
    s.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="ID",
        help="only these rules (ids or prefixes); repeatable",
    )
    s.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="ID",
        help="skip these rules (ids or prefixes); repeatable",
    )
    s.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel processes (default: cores)",
    )

    r = sub.add_parser("rules", help="list rules, or explain one")
    r.add_argument("rule_id", nargs="?", metavar="ID")
    r.add_argument("--write-docs", metavar="DIR", help="generate docs/rules/*.md into DIR")
    return parser


def _catalog() -> list[RuleInfo]:
    return sorted([r.info for r in builtin_rules()] + list(DIAGNOSTICS), key=lambda i: i.id)


def _rules_command(args: argparse.Namespace) -> int:
    infos = _catalog()
    if args.write_docs:
        write_docs(Path(args.write_docs), infos)
        print(f"wrote {len(infos) + 1} files to {args.write_docs}")
        return EXIT_CLEAN
    if args.rule_id:
        match = [i for i in infos if i.id == args.rule_id.upper()]
        if not match:
            print(f"faasguard: unknown rule {args.rule_id!r}", file=sys.stderr)
            return EXIT_ERROR
        print(render_markdown(match[0]))
        return EXIT_CLEAN
    for info in infos:
        print(f"{info.id:<8} {info.severity.label:<8} {info.pillar.value:<18} {info.title}")
    return EXIT_CLEAN


def write_docs(directory: Path, infos: Sequence[RuleInfo]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.md"):
        stale.unlink()
    for info in infos:
        (directory / f"{info.id}.md").write_text(render_markdown(info), encoding="utf-8")
    (directory / "README.md").write_text(render_index(infos), encoding="utf-8")


def _ids(values: Sequence[str]) -> frozenset[str]:
    """``--select IAM001,API`` and repeated ``--select`` both work."""
    return frozenset(part.strip().upper() for v in values for part in v.split(",") if part.strip())


def _config(args: argparse.Namespace) -> Config:
    path = args.config or config_path_for(args.paths)
    return load_config(path) if path else Config()


def _scan_command(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        print("faasguard: --jobs must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    config = _config(args)
    fail_on = Severity.parse(args.fail_on) if args.fail_on else (config.fail_on or Severity.HIGH)
    baseline = read_baseline(args.baseline) if args.baseline else frozenset()
    options = ScanOptions(
        today=date.today(),
        fail_on=fail_on,
        select=_ids(args.select) | config.select,
        ignore=_ids(args.ignore) | config.ignore,
        severity_overrides=config.severity,
        exclude=config.exclude,
        baseline=baseline,
        jobs=args.jobs,
    )
    result = scan(args.paths, options)
    if args.write_baseline:
        Path(args.write_baseline).write_text(render_baseline(result.active), encoding="utf-8")
        print(
            f"faasguard: wrote {len(result.active)} findings to baseline {args.write_baseline}",
            file=sys.stderr,
        )
        return EXIT_CLEAN
    to_file = bool(args.output)
    report_options = ReportOptions(
        show_suppressed=args.show_suppressed,
        root=os.getcwd(),
        color=not to_file
        and args.format == "text"
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ,
    )
    text = FORMATS[args.format](result, report_options)
    if to_file:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if result.incomplete:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "rules":
            return _rules_command(args)
        return _scan_command(args)
    except ConfigError as exc:
        print(f"faasguard: configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"faasguard: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
