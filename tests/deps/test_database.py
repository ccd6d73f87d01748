"""The local advisory database: built from export zips or record folders, streamed and bounded."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps import database
from faasguard.deps.database import AdvisoryDatabase, DatabaseError, build_database
from faasguard.deps.grouping import advisories_for

OSV = Path(__file__).parent.parent / "data" / "osv"
BUILT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def export_zip(tmp_path: Path, ecosystem: str) -> Path:
    """An ``<Ecosystem>/all.zip`` in the osv.dev export layout, from the test records."""
    target = tmp_path / ecosystem / "all.zip"
    target.parent.mkdir(parents=True)
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(OSV.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if any(a["package"]["ecosystem"] == ecosystem for a in data.get("affected", [])):
                archive.writestr(path.name, json.dumps(data))
    return target


def test_build_from_export_zip_and_query_by_normalised_name(tmp_path: Path) -> None:
    db_path = str(tmp_path / "adv.db")
    report = build_database(db_path, [str(export_zip(tmp_path, "PyPI"))], built_at=BUILT)
    assert report.withdrawn == 1  # TEST-WITHDRAWN-1 is dropped at ingest
    assert report.skipped == 0
    # GHSA-8q59, PYSEC-2021-142, GHSA-j8r2, PYSEC-2023-74, PYSEC-2023-192, MAL-2099-0001
    assert report.info.records == 6
    assert report.info.ecosystems == ("PyPI",)
    assert report.info.built_at == BUILT
    with AdvisoryDatabase(db_path) as db:
        found = db.records_for([("PyPI", "PyYAML"), ("PyPI", "requests"), ("npm", "lodash")])
    assert [r.id for r in found[("PyPI", "PyYAML")]] == ["GHSA-8q59-q68h-6hv4", "PYSEC-2021-142"]
    assert [r.id for r in found[("PyPI", "requests")]] == ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    assert found[("npm", "lodash")] == ()


def test_build_from_folder_with_ecosystem_filter(tmp_path: Path) -> None:
    db_path = str(tmp_path / "adv.db")
    report = build_database(db_path, [str(OSV)], built_at=BUILT, ecosystems=["npm"])
    assert report.info.ecosystems == ("npm",)
    with AdvisoryDatabase(db_path) as db:
        found = db.records_for([("npm", "minimist"), ("PyPI", "pyyaml")])
    assert [r.id for r in found[("npm", "minimist")]] == ["GHSA-xvch-5gv4-984h"]
    assert found[("PyPI", "pyyaml")] == ()


PYPA_YAML = """\
id: PYSEC-0000-1
modified: 2024-01-01T00:00:00Z
aliases:
- CVE-0000-0001
affected:
- package:
    name: Demo_Pkg
    ecosystem: PyPI
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "0"
    - fixed: 1.10
  versions:
  - 1.9
  - 1.20
"""


def test_pypa_yaml_layout_keeps_versions_as_written(tmp_path: Path) -> None:
    # unquoted 1.10 would be the float 1.1 to a YAML 1.1 resolver: it must stay "1.10"
    folder = tmp_path / "vulns" / "demo-pkg"
    folder.mkdir(parents=True)
    (folder / "PYSEC-0000-1.yaml").write_text(PYPA_YAML, encoding="utf-8")
    db_path = str(tmp_path / "adv.db")
    build_database(db_path, [str(tmp_path / "vulns")], built_at=BUILT)
    with AdvisoryDatabase(db_path) as db:
        records = db.records_for([("PyPI", "demo-pkg")])[("PyPI", "demo-pkg")]
    (record,) = records
    assert record.affected[0].versions == ("1.9", "1.20")
    assert record.affected[0].ranges[0].events[1].version == "1.10"
    assert advisories_for(records, "PyPI", "demo-pkg", "1.9.5")[0]  # < 1.10
    assert not advisories_for(records, "PyPI", "demo-pkg", "1.10")[0]


def test_bad_records_are_reported_and_the_rest_is_built(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "future.json").write_text('{"id": "X-1", "schema_version": "2.0"}', "utf-8")
    (folder / "noid.yaml").write_text("affected: []\n", encoding="utf-8")
    (folder / "good.json").write_bytes((OSV / "GHSA-35jh-r3h4-6jhm.json").read_bytes())
    report = build_database(str(tmp_path / "adv.db"), [str(folder)], built_at=BUILT)
    assert report.skipped == 3
    assert report.info.records == 1
    assert any("broken.json" in p for p in report.problems)
    assert any("unsupported OSV schema_version" in p for p in report.problems)


def test_oversized_zip_member_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = export_zip(tmp_path, "npm")
    monkeypatch.setattr(database, "MAX_RECORD_BYTES", 400)
    report = build_database(str(tmp_path / "adv.db"), [str(archive)], built_at=BUILT)
    assert report.skipped >= 1
    assert any("larger than 400 bytes" in p for p in report.problems)


def test_rebuild_replaces_atomically_and_newest_modified_wins(tmp_path: Path) -> None:
    old = json.loads((OSV / "GHSA-35jh-r3h4-6jhm.json").read_text(encoding="utf-8"))
    new = dict(old, modified="2030-01-01T00:00:00Z", summary="newer text")
    older_dir, newer_dir = tmp_path / "a", tmp_path / "b"
    for folder, rec in ((older_dir, old), (newer_dir, new)):
        folder.mkdir()
        (folder / "r.json").write_text(json.dumps(rec), encoding="utf-8")
    db_path = str(tmp_path / "adv.db")
    build_database(db_path, [str(newer_dir), str(older_dir)], built_at=BUILT)
    with AdvisoryDatabase(db_path) as db:
        (record,) = db.records_for([("npm", "lodash")])[("npm", "lodash")]
    assert record.summary == "newer text"
    build_database(db_path, [str(older_dir)], built_at=BUILT)
    with AdvisoryDatabase(db_path) as db:
        (record,) = db.records_for([("npm", "lodash")])[("npm", "lodash")]
    assert record.summary == "Command Injection in lodash"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".faasguard-db-")] == []


def test_missing_or_foreign_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="faasguard db update"):
        AdvisoryDatabase(str(tmp_path / "none.db"))
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(DatabaseError, match="not a faasguard advisory database"):
        AdvisoryDatabase(str(other))
    text = tmp_path / "text.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(DatabaseError):
        AdvisoryDatabase(str(text))


def test_unknown_source_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    report = build_database(
        str(tmp_path / "adv.db"), [str(tmp_path / "missing.zip")], built_at=BUILT
    )
    assert report.info.records == 0
    assert report.problems and "not an OSV export zip" in report.problems[0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=200), min_size=1, max_size=4))
def test_garbage_members_never_crash_a_build(members: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "all.zip"
        with zipfile.ZipFile(archive, "w") as out:
            for number, data in enumerate(members):
                out.writestr(f"R-{number}.json" if number % 2 else f"R-{number}.yaml", data)
        report = build_database(str(Path(folder) / "adv.db"), [str(archive)], built_at=BUILT)
        assert report.info.records + report.skipped <= len(members)
