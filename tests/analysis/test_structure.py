"""Structure on a hand-built chat: every conversation, turn, latency and night adjustment by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_chats import build

from reciprocal import structure
from reciprocal.errors import ConfigError, SchemaError


def test_conversations_split_at_gap_and_non_turn_rows_follow_their_predecessor(tiny: pd.DataFrame) -> None:
    out = structure.conversations(tiny, gap="8h")
    assert out["conversation_id"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2]
    assert out["conversation_id"].dtype == np.int64
    assert out.attrs["gaps"]["c1"] == {"seconds": 28800.0, "method": "fixed", "detail": "gap=28800 s given"}
    # The input is not mutated.
    assert "conversation_id" not in tiny.columns


def test_smaller_gap_splits_more(tiny: pd.DataFrame) -> None:
    out = structure.conversations(tiny, gap="2h")
    # 10:05:20 -> 20:00, 20:30 -> 23:00 (2.5 h), 23:00 -> 02:00, 02:00 -> 07:30, 07:30 -> 18:00
    assert out["conversation_id"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 5]


def test_turns_by_hand(tiny: pd.DataFrame) -> None:
    t = structure.turns(tiny, gap="8h")
    assert t["sender"].tolist() == ["Ana", "Ben", "Ana", "Ana", "Ben", "Ana", "Ben", "Ana", "Ben"]
    assert t["conversation_id"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 2]
    assert t["turn_id"].tolist() == list(range(9))
    assert t["n_messages"].tolist() == [2, 1, 2, 1, 1, 1, 1, 1, 1]
    assert t["n_words"].tolist() == [3, 1, 5, 1, 2, 1, 2, 1, 1]
    assert t["start"].iloc[0] == pd.Timestamp("2024-03-04 10:00:00", tz="UTC")
    assert t["end"].iloc[0] == pd.Timestamp("2024-03-04 10:00:30", tz="UTC")


def test_responses_latencies_and_night_adjustment_by_hand(tiny: pd.DataFrame) -> None:
    r = structure.responses(tiny, gap="8h")
    assert list(zip(r["prompt_person"], r["responder"], strict=True)) == [
        ("Ana", "Ben"),
        ("Ben", "Ana"),
        ("Ana", "Ben"),
        ("Ben", "Ana"),
        ("Ana", "Ben"),
        ("Ben", "Ana"),
    ]
    # Ben answers 10:00:30 -> 10:02:00; Ana 10:02 -> 10:05; Ben 20:00 -> 20:30; Ana 20:30 -> 23:00;
    # Ben 23:00 -> 02:00 (3 h); Ana 02:00 -> 07:30 (5.5 h). The reaction at 10:01 is not a reply.
    assert r["latency_seconds"].tolist() == [90.0, 180.0, 1800.0, 9000.0, 10800.0, 19800.0]
    # Quiet hours fall back to 00:00-07:00 (too few messages): Ben's 23:00 -> 02:00 loses 2 h,
    # Ana's 02:00 -> 07:30 loses 5 h.
    assert r["latency_awake_seconds"].tolist() == [90.0, 180.0, 1800.0, 9000.0, 3600.0, 1800.0]
    assert r["prompt_turn"].tolist() == [0, 1, 3, 4, 5, 6]
    assert r["response_turn"].tolist() == [1, 2, 4, 5, 6, 7]
    assert r["conversation_id"].tolist() == [0, 0, 1, 1, 1, 1]


def test_reply_across_a_boundary_is_not_a_latency(tiny: pd.DataFrame) -> None:
    r = structure.responses(tiny, gap="2h")
    # With 2 h, Ben's 02:00 reply and Ana's 07:30 reply start new conversations: no latency rows for them.
    assert r["latency_seconds"].tolist() == [90.0, 180.0, 1800.0]


def test_quiet_hours_inferred_from_enough_messages() -> None:
    # 200 messages by Ana spread over 10:00-21:59 (never 22:00-09:59): the longest quiet block is capped
    # at 12 h; the earliest 12 h block with no messages starts at 22:00.
    times = pd.date_range("2024-01-01 10:00", periods=200, freq="37min")
    times = times[(times.hour >= 10) & (times.hour < 22)]
    rows = [(str(t), "Ana", "x", "text") for t in times]
    q = structure.quiet_hours(build(rows))
    row = q.iloc[0]
    assert (row["person"], row["quiet_start"], row["quiet_hours"], row["inferred"]) == ("Ana", 22, 12, True)
    assert row["share"] == 0.0


def test_quiet_overlap_wraps_midnight() -> None:
    # Window 22:00 + 8 h = 22:00-06:00; interval 21:00 day 0 -> 07:00 day 1 overlaps 8 h.
    t0 = np.array([21 * 3600.0])
    t1 = np.array([86400 + 7 * 3600.0])
    got = structure._quiet_overlap(t0, t1, np.array([22]), np.array([8]))
    assert got.tolist() == [8 * 3600.0]
    # Two full days of a 7 h window.
    got = structure._quiet_overlap(np.array([0.0]), np.array([2 * 86400.0]), np.array([0]), np.array([7]))
    assert got.tolist() == [14 * 3600.0]


def test_local_day_starts_at_five() -> None:
    ts = pd.Series(pd.to_datetime(["2024-03-05 02:00", "2024-03-05 05:00"]).tz_localize("UTC"))
    assert structure.local_day(ts).tolist() == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-05")]


def test_adaptive_gap_finds_the_antimode_of_a_planted_mixture() -> None:
    rng = np.random.default_rng(0)
    # Replies ~ 2 min, between conversations ~ 1 day; equal spread 0.5 decades: equal weights put the
    # antimode at the midpoint of the log means, 10**((2.079 + 4.936) / 2) ≈ 3,200 s.
    inner = 10 ** rng.normal(np.log10(120), 0.5, 5000)
    outer = 10 ** rng.normal(np.log10(86400), 0.5, 5000)
    choice = structure.adaptive_gap(np.r_[inner, outer])
    assert choice.method == "adaptive"
    assert choice.seconds == pytest.approx(10 ** ((np.log10(120) + np.log10(86400)) / 2), rel=0.15)


def test_adaptive_gap_falls_back() -> None:
    assert structure.adaptive_gap(np.full(199, 60.0)).seconds == 3600.0
    assert structure.adaptive_gap(np.full(199, 60.0)).method == "fallback"
    unimodal = 10 ** np.random.default_rng(1).normal(2, 0.3, 1000)
    assert structure.adaptive_gap(unimodal).method == "fallback"


def test_adaptive_gap_is_clipped() -> None:
    rng = np.random.default_rng(2)
    fast = np.r_[10 ** rng.normal(0.5, 0.2, 5000), 10 ** rng.normal(2.5, 0.2, 5000)]  # antimode ~ 30 s
    assert structure.adaptive_gap(fast).seconds == 1800.0
    slow = np.r_[10 ** rng.normal(4.0, 0.2, 5000), 10 ** rng.normal(6.5, 0.2, 5000)]  # antimode ~ 2 days
    assert structure.adaptive_gap(slow).seconds == 43200.0


def test_minute_resolution_is_dequantised() -> None:
    rng = np.random.default_rng(3)
    g = np.r_[rng.lognormal(np.log(40), 1.0, 7000), rng.lognormal(np.log(6 * 3600), 1.0, 3000)]
    g = np.floor(g / 60) * 60
    choice = structure.adaptive_gap(g, resolution=60.0)
    assert choice.method == "adaptive"
    assert "weights 0.70/0.30" in choice.detail


@pytest.mark.parametrize("bad", [5, 3.5, "soon", "-1h", "0s", True])
def test_bad_gap_raises_config_error(tiny: pd.DataFrame, bad: object) -> None:
    with pytest.raises(ConfigError):
        structure.conversations(tiny, gap=bad)


def test_not_a_message_frame() -> None:
    with pytest.raises(SchemaError):
        structure.turns(pd.DataFrame({"a": [1]}))


def test_unsorted_input_is_sorted_not_mutated(tiny: pd.DataFrame) -> None:
    shuffled = tiny.sample(frac=1.0, random_state=0)
    before = shuffled.copy()
    r = structure.responses(shuffled, gap="8h")
    assert r["latency_seconds"].tolist() == [90.0, 180.0, 1800.0, 9000.0, 10800.0, 19800.0]
    pd.testing.assert_frame_equal(shuffled, before)


def test_word_counts_edge_cases() -> None:
    s = pd.Series([" a  b ", "", None, "x", "a\nb\tc", "héllo wörld ❤️", "  "], dtype="string[pyarrow]")
    assert structure.word_counts(s).tolist() == [2, 0, 0, 1, 3, 3, 0]
    assert structure.word_counts(s.iloc[3:5]).tolist() == [1, 3]  # a sliced array keeps its offsets right
    assert structure.word_counts(s.iloc[0:0]).tolist() == []
