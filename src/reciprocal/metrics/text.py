"""Text indicators: count providers and metric specs (METRICS.md, "Text features").

Registered with the metric engine on import (``reciprocal.features`` imports this module, so
``analyze(features="auto")`` reports them). Counts are per chat, conversation and person; events are
counted in the conversation holding the turn they start from, so each rate's numerator and denominator are
resampled together by the conversation bootstrap.

Count columns:

- ``text_turns`` (every turn), ``disclosures`` / ``disclosures_emotional`` / ``disclosures_informational``
  (turns with a disclosure), ``emotional_initiations`` (the person's first turn of a conversation they
  started discloses a feeling), ``questions``, ``needs_questions``, ``gratitude``, ``appreciation``,
  ``checkins`` (turns).
- Disclosure reciprocity, person = B, per turn of another person A: ``lift_disc_turns`` (A's turn discloses),
  ``lift_hits_after_disc`` (... and B discloses within the next 2 turns of the conversation),
  ``lift_other_turns`` (every A turn), ``lift_hits_any`` (B discloses within 2 turns after it).
- Bids: ``bids``, ``bids_unanswered`` (bidder); ``neg_bids_received`` / ``pos_bids_received`` (every other
  person of the chat); ``support_given`` (supportive replies to negative bids), ``celebrations``
  (active-constructive replies to positive bids), ``supportive_replies`` (to any bid) (responder).
- ``checkin_days`` (local days, 05:00 start, with a check-in by the person), ``observed_days`` (days from
  first to last conversation, a gap over 14 days counting as 1 day).
- ``vague_plans``, ``plan_proposals`` (vague or concrete plan turns), ``plans_followed`` /
  ``plans_eligible`` (a vague plan followed by a concrete plan or confirmation within 14 days; plans made
  less than 14 days before the chat ends without follow-through are censored).
- ``repairs``: first repair attempt (apology, affection, humour, check-in, "can we talk") after a negative
  exchange or a long silence after a negative turn.
- ``lsm_words`` and ``fw_<category>``: word and function-word counts (LSM); ``rlsm_sum`` / ``rlsm_n``:
  turn-by-turn LSM of the person's replies.

Values tables: ``bid_latency`` (seconds, person = responder), ``repair_time`` (seconds, person = repairer),
``lsm_conversation`` (LSM of each conversation of a two-person chat with ≥ 50 words from each person; one
row per person).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..features.extract import FW_COLUMNS
from ..features.responses import code_bids, turn_features
from ..structure import DAY_START_HOUR
from .engine import AnalysisContext, MetricSpec, Totals, register_counts, register_metric, register_values

__all__ = ["FOLLOW_THROUGH_DAYS", "TEXT_COLUMNS", "text_counts"]

#: Days within which a vague plan must be followed by a concrete one.
FOLLOW_THROUGH_DAYS = 14
#: A repair attempt must come within this many days of the episode.
REPAIR_WINDOW_DAYS = 7
#: Days without a conversation after which the time in between is not observed (check-in denominator).
ABSENT_GAP_DAYS = 14
NEGATIVE_TURN = -0.5
#: Words each person needs (in the chat, or in a conversation) for LSM.
MIN_LSM_WORDS = 50

TEXT_COLUMNS: tuple[str, ...] = (
    "text_turns",
    "disclosures",
    "disclosures_emotional",
    "disclosures_informational",
    "emotional_initiations",
    "questions",
    "needs_questions",
    "gratitude",
    "appreciation",
    "checkins",
    "lift_disc_turns",
    "lift_hits_after_disc",
    "lift_other_turns",
    "lift_hits_any",
    "bids",
    "bids_unanswered",
    "neg_bids_received",
    "pos_bids_received",
    "support_given",
    "celebrations",
    "supportive_replies",
    "checkin_days",
    "observed_days",
    "vague_plans",
    "plan_proposals",
    "plans_followed",
    "plans_eligible",
    "repairs",
    "lsm_words",
    *FW_COLUMNS,
    "rlsm_sum",
    "rlsm_n",
)
_KEYS = ["chat_id", "conversation_id", "person"]


def _keyed(chat: object, conv: object, person: object, **cols: object) -> pd.DataFrame:
    frame = pd.DataFrame({"chat_id": chat, "conversation_id": conv, "person": person, **cols})
    return frame[frame["person"].notna()]


def _turn_counts(tt: pd.DataFrame) -> pd.DataFrame:
    emo = tt["disclosure_emotional"].to_numpy() > 0
    info = tt["disclosure_informational"].to_numpy() > 0
    first = ~tt.duplicated(["chat_id", "conversation_id"]).to_numpy()  # turns are in order
    cols = {
        "text_turns": 1.0,
        "disclosures": (emo | info).astype(float),
        "disclosures_emotional": emo.astype(float),
        "disclosures_informational": info.astype(float),
        "emotional_initiations": (first & emo).astype(float),
        "questions": tt["question"].to_numpy(dtype=float),
        "needs_questions": tt["needs_question"].to_numpy(dtype=float),
        "gratitude": tt["gratitude"].to_numpy(dtype=float),
        "appreciation": tt["appreciation"].to_numpy(dtype=float),
        "checkins": tt["checkin"].to_numpy(dtype=float),
        "vague_plans": tt["vague_plan"].to_numpy(dtype=float),
        "plan_proposals": (tt["vague_plan"].to_numpy() | tt["concrete_plan"].to_numpy()).astype(float),
        "lsm_words": tt["text_words"].to_numpy(dtype=float),
        **{c: tt[c].to_numpy(dtype=float) for c in FW_COLUMNS},
    }
    return _keyed(tt["chat_id"], tt["conversation_id"], tt["sender"], **cols)


def _lift_counts(tt: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    disc = ((tt["disclosure_emotional"] > 0) | (tt["disclosure_informational"] > 0)).to_numpy()
    base = tt[["chat_id", "conversation_id", "sender"]].assign(disc=disc)
    sender = tt["sender"].astype(object)
    nxt = []
    for k in (1, 2):
        same = (tt["chat_id"].shift(-k) == tt["chat_id"]) & (
            tt["conversation_id"].shift(-k) == tt["conversation_id"]
        )
        who = sender.shift(-k).where(same.fillna(False).to_numpy(dtype=bool), "")
        nxt.append((who.fillna(""), pd.Series(disc).shift(-k, fill_value=False).to_numpy()))
    pairs = base.assign(n1=nxt[0][0].to_numpy(), d1=nxt[0][1], n2=nxt[1][0].to_numpy(), d2=nxt[1][1])
    pairs = pairs.merge(persons, on="chat_id", how="inner")
    pairs = pairs[pairs["person"] != pairs["sender"]]
    person = pairs["person"].to_numpy(dtype=object, na_value="")
    hit = ((pairs["n1"].to_numpy(dtype=object, na_value="") == person) & pairs["d1"].to_numpy(dtype=bool)) | (
        (pairs["n2"].to_numpy(dtype=object, na_value="") == person) & pairs["d2"].to_numpy(dtype=bool)
    )
    a_disc = pairs["disc"].to_numpy(dtype=bool)
    return _keyed(
        pairs["chat_id"],
        pairs["conversation_id"],
        pairs["person"],
        lift_disc_turns=a_disc.astype(float),
        lift_hits_after_disc=(a_disc & hit).astype(float),
        lift_other_turns=1.0,
        lift_hits_any=hit.astype(float),
    )


def _bid_counts(bids: pd.DataFrame, persons: pd.DataFrame) -> list[pd.DataFrame]:
    out = [
        _keyed(
            bids["chat_id"],
            bids["conversation_id"],
            bids["bidder"],
            bids=1.0,
            bids_unanswered=(~bids["answered"].to_numpy(dtype=bool)).astype(float),
        )
    ]
    received = bids[["chat_id", "conversation_id", "bidder", "bid"]].merge(persons, on="chat_id", how="inner")
    received = received[received["person"] != received["bidder"]]
    out.append(
        _keyed(
            received["chat_id"],
            received["conversation_id"],
            received["person"],
            neg_bids_received=(received["bid"] == "negative").to_numpy(dtype=float),
            pos_bids_received=(received["bid"] == "positive").to_numpy(dtype=float),
        )
    )
    supportive = bids["supportive"].to_numpy(dtype=bool)
    out.append(
        _keyed(
            bids["chat_id"],
            bids["conversation_id"],
            bids["responder"],
            support_given=(supportive & (bids["bid"] == "negative").to_numpy()).astype(float),
            celebrations=bids["active_constructive"].to_numpy(dtype=float),
            supportive_replies=supportive.astype(float),
        )
    )
    return out


def _local_day(ts: pd.Series) -> np.ndarray:
    wall = ts.dt.tz_localize(None) if isinstance(ts.dtype, pd.DatetimeTZDtype) else ts
    secs = (wall - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy()
    return np.floor((secs - DAY_START_HOUR * 3600) / 86400).astype(np.int64)


def _checkin_counts(tt: pd.DataFrame, conv: pd.DataFrame, persons: pd.DataFrame) -> list[pd.DataFrame]:
    day = _local_day(tt["start"])
    chk = tt.assign(day=day)[tt["checkin"].to_numpy(dtype=bool)]
    chk = chk.drop_duplicates(["chat_id", "sender", "day"])  # the first check-in of each day counts
    days = _keyed(chk["chat_id"], chk["conversation_id"], chk["sender"], checkin_days=1.0)
    cday = _local_day(conv["start"])
    prev = pd.Series(cday).groupby(conv["chat_id"].to_numpy()).shift(1).to_numpy()
    step = np.where(np.isnan(prev), 1.0, cday - np.nan_to_num(prev))
    step = np.where(step > ABSENT_GAP_DAYS, 1.0, step)
    obs = conv[["chat_id", "conversation_id"]].assign(observed_days=step).merge(persons, on="chat_id")
    return [days, obs[[*_KEYS, "observed_days"]]]


def _seconds(ts: pd.Series) -> np.ndarray:
    return (ts - pd.Timestamp("1970-01-01", tz=ts.dt.tz)).dt.total_seconds().to_numpy(dtype=float)


def _plan_counts(tt: pd.DataFrame, conv: pd.DataFrame) -> pd.DataFrame:
    horizon = FOLLOW_THROUGH_DAYS * 86400.0
    parts = []
    ends = pd.Series(_seconds(conv["end"]), index=conv.index).groupby(conv["chat_id"].to_numpy()).max()
    for chat, g in tt[tt["vague_plan"] | tt["concrete_plan"]].groupby("chat_id", sort=False):
        vague = g[g["vague_plan"].to_numpy(dtype=bool)]
        if vague.empty:
            continue
        start = _seconds(g["start"])
        concrete = np.sort(start[g["concrete_plan"].to_numpy(dtype=bool)])
        t = _seconds(vague["start"])
        # First concrete plan strictly after the proposal, within the horizon.
        idx = np.searchsorted(concrete, t, side="right")
        nxt = concrete[np.minimum(idx, len(concrete) - 1)] if len(concrete) else t
        followed = (idx < len(concrete)) & (nxt - t <= horizon)
        eligible = followed | (ends[chat] - t >= horizon)
        parts.append(
            _keyed(
                vague["chat_id"],
                vague["conversation_id"],
                vague["sender"],
                plans_followed=followed.astype(float),
                plans_eligible=eligible.astype(float),
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*_KEYS, "plans_followed"])


def _repair_events(tt: pd.DataFrame, conv: pd.DataFrame) -> pd.DataFrame:
    """One row per repaired episode: chat_id, conversation_id (of the episode), person, seconds."""
    marker = tt["repair_marker"].to_numpy(dtype=bool) | tt["apology"].to_numpy(dtype=bool)
    marker |= tt["checkin"].to_numpy(dtype=bool)
    negative = (
        (tt["sentiment_min"].to_numpy() <= NEGATIVE_TURN) | tt["conflict"].to_numpy(dtype=bool)
    ) & ~marker
    rows = []
    conv_gap = conv.assign(next_start=conv.groupby("chat_id", sort=False)["start"].shift(-1))
    gaps = (conv_gap["next_start"] - conv_gap["end"]).dt.total_seconds()
    p95 = gaps.groupby(conv_gap["chat_id"].to_numpy()).transform(lambda s: s.quantile(0.95))
    long_silence = (gaps > p95).to_numpy()
    silent = pd.MultiIndex.from_frame(
        conv_gap.loc[long_silence, ["chat_id", "conversation_id"]].astype(object)
    )
    window = pd.Timedelta(days=REPAIR_WINDOW_DAYS).to_timedelta64()
    for _chat, g in tt.assign(negative=negative, marker=marker).groupby("chat_id", sort=False):
        neg = g["negative"].to_numpy(dtype=bool)
        conv_id = g["conversation_id"].to_numpy()
        sender = g["sender"].to_numpy(dtype=object)
        n = len(g)
        # Ends of runs of negative turns in one conversation.
        run_id = np.cumsum(~neg | np.r_[True, conv_id[1:] != conv_id[:-1]])
        ends: list[int] = []
        for rid in np.unique(run_id[neg]):
            members = np.flatnonzero((run_id == rid) & neg)
            if len(set(sender[members])) >= 2:
                ends.append(int(members[-1]))
        last_of_conv = np.r_[conv_id[1:] != conv_id[:-1], True]
        keys = pd.MultiIndex.from_arrays([g["chat_id"].astype(object).to_numpy(), conv_id.astype(object)])
        silent_end = np.flatnonzero(neg & last_of_conv & np.asarray(keys.isin(silent)))
        ends = sorted(set(ends) | {int(k) for k in silent_end})
        starts = g["start"].to_numpy()
        end_t = g["end"].to_numpy()
        mark = np.flatnonzero(g["marker"].to_numpy(dtype=bool))
        for e in ends:
            later = mark[mark > e]
            if len(later) == 0 or later[0] >= n:
                continue
            r = int(later[0])
            if starts[r] - end_t[e] > window:
                continue
            rows.append(
                (
                    g["chat_id"].iloc[e],
                    int(conv_id[e]),
                    sender[r],
                    (starts[r] - end_t[e]) / np.timedelta64(1, "s"),
                )
            )
    return pd.DataFrame(rows, columns=[*_KEYS, "value"])


def _rlsm_counts(tt: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    t_index = pd.MultiIndex.from_frame(tt[["chat_id", "turn_id"]].astype(object))
    pi = t_index.get_indexer(pd.MultiIndex.from_frame(resp[["chat_id", "prompt_turn"]].astype(object)))
    ri = t_index.get_indexer(pd.MultiIndex.from_frame(resp[["chat_id", "response_turn"]].astype(object)))
    ok = (pi >= 0) & (ri >= 0)
    fw = tt[list(FW_COLUMNS)].to_numpy(dtype=float)
    words = tt["text_words"].to_numpy(dtype=float)
    pi, ri = pi[ok], ri[ok]
    wa, wb = words[pi], words[ri]
    both = (wa > 0) & (wb > 0)
    pa = 100 * fw[pi] / np.maximum(wa, 1)[:, None]
    pb = 100 * fw[ri] / np.maximum(wb, 1)[:, None]
    with np.errstate(invalid="ignore"):
        per = 1 - np.abs(pa - pb) / (pa + pb + 0.0001)
    # Categories absent from both turns are missing, not perfect matches (rLSM's frequency fix).
    per = np.where((pa + pb) > 0, per, np.nan)
    seen = np.isfinite(per).any(axis=1) & both
    val = np.where(seen, np.nanmean(np.where(seen[:, None], per, 0.0), axis=1), 0.0)
    sub = resp[ok]
    return _keyed(
        sub["chat_id"], sub["conversation_id"], sub["responder"], rlsm_sum=val, rlsm_n=seen.astype(float)
    )


@register_counts("text", columns=TEXT_COLUMNS, group="text")
def text_counts(ctx: AnalysisContext) -> pd.DataFrame:
    """Count every text indicator per chat, conversation and person (see the module docstring)."""
    tt = turn_features(ctx)
    bids = code_bids(ctx)
    persons = ctx.persons[["chat_id", "person"]]
    parts = [_turn_counts(tt), _lift_counts(tt, persons), *_bid_counts(bids, persons)]
    parts += _checkin_counts(tt, ctx.conversations, persons)
    parts.append(_plan_counts(tt, ctx.conversations))
    rep = _repair_events(tt, ctx.conversations)
    ctx.cache["text_repairs"] = rep
    parts.append(rep[_KEYS].assign(repairs=1.0))
    parts.append(_rlsm_counts(tt, ctx.responses))
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    frame["chat_id"] = frame["chat_id"].astype(schema.STRING)
    frame["person"] = frame["person"].astype(schema.STRING)
    frame["conversation_id"] = frame["conversation_id"].astype(np.int64)
    for c in TEXT_COLUMNS:
        frame[c] = frame[c].astype(float).fillna(0.0) if c in frame else 0.0
    return frame.groupby(_KEYS, sort=True, observed=True)[list(TEXT_COLUMNS)].sum().reset_index()


@register_values("bid_latency", group="text")
def bid_latency_values(ctx: AnalysisContext) -> pd.DataFrame:
    """Reply latency (seconds) to each answered bid; person = responder."""
    b = code_bids(ctx)
    b = b[b["latency_seconds"].notna()]
    return pd.DataFrame(
        {
            "chat_id": b["chat_id"],
            "conversation_id": b["conversation_id"],
            "person": b["responder"],
            "value": b["latency_seconds"],
        }
    )


@register_values("repair_time", group="text")
def repair_time_values(ctx: AnalysisContext) -> pd.DataFrame:
    """Seconds from the end of a negative episode to the first repair attempt; person = repairer."""
    rep = ctx.cache.get("text_repairs")
    if rep is None:
        rep = _repair_events(turn_features(ctx), ctx.conversations)
    return rep


@register_values("lsm_conversation", group="text")
def lsm_conversation_values(ctx: AnalysisContext) -> pd.DataFrame:
    """LSM of each conversation of a two-person chat where both wrote ≥ 50 words (a row per person)."""
    tt = turn_features(ctx)
    per = tt.groupby(["chat_id", "conversation_id", "sender"], sort=True, observed=True)[
        ["text_words", *FW_COLUMNS]
    ].sum()
    per = per.reset_index()
    n_people = per.groupby("chat_id", observed=True)["sender"].transform("nunique")
    per = per[(n_people == 2).to_numpy() & (per["text_words"] >= MIN_LSM_WORDS).to_numpy()]
    both = per.groupby(["chat_id", "conversation_id"], observed=True)["sender"].transform("size") == 2
    per = per[both.to_numpy()].sort_values(["chat_id", "conversation_id", "sender"])
    a, b = per.iloc[0::2], per.iloc[1::2]
    fa = 100 * a[list(FW_COLUMNS)].to_numpy(dtype=float) / a["text_words"].to_numpy(dtype=float)[:, None]
    fb = 100 * b[list(FW_COLUMNS)].to_numpy(dtype=float) / b["text_words"].to_numpy(dtype=float)[:, None]
    value = (1 - np.abs(fa - fb) / (fa + fb + 0.0001)).mean(axis=1) if len(a) else np.zeros(0)
    rows = pd.concat(
        [a[["chat_id", "conversation_id", "sender"]], b[["chat_id", "conversation_id", "sender"]]]
    )
    return pd.DataFrame(
        {
            "chat_id": rows["chat_id"].to_numpy(),
            "conversation_id": rows["conversation_id"].to_numpy(),
            "person": rows["sender"].to_numpy(),
            "value": np.concatenate([value, value]),
        }
    )


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _lift(t: Totals) -> np.ndarray:
    return _rate(t["lift_hits_after_disc"], t["lift_disc_turns"]) - _rate(
        t["lift_hits_any"], t["lift_other_turns"]
    )


def _lsm(t: Totals, a: int, b: int) -> np.ndarray:
    wa, wb = t["lsm_words"][:, a], t["lsm_words"][:, b]
    per = []
    for c in FW_COLUMNS:
        pa = 100 * _rate(t[c][:, a], wa)
        pb = 100 * _rate(t[c][:, b], wb)
        per.append(1 - np.abs(pa - pb) / (pa + pb + 0.0001))
    return np.mean(np.stack(per), axis=0)


def _rlsm(t: Totals, a: int, b: int) -> np.ndarray:
    return _rate(t["rlsm_sum"][:, a] + t["rlsm_sum"][:, b], t["rlsm_n"][:, a] + t["rlsm_n"][:, b])


_TURNS = "fewer than 5 turns"
_NEG = "fewer than 5 negative bids by the other person"
_POS = "fewer than 5 positive bids by the other person"
_SPECS = [
    MetricSpec(
        "disclosure_rate",
        "rate",
        ("disclosures", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="opens up in more of their turns",
        description="share of the person's turns with an emotional or informational self-disclosure",
    ),
    MetricSpec(
        "disclosure_rate_emotional",
        "rate",
        ("disclosures_emotional", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="shares feelings in more of their turns",
        description="share of the person's turns with an emotional self-disclosure",
    ),
    MetricSpec(
        "disclosure_rate_informational",
        "rate",
        ("disclosures_informational", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="shares personal facts in more of their turns",
        description="share of the person's turns with an informational self-disclosure",
    ),
    MetricSpec(
        "disclosure_share",
        "share",
        ("disclosures",),
        jeffreys=True,
        group="text",
        higher_is="does more of the opening up",
        description="share of all disclosing turns",
    ),
    MetricSpec(
        "disclosure_reciprocity_lift",
        "custom",
        ("lift_hits_after_disc", "lift_disc_turns", "lift_hits_any", "lift_other_turns"),
        fn=_lift,
        n_column="lift_disc_turns",
        min_n=5,
        reason="fewer than 5 disclosures by the other person",
        group="text",
        higher_is="answers the other's disclosures with their own more than usual",
        description="P(discloses within 2 turns | the other disclosed) − P(discloses within 2 turns)",
    ),
    MetricSpec(
        "emotional_initiation_share",
        "share",
        ("emotional_initiations",),
        jeffreys=True,
        group="text",
        higher_is="starts more of the conversations that open with a feeling",
        description="share of conversations started with an emotional disclosure",
    ),
    MetricSpec(
        "support_rate",
        "rate",
        ("support_given", "neg_bids_received"),
        min_n=5,
        reason=_NEG,
        group="text",
        higher_is="meets more of the other's negative bids with support",
        description="share of the other's negative bids answered with a supportive reply",
    ),
    MetricSpec(
        "celebration_rate",
        "rate",
        ("celebrations", "pos_bids_received"),
        min_n=5,
        reason=_POS,
        group="text",
        higher_is="celebrates more of the other's good news actively",
        description="share of the other's positive bids answered active-constructively",
    ),
    MetricSpec(
        "unanswered_bid_rate",
        "rate",
        ("bids_unanswered", "bids"),
        min_n=5,
        reason="fewer than 5 bids",
        group="text",
        higher_is="is left unanswered more often when reaching out",
        description="share of the person's bids nobody answered in the conversation",
    ),
    MetricSpec(
        "bid_latency_median",
        "quantile",
        ("bid_latency",),
        q=0.5,
        min_n=5,
        reason="fewer than 5 answered bids",
        group="text",
        timeline=False,
        higher_is="answers the other's bids more slowly",
        description="median seconds this person took to answer the other's bids",
    ),
    MetricSpec(
        "question_rate",
        "rate",
        ("questions", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="asks more",
        description="share of the person's turns with a question",
    ),
    MetricSpec(
        "needs_question_rate",
        "rate",
        ("needs_questions", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="asks more about the other's needs",
        description="share of the person's turns asking what the other needs or prefers",
    ),
    MetricSpec(
        "gratitude_rate",
        "rate",
        ("gratitude", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="thanks more often",
        description="share of the person's turns expressing thanks",
    ),
    MetricSpec(
        "appreciation_rate",
        "rate",
        ("appreciation", "text_turns"),
        min_n=5,
        reason=_TURNS,
        group="text",
        higher_is="praises the other more often",
        description="share of the person's turns with second-person praise",
    ),
    MetricSpec(
        "checkin_rate",
        "rate",
        ("checkin_days", "observed_days"),
        min_n=5,
        reason="fewer than 5 observed days",
        group="text",
        higher_is="checks in on more days",
        description="share of observed days (05:00 start) with a check-in by the person",
    ),
    MetricSpec(
        "daily_checkin_days",
        "total",
        ("checkin_days",),
        group="text",
        higher_is="checks in on more days",
        description="number of days with a check-in by the person",
    ),
    MetricSpec(
        "vague_plan_count",
        "total",
        ("vague_plans",),
        group="text",
        higher_is="proposes more vague plans",
        description="'we should catch up' without a concrete time",
    ),
    MetricSpec(
        "plan_follow_through_rate",
        "rate",
        ("plans_followed", "plans_eligible"),
        min_n=3,
        reason="fewer than 3 vague plans",
        group="text",
        higher_is="more of the person's vague plans became concrete",
        description=f"share of vague plans followed by a concrete plan within {FOLLOW_THROUGH_DAYS} days",
    ),
    MetricSpec(
        "repair_share",
        "share",
        ("repairs",),
        effort=True,
        jeffreys=True,
        group="text",
        higher_is="makes more of the repair attempts",
        description="share of repair attempts after friction or a long silence after a negative turn",
    ),
    MetricSpec(
        "time_to_repair_median",
        "quantile",
        ("repair_time",),
        q=0.5,
        min_n=3,
        reason="fewer than 3 repairs",
        group="text",
        timeline=False,
        higher_is="repairs more slowly",
        description="median seconds from a negative episode to the person's repair attempt",
    ),
    MetricSpec(
        "question_share",
        "share",
        ("questions",),
        effort=True,
        jeffreys=True,
        group="text",
        higher_is="asks more of the questions",
        description="share of the questions",
    ),
    MetricSpec(
        "checkin_share",
        "share",
        ("checkins",),
        effort=True,
        jeffreys=True,
        group="text",
        higher_is="does more of the checking in",
        description="share of the check-ins",
    ),
    MetricSpec(
        "support_share",
        "share",
        ("supportive_replies",),
        effort=True,
        jeffreys=True,
        group="text",
        higher_is="gives more of the support to bids",
        description="share of the supportive replies to the other's bids",
    ),
    MetricSpec(
        "plan_share",
        "share",
        ("plan_proposals",),
        effort=True,
        jeffreys=True,
        group="text",
        higher_is="proposes more of the plans",
        description="share of plan proposals (vague or concrete)",
    ),
    MetricSpec(
        "lsm",
        "dyad",
        ("lsm_words", *FW_COLUMNS),
        fn=_lsm,
        n_column="lsm_words",
        min_n=MIN_LSM_WORDS,
        reason="fewer than 50 words per person",
        group="text",
        timeline=False,
        higher_is="the pair writes more alike (function words)",
        description="language style matching, open function-word lexicon, 9 categories, whole chat",
    ),
    MetricSpec(
        "lsm_conversation_median",
        "quantile",
        ("lsm_conversation",),
        q=0.5,
        min_n=3,
        reason="fewer than 3 conversations with 50 words from each person",
        group="text",
        timeline=False,
        higher_is="the pair writes more alike within a conversation",
        description="median per-conversation LSM (two-person chats, conversations with >= 50 words each)",
    ),
    MetricSpec(
        "rlsm",
        "dyad",
        ("rlsm_sum", "rlsm_n"),
        fn=_rlsm,
        n_column="rlsm_n",
        min_n=5,
        reason="fewer than 5 replies with function words per person",
        group="text",
        timeline=False,
        higher_is="replies match the turn they answer more closely",
        description="turn-by-turn (reciprocal) LSM, mean over replies",
    ),
]

for _spec in _SPECS:
    register_metric(_spec, replace=True)
