"""Every rule against its vulnerable and fixed fixtures, through the public scan API.

Layout: tests/fixtures/rules/<ID>/<framework>/{vulnerable,fixed}/..., the offending lines of the
vulnerable app ending in ``# expect: <ID>``. The set of (file, line) the rule reports must equal the
annotated set exactly; the fixed app must not trigger the rule at all.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from faasguard.api import ScanOptions, scan
from faasguard.deps.database import build_database
from faasguard.deps.settings import DepsSettings
from faasguard.model import RuleInfo
from faasguard.rules import builtin_rules

RULE_FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
TODAY = date(2026, 11, 28)
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9_,\s-]+)$")
#: DEP rules audit offline against a database built from these records (real advisory facts)
OSV_RECORDS = Path(__file__).parent.parent / "data" / "osv"


@functools.cache
def _advisory_db(age_days: int) -> str:
    """An offline advisory database built ``age_days`` before TODAY (removed at exit)."""
    folder = tempfile.mkdtemp(prefix="faasguard-osv-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    built = datetime.combine(TODAY - timedelta(days=age_days), time(12), tzinfo=UTC)
    path = str(Path(folder) / "advisories.db")
    build_database(path, [str(OSV_RECORDS)], built_at=built)
    return path


def _deps_settings(directory: Path, rule_id: str) -> DepsSettings | None:
    """DEP fixtures scan with the offline test database; ``advisory-db-age-days`` ages it."""
    if not rule_id.startswith("DEP"):
        return None
    age_file = directory / "advisory-db-age-days"
    age = int(age_file.read_text(encoding="utf-8")) if age_file.is_file() else 0
    return DepsSettings(offline=True, db_path=_advisory_db(age), today=TODAY)


def _frameworks(info: RuleInfo) -> list[str]:
    """What the rule claims, plus every framework folder its fixtures hold."""
    claimed = {fw.value for fw in info.frameworks}
    folder = RULE_FIXTURES / info.id
    present = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    return sorted(claimed | present)


CASES = [
    pytest.param(r.info, fw, id=f"{r.info.id}-{fw}")
    for r in builtin_rules()
    for fw in _frameworks(r.info)
]


def expected_lines(directory: Path, rule_id: str) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match and rule_id in {x.strip() for x in match.group(1).split(",")}:
                found.add((path.relative_to(directory).as_posix(), number))
    return found


def reported_lines(directory: Path, rule_id: str) -> set[tuple[str, int]]:
    options = ScanOptions(
        today=TODAY,
        select=frozenset({rule_id}),
        plugins=False,
        deps=_deps_settings(directory, rule_id),
    )
    result = scan([str(directory)], options)
    crashes = [f.message for f in result.findings if f.rule.id == "FG003"]
    assert not crashes, crashes
    prefix = str(directory).rstrip("/") + "/"
    return {
        (f.location.file.removeprefix(prefix), f.location.line)
        for f in result.findings
        if f.rule.id == rule_id
    }


@pytest.mark.parametrize(("info", "framework"), CASES)
def test_vulnerable_fixture_reports_exactly_the_annotated_lines(
    info: RuleInfo, framework: str
) -> None:
    directory = RULE_FIXTURES / info.id / framework / "vulnerable"
    assert directory.is_dir(), f"{info.id} claims {framework} but has no fixture at {directory}"
    expected = expected_lines(directory, info.id)
    assert expected, f"{directory} has no '# expect: {info.id}' annotation"
    assert reported_lines(directory, info.id) == expected


@pytest.mark.parametrize(("info", "framework"), CASES)
def test_fixed_fixture_is_clean(info: RuleInfo, framework: str) -> None:
    directory = RULE_FIXTURES / info.id / framework / "fixed"
    assert directory.is_dir(), f"{info.id} claims {framework} but has no fixture at {directory}"
    assert not expected_lines(directory, info.id), "fixed fixtures carry no expect annotations"
    assert reported_lines(directory, info.id) == set()


def test_every_fixture_folder_belongs_to_a_rule() -> None:
    known = {r.info.id for r in builtin_rules()}
    if not RULE_FIXTURES.is_dir():
        pytest.skip("no rule fixtures yet")
    orphans = sorted(p.name for p in RULE_FIXTURES.iterdir() if p.name not in known)
    assert not orphans, f"fixtures for unknown rules: {orphans}"


def test_each_rule_claims_exactly_the_frameworks_its_fixtures_cover() -> None:
    """The docs list a rule's frameworks from its metadata: it must not claim an untested one."""
    mismatched = {
        r.info.id: (sorted(f.value for f in r.info.frameworks), present)
        for r in builtin_rules()
        if sorted(f.value for f in r.info.frameworks)
        != (present := sorted(p.name for p in (RULE_FIXTURES / r.info.id).iterdir() if p.is_dir()))
    }
    assert not mismatched, mismatched
