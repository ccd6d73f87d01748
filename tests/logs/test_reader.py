"""Every accepted layout reads to the same records; bad input is a problem, never a crash."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cloudtrail_events import event, write_ndjson, write_records
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.api_logs import LogOptions, detect, run_detections
from faasguard.logs.flatten import as_text, flattener
from faasguard.logs.reader import LogReadError, find_log_files, read_chunks

RECORDS = [
    event(
        "StopLogging",
        "cloudtrail.amazonaws.com",
        request={"name": "t"},
        time=f"2026-11-20T1{h}:00:00Z",
    )
    for h in range(3)
]


def _names(path: Path) -> list[str]:
    return [r["eventName"] for c in read_chunks(str(path)) for r in c.records]


def _lookup_events(records: list[dict[str, object]]) -> dict[str, object]:
    return {
        "Events": [
            {"EventId": r["eventID"], "EventName": r["eventName"], "CloudTrailEvent": json.dumps(r)}
            for r in records
        ]
    }


@pytest.mark.parametrize(
    "layout",
    [
        "records.json.gz",
        "records.json",
        "lookup.json",
        "array.json",
        "lines.ndjson",
        "lines.jsonl.gz",
    ],
)
def test_every_layout_yields_the_records(tmp_path: Path, layout: str) -> None:
    path = tmp_path / layout
    match layout:
        case "records.json.gz" | "records.json":
            write_records(path, RECORDS, gz=layout.endswith(".gz"))
        case "lookup.json":
            path.write_text(json.dumps(_lookup_events(RECORDS), indent=2))
        case "array.json":
            path.write_text(json.dumps(RECORDS, indent=1))
        case "lines.ndjson":
            write_ndjson(path, RECORDS)
        case _:
            path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in RECORDS).encode()))
    assert _names(path) == ["StopLogging"] * 3


def test_ndjson_records_know_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n\n")
    chunks = list(read_chunks(str(path), chunk_records=2))
    assert [c.lines for c in chunks] == [[1, 2], [3]]
    assert [c.first_index for c in chunks] == [0, 2]


def test_ndjson_detection_points_at_its_line(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "a.ndjson", RECORDS)
    result = detect([tmp_path], LogOptions())
    assert [(f.rule.id, f.location.line) for f in result.findings] == [
        ("CT017", 1),
        ("CT017", 2),
        ("CT017", 3),
    ]


def test_bad_file_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    write_records(tmp_path / "good.json.gz", RECORDS)
    (tmp_path / "bad.json").write_text('{"Records": [ {"eventName": ')
    (tmp_path / "notgzip.json.gz").write_bytes(b"\x1f\x8bnot really gzip")
    result = detect([tmp_path], LogOptions())
    assert sorted((f.rule.id, Path(f.location.file).name) for f in result.findings) == [
        ("CT017", "good.json.gz"),
        ("CT017", "good.json.gz"),
        ("CT017", "good.json.gz"),
        ("FG001", "bad.json"),
        ("FG001", "notgzip.json.gz"),
    ]


def test_broken_ndjson_line_keeps_the_lines_before(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text(json.dumps(RECORDS[0]) + "\n" + json.dumps(RECORDS[1]) + "\n{broken\n")
    run = run_detections([path], LogOptions())
    detections = run.detections
    problems = run.problems

    records = run.records
    assert records == 2 and len(detections) == 2
    assert [(p.line, p.message.startswith("invalid JSON")) for p in problems] == [(3, True)]


def test_since_and_until_filter_on_event_time(tmp_path: Path) -> None:
    write_records(tmp_path / "a.json.gz", RECORDS)
    options = LogOptions(
        since=datetime(2026, 11, 20, 11, tzinfo=UTC),
        until=datetime(2026, 11, 20, 11, 0, 0, tzinfo=UTC),
    )
    run = run_detections([tmp_path], options)
    detections = run.detections
    records = run.records
    assert records == 1
    assert [d.time for d in detections] == ["2026-11-20T11:00:00Z"]


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_detections([tmp_path / "nope"], LogOptions())


def test_folders_are_walked_for_log_files_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write_records(tmp_path / "sub" / "b.json.gz", RECORDS)
    write_records(tmp_path / "a.json", RECORDS, gz=False)
    (tmp_path / "README.md").write_text("x")
    found = find_log_files([tmp_path])
    assert [Path(f).name for f in found.files] == ["a.json", "b.json.gz"]


def test_flatten_keeps_exactly_the_rule_columns() -> None:
    record = event(
        "UpdateFunctionConfiguration20150331v2",
        "lambda.amazonaws.com",
        request={"functionName": "f", "layers": ["arn:x"], "publish": True, "memorySize": 512},
    )
    flatten = flattener(
        [
            "eventName",
            "requestParameters.layers",
            "requestParameters.publish",
            "requestParameters.memorySize",
            "requestParameters.missing",
            "userIdentity.type",
        ]
    )
    assert flatten(record) == {
        "eventName": "UpdateFunctionConfiguration20150331v2",
        "requestParameters.layers": '["arn:x"]',
        "requestParameters.publish": "true",
        "requestParameters.memorySize": "512",
        "userIdentity.type": "IAMUser",
    }


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(data)
        handle.flush()
        try:
            for chunk in read_chunks(handle.name):
                assert all(isinstance(r, dict) for r in chunk.records)
        except LogReadError:
            pass


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["eventName", "requestParameters", "userIdentity"]), _json))
def test_flatten_accepts_any_json_shape(record: dict[str, object]) -> None:
    row = flattener(["eventName", "requestParameters.principal", "userIdentity.arn"])(record)
    assert all(isinstance(v, str) for v in row.values())
    if isinstance(record.get("eventName"), str):
        assert row["eventName"] == record["eventName"]
    assert as_text(None) is None


def test_delivered_object_with_odd_record_falls_back_to_the_slow_path(tmp_path: Path) -> None:
    odd = event("StopLogging", "cloudtrail.amazonaws.com", request=None)
    odd["requestParameters"] = "name=t"  # a string where every other record has an object
    write_records(tmp_path / "odd.json.gz", [RECORDS[0], odd])
    write_records(tmp_path / "fine.json.gz", [RECORDS[1]])
    run = run_detections([tmp_path], LogOptions())
    detections = run.detections
    problems = run.problems

    records = run.records
    assert problems == () and records == 3
    assert sorted((Path(d.file).name, d.record) for d in detections) == [
        ("fine.json.gz", -1),  # fast path: the record number is unknown, the event id is kept
        ("odd.json.gz", 0),
        ("odd.json.gz", 1),
    ]
