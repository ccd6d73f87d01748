"""``faasguard rules``: list the rules, explain one, or generate their documentation."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from faasguard.cli.common import EXIT_CLEAN, Subparsers, fail
from faasguard.model import RuleInfo
from faasguard.report.ruledoc import render_index, render_markdown
from faasguard.rules import builtin_rules
from faasguard.rules.diagnostics import DIAGNOSTICS


def add_parser(sub: Subparsers) -> None:
    r = sub.add_parser("rules", help="list rules, or explain one")
    r.add_argument("rule_id", nargs="?", metavar="ID")
    r.add_argument("--write-docs", metavar="DIR", help="generate docs/rules/*.md into DIR")


def catalog() -> list[RuleInfo]:
    return sorted([r.info for r in builtin_rules()] + list(DIAGNOSTICS), key=lambda i: i.id)


def run(args: argparse.Namespace) -> int:
    infos = catalog()
    if args.write_docs:
        write_docs(Path(args.write_docs), infos)
        print(f"wrote {len(infos) + 1} files to {args.write_docs}")
        return EXIT_CLEAN
    if args.rule_id:
        match = [i for i in infos if i.id == args.rule_id.upper()]
        if not match:
            return fail(f"unknown rule {args.rule_id!r}")
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
