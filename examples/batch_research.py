"""A researcher's batch: many synthetic chats into one tidy table, saved as Parquet.

Run:
    python examples/batch_research.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

import reciprocal as rc
from reciprocal.samples.synthetic import synthetic_corpus


def main(out_dir: Path) -> Path:
    corpus = synthetic_corpus(25, conversations=60, seed=3)
    report = rc.analyze(corpus, bootstrap=100, seed=0)
    path = out_dir / "scores.parquet"
    report.scores.to_parquet(path, index=False)
    starts = pd.read_parquet(path).query("metric == 'initiation_share'")
    one_sided = starts[starts["ci_low"] > 0.5]["chat_id"].nunique()
    n_chats = starts["chat_id"].nunique()
    print(f"{n_chats} chats; in {one_sided} one person starts more, with the whole interval above 50%")
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
