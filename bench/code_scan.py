"""Code analysis over a corpus: prints figures per app, asserts nothing.

    python bench/code_scan.py CORPUS_DIR [--verbose] [--dirs]

Loads every app under CORPUS_DIR the way ``faasguard scan`` does, then profiles each function that
has local code (``faasguard.code.profile``): files read, SDK calls found, how many of them are
unknown (service or operation decided at run time), problems, and the time the analysis took.
``--dirs`` also profiles every folder holding .py/.js/.ts files as one function (entry unknown, so
every file is read): a measure of the analysers on code whose template faasguard cannot load yet.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, load_app
from faasguard.code.profile import profile_function
from faasguard.discover import discover
from faasguard.model.app import Function
from faasguard.model.code import CodeProfile
from faasguard.model.values import Location


def _apps(corpus: Path) -> list[tuple[str, list[CodeProfile | None], float]]:
    options = ScanOptions(today=date(2026, 11, 29))
    rows = []
    for file in discover([corpus]).files:
        try:
            loaded = load_app(file, options.load)
        except Exception as exc:  # a loader bug: not what this bench measures, so go on
            print(f"{file.display}: not loaded ({type(exc).__name__}: {exc})")
            continue
        if loaded.app is None:
            continue
        started = time.perf_counter()
        profiles = [profile_function(fn) for fn in loaded.app.functions]
        rows.append((file.display, profiles, time.perf_counter() - started))
    return rows


_SOURCES = (".py", ".js", ".mjs", ".cjs", ".ts")


def _dirs(corpus: Path) -> list[tuple[str, list[CodeProfile | None], float]]:
    folders = sorted(
        {
            p.parent
            for p in corpus.rglob("*")
            if p.suffix in _SOURCES and "node_modules" not in p.parts
        }
    )
    rows = []
    for folder in folders:
        fn = Function(
            id=folder.name, type="dir", location=Location(file=str(folder)), code_dir=str(folder)
        )
        started = time.perf_counter()
        rows.append((str(folder), [profile_function(fn)], time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--verbose", action="store_true", help="list every unknown call")
    parser.add_argument("--dirs", action="store_true", help="profile every source folder too")
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    unknown_notes: Counter[str] = Counter()
    print(f"{'app':60} {'fns':>4} {'code':>4} {'files':>5} {'calls':>5} {'unkn':>4} ", end="")
    print(f"{'prob':>4} {'ms':>7}")
    rows = _apps(args.corpus) + (_dirs(args.corpus) if args.dirs else [])
    for display, profiles, seconds in rows:
        present = [p for p in profiles if p is not None]
        calls = [c for p in present for c in p.calls]
        unknown = [c for c in calls if not c.known]
        row = Counter(
            fns=len(profiles),
            code=len(present),
            files=sum(len(p.files) for p in present),
            calls=len(calls),
            unknown=len(unknown),
            problems=sum(len(p.problems) for p in present),
        )
        totals.update(row)
        totals["ms"] += int(seconds * 1000)
        unknown_notes.update(c.note.split(";")[0] for c in unknown)
        print(
            f"{display[-60:]:60} {row['fns']:>4} {row['code']:>4} {row['files']:>5} "
            f"{row['calls']:>5} {row['unknown']:>4} {row['problems']:>4} {seconds * 1000:>7.1f}"
        )
        if args.verbose:
            for call in calls:
                print(f"    {call.location}: {call.service}:{call.operation} {call.note}")
    print(
        f"{'TOTAL':60} {totals['fns']:>4} {totals['code']:>4} {totals['files']:>5} "
        f"{totals['calls']:>5} {totals['unknown']:>4} {totals['problems']:>4} {totals['ms']:>7}"
    )
    for note, count in unknown_notes.most_common():
        print(f"  unknown: {count:>4}  {note}")


if __name__ == "__main__":
    main()
