"""audit_app: each function and layer with local code gets a DependencyReport; DEP rules read it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from faasguard.deps.audit import audit_app
from faasguard.deps.database import build_database
from faasguard.deps.settings import DepsSettings
from faasguard.model import App, Framework, Function, Layer, Location, RuleContext, Violation
from faasguard.rules.deps import stale_advisory_database, vulnerable_dependency

OSV = Path(__file__).parent.parent / "data" / "osv"
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("db") / "advisories.db")
    build_database(path, [str(OSV)], built_at=datetime(2026, 11, 1, tzinfo=UTC))
    return path


def _function(ident: str, code_dir: Path | None, line: int) -> Function:
    return Function(
        id=ident,
        type="AWS::Serverless::Function",
        location=Location(file="template.yaml", line=line),
        code_dir=str(code_dir) if code_dir else None,
        runtime="python3.12",
    )


def _app(tmp_path: Path) -> App:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "requirements.txt").write_text("requests==2.30.0\n", encoding="utf-8")
    (shared / "app.py").write_text("import requests\n", encoding="utf-8")
    layer_dir = tmp_path / "layer"
    (layer_dir / "nodejs").mkdir(parents=True)
    (layer_dir / "nodejs" / "package-lock.json").write_text(
        '{"name": "l", "lockfileVersion": 3, "packages": {"": {"dependencies": '
        '{"minimist": "1.2.5"}}, "node_modules/minimist": {"version": "1.2.5"}}}\n',
        encoding="utf-8",
    )
    layer = Layer(
        id="DepsLayer",
        type="AWS::Serverless::LayerVersion",
        location=Location(file="template.yaml", line=30),
        content_dir=str(layer_dir),
        compatible_runtimes=("nodejs20.x",),
    )
    return App(
        name="t",
        root=str(tmp_path),
        source="template.yaml",
        framework=Framework.SAM,
        functions=(
            _function("OneFn", shared, 10),
            _function("TwoFn", shared, 20),
            _function("S3CodeFn", None, 25),
            _function("MissingDirFn", tmp_path / "missing", 27),
        ),
        layers=(layer,),
    )


def test_functions_and_layers_with_local_code_are_audited(tmp_path: Path, db_path: str) -> None:
    app = audit_app(_app(tmp_path), DepsSettings(offline=True, db_path=db_path, today=TODAY))
    reports = {r.id: r.dependencies for r in (*app.functions, *app.layers)}
    assert reports["S3CodeFn"] is None
    assert reports["MissingDirFn"] is None
    one, layer = reports["OneFn"], reports["DepsLayer"]
    assert one is not None and layer is not None
    assert one == reports["TwoFn"]  # one code root, read once, reported on both functions
    assert [v.package.name for v in one.vulnerable] == ["requests"]
    assert one.vulnerable[0].reachable is True
    assert [a.id for a in one.vulnerable[0].advisories] == ["GHSA-j8r2-6x86-q33q"]
    assert one.source_age_days == 27
    assert "built 2026-11-01 (27 days old)" in one.source
    assert [v.package.name for v in layer.vulnerable] == ["minimist"]
    assert layer.vulnerable[0].advisories[0].fixed == "1.2.6"


def test_dep001_names_the_other_functions_that_ship_it(tmp_path: Path, db_path: str) -> None:
    app = audit_app(_app(tmp_path), DepsSettings(offline=True, db_path=db_path, today=TODAY))
    found = [r for r in vulnerable_dependency.check(app, RuleContext(today=TODAY))]
    assert all(isinstance(r, Violation) for r in found)
    by_resource = {r.resource: r for r in found if isinstance(r, Violation)}
    assert sorted(by_resource) == ["DepsLayer", "OneFn", "TwoFn"]
    assert "also shipped by: TwoFn" in by_resource["OneFn"].evidence
    assert by_resource["OneFn"].properties == (("reachable", True),)


@pytest.mark.parametrize(("max_age", "stale"), [(30, False), (26, True)])
def test_dep004_stale_database_is_reported_once(
    tmp_path: Path, db_path: str, max_age: int, stale: bool
) -> None:
    settings = DepsSettings(offline=True, db_path=db_path, today=TODAY, max_age_days=max_age)
    app = audit_app(_app(tmp_path), settings)
    found = list(stale_advisory_database.check(app, RuleContext(today=TODAY)))
    assert len(found) == (1 if stale else 0)
    if stale:
        assert isinstance(found[0], Violation)
        assert found[0].resource == "OneFn"  # the first audited resource in the template
        assert "27 days old (limit 26 days)" in found[0].message


def test_a_damaged_database_is_reported_not_raised(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    app = audit_app(_app(tmp_path), DepsSettings(offline=True, db_path=str(broken), today=TODAY))
    report = app.functions[0].dependencies
    assert report is not None
    assert not report.source_available
    assert report.vulnerable == ()
    assert report.packages  # packages are still listed (and DEP002/DEP003 still work)
