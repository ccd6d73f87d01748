"""One vulnerability, one Advisory: alias groups (union-find), primary id, severity and fix.

Aliases are symmetric and transitive (OSV schema), so records that share any id, directly or
through a chain, describe one vulnerability. Its score is the highest CVSS v3 base score over every
vector of the group; without one, the database's own label (GHSA) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cmp_to_key

from faasguard.deps.cvss import base_score
from faasguard.deps.osv import Match, Record, match
from faasguard.deps.versions import base_ecosystem, compare, normalise_name, parse, scheme_for
from faasguard.model.deps import Advisory

#: preferred primary id of an alias group: malicious-package reports first, then GitHub, PyPA
_ID_PREFERENCE = ("MAL-", "GHSA-", "PYSEC-")


def _find(parent: dict[str, str], item: str) -> str:
    root = item
    while parent[root] != root:
        root = parent[root]
    while parent[item] != root:  # path compression
        parent[item], item = root, parent[item]
    return root


def group_aliases(matches: Iterable[Match]) -> list[list[Match]]:
    """Union-find over ids and aliases: records that share any id (transitively) are one vuln."""
    parent: dict[str, str] = {}
    items = list(matches)
    for m in items:
        ids = (m.record.id, *m.record.aliases)
        for ident in ids:
            parent.setdefault(ident, ident)
        for ident in ids[1:]:
            a, b = _find(parent, ids[0]), _find(parent, ident)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[Match]] = {}
    for m in items:
        groups.setdefault(_find(parent, m.record.id), []).append(m)
    return [sorted(g, key=lambda m: m.record.id) for _, g in sorted(groups.items())]


def _primary(ids: Iterable[str]) -> str:
    def rank(ident: str) -> tuple[int, str]:
        prefs = [i for i, p in enumerate(_ID_PREFERENCE) if ident.startswith(p)]
        return (prefs[0] if prefs else len(_ID_PREFERENCE), ident)

    return min(ids, key=rank)


def to_advisory(group: Sequence[Match], ecosystem: str, name: str) -> Advisory:
    """One Advisory for an alias group: max CVSS v3 score over every vector, furthest fix."""
    records = [m.record for m in group]
    own_ids = [r.id for r in records]
    primary = _primary(own_ids)
    aliases = sorted({i for r in records for i in (r.id, *r.aliases)} - {primary})
    eco, norm = base_ecosystem(ecosystem), normalise_name(ecosystem, name)
    vectors = [v for r in records for _, v in r.severity]
    vectors += [
        v for r in records for a in r.affected if (a.ecosystem, a.name) == (eco, norm)
        for _, v in a.severity
    ]  # fmt: skip
    scored = sorted(((s, v) for v in vectors if (s := base_score(v)) is not None), reverse=True)
    labels = sorted({r.database_severity for r in records if r.database_severity})
    fixes = [m.fixed for m in group if m.fixed]
    scheme = scheme_for(ecosystem) or "pep440"
    by_version = cmp_to_key(lambda a, b: compare(parse(scheme, a), parse(scheme, b)) or 0)
    head = next(r for r in records if r.id == primary)
    return Advisory(
        id=primary,
        aliases=tuple(aliases),
        summary=head.summary or next((r.summary for r in records if r.summary), ""),
        score=scored[0][0] if scored else None,
        vector=scored[0][1] if scored else (vectors[0] if vectors else ""),
        fixed=max(fixes, key=by_version) if fixes else None,
        references=tuple(sorted({u for r in records for u in r.references})[:10]),
        severity_label=_worst_label(labels) or (labels[0] if labels else ""),
    )


_LABEL_ORDER = ("LOW", "MODERATE", "MEDIUM", "HIGH", "CRITICAL")


def _worst_label(labels: Sequence[str]) -> str:
    known = [label for label in labels if label in _LABEL_ORDER]
    return max(known, key=_LABEL_ORDER.index) if known else ""


def advisories_for(
    records: Iterable[Record], ecosystem: str, name: str, version: str
) -> tuple[tuple[Advisory, ...], tuple[str, ...]]:
    """Every vulnerability (alias-merged) affecting ``name==version``, with matching notes."""
    matches = [m for r in records if (m := match(r, ecosystem, name, version)) is not None]
    notes = tuple(sorted({n for m in matches for n in m.notes}))
    groups = group_aliases(matches)
    return tuple(to_advisory(g, ecosystem, name) for g in groups), notes
