"""What every command shares: exit codes, option parsers, configuration and output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

import platformdirs

from faasguard.config import Config, config_path_for, load_config
from faasguard.model import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = [s.label for s in sorted(Severity, reverse=True)]
#: what ``ArgumentParser.add_subparsers`` returns
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def name_value(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` (the value may contain ``=``); anything else is a usage error."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def utc_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ids(values: Sequence[str]) -> frozenset[str]:
    """``--select IAM001,API`` and repeated ``--select`` both work."""
    return frozenset(part.strip().upper() for v in values for part in v.split(",") if part.strip())


def config_of(args: argparse.Namespace) -> Config:
    path = args.config or config_path_for(args.paths)
    return load_config(path) if path else Config()


def fail_on(args: argparse.Namespace, config: Config) -> Severity:
    return Severity.parse(args.fail_on) if args.fail_on else (config.fail_on or Severity.HIGH)


def cache_dir() -> Path:
    """The user's cache directory (advisory database, OSV responses, downloads)."""
    return Path(platformdirs.user_cache_dir("faasguard"))


def emit(text: str, output: str | None) -> None:
    """Write a report to ``output`` or, without one, to stdout."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def fail(message: str) -> int:
    print(f"faasguard: {message}", file=sys.stderr)
    return EXIT_ERROR
