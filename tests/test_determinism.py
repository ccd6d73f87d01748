"""Reports are byte-identical whatever the hash seed (no set/dict order leaks into output)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "orders-app"


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "junit"])
def test_reports_do_not_depend_on_hash_seed(fmt: str) -> None:
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "faasguard",
                "scan",
                str(EXAMPLE),
                "--format",
                fmt,
                "--jobs",
                "2",
            ],
            env=env,
            capture_output=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 1, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0]
