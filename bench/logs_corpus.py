"""The CloudTrail detections on a real log corpus: count per rule, then every detection.

    python bench/logs_corpus.py /work/shared/corpus/cloudtrail/invictus [--deploy ARN_GLOB ...]

Prints the number of detections per rule and, for each detection, its time, actor, event and
the file it came from, so a person can read the matched records and judge each one.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from faasguard.api_logs import LogOptions, run_detections
from faasguard.logs.sigma import builtin_ruleset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--deploy", action="append", default=[], metavar="ARN_GLOB")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    options = LogOptions(jobs=args.jobs, deploy_principals=tuple(args.deploy))
    run = run_detections([args.folder], options)
    detections = run.detections
    problems = run.problems

    records = run.records
    files = run.files
    elapsed = time.perf_counter() - started
    print(f"{records:,} records in {len(files)} files, {elapsed:.2f} s; {len(problems)} problems")
    for problem in problems:
        print(f"  problem: {problem.file}:{problem.line}: {problem.message}")
    counts = Counter(d.detector.id for d in detections)
    print("\ncount per rule:")
    for detector in builtin_ruleset().detectors:
        print(f"  {detector.id}  {counts.get(detector.id, 0):>4}  {detector.title}")
    print("\ndetections:")
    for d in detections:
        many = f" x{d.count}" if d.count > 1 else ""
        print(
            f"  {d.detector.id} {d.time} {d.event_name}{many} {d.resource or '-'}\n"
            f"        by {d.actor} from {d.source_ip} ({Path(d.file).name}, {d.event_id})"
        )


if __name__ == "__main__":
    main()
