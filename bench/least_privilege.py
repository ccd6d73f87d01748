"""Least privilege over a corpus: prints figures per function, asserts nothing.

    python bench/least_privilege.py CORPUS_DIR [--verbose]

For the example app (examples/orders-app) and every app under CORPUS_DIR that faasguard loads,
for each function: SDK calls found, unknown calls, actions granted by its role (wildcards and
AWS managed policies expanded over the IAM database) and actions needed (code + platform), and
a self-check: the synthesized minimal policy, evaluated with ``faasguard.iam.evaluate.decide``
(the IAM evaluation the rest of faasguard uses), must allow every inferred need. Any need it
does not allow is printed.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, enrich, load_app
from faasguard.discover import discover
from faasguard.iam.actions import expand
from faasguard.iam.binding import canonical
from faasguard.iam.compare import compare_role, granted_statements
from faasguard.iam.evaluate import decide
from faasguard.iam.policy import is_allow, literal
from faasguard.iam.synthesis import MinimalPolicy, minimal_policy
from faasguard.model import App, Function, PolicyStatement

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "orders-app"


def _granted_actions(app: App, fn: Function) -> int | None:
    role = app.role(fn.role)
    if role is None:
        return None
    statements, _ = granted_statements(app, role)
    actions: set[str] = set()
    for statement in statements:
        if is_allow(statement) is not True:
            continue
        for pattern in literal(statement.actions):
            actions.update(expand(pattern) or (pattern.lower(),))
    return len(actions)


def _as_statements(app: App, policy: MinimalPolicy) -> list[PolicyStatement]:
    return [
        PolicyStatement(
            actions=s.actions,
            resources=tuple(canonical(r, app) or r for r in s.resources),
            location=s.sites[0],
        )
        for s in policy.statements
    ]


def _self_check(app: App, policy: MinimalPolicy) -> list[str]:
    """Needs the synthesized policy does not allow (should be none)."""
    statements = _as_statements(app, policy)
    failures = []
    for need in policy.needs.needs:
        resource = canonical(need.resource.arn, app) if need.resource.bound else "*"
        decision = decide(statements, need.action, resource or need.resource.arn)
        if not decision.allowed:
            failures.append(f"{need.action} on {resource}: {decision}")
    return failures


def _apps(paths: list[Path]) -> list[App]:
    options = ScanOptions(today=date(2026, 11, 29))
    apps = []
    for file in discover(paths).files:
        try:
            loaded = load_app(file, options.load)
        except Exception as exc:  # another stage's bug must not hide the other apps' figures
            print(f"LOAD FAILED {file.display}: {type(exc).__name__}: {exc}")
            continue
        if loaded.app is not None:
            apps.append(enrich(loaded.app, options))
    return apps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--verbose", action="store_true", help="list needs and unused grants")
    args = parser.parse_args()
    started = time.perf_counter()
    apps = _apps([EXAMPLE, args.corpus])
    totals: Counter[str] = Counter()
    print(f"{'function':58} {'calls':>5} {'unkn':>4} {'granted':>7} {'needed':>6} {'check':>5}")
    for app in apps:
        for fn in app.functions:
            if fn.code is None:
                totals["functions without local code"] += 1
                continue
            policy = minimal_policy(app, fn)
            granted = _granted_actions(app, fn)
            needed = {n.action.lower() for n in policy.needs.needs}
            failures = _self_check(app, policy)
            name = f"{app.source}:{fn.id}"[-58:]
            unknown = len(policy.needs.unresolved)
            print(
                f"{name:58} {len(fn.code.calls):>5} {unknown:>4} "
                f"{'-' if granted is None else granted:>7} {len(needed):>6} "
                f"{'ok' if not failures else 'FAIL':>5}"
            )
            for failure in failures:
                print(f"    NOT ALLOWED by the synthesized policy: {failure}")
            if args.verbose:
                for statement in policy.statements:
                    actions, arns = ", ".join(statement.actions), ", ".join(statement.resources)
                    print(f"    needs {actions} on {arns}")
                for item in policy.needs.unresolved:
                    print(f"    unresolved {item.call.location}: {item.reason}")
            totals["functions"] += 1
            totals["calls"] += len(fn.code.calls)
            totals["unknown calls"] += unknown
            totals["actions granted"] += granted or 0
            totals["actions needed"] += len(needed)
            totals["self-check failures"] += len(failures)
    _compare_roles(apps, totals, args.verbose)
    print()
    for key, value in totals.items():
        print(f"{key:34} {value}")
    print(f"{'seconds':34} {time.perf_counter() - started:.2f}")


def _compare_roles(apps: list[App], totals: Counter[str], verbose: bool) -> None:
    for app in apps:
        for role in app.roles:
            comparison = compare_role(app, role)
            if not comparison.functions:
                continue
            totals["roles compared"] += 1
            totals["missing (needed, not granted)"] += len(comparison.missing)
            totals["unused action patterns"] += len(comparison.unused)
            totals["over-wide grants"] += len(comparison.over_wide)
            totals["roles with incomplete analysis"] += bool(comparison.incomplete)
            if verbose:
                for unused in comparison.unused:
                    narrowed = f" -> {', '.join(unused.narrowed)}" if unused.narrowed else ""
                    print(f"  {app.source}:{role.id} unused {unused.pattern}{narrowed}")
                for missing in comparison.missing:
                    print(
                        f"  {app.source}:{role.id} missing {missing.need.action} on "
                        f"{missing.need.resource.arn} ({missing.function})"
                    )


if __name__ == "__main__":
    main()
