"""Real export fixtures (../shared/fixtures, see its README) for Telegram and Instagram."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import reciprocal as rc


def _fixtures() -> Path | None:
    env = os.environ.get("RECIPROCAL_FIXTURES")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures"
        if candidate.is_dir():
            return candidate
    return None


FIX = _fixtures()
pytestmark = pytest.mark.skipif(FIX is None, reason="shared fixtures not found (set RECIPROCAL_FIXTURES)")


@pytest.mark.parametrize("name", ["single_chat.json", "full_account.json"])
def test_telegram_fixture(name: str) -> None:
    assert FIX is not None
    df = rc.read_chat(FIX / "telegram" / name, tz="UTC")
    assert set(df["source"]) == {"telegram"}
    assert [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["timestamp"]] == [
        "2018-12-05 10:39:10",
        "2018-12-05 10:49:24",
    ]
    assert list(df["sender"]) == ["Author 1", "Author 2"]
    assert list(df["text"]) == ["Minimal Message", "Link:https://telegram.org/"]
    assert set(df["chat_id"]) == ({"Chatname"} if name == "full_account.json" else {"single_chat"})


def test_instagram_fixture_sorted_oldest_first() -> None:
    assert FIX is not None
    df = rc.read_chat(FIX / "instagram" / "message_1.json", tz="UTC")
    assert set(df["source"]) == {"instagram"}
    got = [
        (t.strftime("%Y-%m-%d %H:%M"), s, x)
        for t, s, x in zip(df["timestamp"], df["sender"], df["text"], strict=True)
    ]
    assert got == [
        ("2019-12-24 11:23", "Jane Doe", "Hello John!"),
        ("2020-01-17 20:49", "John Doe", "Hello Jane!"),
    ]
