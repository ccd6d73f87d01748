"""The public library API: ``scan(paths, options) -> ScanResult``; the CLI is a thin layer."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from faasguard import __version__
from faasguard.code.profile import profile_app
from faasguard.config import InlineIgnore, inline_ignores
from faasguard.deps.audit import audit_app
from faasguard.deps.settings import DepsSettings
from faasguard.discover import DiscoveredFile, FileKind, discover
from faasguard.engine import (
    EngineSettings,
    deduplicate,
    diagnostic_finding,
    evaluate,
    select_rules,
)
from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.serverless import load_serverless
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform import load_terraform
from faasguard.loaders.yamljson import Document, LoadError, loads, read_text
from faasguard.model import (
    App,
    AppSummary,
    Diagnostic,
    Finding,
    InconclusiveResult,
    Location,
    Rule,
    RuleContext,
    RuleInfo,
    ScanResult,
    Severity,
)
from faasguard.rules import builtin_rules
from faasguard.rules.diagnostics import DIAGNOSTICS
from faasguard.rules.diagnostics import FG004 as FG004_INFO

_PLUGIN_ID_PREFIX = "-"  # plugin rule ids carry an organisation prefix: ACME-IAM001


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanOptions:
    today: date
    fail_on: Severity = Severity.HIGH
    select: frozenset[str] = frozenset()  # rule ids or prefixes; empty = all
    ignore: frozenset[str] = frozenset()
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    exclude: tuple[str, ...] = ()  # glob patterns relative to each scanned path
    baseline: frozenset[str] = frozenset()  # fingerprints of accepted findings
    jobs: int = 1
    plugins: bool = True
    load: LoadSettings = LoadSettings()
    #: dependency audit (advisory source); None = off, so the library stays offline by default
    deps: DepsSettings | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Loaded:
    app: App | None
    file: DiscoveredFile
    #: ``# faasguard:ignore[...]`` comments by file (display path), then by line
    inline: dict[str, dict[int, InlineIgnore]]
    problems: tuple[Diagnostic, ...] = ()


def _load_document(file: DiscoveredFile, build: Callable[[Document, str], App]) -> _Loaded:
    """One YAML/JSON definition (a template, a serverless.yml) read once, then built."""
    try:
        text = read_text(file.path, file.display)
        comments = inline_ignores(text)
        doc = loads(text, file.display)
    except LoadError as exc:
        error = Diagnostic(code="FG001", message=exc.message, location=exc.location)
        return _Loaded(app=None, file=file, inline={}, problems=(error,))
    return _Loaded(
        app=build(doc, os.path.dirname(file.path)),
        file=file,
        inline={file.display: comments},
        problems=_reasonless(file.display, comments),
    )


def _load_cloudformation(file: DiscoveredFile, settings: LoadSettings) -> _Loaded:
    return _load_document(file, load_template)


def _load_serverless(file: DiscoveredFile, settings: LoadSettings) -> _Loaded:
    return _load_document(file, lambda doc, base: load_serverless(doc, base, settings))


def _load_terraform(file: DiscoveredFile, settings: LoadSettings) -> _Loaded:
    app, texts = load_terraform(file.path, file.display, settings, root=file.root)
    inline = {display: inline_ignores(text) for display, text in texts.items()}
    problems = [p for display, comments in inline.items() for p in _reasonless(display, comments)]
    return _Loaded(app=app, file=file, inline=inline, problems=tuple(problems))


#: one reader per kind of definition; each reads its files once and never raises on bad input
_LOADERS: dict[FileKind, Callable[[DiscoveredFile, LoadSettings], _Loaded]] = {
    FileKind.CLOUDFORMATION: _load_cloudformation,
    FileKind.SERVERLESS: _load_serverless,
    FileKind.TERRAFORM: _load_terraform,
}


def load_app(file: DiscoveredFile, settings: LoadSettings) -> _Loaded:
    """Read one discovered definition: its App and its inline suppressions; errors become FG001."""
    loader = _LOADERS.get(file.kind)
    if loader is None:
        problem = Diagnostic(
            code="FG002",
            message=f"{file.kind.value} definitions are not supported yet",
            location=Location(file=file.display),
        )
        return _Loaded(app=None, file=file, inline={}, problems=(problem,))
    return loader(file, settings)


def _reasonless(display: str, comments: dict[int, InlineIgnore]) -> tuple[Diagnostic, ...]:
    return tuple(
        Diagnostic(
            code="FG002",
            message="inline suppression without a reason is not applied "
            "(write: # faasguard:ignore[RULE] why)",
            location=Location(file=display, line=line),
        )
        for line, comment in sorted(comments.items())
        if not comment.reason
    )


def plugin_rules() -> tuple[list[Rule], list[Diagnostic]]:
    """Rules of installed packages (entry point group ``faasguard.rules``), never from paths."""
    rules: list[Rule] = []
    problems: list[Diagnostic] = []
    for ep in sorted(entry_points(group="faasguard.rules"), key=lambda e: e.name):
        where = Location(file=f"plugin:{ep.name}")
        try:
            loaded = ep.load()
            candidates = list(loaded() if callable(loaded) else loaded)
        except Exception as exc:  # a broken plugin is reported, the scan goes on
            problems.append(
                Diagnostic(
                    code="FG004",
                    message=f"plugin {ep.name!r} failed to load: {type(exc).__name__}: {exc}",
                    location=where,
                )
            )
            continue
        for item in candidates:
            if not isinstance(item, Rule) or _PLUGIN_ID_PREFIX not in item.info.id:
                problems.append(
                    Diagnostic(
                        code="FG004",
                        message=f"plugin {ep.name!r}: rules "
                        "must be Rule objects with an organisation-prefixed "
                        "id (ACME-IAM001)",
                        location=where,
                    )
                )
                continue
            rules.append(item)
    return rules, problems


def enrich(app: App, options: ScanOptions) -> App:
    """Facts beyond the definition: what each function's code calls, which packages it ships."""
    # ENRICHMENT STEPS (each: App -> App, never raising on bad input)
    if options.deps is not None:
        app = audit_app(app, options.deps)
    app = profile_app(app)
    return app


def _load_and_enrich(file: DiscoveredFile, options: ScanOptions) -> _Loaded:
    loaded = load_app(file, options.load)
    if loaded.app is None:
        return loaded
    return replace(loaded, app=enrich(loaded.app, options))


def _load_all(files: Sequence[DiscoveredFile], options: ScanOptions) -> list[_Loaded]:
    if options.jobs <= 1 or len(files) <= 1:
        return [_load_and_enrich(f, options) for f in files]
    with ProcessPoolExecutor(max_workers=options.jobs) as pool:
        return list(pool.map(_load_and_enrich, files, [options] * len(files), chunksize=4))


def scan(paths: Sequence[str | Path], options: ScanOptions) -> ScanResult:
    """Discover, load, check and report on every application definition under ``paths``.

    Raises ``FileNotFoundError`` when a path does not exist (nothing is skipped silently).
    """
    found = discover(paths, options.exclude)
    if found.missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(found.missing)}")
    rules = list(builtin_rules())
    problems: list[Diagnostic] = []
    if options.plugins:
        extra, plugin_problems = plugin_rules()
        rules.extend(extra)
        problems.extend(plugin_problems)
    rules = select_rules(rules, options.select, options.ignore)
    loaded_files = _load_all(found.files, options)
    inline = {name: by_line for loaded in loaded_files for name, by_line in loaded.inline.items()}
    settings = EngineSettings(
        context=RuleContext(today=options.today),
        severity_overrides=dict(options.severity_overrides),
        baseline=options.baseline,
        inline=inline,
    )
    findings: list[Finding] = []
    inconclusive: list[InconclusiveResult] = []
    apps: list[AppSummary] = []
    for loaded in loaded_files:
        findings.extend(diagnostic_finding(p, settings) for p in loaded.problems)
        if loaded.app is None:
            continue
        apps.append(
            AppSummary(
                source=loaded.file.display,
                framework=loaded.app.framework,
                functions=len(loaded.app.functions),
            )
        )
        outcome = evaluate(loaded.app, rules, settings)
        findings.extend(outcome.findings)
        inconclusive.extend(outcome.inconclusive)
    findings.extend(diagnostic_finding(p, settings) for p in problems)
    if found.truncated:
        findings.append(
            diagnostic_finding(
                Diagnostic(
                    code="FG002",
                    message="too many files: discovery stopped early",
                    location=Location(file=str(paths[0]) if paths else "."),
                ),
                settings,
            )
        )
    infos: dict[str, RuleInfo] = {r.info.id: r.info for r in rules}
    infos.update({d.id: d for d in DIAGNOSTICS if any(f.rule.id == d.id for f in findings)})
    if any(f.rule.id == FG004_INFO.id for f in findings):
        infos[FG004_INFO.id] = FG004_INFO
    stats = (("files", len(found.files)), ("apps", len(apps)), ("rules", len(rules)))
    return ScanResult(
        findings=tuple(deduplicate(findings)),
        inconclusive=tuple(
            sorted(set(inconclusive), key=lambda i: (i.location, i.rule_id, i.resource, i.reason))
        ),
        rules=tuple(sorted(infos.values(), key=lambda i: i.id)),
        files=tuple(f.display for f in found.files),
        tool_version=__version__,
        fail_on=options.fail_on,
        stats=stats,
        apps=tuple(sorted(apps)),
    )
