"""Metric values on hand-built chats, every expected number worked out in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from analysis_chats import build, replicated

from reciprocal import analyze, structure
from reciprocal.metrics import engine
from reciprocal.metrics.timing import timing_counts


def _ctx(messages: pd.DataFrame, gap: str = "8h") -> engine.AnalysisContext:
    st = structure.segment(messages, gap=gap)
    persons = pd.DataFrame({"chat_id": ["c1", "c1"], "person": ["Ana", "Ben"]}).astype("string[pyarrow]")
    return engine.AnalysisContext(
        messages=st.messages,
        conversations=st.conversations,
        turns=st.turns,
        responses=st.responses,
        quiet=st.quiet,
        persons=persons,
    )


def test_timing_counts_by_hand(tiny: pd.DataFrame) -> None:
    counts = (
        timing_counts(_ctx(tiny))
        .groupby("person")[
            [
                "initiations",
                "daily_first_contacts",
                "messages",
                "words",
                "turns",
                "responses",
                "prompts",
                "replies_5min",
                "replies_1h",
                "unanswered_turns",
                "unanswered_followed",
                "double_initiations",
                "step_ups",
                "step_up_opportunities",
            ]
        ]
        .sum()
    )
    ana, ben = counts.loc["Ana"].to_dict(), counts.loc["Ben"].to_dict()
    # Ana starts conv 0 and 1, Ben conv 2.
    assert (ana["initiations"], ben["initiations"]) == (2, 1)
    # Days start 05:00: Mon (first: Ana 10:00; Ben's Tue 02:00 still belongs to Mon), Tue (Ana 07:30).
    assert (ana["daily_first_contacts"], ben["daily_first_contacts"]) == (2, 0)
    # Reaction and system rows are not messages.
    assert (ana["messages"], ben["messages"]) == (7, 4)
    assert (ana["words"], ben["words"]) == (11, 6)
    assert (ana["turns"], ben["turns"]) == (5, 4)
    assert (ana["responses"], ben["responses"]) == (3, 3)
    # Prompts: the other's turns. Ben has 1 + 2 + 1 turns, Ana 2 + 3 + 0.
    assert (ana["prompts"], ben["prompts"]) == (4, 5)
    # Latencies Ana 180, 9000, 19800; Ben 90, 1800, 10800.
    assert (ana["replies_5min"], ben["replies_5min"]) == (1, 1)
    assert (ana["replies_1h"], ben["replies_1h"]) == (1, 2)
    # conv 0 and conv 1 end with Ana's turn, conv 2 with Ben's (the chat's last, no next conversation).
    assert (ana["unanswered_turns"], ben["unanswered_turns"]) == (2, 1)
    assert (ana["unanswered_followed"], ben["unanswered_followed"]) == (2, 0)
    # After conv 0 Ana writes again (double initiation); after conv 1 Ben steps up.
    assert (ana["double_initiations"], ben["double_initiations"]) == (1, 0)
    assert (ana["step_ups"], ben["step_ups"]) == (0, 1)
    assert (ana["step_up_opportunities"], ben["step_up_opportunities"]) == (0, 2)


def _score(report: object, person: str, metric: str) -> pd.Series:
    s = report.scores  # type: ignore[attr-defined]
    row = s[(s["person"] == person) & (s["metric"] == metric)]
    assert len(row) == 1, (person, metric)
    return row.iloc[0]


def test_metrics_by_hand_on_four_replicas() -> None:
    # The tiny chat 4 times, 3 days apart: 12 conversations (>= 10, so nothing is NA).
    n = 4
    rep = analyze(replicated(n), gap="8h", bootstrap=200, seed=1, features="timing")
    v = {(p, m): _score(rep, p, m)["value"] for p in ("Ana", "Ben") for m in rep.scores["metric"].unique()}
    assert v["Ana", "initiation_share"] == pytest.approx(2 / 3)
    assert v["Ben", "initiation_share"] == pytest.approx(1 / 3)
    assert v["Ana", "daily_first_contact_share"] == 1.0
    assert v["Ana", "response_rate"] == pytest.approx(3 / 4)
    assert v["Ben", "response_rate"] == pytest.approx(3 / 5)
    assert v["Ana", "latency_median"] == 9000.0
    assert v["Ben", "latency_median"] == 1800.0
    # IQR with numpy's linear quantiles of [180]*4 + [9000]*4 + [19800]*4: q25 sits at position 2.75
    # (between two 180s), q75 at 8.25 (between two 19800s).
    assert v["Ana", "latency_iqr"] == 19800 - 180
    assert v["Ana", "latency_geomean"] == pytest.approx((180 * 9000 * 19800) ** (1 / 3))
    assert v["Ana", "latency_awake_median"] == 1800.0  # [180, 9000, 1800]
    assert v["Ben", "latency_awake_median"] == 1800.0  # [90, 1800, 3600]
    assert v["Ana", "reply_within_5min"] == pytest.approx(1 / 3)
    assert v["Ben", "reply_within_1h"] == pytest.approx(2 / 3)
    assert v["Ana", "unanswered_turns"] == 2 * n
    assert v["Ben", "unanswered_turns"] == n
    # Ana's unanswered turns are all followed by a new conversation; she starts half of them.
    assert v["Ana", "double_initiation_rate"] == pytest.approx(1 / 2)
    assert v["Ben", "step_up_rate"] == pytest.approx(1 / 2)
    # Ben's unanswered turns followed by a conversation (end of each replica but the last) number n - 1 = 3:
    # below the minimum of 5, so NA with the reason.
    assert math.isnan(v["Ben", "double_initiation_rate"])
    assert _score(rep, "Ben", "double_initiation_rate")["note"] == (
        "NA: n=3 < 5 (fewer than 5 unanswered turns followed by a new conversation)"
    )
    assert math.isnan(v["Ana", "step_up_rate"])
    # Step-ups: Ana n - 1 = 3, Ben n = 4.
    assert v["Ana", "step_up_share"] == pytest.approx(3 / 7)
    # effort share = mean(initiation share, step-up share).
    assert v["Ana", "effort_share"] == pytest.approx((2 / 3 + 3 / 7) / 2)
    assert v["Ana", "overfunctioning_index"] == v["Ana", "effort_share"]
    assert v["Ana", "messages"] == 7 * n
    assert v["Ben", "words"] == 6 * n
    assert v["Ana", "message_share"] == pytest.approx(28 / 44)

    d = rep.dyads.set_index("metric")
    assert tuple(d.loc["reciprocity_score", ["person_a", "person_b"]]) == ("Ana", "Ben")
    # 100 * (1 - mean(|2*2/3 - 1|, |2*3/7 - 1|)) = 100 * (1 - (1/3 + 1/7) / 2)
    assert d.loc["reciprocity_score", "value"] == pytest.approx(100 * (1 - (1 / 3 + 1 / 7) / 2))
    assert d.loc["latency_log2_ratio", "value"] == pytest.approx(math.log2(9000 / 1800))
    assert d.loc["initiations_balance", "value"] == pytest.approx(2 / 3)
    assert d.loc["initiations_balance", "note"] == "low balance (cut-points 0.55 / 0.65)"
    # 28 / 44 = 0.636: between the cut-points.
    assert d.loc["messages_balance", "note"] == "mid balance (cut-points 0.55 / 0.65)"
    assert d.loc["initiations_imbalance", "value"] == pytest.approx(1 / 3)
    assert d.loc["initiations_gini", "value"] == pytest.approx(1 / 6)
    assert d.loc["initiations_min_max_ratio", "value"] == pytest.approx(1 / 2)
    assert d.loc["initiations_log2_ratio", "value"] == pytest.approx(math.log2(8.5 / 4.5))
    note = d.loc["reciprocity_score", "note"]
    assert note == "indicators: initiation_share, step_up_share (timing indicators only)"
    # n: shares rest on all initiations; rates on the person's denominator; latencies on replies.
    assert _score(rep, "Ana", "initiation_share")["n"] == 12
    assert _score(rep, "Ben", "response_rate")["n"] == 20
    assert _score(rep, "Ana", "latency_median")["n"] == 12


def test_fewer_than_ten_conversations_is_na_with_reason(tiny: pd.DataFrame) -> None:
    rep = analyze(tiny, gap="8h", bootstrap=50, features="timing")
    row = _score(rep, "Ana", "initiation_share")
    assert math.isnan(row["value"]) and math.isnan(row["ci_low"])
    assert row["note"] == "NA: 3 conversation(s) < 10 needed"
    # Plain volumes are facts and stay available.
    assert _score(rep, "Ana", "messages")["value"] == 7


def test_jeffreys_interval_against_beta_quantiles() -> None:
    stats = pytest.importorskip("scipy.stats")
    for x, n in [(0, 10), (3, 10), (7, 12), (50, 100), (1, 1)]:
        lo, hi = engine.jeffreys_interval(x, n)
        assert lo == pytest.approx(stats.beta.ppf(0.025, x + 0.5, n - x + 0.5), abs=1e-4)
        assert hi == pytest.approx(stats.beta.ppf(0.975, x + 0.5, n - x + 0.5), abs=1e-4)


def test_jeffreys_known_value() -> None:
    # Beta(7.5, 5.5) quantiles 0.025 / 0.975 = 0.31194 / 0.81952 (scipy.stats.beta.ppf, kept here so the
    # test runs without scipy).
    lo, hi = engine.jeffreys_interval(7, 12)
    assert (round(lo, 4), round(hi, 4)) == (0.3119, 0.8195)


def test_bootstrap_zero_gives_jeffreys_intervals_for_shares() -> None:
    rep = analyze(replicated(4), gap="8h", bootstrap=0, features="timing")
    row = _score(rep, "Ana", "initiation_share")
    lo, hi = engine.jeffreys_interval(8, 12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))
    assert math.isnan(_score(rep, "Ana", "latency_median")["ci_low"])


def test_weighted_quantile_row_zero_matches_numpy() -> None:
    rng = np.random.default_rng(5)
    conv = np.repeat(np.arange(20), 5)
    vals = rng.lognormal(5, 1, 100)
    w = engine._weights(20, 30, np.random.default_rng(0))
    q = engine._Quantiles({"t": (conv, np.zeros(100, dtype=np.int64), vals)}, 1, w, np.arange(20))
    for p in (0.25, 0.5, 0.75):
        assert q("t", p)[0, 0] == pytest.approx(np.quantile(vals, p))
    # Every replicate is the quantile of its resampled values (check replicate 1 by expanding weights).
    expanded = np.repeat(vals, w[1].astype(int)[conv])
    assert q("t", 0.5)[1, 0] == pytest.approx(np.quantile(expanded, 0.5))


def test_multinomial_weights_resample_every_unit_count() -> None:
    w = engine._weights(7, 100, np.random.default_rng(0))
    assert w.shape == (101, 7)
    assert (w[0] == 1).all()
    assert (w.sum(axis=1) == 7).all()


def test_group_chat_has_pairs_interactions_and_give_receive() -> None:
    rows = []
    t = pd.Timestamp("2024-01-01 09:00")
    order = ["Ana", "Ben", "Cy"]
    for k in range(12):  # 12 conversations, a day apart; Ana always starts, then Ben, then Cy answer
        for j, who in enumerate(order):
            rows.append((str(t + pd.Timedelta(days=k, minutes=j)), who, "hello", "text"))
    rep = analyze(build(rows), gap="2h", bootstrap=50, features="timing")
    pairs = rep.dyads[rep.dyads["metric"] == "reciprocity_score"][["person_a", "person_b"]]
    assert [tuple(x) for x in pairs.to_numpy()] == [("Ana", "Ben"), ("Ana", "Cy"), ("Ben", "Cy")]
    inter = rep.interactions[rep.interactions["metric"] == "responses"]
    got = {
        (s, t): v
        for s, t, v in zip(inter["source_person"], inter["target_person"], inter["value"], strict=True)
    }
    assert got == {("Ben", "Ana"): 12.0, ("Cy", "Ben"): 12.0}
    gr = rep.scores[rep.scores["metric"] == "give_receive_ratio"].set_index("person")["value"]
    # Ben: 12 responses given, 12 received (Cy answered him); Ana gives none; Cy is never answered.
    assert gr["Ben"] == 1.0 and gr["Ana"] == 0.0 and math.isnan(gr["Cy"])
    eff = rep.scores[rep.scores["metric"] == "initiation_share"].set_index("person")["value"]
    assert eff.to_dict() == {"Ana": 1.0, "Ben": 0.0, "Cy": 0.0}


def test_pursuit_rates_with_six_replicas() -> None:
    # n = 6: Ben's unanswered turns followed by a conversation: 5, all followed by Ana's step-up.
    rep = analyze(replicated(6), gap="8h", bootstrap=0, features="timing")
    assert _score(rep, "Ben", "double_initiation_rate")["value"] == 0.0
    assert _score(rep, "Ana", "step_up_rate")["value"] == 1.0
    assert _score(rep, "Ana", "step_up_rate")["n"] == 5
