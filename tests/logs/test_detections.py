"""Each detection fires on its positive fixture (reporting the right event) and not on its
negative one; the catalog, the rule files and the two SQL engines are checked too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from cloudtrail_events import Record, write_ndjson, write_records
from detection_cases import DEPLOY, NEGATIVE, POSITIVE

from faasguard.api_logs import LogOptions, run_detections
from faasguard.logs.engine import evaluate_files, query_sqlite
from faasguard.logs.flatten import flattener
from faasguard.logs.sigma import builtin_ruleset, rule_texts

RULESET = builtin_ruleset()
IDS = [d.id for d in RULESET.detectors]


def _fired(tmp_path: Path, records: list[Record]) -> dict[str, set[str]]:
    write_records(tmp_path / "111122223333_CloudTrail_eu-west-1_20261120T1000Z_a.json.gz", records)
    run = run_detections([tmp_path], LogOptions(deploy_principals=DEPLOY))
    detections = run.detections
    problems = run.problems
    assert problems == ()
    fired: dict[str, set[str]] = {}
    for d in detections:
        fired.setdefault(d.detector.id, set()).add(d.event_id)
    return fired


def test_catalog_has_at_least_20_detections_each_with_both_fixtures() -> None:
    assert len(IDS) >= 20
    assert sorted(POSITIVE) == IDS
    assert sorted(NEGATIVE) == IDS


@pytest.mark.parametrize("rule_id", IDS)
def test_positive_fixture_fires(tmp_path: Path, rule_id: str) -> None:
    records, expected = POSITIVE[rule_id]()
    assert _fired(tmp_path, records).get(rule_id) == {expected}


@pytest.mark.parametrize("rule_id", IDS)
def test_negative_fixture_stays_quiet(tmp_path: Path, rule_id: str) -> None:
    records, _ = NEGATIVE[rule_id]()
    assert rule_id not in _fired(tmp_path, records)


def test_no_deploy_principals_means_role_changes_are_reported(tmp_path: Path) -> None:
    records, _ = NEGATIVE["CT006"]()  # a change by the deploy role
    write_records(tmp_path / "a.json.gz", records)
    run = run_detections([tmp_path], LogOptions())
    detections = run.detections
    assert [d.detector.id for d in detections] == ["CT006"]


def test_lowercase_event_names_match_on_both_engines(tmp_path: Path) -> None:
    records, expected = POSITIVE["CT001"]()
    records[0]["eventName"] = "addpermission20150331v2"
    records[0]["eventSource"] = "LAMBDA.amazonaws.com"
    assert _fired(tmp_path, records)["CT001"] == {expected}


def _all_fixture_records() -> list[Record]:
    records: list[Record] = []
    for cases in (POSITIVE, NEGATIVE):
        for case in cases.values():
            records.extend(case()[0])
    # case variants: Sigma matching is case-insensitive on every engine
    variant = POSITIVE["CT005"]()[0][0]
    variant["requestParameters"]["authType"] = "none"
    variant["eventName"] = "CREATEFUNCTIONURLCONFIG20211031"
    return [*records, variant]


def _comparable(hits: dict[str, list[dict[str, str | int]]]) -> dict[str, list[dict[str, str]]]:
    """Hits without the bookkeeping columns, in eventID order: every column value must agree."""
    return {
        name: sorted(
            ({k: str(v) for k, v in h.items() if not k.startswith("_")} for h in rows),
            key=lambda h: sorted(h.items()),
        )
        for name, rows in hits.items()
    }


@pytest.mark.parametrize("layout", ["delivered.json.gz", "lines.ndjson"])
def test_duckdb_and_sqlite_return_the_same_hits(tmp_path: Path, layout: str) -> None:
    """DuckDB (fast struct path for delivered objects, Python-flattened rows for NDJSON) and
    SQLite over Python-flattened rows give identical hits, column for column."""
    records = _all_fixture_records()
    path = tmp_path / layout
    if layout.endswith(".gz"):
        write_records(path, records)
    else:
        write_ndjson(path, records)
    duck = _comparable(evaluate_files([str(path)], RULESET).hits)
    flatten = flattener(RULESET.fields)
    rows: list[dict[str, str | int]] = [
        {**flatten(r), "_file": 0, "_record": i, "_line": 0} for i, r in enumerate(records)
    ]
    lite = _comparable(query_sqlite(rows, RULESET))
    # queries read only by correlations come back with just their window columns
    narrow = {
        name: sorted(({k: h[k] for k in d[0]} for h in lite[name]), key=lambda h: sorted(h.items()))
        for name, d in duck.items()
        if d and "eventID" not in d[0]
    }
    assert duck == {**lite, **narrow}
    assert len(duck["faasguard_access_denied"]) == 10 + 9 + 2  # CT016 cases, CT001/CT022 denied
    expected = sorted(
        str(r["eventID"])
        for r in records
        if str(r["eventName"]).lower().startswith("createfunctionurlconfig")
        and str(r["requestParameters"]["authType"]).upper() == "NONE"
    )
    assert [h["eventID"] for h in duck["CT005"]] == expected  # positive + case variant
    assert len(expected) == 2


_UNESCAPED_STAR = re.compile(r"(?<!\\)[*?]")


def _values(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for item in node.values() for v in _values(item)]
    if isinstance(node, list):
        return [v for item in node for v in _values(item)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize("name_text", rule_texts(), ids=lambda t: t[0])
def test_rule_values_have_no_accidental_wildcards(name_text: tuple[str, str]) -> None:
    """Sigma reads ``*`` and ``?`` as wildcards: a literal must be escaped (``'\\*'``). The only
    deliberate wildcard is the 12-character account-id pattern."""
    for doc in yaml.safe_load_all(name_text[1]):
        for detection_name, detection in (doc.get("detection") or {}).items():
            if detection_name == "condition":
                continue
            for value in _values(detection):
                if value == "?" * 12:
                    continue
                assert not _UNESCAPED_STAR.search(value), (name_text[0], value)


@pytest.mark.parametrize("detector", RULESET.detectors, ids=lambda d: d.id)
def test_detection_metadata(detector: object) -> None:
    from faasguard.logs.sigma import Detector

    assert isinstance(detector, Detector)
    assert re.fullmatch(r"CT\d{3}", detector.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", detector.name)
    assert f"faasguard.{detector.id.lower()}" in detector.tags
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", detector.sigma_id
    )
    assert detector.description and detector.response and detector.falsepositives
    assert any("docs.aws.amazon.com" in r for r in detector.references)
    assert any("attack.mitre.org" in r for r in detector.references)
