"""faasguard's own evaluation of Sigma correlation rules over base-rule hits.

Backends disagree on correlations (sliding vs tumbling windows, windows ignored, none at all), so
faasguard evaluates them itself, the same way over a local table or over hits exported from a
large engine. Semantics, per group (the ``group-by`` values; an event missing one is skipped):

- windows are closed: events at ``t`` and ``t + timespan`` are in the same window;
- ``event_count``: an alert at the first event where the window ending there holds at least
  ``threshold`` events; ``value_count``: the same with distinct values of the condition field;
- ``temporal``: every referenced rule has a hit in the window ending at the event;
- ``temporal_ordered``: hits of the rules in the listed order, first to last within ``timespan``
  (events of the same second count as ordered);
- one alert per burst: after an alert, events up to ``timespan`` after the alert's event join it,
  then counting starts afresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from faasguard.logs.sigma import Detector, Kind

Hit = Mapping[str, str | int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Correlated:
    """One correlation alert: the group, the events that made it, and the count that fired."""

    detector: Detector
    group: tuple[tuple[str, str], ...]
    events: tuple[Hit, ...]
    count: int


@dataclass(frozen=True, slots=True)
class _Event:
    time: float
    stage: int  # index of the rule in the correlation's list
    hit: Hit


def _seconds(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _groups(
    detector: Detector, hits: Mapping[str, Sequence[Hit]]
) -> dict[tuple[str, ...], list[_Event]]:
    groups: dict[tuple[str, ...], list[_Event]] = {}
    fields = detector.group_by
    # CloudTrail times have second resolution, so many events share one: parse each text once
    moments: dict[object, float | None] = {}
    for stage, name in enumerate(detector.queries):
        for hit in hits.get(name, ()):
            key = tuple([str(hit.get(f, "")) for f in fields])
            if not all(key):
                continue
            text = hit.get("eventTime")
            if text in moments:
                moment = moments[text]
            else:
                moment = moments[text] = _seconds(text)
            if moment is None:
                continue
            groups.setdefault(key, []).append(_Event(moment, stage, hit))
    for events in groups.values():
        events.sort(key=lambda e: (e.time, e.stage))
    return groups


def _measure(detector: Detector, window: Sequence[_Event]) -> int:
    if detector.kind is Kind.VALUE_COUNT:
        return len({str(e.hit[detector.value_field]) for e in window})
    if detector.kind is Kind.TEMPORAL:
        return len({e.stage for e in window})
    return len(window)


def _measure_span(detector: Detector, events: Sequence[_Event], start: int, stop: int) -> int:
    """``_measure`` of ``events[start:stop]``; an event count needs no copy of the window."""
    if detector.kind is Kind.EVENT_COUNT:
        return stop - start
    return _measure(detector, events[start:stop])


def _windowed(detector: Detector, events: Sequence[_Event]) -> list[list[_Event]]:
    """Alerts of the counting kinds (event_count, value_count, temporal)."""
    if detector.kind is Kind.VALUE_COUNT:
        events = [e for e in events if e.hit.get(detector.value_field) is not None]
    alerts: list[list[_Event]] = []
    start = 0
    index = 0
    while index < len(events):
        now = events[index].time
        while events[start].time < now - detector.timespan:
            start += 1
        if _measure_span(detector, events, start, index + 1) < detector.threshold:
            index += 1
            continue
        window = list(events[start : index + 1])
        index += 1
        while index < len(events) and events[index].time <= now + detector.timespan:
            window.append(events[index])
            index += 1
        alerts.append(window)
        start = index
    return alerts


def _ordered(detector: Detector, events: Sequence[_Event]) -> list[list[_Event]]:
    """Alerts of ``temporal_ordered``: a chain stage 0 -> 1 -> ... within the timespan."""
    last = len(detector.queries) - 1
    alerts: list[list[_Event]] = []
    # chains[k]: the chain (events) that completed stages 0..k with the latest start so far
    chains: list[list[_Event] | None] = [None] * (last + 1)
    for event in events:
        if event.stage == 0:
            chains[0] = [event]
        else:
            before = chains[event.stage - 1]
            if before is None or event.time - before[0].time > detector.timespan:
                continue
            chains[event.stage] = [*before, event]
        done = chains[last]
        if done is not None:
            alerts.append(done)
            chains = [None] * (last + 1)
    return alerts


def correlate(detector: Detector, hits: Mapping[str, Sequence[Hit]]) -> list[Correlated]:
    """The alerts of one correlation detector over the hits of its base queries."""
    found: list[Correlated] = []
    for key, events in sorted(_groups(detector, hits).items()):
        if detector.kind is Kind.TEMPORAL_ORDERED:
            alerts = _ordered(detector, events)
        else:
            alerts = _windowed(detector, events)
        for window in alerts:
            found.append(
                Correlated(
                    detector=detector,
                    group=tuple(zip(detector.group_by, key, strict=True)),
                    events=tuple(e.hit for e in window),
                    count=_measure(detector, window),
                )
            )
    return found
