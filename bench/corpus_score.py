"""Score faasguard against the labelled public corpus.

    python bench/corpus_score.py CORPUS_DIR [--app NAME ...] [--json] [--today YYYY-MM-DD]

CORPUS_DIR holds one folder per app and ``labels.yaml``. Each SAM/CloudFormation app is scanned
through the library API; every in-scope, template-detectable label is scored (present: found or
missed; absent: false positive or not). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from corpus_labels import (
    Blocks,
    Hit,
    Label,
    blocks_for,
    matching_hits,
    parse_label_rules,
    parse_labels,
    rules_for,
    supported,
)

from faasguard.api import ScanOptions, scan
from faasguard.loaders.yamljson import load_file

LABEL_RULES = Path(__file__).with_name("label_rules.yaml")


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelResult:
    label: Label
    rules: tuple[str, ...]
    hits: tuple[Hit, ...]

    @property
    def reported(self) -> bool:
        return bool(self.hits)


@dataclass(slots=True, kw_only=True)
class AppScore:
    app: str
    present: list[LabelResult] = field(default_factory=list)
    absent: list[LabelResult] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    not_template: list[str] = field(default_factory=list)
    unmatched: list[Hit] = field(default_factory=list)
    findings: int = 0
    error: str | None = None


def scan_app(app_dir: Path, today: date) -> list[Hit]:
    """Every finding of one app (suppressed ones too: labels judge detection)."""
    result = scan([str(app_dir)], ScanOptions(today=today, plugins=False))
    prefix = str(app_dir).rstrip("/") + "/"
    return sorted(
        Hit(
            file=f.location.file.removeprefix(prefix),
            line=f.location.line,
            rule=f.rule.id,
            resource=f.resource,
        )
        for f in result.findings
    )


def _blocks_of(app_dir: Path, labels: Sequence[Label]) -> dict[str, Blocks]:
    definitions = (".yaml", ".yml", ".json", ".tf")
    blocks: dict[str, Blocks] = {}
    for name in sorted({lb.file for lb in labels if lb.file.endswith(definitions)}):
        path = app_dir / name
        if path.is_file():
            blocks[name] = blocks_for(str(path))
    return blocks


def score_app(
    app: str,
    labels: Sequence[Label],
    hits: Sequence[Hit],
    blocks: Mapping[str, Blocks],
    mapping: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> AppScore:
    """Match findings to labels; pure, so it can be tested without scanning."""
    score = AppScore(app=app, findings=len(hits))
    used: set[Hit] = set()
    for label in labels:
        rules = rules_for(label, mapping)
        found = matching_hits(label, rules, hits, blocks)
        used.update(found)
        if not label.in_scope:
            score.out_of_scope.append(label.id)
        elif not label.template_detectable:
            score.not_template.append(label.id)
        else:
            result = LabelResult(label=label, rules=rules, hits=tuple(found))
            (score.absent if label.expected == "absent" else score.present).append(result)
    score.unmatched = sorted(h for h in hits if h not in used)
    return score


def pillar_recall(results: Sequence[LabelResult]) -> dict[str, tuple[int, int]]:
    """pillar -> (found, total) over present labels."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        table[r.label.pillar][1] += 1
        table[r.label.pillar][0] += int(r.reported)
    return {p: (v[0], v[1]) for p, v in sorted(table.items())}


def _percent(found: int, total: int) -> str:
    return f"{100 * found / total:.0f}%" if total else "-"


def app_json(score: AppScore) -> dict[str, Any]:
    found = [r for r in score.present if r.reported]
    return {
        "app": score.app,
        "error": score.error,
        "findings": score.findings,
        "present": len(score.present),
        "found": sorted(r.label.id for r in found),
        "missed": [
            {"id": r.label.id, "rules": list(r.rules)} for r in score.present if not r.reported
        ],
        "absent": len(score.absent),
        "false_positives": [
            {"id": r.label.id, "findings": [_hit_json(h) for h in r.hits]}
            for r in score.absent
            if r.reported
        ],
        "recall": _percent(len(found), len(score.present)),
        "pillar_recall": {
            p: {"found": f, "total": t} for p, (f, t) in pillar_recall(score.present).items()
        },
        "out_of_scope": score.out_of_scope,
        "not_template_detectable": score.not_template,
        "unmatched_findings": [_hit_json(h) for h in score.unmatched],
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {"file": hit.file, "line": hit.line, "rule": hit.rule, "resource": hit.resource}


def render_text(score: AppScore) -> list[str]:
    data = app_json(score)
    out = [f"== {score.app}"]
    if score.error:
        return [*out, f"   scan failed: {score.error}"]
    out.append(
        f"   labels {len(score.present)} present, {len(score.absent)} absent | "
        f"found {len(data['found'])} | missed {len(data['missed'])} | "
        f"false positives {len(data['false_positives'])} | recall {data['recall']} | "
        f"{score.findings} findings"
    )
    out += [f"   missed   {m['id']} (rules: {', '.join(m['rules']) or 'none mapped'})"
            for m in data["missed"]]  # fmt: skip
    for fp in data["false_positives"]:
        rules = sorted({f["rule"] for f in fp["findings"]})
        out.append(f"   false+   {fp['id']} ({', '.join(rules)})")
    for pillar, (f, t) in pillar_recall(score.present).items():
        out.append(f"   recall   {pillar:<18} {f}/{t} {_percent(f, t)}")
    out.append(f"   not counted: out of scope {len(score.out_of_scope)}, "
               f"code/lockfile only {len(score.not_template)} "
               f"({', '.join(score.not_template) or '-'})")  # fmt: skip
    by_rule = Counter(h.rule for h in score.unmatched)
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
    out.append(f"   findings matching no label ({len(score.unmatched)}: {summary or '-'}), "
               "for manual review:")  # fmt: skip
    out += [f"     {h.file}:{h.line} {h.rule} {h.resource}" for h in score.unmatched]
    return out


def _totals(scores: Sequence[AppScore]) -> dict[str, Any]:
    present = [r for s in scores for r in s.present]
    found = sum(r.reported for r in present)
    false_pos = sum(r.reported for s in scores for r in s.absent)
    return {
        "present": len(present),
        "found": found,
        "recall": _percent(found, len(present)),
        "absent": sum(len(s.absent) for s in scores),
        "false_positives": false_pos,
        "pillar_recall": {
            p: {"found": f, "total": t} for p, (f, t) in pillar_recall(present).items()
        },
    }


def run(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus_dir)
    formats, labels = parse_labels(load_file(str(corpus / "labels.yaml"), "labels.yaml").root)
    mapping = parse_label_rules(load_file(str(LABEL_RULES), LABEL_RULES.name).root)
    wanted = args.app or sorted(formats)
    unknown = sorted(set(wanted) - set(formats))
    if unknown:
        print(f"unknown app(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    scores: list[AppScore] = []
    later = [a for a in wanted if not supported(formats[a])]
    for app in (a for a in wanted if supported(formats[a])):
        app_labels = [lb for lb in labels if lb.app == app]
        try:
            hits = scan_app(corpus / app, args.today)
        except Exception as exc:  # a crash is a result too: report it and score the rest
            scores.append(AppScore(app=app, error=f"{type(exc).__name__}: {exc}"))
            continue
        blocks = _blocks_of(corpus / app, app_labels)
        scores.append(score_app(app, app_labels, hits, blocks, mapping))
    not_yet = {a: {"format": formats[a], "labels": sum(lb.app == a for lb in labels)}
               for a in later}  # fmt: skip
    if args.json:
        report = {
            "today": args.today.isoformat(),
            "apps": [app_json(s) for s in scores],
            "total": _totals([s for s in scores if not s.error]),
            "not_yet_supported": not_yet,
        }
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        for s in scores:
            print("\n".join(render_text(s)))
        total = _totals([s for s in scores if not s.error])
        print(f"== total: found {total['found']}/{total['present']} ({total['recall']}), "
              f"false positives {total['false_positives']}/{total['absent']}")  # fmt: skip
        for app, info in not_yet.items():
            print(f"== {app}: not yet supported ({info['format']}; {info['labels']} labels)")
    return 2 if any(s.error for s in scores) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score faasguard against the labelled corpus.")
    parser.add_argument("corpus_dir", help="folder with labels.yaml and one folder per app")
    parser.add_argument("--app", action="append", help="score only this app (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        help="date the rules judge deprecations by (default: today)",
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
