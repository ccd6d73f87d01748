"""Which declared packages advisories can match (trap P14: a range is not a version)."""

from __future__ import annotations

import pytest

from faasguard.deps.pinning import classify
from faasguard.model import Location
from faasguard.model.deps import Package

HERE = Location(file="requirements.txt", line=1)


@pytest.mark.parametrize(
    ("ecosystem", "version", "requirement", "kind"),
    [
        ("PyPI", "2.31.0", "", "ok"),
        ("npm", "4.17.21", "", "ok"),
        ("PyPI", None, ">=0.6.0,<1", "range"),  # never matched as if it were 0.6.0
        ("npm", None, "^4.17.0", "range"),
        ("npm", None, "*", "range"),
        ("PyPI", None, "@ https://example.com/pkg-1.0.tar.gz", "not-auditable"),
        ("PyPI", None, "editable ./local", "not-auditable"),
        ("PyPI", None, "git+https://github.com/psf/requests@v2.31.0", "not-auditable"),
        ("npm", None, "github:lodash/lodash#4.17.21", "not-auditable"),
        ("npm", None, "lodash/lodash", "not-auditable"),  # GitHub shorthand
        ("npm", None, "file:../shared", "not-auditable"),
        ("npm", None, "workspace:*", "not-auditable"),
        ("npm", "1.02.3", "", "not-auditable"),  # not valid SemVer
        ("PyPI", "2.0-final-foo", "", "not-auditable"),  # not valid PEP 440
    ],
)
def test_classify(ecosystem: str, version: str | None, requirement: str, kind: str) -> None:
    package = Package(
        ecosystem=ecosystem, name="x", version=version, location=HERE, requirement=requirement
    )
    assert classify(package)[0] == kind
