"""Tiny hand-built chats shared by the analysis tests (imported as a plain module)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reciprocal import schema

Row = tuple[str, str | None, str | None, str]


def build(rows: Sequence[Row], *, chat_id: str = "c1", tz: str = "UTC") -> pd.DataFrame:
    """A message frame from (timestamp, sender, text, kind) rows."""
    return schema.make_messages(
        {
            "timestamp": [r[0] for r in rows],
            "sender": [r[1] for r in rows],
            "text": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
        },
        tz=tz,
        source="test",
        chat_id=chat_id,
    )


def tiny_rows(day0: str = "2024-03-04") -> list[Row]:
    """Three conversations with gap='8h' (every value is worked out by hand in test_structure.py).

    conv 0 (Mon 10:00)  Ana Ana | Ben (after a reaction by Ben) | Ana Ana
    conv 1 (Mon 20:00)  Ana | Ben | system row | Ana | Ben (Tue 02:00, at night) | Ana (Tue 07:30)
    conv 2 (Tue 18:00)  Ben
    """
    d0 = pd.Timestamp(day0)
    d1 = d0 + pd.Timedelta(days=1)

    def at(day: pd.Timestamp, hms: str) -> str:
        return f"{day.date()} {hms}"

    return [
        (at(d0, "10:00:00"), "Ana", "hi", "text"),
        (at(d0, "10:00:30"), "Ana", "you there?", "text"),
        (at(d0, "10:01:00"), "Ben", "👍", "reaction"),
        (at(d0, "10:02:00"), "Ben", "yes", "text"),
        (at(d0, "10:05:00"), "Ana", "great news", "text"),
        (at(d0, "10:05:20"), "Ana", "tell you later", "text"),
        (at(d0, "20:00:00"), "Ana", "ping", "text"),
        (at(d0, "20:30:00"), "Ben", "sorry busy", "text"),
        (at(d0, "20:31:00"), None, "Ben changed the subject", "system"),
        (at(d0, "23:00:00"), "Ana", "night", "text"),
        (at(d1, "02:00:00"), "Ben", "up late", "text"),
        (at(d1, "07:30:00"), "Ana", "morning!", "text"),
        (at(d1, "18:00:00"), "Ben", "dinner?", "text"),
    ]


def replicated(n: int) -> pd.DataFrame:
    """The tiny chat repeated n times, 3 days apart (3n conversations with gap='8h')."""
    rows: list[Row] = []
    for i in range(n):
        rows.extend(tiny_rows(str((pd.Timestamp("2024-03-04") + pd.Timedelta(days=3 * i)).date())))
    return build(rows)
