"""Differential check on real SAM apps: our roles, permissions and routes vs the SAM translator.

    python bench/sam_oracle.py CORPUS_DIR

Runs the comparison of tests/loaders/test_sam_oracle.py on every SAM template under CORPUS_DIR
(e.g. the team's corpus/public) and prints, per template, whether each of the three sets matches,
and the differences when they do not. Templates the translator itself rejects are listed as such.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "loaders"))

from test_sam_oracle import (
    oracle_permissions,
    oracle_roles,
    oracle_routes,
    our_permissions,
    our_roles,
    our_routes,
    translate,
)

from faasguard.discover import discover


def _is_sam(path: Path) -> bool:
    return "AWS::Serverless-2016-10-31" in path.read_text(encoding="utf-8", errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    templates = [Path(f.path) for f in discover([str(args.corpus)]).files]
    totals = {"match": 0, "differ": 0, "rejected": 0}
    for path in (p for p in templates if _is_sam(p)):
        name = path.relative_to(args.corpus.resolve())
        try:
            out = translate(path)
        except Exception as exc:  # the translator's own validation errors
            totals["rejected"] += 1
            print(f"{name}: translator rejects it ({type(exc).__name__})")
            continue
        pairs = {
            "roles": (our_roles(path), oracle_roles(out)),
            "permissions": (our_permissions(path), oracle_permissions(out)),
            "routes": (our_routes(path), oracle_routes(out)),
        }
        bad = {k: v for k, v in pairs.items() if v[0] != v[1]}
        totals["differ" if bad else "match"] += 1
        print(f"{name}: {'match' if not bad else 'DIFFER ' + ', '.join(bad)}")
        for kind, (ours, theirs) in bad.items():
            print(f"    {kind} only ours:   {sorted(ours - theirs, key=str)}")
            print(f"    {kind} only oracle: {sorted(theirs - ours, key=str)}")
    print(f"templates: {totals}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
