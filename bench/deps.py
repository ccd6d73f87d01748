"""Dependency audit speed and memory: build a database from an advisory folder, audit 1,000 pins.

Usage: python bench/deps.py CORPUS_ADVISORIES_DIR   (e.g. ../shared/corpus/advisories)

Prints the database build time and its peak Python heap (tracemalloc) against the size of the
data, then the time to audit one function whose requirements.txt pins 1,000 packages (every
package the corpus names, padded with names it does not know), end to end through ``audit_app``
(collect, match, reachability) and for the matching step alone. Targets: audit < 1 s; the build's
peak heap well under the data size (streaming).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from faasguard.deps.audit import audit_app, fetch_advisories
from faasguard.deps.database import build_database
from faasguard.deps.settings import DepsSettings
from faasguard.model import App, Framework, Function, Location

PACKAGES = 1_000


def _data_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _pins(folder: Path) -> list[tuple[str, str]]:
    """One (name, version) per package the corpus names: a listed version when there is one."""
    pins: dict[str, str] = {}
    for path in sorted(folder.rglob("PYSEC-*.yaml")):
        loader = yaml.CBaseLoader(path.read_bytes())
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        for affected in data.get("affected") or []:
            name = (affected.get("package") or {}).get("name")
            versions = affected.get("versions") or ["1.0.0"]
            if name and name not in pins:
                pins[name] = versions[len(versions) // 2]
    pairs = sorted(pins.items())[:PACKAGES]
    pairs += [(f"bench-unknown-{i}", "1.0.0") for i in range(PACKAGES - len(pairs))]
    return pairs


def _audit(work: Path, name: str, pins: list[tuple[str, str]], db_path: str) -> None:
    code = work / name
    code.mkdir()
    (code / "requirements.txt").write_text(
        "".join(f"{pkg}=={version}\n" for pkg, version in pins), encoding="utf-8"
    )
    (code / "app.py").write_text("import requests\n", encoding="utf-8")
    where = Location(file=str(work / "template.yaml"), line=1)
    fn = Function(id="BenchFn", type="AWS::Serverless::Function", location=where)
    app = App(
        name="bench",
        root=str(work),
        source="template.yaml",
        framework=Framework.SAM,
        functions=(replace(fn, code_dir=str(code), runtime="python3.12"),),
    )
    settings = DepsSettings(offline=True, db_path=db_path, today=date.today())
    queries = [("PyPI", pkg, version) for pkg, version in pins]
    start = time.perf_counter()
    fetch_advisories(settings, queries)
    lookup_s = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    audited = audit_app(app, settings)
    audit_s, audit_cpu = time.perf_counter() - start, time.process_time() - cpu
    deps = audited.functions[0].dependencies
    assert deps is not None
    print(
        f"audit ({name}): {len(deps.packages)} packages, {len(deps.vulnerable)} vulnerable; "
        f"look-up {lookup_s * 1000:.0f} ms; end to end (collect + match + reachability) "
        f"{audit_s * 1000:.0f} ms wall, {audit_cpu * 1000:.0f} ms CPU"
    )


def main(corpus: str) -> None:
    with tempfile.TemporaryDirectory(prefix="faasguard-bench-") as work:
        _run(Path(corpus), Path(work))


def _run(folder: Path, work: Path) -> None:
    db_path = str(work / "advisories.db")
    start, cpu = time.perf_counter(), time.process_time()
    report = build_database(db_path, [str(folder)], built_at=datetime.now(UTC))
    build_s, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    tracemalloc.start()  # a second build under tracemalloc (it slows the build down)
    build_database(db_path, [str(folder)], built_at=datetime.now(UTC))
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = _data_size(folder)
    print(
        f"build: {report.info.records} records from {size / 1e6:.1f} MB in {build_s:.2f} s "
        f"({build_cpu:.2f} s CPU)"
    )
    print(f"build: peak Python heap {build_peak / 1e6:.1f} MB (tracemalloc)")
    print(f"database file: {os.path.getsize(db_path) / 1e6:.1f} MB")

    pins = _pins(folder)
    known = len([p for p in pins if not p[0].startswith("bench-unknown-")])
    # worst case: every package the corpus names, at an affected version
    _audit(work, "worst", pins, db_path)
    # typical: 5% of the packages have advisories
    typical = pins[:50] + [(f"bench-clean-{i}", "1.0.0") for i in range(PACKAGES - 50)]
    _audit(work, "typical", typical, db_path)
    print(f"({known} of the worst-case packages are named by the corpus)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (ru_maxrss): {rss:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
