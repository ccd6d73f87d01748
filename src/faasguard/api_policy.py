"""Public API of ``faasguard policy``: the minimal policy of each function under some paths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from faasguard.api import ScanOptions, enrich, load_app
from faasguard.discover import discover
from faasguard.iam.synthesis import MinimalPolicy, minimal_policy
from faasguard.model import App, Diagnostic


class UnknownFunctionError(LookupError):
    """``--function NAME`` names no function of the apps; ``known`` lists the ones there are."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"no function {name!r}; functions: {', '.join(known) or '(none)'}")
        self.name = name
        self.known = tuple(known)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyResult:
    #: each app read, with the minimal policy of each (selected) function, in app order
    apps: tuple[tuple[App, tuple[MinimalPolicy, ...]], ...] = ()
    #: files that could not be read (FG001/FG002), the rest goes on
    problems: tuple[Diagnostic, ...] = ()


def _matches(app: App, name: str, function_id: str) -> bool:
    fn = app.function(function_id)
    return fn is not None and name in (fn.id, fn.name)


def minimal_policies(
    paths: Sequence[str | Path], options: ScanOptions, function: str | None = None
) -> PolicyResult:
    """Load and analyse the apps under ``paths``; synthesize each function's minimal policy.

    Raises ``FileNotFoundError`` for a missing path and ``UnknownFunctionError`` when
    ``function`` (a logical id or function name) is not in any app.
    """
    found = discover(paths, options.exclude)
    if found.missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(found.missing)}")
    apps: list[tuple[App, tuple[MinimalPolicy, ...]]] = []
    problems: list[Diagnostic] = []
    names: list[str] = []
    for file in found.files:
        loaded = load_app(file, options.load)
        problems.extend(loaded.problems)
        if loaded.app is None:
            continue
        app = enrich(loaded.app, options)
        names.extend(fn.id for fn in app.functions)
        chosen = [fn for fn in app.functions if function is None or _matches(app, function, fn.id)]
        if chosen:
            apps.append((app, tuple(minimal_policy(app, fn) for fn in chosen)))
    if function is not None and not apps:
        raise UnknownFunctionError(function, sorted(set(names)))
    return PolicyResult(apps=tuple(apps), problems=tuple(problems))
