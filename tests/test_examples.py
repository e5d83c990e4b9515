"""Every script in examples/ runs and writes what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reciprocal

ROOT = Path(__file__).resolve().parent.parent
SRC = str(Path(reciprocal.__file__).resolve().parent.parent)

EXPECTED = {
    "quickstart.py": ["report.html"],
    "one_relationship.py": ["activity.svg", "balance.svg", "initiations.svg", "latency.svg", "trend.svg"],
    "batch_research.py": ["scores.parquet"],
}


def test_every_example_is_run_by_a_test() -> None:
    tests_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for example in (ROOT / "examples").glob("*.py"):
        assert (
            example.name in EXPECTED
            or f"examples/{example.name}" in tests_text
            or (f'"{example.name}"' in tests_text)
        ), f"{example.name} is not run by any test"


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs(script: str, tmp_path: Path) -> None:
    if script == "quickstart.py" and not reciprocal.sample_path("whatsapp").exists():
        pytest.skip("the bundled WhatsApp sample is not in this checkout yet")
    env = {**os.environ, "PYTHONPATH": SRC, "MPLBACKEND": "Agg"}
    res = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == EXPECTED[script]
    assert "wrote" in res.stdout
