"""Query a folder of batch results with DuckDB (optional extra: ``pip install "reciprocal[duckdb]"``).

``reciprocal.batch(..., out="results/")`` (or ``reciprocal batch ... -o results/``) appends one
zstd Parquet part per chunk to ``results/``. DuckDB reads the whole folder with a glob, without
loading it into pandas first, which suits corpora of thousands of chats.

Usage::

    python examples/duckdb_results.py results/      # a folder written by reciprocal.batch
    python examples/duckdb_results.py               # builds a small synthetic demo folder first

Only complete parts match the ``*.parquet`` glob: a writer still running leaves a hidden
``.partial`` file, so the query never sees half a file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from reciprocal.io import write_results


def demo_folder() -> Path:
    """Write a synthetic results folder: 40 chats in 2 batch parts, one failed export."""
    rng = np.random.default_rng(7)
    folder = Path(tempfile.mkdtemp(prefix="reciprocal-demo-")) / "results"
    for part in range(2):
        rows = []
        for k in range(20):
            chat = f"chat_{part * 20 + k:03d}"
            share = float(rng.beta(4, 3))
            half = float(rng.uniform(0.03, 0.15))
            for person, value in (("Sam", share), ("Alex", 1 - share)):
                rows.append(
                    (
                        f"exports/{chat}.txt",
                        chat,
                        person,
                        "initiation_share",
                        value,
                        value - half,
                        value + half,
                        int(rng.integers(20, 300)),
                        None,
                        "ok",
                        None,
                    )
                )
        if part == 1:
            rows.append(
                (
                    "exports/broken.txt",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "error",
                    "FormatError: not a chat export of any known format",
                )
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                "source",
                "chat_id",
                "person",
                "metric",
                "value",
                "ci_low",
                "ci_high",
                "n",
                "note",
                "status",
                "error",
            ],
        )
        write_results(frame.astype({"n": "Int64"}), folder)
    return folder


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else demo_folder()
    parts = str(folder / "*.parquet")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # DuckDB shows timestamps in the session zone otherwise

    print(f"results in {folder}")
    print("\n-- metrics over the corpus")
    print(
        con.sql(
            f"""
            SELECT metric, count(DISTINCT chat_id) AS chats,
                   round(median(value), 3) AS median, round(quantile_cont(value, 0.9), 3) AS p90
            FROM read_parquet('{parts}')
            WHERE status = 'ok' AND value IS NOT NULL
            GROUP BY metric ORDER BY metric
            """
        )
        .df()
        .to_string(index=False)
    )

    print("\n-- chats where one person starts clearly more than 60% of conversations (whole interval > 0.6)")
    print(
        con.sql(
            f"""
            SELECT chat_id, person, round(value, 3) AS share, round(ci_low, 3) AS ci_low, n
            FROM read_parquet('{parts}')
            WHERE metric = 'initiation_share' AND ci_low > 0.6
            ORDER BY value DESC
            """
        )
        .df()
        .to_string(index=False)
    )

    print("\n-- exports that failed (skipped by the batch)")
    print(
        con.sql(
            f"SELECT DISTINCT source, error FROM read_parquet('{parts}') "
            "WHERE status = 'error' ORDER BY source"
        )
        .df()
        .to_string(index=False)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
