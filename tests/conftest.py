from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

#: Every test runs with one fixed "today" so date-dependent rules are deterministic.
TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def today() -> date:
    return TODAY
