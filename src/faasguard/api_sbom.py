"""``sbom(paths, options)``: a CycloneDX 1.6 BOM of the packages every function and layer ships.

The applications are discovered and loaded as ``scan`` does. With ``options.deps`` set the full
dependency audit runs, and its advisories become the BOM's VEX entries; without it only the
manifests and lockfiles are read (nothing goes to the network) and the BOM lists packages alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from faasguard import __version__
from faasguard.api import ScanOptions, enrich, load_app
from faasguard.deps.collect import collect
from faasguard.deps.sbom import SbomSubject, build_bom, render
from faasguard.discover import discover
from faasguard.model.app import App, Function, Layer
from faasguard.model.deps import DependencyReport


def sbom(
    paths: Sequence[str | Path], options: ScanOptions, *, split: bool = False
) -> str | dict[str, str]:
    """One BOM for everything under ``paths``; with ``split``, one per function or layer
    (file name -> BOM JSON). Raises ``FileNotFoundError`` for a path that does not exist."""
    found = discover(paths, options.exclude)
    if found.missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(found.missing)}")
    subjects: list[SbomSubject] = []
    for file in found.files:
        app = load_app(file, options.load).app
        if app is not None:
            app = enrich(app, options) if options.deps is not None else _inventory(app)
            subjects.extend(_subjects(app, file.display))
    name = ", ".join(str(p) for p in paths) or "."
    if not split:
        return render(build_bom(subjects, name=name, today=options.today, tool_version=__version__))
    return {
        _file_name(subject): render(
            build_bom([subject], name=subject.id, today=options.today, tool_version=__version__)
        )
        for subject in subjects
    }


def _inventory(app: App) -> App:
    """Packages only (no advisory source): each code root's manifests and lockfiles."""
    functions = tuple(
        replace(f, dependencies=_report_of(f.code_dir, _runtime(f))) for f in app.functions
    )
    layers = tuple(
        replace(x, dependencies=_report_of(x.content_dir, _runtime(x))) for x in app.layers
    )
    return replace(app, functions=functions, layers=layers)


def _report_of(directory: str | None, runtime: str | None) -> DependencyReport | None:
    if not directory or not os.path.isdir(directory):
        return None
    found = collect(directory, runtime)
    return DependencyReport(
        manifests=found.manifests,
        packages=found.packages,
        unpinned=found.unpinned,
        source="inventory only: no advisory source used",
        problems=found.problems,
    )


def _subjects(app: App, display: str) -> list[SbomSubject]:
    resources: list[Function | Layer] = [*app.functions, *app.layers]
    return [
        SbomSubject(
            id=resource.id,
            kind="function" if isinstance(resource, Function) else "layer",
            app=display,
            runtime=_runtime(resource),
            report=resource.dependencies,
        )
        for resource in resources
        if resource.dependencies is not None
    ]


def _runtime(resource: Function | Layer) -> str | None:
    if isinstance(resource, Function):
        return resource.runtime if isinstance(resource.runtime, str) else None
    runtimes = [r for r in resource.compatible_runtimes if isinstance(r, str)]
    return runtimes[0] if runtimes else None


def _file_name(subject: SbomSubject) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{subject.app}-{subject.id}").strip("_")
    return f"{stem}.cdx.json"
