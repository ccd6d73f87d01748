"""CVSS v3.x base scores, against scores published by NVD for real CVEs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faasguard.deps.cvss import base_score, rating


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        # CVE-2020-14343 (PyYAML), NVD: 9.8 critical
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        # CVE-2023-32681 (requests), NVD/GitHub: 6.1 medium (scope changed)
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1),
        # CVE-2021-23337 (lodash), NVD: 7.2 high
        ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2),
        # CVE-2021-44228 (log4shell), NVD: 10.0 critical (scope changed, capped at 10)
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        # the classic reflected-XSS vector: 6.1
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        # no impact at all scores 0
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        # CVSS 3.0 vectors use the same formulas
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        # temporal metrics after the base ones are allowed and ignored for the base score
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
    ],
)
def test_base_score(vector: str, score: float) -> None:
    assert base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",  # CVSS v2: not scored
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  # v4: not scored
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # a metric is missing
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # an unknown value
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # a repeated metric
        "",
    ],
)
def test_other_vectors_have_no_score(vector: str) -> None:
    assert base_score(vector) is None


@pytest.mark.parametrize(
    ("score", "band"), [(9.8, "critical"), (9.0, "critical"), (7.2, "high"), (6.1, "medium"),
                        (3.9, "low"), (0.1, "low"), (0.0, "none")],
)  # fmt: skip
def test_rating_bands(score: float, band: str) -> None:
    assert rating(score) == band


@given(st.text(max_size=80))
def test_garbage_vectors_never_raise(vector: str) -> None:
    score = base_score("CVSS:3.1/" + vector)
    assert score is None or 0.0 <= score <= 10.0


_METRICS = {
    "AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR",
    "S": "UC", "C": "HLN", "I": "HLN", "A": "HLN",
}  # fmt: skip


@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _METRICS.items()}))
def test_every_valid_vector_scores_within_bounds(metrics: dict[str, str]) -> None:
    vector = "CVSS:3.1/" + "/".join(f"{k}:{v}" for k, v in metrics.items())
    score = base_score(vector)
    assert score is not None
    assert 0.0 <= score <= 10.0
    assert (score == 0.0) == all(metrics[k] == "N" for k in ("C", "I", "A"))
