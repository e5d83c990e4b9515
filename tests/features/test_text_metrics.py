"""Text metrics through analyze() and the count providers, on synthetic chats with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from reciprocal import analyze, schema
from reciprocal.features import bid_responses
from reciprocal.features.extract import FW_COLUMNS
from reciprocal.metrics.engine import AnalysisContext
from reciprocal.metrics.text import text_counts
from reciprocal.nlp import lsm_from_counts
from reciprocal.structure import segment

BAD = [
    "I got fired today and I feel awful",
    "I'm so stressed, my mom is in the hospital",
    "I failed my exam, I feel terrible",
    "my boyfriend broke up with me, I'm heartbroken",
    "I feel so lonely lately",
    "I had a panic attack at work",
]
GOOD = [
    "I got the job!! I'm so happy",
    "I passed my driving test!!",
    "I got promoted today, so excited!",
    "we won the final!! I'm thrilled",
    "I got accepted into the program!!",
    "I finally finished my thesis, so proud!",
]
SYMPATHY = [
    "oh no, I'm so sorry. that sounds really hard",
    "oh no, that's awful. are you ok?",
    "I'm so sorry, sending hugs ❤️",
    "that sucks, I'm here for you",
    "oh no. want me to come over?",
    "that must be so hard, how are you feeling?",
]


def build(
    rows: list[tuple[pd.Timestamp, str, str]], kinds: list[str] | None = None, **extra: list
) -> pd.DataFrame:
    ts, snd, txt = zip(*rows, strict=True)
    cols = {"timestamp": list(ts), "sender": list(snd), "text": list(txt), **extra}
    if kinds is not None:
        cols["kind"] = kinds
    return schema.make_messages(cols, tz="UTC", chat_id="c", source="synthetic")


def sympathy_chat() -> pd.DataFrame:
    """B answers every bad news of A with sympathy; good news gets "ok" (3 times) or nothing (3 times)."""
    rows = []
    t = pd.Timestamp("2024-01-01 09:00")
    for i in range(12):
        if i % 2 == 0:
            rows += [
                (t, "A", BAD[i // 2]),
                (t + pd.Timedelta(minutes=3), "B", SYMPATHY[i // 2]),
                (t + pd.Timedelta(minutes=5), "A", "thanks"),
            ]
        elif i % 4 == 1:
            rows += [(t, "A", GOOD[i // 2]), (t + pd.Timedelta(minutes=4), "B", "ok")]
        else:
            rows += [(t, "A", GOOD[i // 2])]
        t += pd.Timedelta(hours=27)
    return build(rows)


def _score(rep, person: str, metric: str) -> pd.Series:
    s = rep.scores
    return s[(s["person"] == person) & (s["metric"] == metric)].iloc[0]


def test_sympathy_for_bad_news_but_not_for_good_news() -> None:
    rep = analyze(sympathy_chat(), bootstrap=200, seed=1)
    support = _score(rep, "B", "support_rate")
    assert (support["value"], support["n"]) == (1.0, 6)
    assert support["ci_low"] == 1.0
    celebration = _score(rep, "B", "celebration_rate")
    assert (celebration["value"], celebration["n"]) == (0.0, 6)
    assert celebration["ci_high"] == 0.0
    unanswered = _score(rep, "A", "unanswered_bid_rate")
    assert (unanswered["value"], unanswered["n"]) == (0.25, 12)
    # Six sympathy replies after 3 minutes, three "ok" after 4 minutes.
    latency = _score(rep, "B", "bid_latency_median")
    assert (latency["value"], latency["n"]) == (180.0, 9)
    # A never answered a bid of B's: the bid metrics say why they are NA.
    own = _score(rep, "A", "support_rate")
    assert pd.isna(own["value"])
    assert own["note"] == "NA: n=0 < 5 (fewer than 5 negative bids by the other person)"
    assert _score(rep, "B", "unanswered_bid_rate")["note"] == "NA: n=0 < 5 (fewer than 5 bids)"
    assert "support_share" in rep.params["indicators"]


# Chat-style bids that drop "I", answered by B with a dismissal (odd bids) or with sympathy (even bids).
CHAT_BAD = [
    "feeling so sad today",
    "had the worst day, can't stop crying",
    "just got fired",
    "so tired of everything",
    "mom's in the hospital again",
    "feeling kinda down tbh",
]
DISMISS = ["you're overreacting", "get over it", "well what did you expect"]
CARE = ["oh no, that's awful. u ok?", "sorry to hear that, want me to come over?", "that must be so hard ❤️"]


def dismissal_chat() -> pd.DataFrame:
    rows = []
    t = pd.Timestamp("2024-03-01 09:00")
    for i in range(12):  # twelve conversations: the interval needs ten
        reply = DISMISS[i // 2 % 3] if i % 2 == 0 else CARE[i // 2 % 3]
        rows += [(t, "A", CHAT_BAD[i % 6]), (t + pd.Timedelta(minutes=2), "B", reply)]
        t += pd.Timedelta(hours=26)
    return build(rows)


def test_chat_style_bids_and_dismissive_replies() -> None:
    br = bid_responses(dismissal_chat())
    assert br["bid"].tolist() == ["negative"] * 12
    assert br["supportive"].tolist() == [False, True] * 6
    assert br["answered"].all()
    rep = analyze(dismissal_chat(), bootstrap=200, seed=1)
    support = _score(rep, "B", "support_rate")
    assert (support["value"], support["n"]) == (0.5, 12)
    assert support["ci_low"] < 0.5 < support["ci_high"]


def test_bid_responses_codes_each_bid() -> None:
    br = bid_responses(sympathy_chat())
    assert br["bid"].tolist() == ["negative", "positive"] * 6
    assert br["supportive"].tolist() == [True, False] * 6
    assert br["answered"].tolist() == [True, True, True, False] * 3
    assert br["minimal"].tolist() == [False, True, False, False] * 3
    assert not br["active_constructive"].any()
    assert br.loc[0, ["emotional_reaction", "interpretation"]].tolist() == [True, True]


def test_fewer_than_five_bids_is_na_with_reason() -> None:
    chat = sympathy_chat().iloc[:14]  # 6 conversations' worth of rows, 2-3 bids of each kind
    rep = analyze(chat, bootstrap=0)
    row = _score(rep, "B", "support_rate")
    assert pd.isna(row["value"])
    assert row["note"].startswith("NA:")


def test_active_constructive_reply_to_good_news_counts_as_celebration() -> None:
    rows = []
    t = pd.Timestamp("2024-03-01 09:00")
    for i in range(10):
        rows += [
            (t, "A", GOOD[i % 6]),
            (t + pd.Timedelta(minutes=2), "B", "congrats!! so proud of you, how did it go?"),
        ]
        t += pd.Timedelta(days=1)
    rep = analyze(build(rows), bootstrap=0)
    assert _score(rep, "B", "celebration_rate")["value"] == 1.0


def _ctx(messages: pd.DataFrame) -> AnalysisContext:
    st = segment(messages, gap="1h")
    persons = st.turns[["chat_id", "sender"]].drop_duplicates().rename(columns={"sender": "person"})
    return AnalysisContext(st.messages, st.conversations, st.turns, st.responses, st.quiet, persons)


def _totals(messages: pd.DataFrame) -> pd.DataFrame:
    return (
        text_counts(_ctx(messages))
        .groupby("person")[
            ["plans_followed", "plans_eligible", "vague_plans", "repairs", "checkin_days", "observed_days"]
        ]
        .sum()
    )


def test_plan_follow_through_within_14_days() -> None:
    d = pd.Timestamp("2024-05-01 12:00")
    rows = [
        (d, "A", "we should catch up soon"),  # followed 3 days later
        (d + pd.Timedelta(days=3), "B", "dinner friday at 7?"),
        (d + pd.Timedelta(days=10), "A", "let's hang out sometime"),  # nothing concrete within 14 days
        (d + pd.Timedelta(days=30), "B", "hi"),
        (d + pd.Timedelta(days=35), "A", "we need to get together"),  # chat ends 5 days later: censored
        (d + pd.Timedelta(days=40), "B", "hey"),
    ]
    tot = _totals(build(rows))
    assert tot.loc["A", ["vague_plans", "plans_followed", "plans_eligible"]].tolist() == [3.0, 1.0, 2.0]


def test_repair_after_a_negative_exchange() -> None:
    d = pd.Timestamp("2024-06-01 20:00")
    rows = [
        (d, "A", "you never listen to me, this is so stupid"),
        (d + pd.Timedelta(minutes=1), "B", "whatever, I hate this stupid fight"),
        (d + pd.Timedelta(minutes=2), "A", "fine"),
        (d + pd.Timedelta(hours=5), "B", "I'm sorry, I was wrong. can we talk?"),
    ]
    ctx = _ctx(build(rows))
    counts = text_counts(ctx).groupby("person")["repairs"].sum()
    assert counts.to_dict() == {"A": 0.0, "B": 1.0}
    rep = ctx.cache["text_repairs"]
    assert rep["value"].tolist() == [5 * 3600 - 60.0]


def test_daily_checkins_and_observed_days() -> None:
    d = pd.Timestamp("2024-07-01 09:00")
    rows = [
        (d, "A", "good morning! how did you sleep?"),
        (d + pd.Timedelta(minutes=1), "B", "fine"),
        (d + pd.Timedelta(days=1), "A", "good morning"),
        (d + pd.Timedelta(days=1, hours=3), "A", "how are you?"),  # same day: counts once
        (d + pd.Timedelta(days=3), "B", "hey how was your day?"),
        (d + pd.Timedelta(days=30), "A", "hi"),  # 27-day gap counts as 1 observed day
    ]
    tot = _totals(build(rows))
    assert tot["checkin_days"].to_dict() == {"A": 2.0, "B": 1.0}
    # Days 0, 1, 3 (= 1 + 1 + 2) and the day after the long gap (1).
    assert tot["observed_days"].to_dict() == {"A": 5.0, "B": 5.0}


def test_chat_lsm_equals_the_formula_on_each_persons_words() -> None:
    a_text = "I went to the shop and it was not open"
    b_text = "we love the sea and all of its moods"
    rows = []
    t = pd.Timestamp("2024-08-01 10:00")
    for _ in range(10):
        rows += [(t, "A", a_text), (t + pd.Timedelta(minutes=1), "B", b_text)]
        t += pd.Timedelta(days=1)
    rep = analyze(build(rows), bootstrap=0)
    from reciprocal.features.tagger import score_texts

    cols = score_texts([a_text, b_text])
    expected = lsm_from_counts(
        cols["fw"][0] * 10, cols["words"][0] * 10, cols["fw"][1] * 10, cols["words"][1] * 10
    )
    got = rep.dyads[rep.dyads["metric"] == "lsm"].iloc[0]
    assert got["value"] == pytest.approx(expected)
    assert got["n"] == 90  # B's 9 words x 10 (the smaller of the pair)
    assert len(FW_COLUMNS) == 9


def test_lsm_needs_50_words_per_person() -> None:
    rows = []
    t = pd.Timestamp("2024-08-01 10:00")
    for _ in range(10):
        rows += [(t, "A", "I went to the shop and it was not open"), (t + pd.Timedelta(minutes=1), "B", "ok")]
        t += pd.Timedelta(days=1)
    got = analyze(build(rows), bootstrap=0).dyads.set_index("metric").loc["lsm"]
    assert pd.isna(got["value"])
    assert got["note"] == "NA: n=10 < 50 (fewer than 50 words per person)"


def test_a_reaction_to_a_bid_is_a_minimal_answer() -> None:
    d = pd.Timestamp("2024-09-01 10:00")
    m = build(
        [(d, "A", "I feel so sad today"), (d + pd.Timedelta(minutes=2), "B", "😢")],
        kinds=["text", "reaction"],
        reply_to=[pd.NA, "1"],
    )
    br = bid_responses(m, gap="1h")
    assert br[["answered", "reaction_only", "minimal", "supportive"]].iloc[0].tolist() == [
        True,
        True,
        True,
        False,
    ]


def test_per_conversation_lsm_uses_conversations_with_50_words_each() -> None:
    a_text = " ".join(["I went to the shop and it was not open"] * 5)  # 50 words
    b_text = " ".join(["we love the sea and all of its moods"] * 6)  # 54 words
    rows = []
    t = pd.Timestamp("2024-08-01 10:00")
    for k in range(12):
        # Every third conversation B only says "ok": too few words, left out.
        rows += [(t, "A", a_text), (t + pd.Timedelta(minutes=1), "B", b_text if k % 3 else "ok")]
        t += pd.Timedelta(days=1)
    rep = analyze(build(rows), bootstrap=0)
    from reciprocal.features.tagger import score_texts

    cols = score_texts([a_text, b_text])
    expected = lsm_from_counts(cols["fw"][0], cols["words"][0], cols["fw"][1], cols["words"][1])
    got = _score(rep, "A", "lsm_conversation_median")
    assert got["value"] == pytest.approx(expected)
    assert got["n"] == 8
