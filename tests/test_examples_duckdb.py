"""examples/duckdb_results.py runs on its demo folder and finds what was planted in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reciprocal

ROOT = Path(__file__).resolve().parents[1]


def test_duckdb_example_runs() -> None:
    pytest.importorskip("duckdb")
    env = {**os.environ, "PYTHONPATH": str(Path(reciprocal.__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "duckdb_results.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "initiation_share     40" in out  # 40 chats over 2 parts
    assert "exports/broken.txt FormatError: not a chat export of any known format" in out
