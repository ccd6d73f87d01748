"""The OSV matcher against the spec and every trap of the research notes (A.1c, P1-P20).

Records come from tests/data/osv (published advisory facts) or are written inline when a trap
needs a shape no real specimen has. Expected answers were checked by hand against the advisories.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faasguard.deps.grouping import advisories_for, group_aliases
from faasguard.deps.osv import Record, RecordError, affects, match, parse_record

OSV = Path(__file__).parent.parent / "data" / "osv"


def load(ident: str) -> Record:
    return parse_record(json.loads((OSV / f"{ident}.json").read_text(encoding="utf-8")))


def record(ranges: list[dict[str, Any]], versions: list[str] | None = None, **extra: Any) -> Record:
    affected: dict[str, Any] = {"package": {"ecosystem": "PyPI", "name": "demo"}, "ranges": ranges}
    if versions is not None:
        affected["versions"] = versions
    return parse_record({"id": "TEST-1", "affected": [affected], **extra})


def eco(*events: dict[str, str], kind: str = "ECOSYSTEM") -> dict[str, Any]:
    return {"type": kind, "events": list(events)}


def hit(rec: Record, version: str, name: str = "demo", ecosystem: str = "PyPI") -> bool:
    return match(rec, ecosystem, name, version) is not None


# --- P1: unsorted events -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "affected"),
    [("2.0.3", True), ("1.26.5", True), ("2.0.6", False), ("1.26.17", False), ("2.1.0", False)],
)
def test_p1_unsorted_events_are_sorted_before_walking(version: str, affected: bool) -> None:
    urllib3 = load("PYSEC-2023-192")  # stores introduced 2.0.0, fixed 2.0.6, introduced 0, ...
    assert hit(urllib3, version, "urllib3") is affected


_point = st.tuples(st.integers(0, 6), st.integers(0, 6))
_v = _point.map(lambda t: f"{t[0]}.{t[1]}")


@given(st.lists(_point, min_size=2, max_size=6, unique=True), _v, st.randoms())
def test_p1_event_order_never_changes_the_answer(
    points: list[tuple[int, int]], version: str, rnd: random.Random
) -> None:
    # disjoint [introduced, fixed) intervals from sorted boundaries; answer known independently
    bounds = sorted(points)[: len(points) // 2 * 2]
    intervals = list(zip(bounds[::2], bounds[1::2], strict=True))
    events = [
        e
        for lo, hi in intervals
        for e in ({"introduced": f"{lo[0]}.{lo[1]}"}, {"fixed": f"{hi[0]}.{hi[1]}"})
    ]
    v = tuple(map(int, version.split(".")))
    expected = any(lo <= v < hi for lo, hi in intervals)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert hit(record([eco(*events)]), version) is expected
    assert hit(record([eco(*shuffled)]), version) is expected


def test_adjacent_ranges_join_whatever_the_event_order() -> None:
    events = [{"introduced": "0.1"}, {"fixed": "0.1"}, {"introduced": "0.0"}, {"fixed": "1.0"}]
    assert hit(record([eco(*events)]), "0.1")


# --- P2: GIT range first -------------------------------------------------------------------


def test_p2_git_range_first_does_not_stop_the_ecosystem_range() -> None:
    requests = load("PYSEC-2023-74")  # GIT range, then ECOSYSTEM [2.3.0, 2.31.0)
    assert hit(requests, "2.30.0", "requests")
    assert not hit(requests, "2.2.1", "requests")  # below the non-zero introduced
    assert not hit(requests, "2.31.0", "requests")


def test_p2_git_only_record_matches_listed_versions() -> None:
    git = eco({"introduced": "0"}, {"fixed": "abc123"}, kind="GIT")
    rec = record([git], versions=["1.0", "1.1"])
    assert hit(rec, "1.1")
    assert not hit(rec, "1.2")


# --- P3, P4, P9: explicit versions compared as parsed versions --------------------------------


def test_p3_listed_versions_are_compared_parsed_not_as_strings() -> None:
    rec = record([], versions=["3.01", "5.1b1", "1.0-1", "weird-version"])
    assert hit(rec, "3.1")  # 3.01 == 3.1 in PEP 440
    assert hit(rec, "5.1.0b1")
    assert hit(rec, "1.0.post1")  # P9: implicit post release
    assert hit(rec, "weird-version")  # not PEP 440: string equality still works
    assert not hit(rec, "3.10")


def test_p4_prerelease_listed_outside_the_range_is_affected() -> None:
    # PYSEC-2023-61 (django) lists 3.2a1 although the range [3.2, 3.2.19) excludes it
    rec = record([eco({"introduced": "3.2"}, {"fixed": "3.2.19"})], versions=["3.2a1"])
    assert hit(rec, "3.2a1")
    assert not hit(rec, "3.2b1")  # neither listed nor in the range (3.2b1 < 3.2)
    assert hit(rec, "3.2.18")


# --- P5: open-ended ranges; P6: last_affected; limit ----------------------------------------


def test_p5_open_ended_range_matches_per_spec_and_notes_the_ignored_bound() -> None:
    canary = load("TEST-OPEN-ENDED-1")
    found = match(canary, "npm", "faasguard-test-canary", "16.0.0")
    assert found is not None
    assert any("< 15.5.5" in note for note in found.notes)
    assert not hit(canary, "15.5.0", "faasguard-test-canary", "npm")
    assert hit(canary, "15.5.1-canary.0", "faasguard-test-canary", "npm")


@pytest.mark.parametrize(("version", "affected"), [("1.3.0", True), ("1.3.1", False)])
def test_p6_last_affected_is_inclusive(version: str, affected: bool) -> None:
    rec = load("TEST-LAST-AFFECTED-1")
    assert hit(rec, version, "@faasguard-test/last-affected", "npm") is affected
    assert not hit(rec, "0.9.9", "@faasguard-test/last-affected", "npm")


def test_limit_caps_the_range_and_star_is_unbounded() -> None:
    capped = record([eco({"introduced": "0"}, {"limit": "2.0"})])
    assert hit(capped, "1.9")
    assert not hit(capped, "2.0")
    assert not hit(capped, "3.0")
    unbounded = record([eco({"introduced": "1.0"}, {"limit": "*"})])
    assert hit(unbounded, "99.0")
    assert not hit(unbounded, "0.9")


# --- P7: withdrawn ------------------------------------------------------------------------


def test_p7_withdrawn_records_never_match() -> None:
    withdrawn = load("TEST-WITHDRAWN-1")
    assert withdrawn.withdrawn
    assert not hit(withdrawn, "2.0.0", "requests")


# --- P8: aliases merged transitively; names normalised --------------------------------------


def test_p8_alias_twins_with_different_name_spellings_are_one_advisory() -> None:
    records = [load("GHSA-8q59-q68h-6hv4"), load("PYSEC-2021-142")]  # "PyYAML" and "pyyaml"
    advisories, _ = advisories_for(records, "PyPI", "PyYAML", "5.3.1")
    assert len(advisories) == 1
    (one,) = advisories
    assert one.id == "GHSA-8q59-q68h-6hv4"
    assert set(one.aliases) == {"CVE-2020-14343", "PYSEC-2021-142"}
    assert one.fixed == "5.4"
    assert one.score == 9.8


def test_p8_grouping_is_transitive_through_an_id_no_record_carries() -> None:
    def rec(ident: str, aliases: list[str]) -> Record:
        return parse_record(
            {
                "id": ident,
                "aliases": aliases,
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "demo"},
                        "ranges": [eco({"introduced": "0"})],
                    }
                ],
            }
        )

    found = [rec("A-1", ["CVE-1"]), rec("B-1", ["CVE-1", "X-9"]), rec("C-1", ["X-9"])]
    matches = [m for r in found if (m := match(r, "PyPI", "demo", "1.0")) is not None]
    assert [[m.record.id for m in g] for g in group_aliases(matches)] == [["A-1", "B-1", "C-1"]]
    assert len(advisories_for(found, "PyPI", "demo", "1.0")[0]) == 1


def test_p8_query_name_is_normalised_too() -> None:
    assert hit(load("GHSA-8q59-q68h-6hv4"), "5.3.1", "pyyaml")
    assert hit(load("PYSEC-2021-142"), "5.3.1", "PyYAML")
    assert not hit(load("GHSA-35jh-r3h4-6jhm"), "4.17.20", "Lodash", "npm")  # npm: as written


# --- P10, P11: pre-releases by precedence --------------------------------------------------


def test_p10_pypi_prerelease_of_the_fix_is_affected() -> None:
    assert hit(load("GHSA-8q59-q68h-6hv4"), "5.4b2", "pyyaml")
    assert not hit(load("GHSA-8q59-q68h-6hv4"), "5.4", "pyyaml")


def test_p11_npm_prerelease_of_the_fix_is_affected() -> None:
    lodash = load("GHSA-35jh-r3h4-6jhm")
    assert hit(lodash, "4.17.21-rc.1", "lodash", "npm")
    assert hit(lodash, "4.17.20", "lodash", "npm")
    assert not hit(lodash, "4.17.21", "lodash", "npm")


@pytest.mark.parametrize(
    ("version", "affected"),
    [("0.2.3", True), ("0.2.4", False), ("1.0.0", True), ("1.2.5", True), ("1.2.6", False)],
)
def test_several_affected_entries_each_count(version: str, affected: bool) -> None:
    assert hit(load("GHSA-xvch-5gv4-984h"), version, "minimist", "npm") is affected


# --- P20: branch-aware fix -----------------------------------------------------------------


@pytest.mark.parametrize(("version", "fix"), [("2.0.3", "2.0.6"), ("1.26.5", "1.26.17")])
def test_p20_fix_is_the_nearest_on_the_installed_branch(version: str, fix: str) -> None:
    found = match(load("PYSEC-2023-192"), "PyPI", "urllib3", version)
    assert found is not None
    assert found.fixed == fix


def test_fix_skips_a_fixed_version_that_another_range_still_affects() -> None:
    rec = record(
        [eco({"introduced": "0"}, {"fixed": "1.2"}), eco({"introduced": "1.2"}, {"fixed": "1.5"})]
    )
    found = match(rec, "PyPI", "demo", "1.0")
    assert found is not None
    assert found.fixed == "1.5"


def test_no_fix_when_the_range_is_open() -> None:
    found = match(load("MAL-2099-0001"), "PyPI", "faasguard-test-evil", "1.0.0")
    assert found is not None
    assert found.fixed is None


# --- severity ------------------------------------------------------------------------------


def test_severity_is_the_highest_scored_vector_else_the_database_label() -> None:
    requests = [load("GHSA-j8r2-6x86-q33q"), load("PYSEC-2023-74")]
    (adv,) = advisories_for(requests, "PyPI", "requests", "2.30.0")[0]
    assert adv.score == 6.1
    assert adv.severity_label == "MODERATE"
    v4_only = record(
        [eco({"introduced": "0"})],
        severity=[{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H"}],
        database_specific={"severity": "HIGH"},
    )
    (adv,) = advisories_for([v4_only], "PyPI", "demo", "1.0")[0]
    assert adv.score is None  # CVSS v4 is not scored here
    assert adv.severity_label == "HIGH"
    assert adv.vector.startswith("CVSS:4.0/")


# --- robustness ----------------------------------------------------------------------------


def test_unsupported_major_schema_version_is_refused() -> None:
    with pytest.raises(RecordError):
        parse_record({"id": "X-1", "schema_version": "2.0.0"})
    with pytest.raises(RecordError):
        parse_record({"affected": []})


def test_unparseable_installed_version_matches_listed_strings_only() -> None:
    rec = record([eco({"introduced": "0"})], versions=["custom-build"])
    found = match(rec, "PyPI", "demo", "custom-build")
    assert found is not None
    assert any("not a valid version" in n for n in found.notes)
    assert not hit(rec, "other-build")


def test_other_ecosystems_and_names_do_not_match() -> None:
    yaml_rec = load("GHSA-8q59-q68h-6hv4")
    assert not hit(yaml_rec, "5.3.1", "pyyaml", "npm")
    assert not hit(yaml_rec, "5.3.1", "ruamel-yaml")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@given(_json, st.text(max_size=10))
def test_garbage_records_never_crash_the_matcher(raw: object, version: str) -> None:
    data = {"id": "G-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "g"}, "x": raw}]}
    for candidate in (raw, data, {"id": "G-2", "affected": raw}):
        try:
            rec = parse_record(candidate)
        except RecordError:
            continue
        match(rec, "PyPI", "g", version)
        for entry in rec.affected:
            affects(entry, version)
