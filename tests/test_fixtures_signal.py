"""The real signal-export fixtures in ../shared/fixtures/signal (expectations: fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import reciprocal as rc


def _fixtures() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "signal"
        if candidate.is_dir():
            return candidate
    pytest.skip("../shared/fixtures/signal is not present beside the checkout")


IMG = "2022-08-10T19-33-48.638_00_signal-2022-08-10-153348.jpeg"
VOICE = "2022-08-10T19-34-11.986_00_Voice_Message_10-08-2022_15-34.m4a"


def test_2019_generation() -> None:
    frame = rc.read_chat(_fixtures() / "sigexport_2019.md", tz="UTC")
    assert [t.strftime("%Y-%m-%d %H:%M:%S") for t in frame["timestamp"]] == [
        "2019-12-24 12:23:00",
        "2020-01-17 21:49:00",
    ]
    assert list(frame["sender"]) == ["Jane Doe", "John Doe"]
    assert list(frame["text"]) == ["Hello John!", "Hello\nJane!"]
    assert list(frame["is_me"]) == [False, False]


@pytest.mark.parametrize(
    ("fname", "stamps"),
    [
        ("sigexport_2022.md", ["2022-08-10 19:33:00", "2022-08-10 19:33:00", "2022-08-10 19:34:00"]),
        ("sigexport_2025.md", ["2022-08-10 19:33:38", "2022-08-10 19:33:48", "2022-08-10 19:34:11"]),
    ],
)
def test_2022_and_2025_generations(fname: str, stamps: list[str]) -> None:
    frame = rc.read_chat(_fixtures() / fname, tz="UTC")
    assert [t.strftime("%Y-%m-%d %H:%M:%S") for t in frame["timestamp"]] == stamps
    assert list(frame["is_me"]) == [True, True, True]
    assert list(frame["sender"]) == ["Me", "Me", "Me"]
    assert list(frame["text"].fillna("<NA>")) == ["Test message", "Test image", "<NA>"]
    assert list(frame["kind"]) == ["text", "media", "media"]
    assert list(frame["attachment"].fillna("<NA>")) == ["<NA>", IMG, VOICE]
