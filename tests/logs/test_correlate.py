"""Window edges of faasguard's correlation evaluator (times chosen by hand around each edge)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from faasguard.logs.correlate import Hit, correlate
from faasguard.logs.sigma import Detector, Kind
from faasguard.model import Severity

BASE = Detector(
    id="CT900",
    name="test",
    title="test",
    description="d",
    severity=Severity.HIGH,
    response="r",
    references=(),
    tags=(),
    falsepositives=(),
    sigma_id="",
    kind=Kind.EVENT_COUNT,
    queries=("a",),
    group_by=("userIdentity.arn",),
    timespan=600,
    threshold=3,
)


def _hit(second: int, actor: str = "alice", **extra: str) -> Hit:
    moment = datetime(2026, 11, 20, 10, tzinfo=UTC) + timedelta(seconds=second)
    return {
        "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "userIdentity.arn": actor,
        **extra,
    }


def test_event_count_fires_when_first_and_last_are_exactly_timespan_apart() -> None:
    alerts = correlate(BASE, {"a": [_hit(0), _hit(300), _hit(600)]})
    assert [a.count for a in alerts] == [3]
    assert alerts[0].group == (("userIdentity.arn", "alice"),)


def test_event_count_does_not_fire_one_second_past_the_timespan() -> None:
    assert correlate(BASE, {"a": [_hit(0), _hit(300), _hit(601)]}) == []


def test_event_count_below_threshold_does_not_fire() -> None:
    assert correlate(BASE, {"a": [_hit(0), _hit(1)]}) == []


def test_event_count_groups_are_separate() -> None:
    hits = [_hit(0, "alice"), _hit(1, "bob"), _hit(2, "alice")]
    assert correlate(BASE, {"a": hits}) == []


def test_one_alert_per_burst_then_counting_restarts() -> None:
    burst = [_hit(s) for s in range(0, 10)]  # 10 events in 10 s: one alert, all absorbed
    later = [_hit(s) for s in (1200, 1201, 1202)]  # a second burst 20 minutes later
    alerts = correlate(BASE, {"a": burst + later})
    assert [a.count for a in alerts] == [10, 3]


def test_events_without_group_or_time_are_skipped() -> None:
    hits = [_hit(0), _hit(1), {"userIdentity.arn": "alice"}, {"eventTime": "2026-11-20T10:00:02Z"}]
    assert correlate(BASE, {"a": hits}) == []


VALUES = replace(BASE, kind=Kind.VALUE_COUNT, value_field="requestParameters.secretId")


def test_value_count_counts_distinct_values() -> None:
    same = [_hit(s, **{"requestParameters.secretId": "db"}) for s in range(5)]
    assert correlate(VALUES, {"a": same}) == []
    distinct = [_hit(s, **{"requestParameters.secretId": f"s{s}"}) for s in (0, 1, 600)]
    assert [a.count for a in correlate(VALUES, {"a": distinct})] == [3]
    late = [_hit(s, **{"requestParameters.secretId": f"s{s}"}) for s in (0, 1, 601)]
    assert correlate(VALUES, {"a": late}) == []


TEMPORAL = replace(BASE, kind=Kind.TEMPORAL, queries=("a", "b"), threshold=2, timespan=3600)


def test_temporal_needs_every_rule_within_the_timespan_in_any_order() -> None:
    assert len(correlate(TEMPORAL, {"a": [_hit(3600)], "b": [_hit(0)]})) == 1
    assert correlate(TEMPORAL, {"a": [_hit(3601)], "b": [_hit(0)]}) == []
    assert correlate(TEMPORAL, {"a": [_hit(0), _hit(5)], "b": []}) == []


ORDERED = replace(TEMPORAL, kind=Kind.TEMPORAL_ORDERED)


def test_temporal_ordered_needs_the_listed_order() -> None:
    assert len(correlate(ORDERED, {"a": [_hit(0)], "b": [_hit(3600)]})) == 1
    assert correlate(ORDERED, {"a": [_hit(0)], "b": [_hit(3601)]}) == []
    assert correlate(ORDERED, {"a": [_hit(10)], "b": [_hit(0)]}) == []


def test_temporal_ordered_same_second_counts_as_ordered() -> None:
    alerts = correlate(ORDERED, {"a": [_hit(7)], "b": [_hit(7)]})
    assert len(alerts) == 1
    assert (
        alerts[0].events
        == ({"eventTime": "2026-11-20T10:00:07Z", "userIdentity.arn": "alice"},) * 2
    )


def test_temporal_ordered_uses_the_latest_start() -> None:
    # a at 0 is too old for b at 4000, but the second a at 3000 starts a chain that fits
    alerts = correlate(ORDERED, {"a": [_hit(0), _hit(3000)], "b": [_hit(4000)]})
    assert len(alerts) == 1
    assert alerts[0].events[0]["eventTime"] == "2026-11-20T10:50:00Z"
