"""analyze(): properties (hypothesis), planted truth, many chats, plug-in indicators, Report output."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from analysis_chats import build, replicated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reciprocal import analyze, schema, structure
from reciprocal.errors import AnalysisError, ConfigError
from reciprocal.metrics import MetricSpec, engine, register_counts, register_metric, unregister
from reciprocal.report import DYAD_COLUMNS, SCORE_COLUMNS, Report

SHARES = ("initiation_share", "daily_first_contact_share", "step_up_share", "message_share", "effort_share")


@st.composite
def dyad_chats(draw: st.DrawFn, min_conversations: int = 10) -> pd.DataFrame:
    """A 2-person chat of k conversations (> 3 h apart) with random turn-taking and reply delays."""
    k = draw(st.integers(min_conversations, 25))
    rows = []
    t = pd.Timestamp("2024-01-01 08:00")
    for _ in range(k):
        t += pd.Timedelta(hours=draw(st.integers(3, 40)))
        n = draw(st.integers(1, 6))
        for _ in range(n):
            who = draw(st.sampled_from(["Ana", "Ben"]))
            rows.append((str(t), who, "hey there", "text"))
            t += pd.Timedelta(seconds=draw(st.integers(5, 3000)))
    return build(rows)


_SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(dyad_chats())
def test_shares_of_a_dyad_sum_to_one(chat: pd.DataFrame) -> None:
    rep = analyze(chat, gap="2h", bootstrap=30, features="timing")
    s = rep.scores[rep.scores["metric"].isin(SHARES)]
    for metric, group in s.groupby("metric"):
        vals = group["value"].to_numpy(dtype=float)
        if len(vals) == 2 and np.isfinite(vals).all():
            assert vals.sum() == pytest.approx(1.0), metric


@_SETTINGS
@given(dyad_chats())
def test_relabelling_persons_permutes_results(chat: pd.DataFrame) -> None:
    # "Ana" -> "Zoe" and "Ben" -> "Al" also flips the alphabetical person order.
    renamed = chat.assign(sender=chat["sender"].map({"Ana": "Zoe", "Ben": "Al"}).astype(schema.STRING))
    a = analyze(chat, gap="2h", bootstrap=40, seed=3, features="timing").scores
    b = analyze(renamed, gap="2h", bootstrap=40, seed=3, features="timing").scores
    b = b.assign(person=b["person"].map({"Zoe": "Ana", "Al": "Ben"}).astype(schema.STRING))
    key = ["chat_id", "person", "metric"]
    a = a.sort_values(key, ignore_index=True)
    b = b.sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


@_SETTINGS
@given(dyad_chats(min_conversations=1), st.sampled_from(["30min", "2h", "8h", "adaptive"]))
def test_a_message_thirty_days_later_adds_exactly_one_conversation(chat: pd.DataFrame, gap: str) -> None:
    before = structure.conversations(chat, gap=gap)["conversation_id"].max() + 1
    late = chat["timestamp"].max() + pd.Timedelta(days=30)
    extra = build([(str(late.tz_localize(None)), "Ben", "still there?", "text")])
    extra = extra.assign(message_id=pd.array(["late"], dtype=schema.STRING))
    after = structure.conversations(pd.concat([chat, extra], ignore_index=True), gap=gap)
    assert after["conversation_id"].max() + 1 == before + 1


@_SETTINGS
@given(dyad_chats(), st.integers(0, 2**31 - 1))
def test_intervals_contain_the_estimate_and_same_seed_same_intervals(chat: pd.DataFrame, seed: int) -> None:
    one = analyze(chat, gap="2h", bootstrap=60, seed=seed, features="timing")
    two = analyze(chat, gap="2h", bootstrap=60, seed=seed, features="timing")
    pd.testing.assert_frame_equal(one.scores, two.scores)
    pd.testing.assert_frame_equal(one.dyads, two.dyads)
    for frame in (one.scores, one.dyads):
        ok = frame["value"].notna() & frame["ci_low"].notna()
        assert (frame.loc[ok, "ci_low"] <= frame.loc[ok, "value"] + 1e-12).all()
        assert (frame.loc[ok, "value"] <= frame.loc[ok, "ci_high"] + 1e-12).all()


def planted_chat(
    n_conv: int = 400, p_a: float = 0.7, med_a: float = 60.0, ratio: float = 7.0
) -> pd.DataFrame:
    """A starts a conversation with probability p_a; B's reply latency median is ratio × A's."""
    rng = np.random.default_rng(42)
    rows = []
    t = pd.Timestamp("2023-01-01 09:00")
    for _ in range(n_conv):
        t += pd.Timedelta(hours=float(rng.uniform(10, 40)))
        who = "A" if rng.random() < p_a else "B"
        for _ in range(int(rng.integers(2, 7))):
            rows.append((str(t), who, "msg", "text"))
            who = "B" if who == "A" else "A"
            median = med_a if who == "A" else med_a * ratio  # the next speaker answers with their delay
            t += pd.Timedelta(seconds=float(rng.lognormal(np.log(median), 0.6)))
    return build(rows)


def test_planted_truth_is_recovered_with_covering_intervals() -> None:
    rep = analyze(planted_chat(), bootstrap=1000, seed=0, features="timing")
    s = rep.scores.set_index(["person", "metric"])
    init = s.loc[("A", "initiation_share")]
    assert init["value"] == pytest.approx(0.7, abs=0.06)
    assert init["ci_low"] < 0.7 < init["ci_high"]
    med_a = s.loc[("A", "latency_median")]
    med_b = s.loc[("B", "latency_median")]
    assert med_a["ci_low"] < 60 < med_a["ci_high"]
    assert med_b["ci_low"] < 420 < med_b["ci_high"]
    assert med_b["value"] / med_a["value"] == pytest.approx(7, rel=0.2)
    ratio = rep.dyads.set_index("metric").loc["latency_log2_ratio"]
    assert ratio["ci_low"] < math.log2(1 / 7) < ratio["ci_high"]
    # The adaptive gap separates the ~10-40 h pauses from the replies (seconds to minutes).
    assert rep.params["gaps"]["c1"]["method"] == "adaptive"
    assert rep.scores["n"][rep.scores["metric"] == "initiation_share"].iloc[0] == 400


def test_many_chats_give_the_same_results_as_each_alone() -> None:
    a = replicated(4)
    b = planted_chat(n_conv=30)
    b = b.assign(chat_id=pd.array(["c2"] * len(b), dtype=schema.STRING))
    both = analyze(pd.concat([a, b], ignore_index=True), gap="8h", bootstrap=80, features="timing")
    alone = analyze(b, gap="8h", bootstrap=80, features="timing")
    got = both.scores[both.scores["chat_id"] == "c2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone.scores)
    assert set(both.params["gaps"]) == {"c1", "c2"}


def test_registered_indicator_joins_effort_and_reciprocity() -> None:
    @register_counts("test_questions", columns=("test_q",), group="testgroup")
    def _questions(ctx: engine.AnalysisContext) -> pd.DataFrame:
        # Ben asks one question per conversation, Ana none.
        conv = ctx.conversations
        return pd.DataFrame(
            {
                "chat_id": conv["chat_id"],
                "conversation_id": conv["conversation_id"],
                "person": "Ben",
                "test_q": 1,
            }
        )

    register_metric(MetricSpec("test_question_share", "share", ("test_q",), effort=True, group="testgroup"))
    try:
        # Only this group, not the text plug-in's indicators.
        rep = analyze(replicated(4), gap="8h", bootstrap=20, features=["testgroup"])
        timing = analyze(replicated(4), gap="8h", bootstrap=20, features="timing")
    finally:
        unregister("test_question_share")
        unregister("test_questions")
    eff = rep.scores.set_index(["person", "metric"])["value"]
    assert eff[("Ben", "test_question_share")] == 1.0
    assert eff[("Ana", "effort_share")] == pytest.approx((2 / 3 + 3 / 7 + 0.0) / 3)
    rec = rep.dyads.set_index("metric").loc["reciprocity_score"]
    assert rec["value"] == pytest.approx(100 * (1 - (1 / 3 + 1 / 7 + 1) / 3))
    assert rec["note"] == "indicators: initiation_share, step_up_share, test_question_share"
    assert rep.params["timing_only"] is False
    assert "test_question_share" not in set(timing.scores["metric"])
    assert timing.params["indicators"] == ["initiation_share", "step_up_share"]


def test_duplicate_registration_is_an_error() -> None:
    with pytest.raises(ConfigError):
        register_metric(MetricSpec("initiation_share", "share", ("initiations",)))
    with pytest.raises(ConfigError):
        MetricSpec("x", "share", ("a", "b"))
    with pytest.raises(ConfigError):
        MetricSpec("x", "rate", ("a", "b"), effort=True)


def test_carrying_the_load_flag_needs_the_whole_interval() -> None:
    # A starts ~90% of 400 conversations: effort share well above 0.65 with a tight interval.
    rep = analyze(planted_chat(p_a=0.9), bootstrap=300, features="timing")
    flags = rep.flags[rep.flags["flag"] == "carrying_the_load"]
    assert flags["person"].tolist() == ["A"]
    row = flags.iloc[0]
    assert row["value"] >= 0.65 and row["ci_low"] > 0.5 and row["threshold"] == 0.65
    assert rep.params["flags_tested"] >= 2
    # Balanced chat: no load flag.
    assert not (
        analyze(planted_chat(p_a=0.5), bootstrap=300, features="timing").flags["flag"] == "carrying_the_load"
    ).any()


def test_gap_sensitivity_flag_when_a_share_changes_side() -> None:
    # Ben opens 12 days at 09:00 and Ana answers after 90 minutes; on 8 days Ana also writes at 15:00 and
    # Ben answers within a minute. With 4 h (and 2 h) gaps Ben starts 12 of 20 conversations (60%); with
    # 30 min Ana's late answers start conversations too: Ben 12 of 32 (37.5%) -> changes side of 0.5;
    # with 8 h, 10:30 -> 15:00 no longer splits: Ben starts all 12.
    rows = []
    for d in range(12):
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=d)
        rows.append((str(day + pd.Timedelta(hours=9)), "Ben", "morning", "text"))
        rows.append((str(day + pd.Timedelta(hours=10, minutes=30)), "Ana", "hi", "text"))
        if d < 8:
            rows.append((str(day + pd.Timedelta(hours=15)), "Ana", "coffee?", "text"))
            rows.append((str(day + pd.Timedelta(hours=15, minutes=1)), "Ben", "yes", "text"))
    rep = analyze(build(rows), gap="4h", bootstrap=50, features="timing")
    init = rep.scores.set_index(["person", "metric"])["value"]
    assert init[("Ben", "initiation_share")] == pytest.approx(12 / 20)
    sens = [
        r for r in rep.params["sensitivity"] if r["metric"] == "initiation_share" and r["person"] == "Ben"
    ]
    assert {r["gap_seconds"]: round(r["value"], 4) for r in sens} == {
        1800.0: 0.375,
        7200.0: 0.6,
        28800.0: 1.0,
    }
    flags = rep.flags[(rep.flags["flag"] == "gap_sensitive") & (rep.flags["metric"] == "initiation_share")]
    assert sorted(flags["person"]) == ["Ana", "Ben"]


def test_report_frames_json_and_html() -> None:
    chat = replicated(4)
    chat = chat.assign(sender=chat["sender"].replace({"Ana": "<script>Ana</script>"}).astype(schema.STRING))
    rep = analyze(chat, gap="8h", bootstrap=20, features="timing")
    assert isinstance(rep, Report)
    assert list(rep.scores.columns) == SCORE_COLUMNS
    assert list(rep.dyads.columns) == DYAD_COLUMNS
    assert list(rep.timeline.columns) == ["chat_id", "month", "person", "metric", "value", "n"]
    assert list(rep.latencies.columns)[:3] == ["chat_id", "conversation_id", "responder"]
    assert int(rep.activity["messages"].sum()) == 44
    with pytest.raises(AttributeError):
        rep.scores = rep.scores  # type: ignore[misc]  # frozen
    doc = json.loads(rep.to_json())
    assert doc["params"]["bootstrap"] == 20 and doc["params"]["seed"] == 0
    assert len(doc["scores"]) == len(rep.scores)
    got = [r["value"] for r in doc["scores"]]
    assert [g is None for g in got] == rep.scores["value"].isna().tolist()  # NaN -> null
    finite = [(g, v) for g, v in zip(got, rep.scores["value"], strict=True) if g is not None]
    assert all(g == pytest.approx(v, rel=1e-14) for g, v in finite)  # 15 significant digits
    html = rep._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    wide = rep.to_frame()
    assert wide.loc[("c1", "<script>Ana</script>"), "initiation_share"] == pytest.approx(2 / 3)
    # Timeline: March 2024 holds all 12 conversations.
    tl = rep.timeline[(rep.timeline["metric"] == "initiation_share")]
    assert tl["month"].unique().tolist() == [pd.Timestamp("2024-03-01")]
    assert tl["n"].tolist() == [12, 12]


def test_bad_arguments_and_empty_input(tiny: pd.DataFrame) -> None:
    with pytest.raises(ConfigError):
        analyze(tiny, bootstrap=-1)
    with pytest.raises(ConfigError):
        analyze(tiny, features=3)  # type: ignore[arg-type]
    system_only = build([("2024-01-01 10:00", None, "created group", "system")])
    with pytest.raises(AnalysisError):
        analyze(system_only)


def test_progress_callback_counts_chats() -> None:
    seen: list[tuple[int, int]] = []
    analyze(
        replicated(1), gap="8h", bootstrap=0, features="timing", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 1)]


def test_analyze_does_not_mutate_its_input() -> None:
    chat = replicated(4).sample(frac=1.0, random_state=1)
    before = chat.copy()
    analyze(chat, gap="8h", bootstrap=10, features="timing")
    pd.testing.assert_frame_equal(chat, before)


def test_long_chats_resample_contiguous_blocks_with_the_same_point_estimates() -> None:
    chat = planted_chat(n_conv=400)
    full = analyze(chat, bootstrap=100, features="timing")
    blocks = analyze(chat, bootstrap=100, features="timing", max_units=100)
    assert full.params["bootstrap_units"]["c1"] == {"units": 400, "conversations_per_unit": 1.0}
    assert blocks.params["bootstrap_units"]["c1"] == {"units": 100, "conversations_per_unit": 4.0}
    pd.testing.assert_series_equal(full.scores["value"], blocks.scores["value"])
    ok = blocks.scores["value"].notna()
    assert blocks.scores.loc[ok, "ci_low"].notna().all()
