"""Golden-file checks shared by the importer tests: a frame serialised as JSON Lines, compared exactly.

Set ``RECIPROCAL_UPDATE_GOLDEN=1`` to rewrite the expected files (then review the diff by hand).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

import reciprocal as rc


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Serialise a message frame the way the golden files store it (JSON values, ISO timestamps)."""
    rows = []
    for rec in df.to_dict("records"):
        row: dict[str, Any] = {}
        for k, v in rec.items():
            if k == "timestamp":
                v = v.isoformat()
            elif k == "source_order":
                v = int(v)
            elif v is None or v is pd.NA:
                v = None
            elif k in ("is_me", "edited"):
                v = bool(v)
            else:
                v = str(v)
            row[k] = v
        rows.append(row)
    return rows


def check_golden(path: Path, fmt: str) -> None:
    """Read ``path`` (a file or a folder) as ``fmt`` and compare with its ``.expected.jsonl``.

    Options for ``read_chat`` come from a sibling ``<stem>.options.json`` when present.
    """
    opts_path = path.with_name(path.name.rsplit(".", 1)[0] + ".options.json")
    opts = json.loads(opts_path.read_text()) if opts_path.exists() else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        df = rc.read_chat(path, format=fmt, **opts)
    expected_path = (
        path.with_suffix(".expected.jsonl")
        if path.is_file()
        else path.with_name(path.name + ".expected.jsonl")
    )
    got = records(df)
    if os.environ.get("RECIPROCAL_UPDATE_GOLDEN"):
        expected_path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got), encoding="utf-8"
        )
    expected = [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines()]
    assert got == expected
