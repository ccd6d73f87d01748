"""Command line: argument parsing, exit codes and wiring. No logic a library user would need.

One module per command; each imports its heavy machinery (code analysis, the log engine, the
advisory database) only when that command runs, so ``faasguard rules`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from faasguard import __version__
from faasguard.cli import deps, logs, policy, rules, scan
from faasguard.cli.common import EXIT_ERROR, fail
from faasguard.config import ConfigError

__all__ = ["main"]

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "scan": scan.run,
    "rules": rules.run,
    "policy": policy.run,
    "logs": logs.run,
    "db": deps.db_command,
    "sbom": deps.sbom_command,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faasguard", description="Security checks for serverless applications."
    )
    parser.add_argument("--version", action="version", version=f"faasguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    scan.add_parser(sub)
    rules.add_parser(sub)
    policy.add_parser(sub)
    logs.add_parser(sub)
    deps.add_db_parser(sub)
    deps.add_sbom_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"faasguard: configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
