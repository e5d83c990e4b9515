"""The real WhatsApp fixtures in ../shared/fixtures/whatsapp (expectations: fixtures/README.md).

Skipped cleanly when ``../shared`` is not beside the checkout (set ``RECIPROCAL_FIXTURES`` to point
at a ``fixtures`` folder elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal.errors import FormatError


def _fixtures() -> Path | None:
    env = os.environ.get("RECIPROCAL_FIXTURES")
    if env:
        return Path(env) / "whatsapp"
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "whatsapp"
        if candidate.is_dir():
            return candidate
    return None


FIX = _fixtures()
pytestmark = pytest.mark.skipif(FIX is None, reason="../shared/fixtures/whatsapp not found")

LOREM2 = "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
ROWS = [
    ("2019-01-01 11:25", "John Doe", "text", "Lorem ipsum dolor sit amet."),
    ("2019-01-20 11:23", "John Doe", "text", "."),
    (
        "2019-01-30 20:49",
        "Jahn Doe",
        "text",
        "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.",
    ),
    ("2020-06-10 15:55", "John-John Doe", "text", "Lorem ipsum : dolor sit amet."),
    ("2020-06-20 00:08", None, "system", '+12 345 578 created group "Groupname"'),
    ("2020-06-30 09:10", None, "system", "You were added"),
    ("2021-12-10 10:10", "John Doe 🤓", "text", "Lorem ipsum 🤓"),
    ("2021-12-20 12:10", "🤓", "text", "Lorem ipsum 🤓"),
    (
        "2021-12-30 22:01",
        "John Doe",
        "text",
        "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.",
    ),
]


def _rows(frame: pd.DataFrame) -> list[tuple[str, str | None, str, str]]:
    return [
        (ts.strftime("%Y-%m-%d %H:%M"), None if pd.isna(s) else s, str(k), t)
        for ts, s, k, t in zip(frame["timestamp"], frame["sender"], frame["kind"], frame["text"], strict=True)
    ]


@pytest.mark.parametrize(
    "name",
    [
        "android_ddmmyy_24h.txt",
        "android_mmddyy_24h.txt",
        "android_yyyymmdd_24h.txt",
        "bracket_mmddyy_24h.txt",
        "android_mmddyyyy_12h_es.txt",
    ],
)
def test_same_chat_in_five_dialects(name: str) -> None:
    assert FIX is not None
    frame = rc.read_chat(FIX / name, tz="UTC")
    assert _rows(frame) == ROWS
    assert (frame["source"] == "whatsapp").all()


def test_short_chat_ambiguous_dates_inferred_month_first() -> None:
    assert FIX is not None
    frame = rc.read_chat(FIX / "short_chat_ambiguous_dates.txt", tz="UTC")
    assert frame["timestamp"].dt.strftime("%Y-%m-%d").tolist() == ["2017-06-03"] * 3 + [
        "2017-08-05",
        "2017-09-04",
    ]
    assert frame["kind"].tolist() == ["system", "system", "text", "text", "text"]
    assert frame["sender"].tolist()[2:] == ["Sample User", "TestBot", "+410123456789"]
    assert frame["sender"].isna().tolist()[:2] == [True, True]
    assert frame["text"].tolist()[-1] == "How are you?\n\nIs everything alright?"


@pytest.mark.parametrize("name", ["not_a_chat.txt", "empty.txt"])
def test_not_a_chat_is_refused_naming_the_file(name: str) -> None:
    assert FIX is not None
    with pytest.raises(FormatError, match=name.replace(".", r"\.")):
        rc.read_chat(FIX / name, tz="UTC")
    with pytest.raises(FormatError, match=name.replace(".", r"\.")):
        rc.read_chat(FIX / name, tz="UTC", format="whatsapp")
