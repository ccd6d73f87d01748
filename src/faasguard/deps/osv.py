"""OSV records (https://ossf.github.io/osv-schema/) and the matcher, exactly per the spec.

A version is affected by an ``affected[]`` entry when it lies in one of its ECOSYSTEM/SEMVER ranges
(events walked **sorted**, ``introduced: "0"`` first; ``fixed`` excludes, ``last_affected``
includes, ``limit`` caps) or equals one of its explicit ``versions`` as a parsed version. GIT ranges
need the repository graph: they are skipped, and the record's other ranges still count. Withdrawn
records are never reported. Aliases group records transitively: one vulnerability, one Advisory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard

from packaging.version import Version

from faasguard.deps.versions import (
    Parsed,
    Scheme,
    base_ecosystem,
    compare,
    normalise_name,
    parse,
    scheme_for,
)

_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")


class RecordError(ValueError):
    """A record that is not OSV (or of an unsupported major schema version)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Range:
    type: str  # ECOSYSTEM | SEMVER | GIT
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Affected:
    ecosystem: str
    name: str  # normalised
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # per-package (type, vector); exclusive with top
    #: GHSA's ``database_specific.last_known_affected_version_range``: not evaluated (spec), noted
    last_known_affected: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    id: str
    modified: str = ""
    aliases: tuple[str, ...] = ()
    summary: str = ""
    severity: tuple[tuple[str, str], ...] = ()  # (type, vector)
    affected: tuple[Affected, ...] = ()
    withdrawn: str = ""
    #: GHSA's LOW / MODERATE / HIGH / CRITICAL, used when no vector can be scored
    database_severity: str = ""
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """One record that affects one installed version."""

    record: Record
    #: the smallest fixed version above the installed one that this record does not affect
    fixed: str | None
    notes: tuple[str, ...] = ()


# --- reading ---------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _severity(items: object) -> tuple[tuple[str, str], ...]:
    pairs = ((_text(_dict(s).get("type")), _text(_dict(s).get("score"))) for s in _list(items))
    return tuple((t, v) for t, v in pairs if t and v)


def _range(raw: Mapping[str, Any]) -> Range:
    events: list[Event] = []
    for item in _list(raw.get("events")):
        for kind, value in _dict(item).items():
            if kind in _EVENT_KINDS and value is not None:
                events.append(Event(kind=kind, version=str(value)))
    return Range(type=_text(raw.get("type")).upper(), events=tuple(events))


def _affected(raw: Mapping[str, Any]) -> Affected | None:
    package = _dict(raw.get("package"))
    ecosystem, name = _text(package.get("ecosystem")), _text(package.get("name"))
    if not ecosystem or not name:
        return None
    return Affected(
        ecosystem=base_ecosystem(ecosystem),
        name=normalise_name(ecosystem, name),
        ranges=tuple(_range(_dict(r)) for r in _list(raw.get("ranges"))),
        versions=tuple(str(v) for v in _list(raw.get("versions")) if v is not None),
        severity=_severity(raw.get("severity")),
        last_known_affected=_text(
            _dict(raw.get("database_specific")).get("last_known_affected_version_range")
        ),
    )


def parse_record(raw: object) -> Record:
    """An OSV record from decoded JSON/YAML; unknown fields are ignored (minor versions add)."""
    data = _dict(raw)
    ident = _text(data.get("id"))
    if not ident:
        raise RecordError("not an OSV record: no 'id'")
    major = _text(data.get("schema_version")) or "1"
    if major.split(".", 1)[0] != "1":
        raise RecordError(f"{ident}: unsupported OSV schema_version {major!r}")
    affected = tuple(a for a in (_affected(_dict(x)) for x in _list(data.get("affected"))) if a)
    refs = tuple(_text(_dict(r).get("url")) for r in _list(data.get("references")))
    return Record(
        id=ident,
        modified=_text(data.get("modified")),
        aliases=tuple(sorted({a for a in _list(data.get("aliases")) if isinstance(a, str)})),
        summary=_text(data.get("summary")) or _text(data.get("details"))[:200],
        severity=_severity(data.get("severity")),
        affected=affected,
        withdrawn=_text(data.get("withdrawn")) or ("" if data.get("withdrawn") is None else "yes"),
        database_severity=_text(_dict(data.get("database_specific")).get("severity")).upper(),
        references=tuple(r for r in refs if r),
    )


# --- matching --------------------------------------------------------------------------------


def _sorted_events(
    events: Sequence[Event], scheme: Scheme, notes: list[str]
) -> list[tuple[Event, Parsed | None]]:
    """Events by version (``introduced: "0"`` first, ``limit: "*"`` last); unorderable dropped."""
    zero: list[tuple[Event, Parsed | None]] = []
    rest: list[tuple[Event, Parsed]] = []
    for event in events:
        if event.kind == "introduced" and event.version == "0":
            zero.append((event, None))
        elif event.kind == "limit" and event.version == "*":
            continue  # +infinity: caps nothing
        else:
            parsed = parse(scheme, event.version)
            if parsed.key is None:
                notes.append(
                    f"event {event.kind} {event.version!r} is not a valid version: ignored"
                )
            else:
                rest.append((event, parsed))
    # at equal versions a closing event comes first, so adjacent ranges [a, b) [b, c) join up
    rest.sort(key=lambda pair: pair[0].kind == "introduced")
    rest.sort(key=lambda pair: _SortKey(pair[1]))
    return [*zero, *rest]


class _SortKey:
    __slots__ = ("parsed",)

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed

    def __lt__(self, other: _SortKey) -> bool:
        return compare(self.parsed, other.parsed) == -1


def _in_range(version: Parsed, rng: Range, scheme: Scheme, notes: list[str]) -> bool:
    walk = _sorted_events(rng.events, scheme, notes)
    limits = [p for e, p in walk if e.kind == "limit" and p is not None]
    if limits and not any(compare(version, limit) == -1 for limit in limits):
        return False
    vulnerable = False
    for event, parsed in walk:
        order = None if parsed is None else compare(version, parsed)
        if event.kind == "introduced" and (parsed is None or order in (0, 1)):
            vulnerable = True
        elif (event.kind == "fixed" and order in (0, 1)) or (
            event.kind == "last_affected" and order == 1  # last_affected itself is affected
        ):
            vulnerable = False
    return vulnerable


def affects(affected: Affected, version: str, notes: list[str] | None = None) -> bool:
    """Spec ``IsAffected``: in a non-GIT range, or listed in ``versions`` (compared parsed)."""
    notes = [] if notes is None else notes
    for rng in affected.ranges:
        scheme = scheme_for(affected.ecosystem, rng.type)
        if not scheme:
            continue  # GIT (or unknown) range: needs data we do not have; other ranges count
        parsed = parse(scheme, version)
        if parsed.key is None:
            notes.append(f"{version!r} is not a valid version: compared by equality only")
            continue
        if _in_range(parsed, rng, scheme, notes):
            return True
    return _listed(affected.versions, scheme_for(affected.ecosystem) or "pep440").has(version)


_PLAIN_RELEASE = re.compile(r"\d+(?:\.\d+)*")


def _release_key(numbers: Iterable[int]) -> tuple[int, ...]:
    """``1.0.0`` and ``1`` are equal in PEP 440: trailing zeros do not count."""
    key = list(numbers)
    while len(key) > 1 and key[-1] == 0:
        key.pop()
    return tuple(key)


@dataclass(frozen=True, slots=True)
class _Listed:
    """An ``affected[].versions`` list indexed for equality as parsed versions.

    PyPA records list every affected release (thousands per record); plain releases (``3.01``)
    are keyed by their numbers, which is what PEP 440 equality means for them and much cheaper
    than a full parse; the others are parsed; unparseable entries keep their text.
    """

    scheme: Scheme
    releases: frozenset[tuple[int, ...]]
    parsed: frozenset[object]
    texts: frozenset[str]

    def has(self, version: str) -> bool:
        text = version.strip()
        if text in self.texts:
            return True
        plain = self.scheme == "pep440" and _PLAIN_RELEASE.fullmatch(text) is not None
        if plain and _release_key(map(int, text.split("."))) in self.releases:
            return True
        mine = parse(self.scheme, text)
        if mine.key is None:
            return False
        return mine.key in self.parsed or (
            _is_plain_release(mine.key) and _release_key(mine.key.release) in self.releases
        )


def _is_plain_release(key: object) -> TypeGuard[Version]:
    """A PEP 440 version with nothing but release numbers (``v1.0``, ``1.0.0``, not ``1.0+x``)."""
    return (
        isinstance(key, Version)
        and key.epoch == 0
        and key.pre is None
        and key.post is None
        and key.dev is None
        and key.local is None
    )


@lru_cache(maxsize=4096)
def _listed(versions: tuple[str, ...], scheme: Scheme) -> _Listed:
    releases: set[tuple[int, ...]] = set()
    parsed: set[object] = set()
    for raw in versions:
        text = raw.strip()
        if scheme == "pep440" and _PLAIN_RELEASE.fullmatch(text):
            releases.add(_release_key(map(int, text.split("."))))
        elif (key := parse(scheme, text).key) is not None:
            parsed.add(key)
    return _Listed(
        scheme=scheme,
        releases=frozenset(releases),
        parsed=frozenset(parsed),
        texts=frozenset(v.strip() for v in versions),
    )


def _nearest_fix(entries: Sequence[Affected], version: str) -> str | None:
    """The smallest ``fixed`` above ``version`` that none of the entries affects (branch-aware)."""
    candidates: list[tuple[Parsed, str]] = []
    for entry in entries:
        for rng in entry.ranges:
            scheme = scheme_for(entry.ecosystem, rng.type)
            if not scheme:
                continue
            mine = parse(scheme, version)
            for event in rng.events:
                fixed = parse(scheme, event.version)
                if event.kind == "fixed" and compare(fixed, mine) == 1:
                    candidates.append((fixed, event.version))
    candidates.sort(key=lambda c: _SortKey(c[0]))
    for _, text in candidates:
        if not any(affects(entry, text) for entry in entries):
            return text
    return None


def match(record: Record, ecosystem: str, name: str, version: str) -> Match | None:
    """Does ``record`` affect ``name==version``? Withdrawn records never do."""
    if record.withdrawn:
        return None
    eco, norm = base_ecosystem(ecosystem), normalise_name(ecosystem, name)
    entries = [a for a in record.affected if a.ecosystem == eco and a.name == norm]
    notes: list[str] = []
    hits = [a for a in entries if affects(a, version, notes)]
    if not hits:
        return None
    for entry in hits:
        if entry.ranges and all(not r.type or r.type == "GIT" for r in entry.ranges):
            notes.append("only a GIT range given: matched on the listed versions")
        if entry.last_known_affected:
            notes.append(
                f"{record.id}: the database notes last known affected "
                f"'{entry.last_known_affected}' outside its ranges; the OSV ranges were applied"
            )
    return Match(record=record, fixed=_nearest_fix(entries, version), notes=tuple(notes))
