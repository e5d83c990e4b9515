"""Golden files: one synthetic export per WhatsApp dialect with hand-computed rows.

Each ``golden/whatsapp/<name>.txt`` has a ``<name>.expected.json`` listing the rows sorted by
(timestamp, file order) as ``[timestamp, sender, kind, text, attachment, edited]`` plus the line
numbers that must be reported as skipped (junk) or noted (repaired values).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from reciprocal import schema
from reciprocal.importers._whatsapp_parse import parse_bytes, to_frame

GOLDEN = Path(__file__).parent / "golden" / "whatsapp"
CASES = sorted(p.name.removesuffix(".txt") for p in GOLDEN.glob("*.txt"))


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    out = []
    for r in frame.itertuples(index=False):
        out.append(
            [
                r.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
                None if pd.isna(r.sender) else r.sender,
                str(r.kind),
                None if pd.isna(r.text) else r.text,
                None if pd.isna(r.attachment) else r.attachment,
                bool(r.edited),
            ]
        )
    return out


def test_every_golden_file_has_expectations() -> None:
    assert len(CASES) >= 10
    for name in CASES:
        assert (GOLDEN / f"{name}.expected.json").exists(), name


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    expected = json.loads((GOLDEN / f"{name}.expected.json").read_text(encoding="utf-8"))
    parsed = parse_bytes((GOLDEN / f"{name}.txt").read_bytes(), **expected["options"])
    assert parsed is not None
    frame = schema.sort_messages(to_frame(parsed, tz="UTC", chat_id=name))
    schema.validate_messages(frame)
    assert _rows(frame) == expected["rows"]
    assert [line for line, _ in parsed.skipped] == expected["skipped_lines"]
    assert [line for line, _ in parsed.notes] == expected["note_lines"]
    # Every non-blank line is a header (a row or a skip) or continuation text of a row.
    assert frame["message_id"].is_unique
    assert (frame["source_order"] > 0).all()
