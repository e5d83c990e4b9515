"""Fixtures of the analysis tests."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_chats import build, tiny_rows


@pytest.fixture
def tiny() -> pd.DataFrame:
    return build(tiny_rows())
