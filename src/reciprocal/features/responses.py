"""Turn-level text features and the coding of each bid and the partner's reply.

A turn carries the strongest disclosure of its messages, any flag any of its messages has, and its bid
(ask > negative > positive). A bid's response is the next turn by another person in the same conversation
(``structure.responses``); a reaction by another person to one of the bid's messages, with no reply turn,
counts as a minimal response; otherwise the bid is unanswered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from .extract import FW_COLUMNS, text_feature_columns
from .tagger import FLAG_COLUMNS, SUPPORT_CODES, only_weak_sorry

__all__ = ["BID_RESPONSE_COLUMNS", "bid_responses", "code_bids", "turn_features"]

#: Columns of :func:`bid_responses`.
BID_RESPONSE_COLUMNS: tuple[str, ...] = (
    "chat_id",
    "conversation_id",
    "turn_id",
    "bidder",
    "bid",
    "bid_start",
    "responder",
    "response_turn",
    "latency_seconds",
    "answered",
    "reaction_only",
    *SUPPORT_CODES,
    "self_shift",
    "minimal",
    "supportive",
    "active_constructive",
)

# Turn-level bid priority: ask (3) > negative (1) > positive (2) > none (0).
_BID_RANK = np.array([0, 2, 1, 3])
_BID_OF_RANK = np.array([0, 2, 1, 3])
_BID_NAMES = np.array(["none", "negative", "positive", "ask"], dtype=object)


def turn_features(ctx: Any, *, classifier: bool = True) -> pd.DataFrame:
    """Aggregate the per-message text features of ``ctx.messages`` to ``ctx.turns`` (cached in ``ctx.cache``).

    Args:
        ctx: An ``AnalysisContext`` (messages with ``turn_id``, turns).
        classifier: Use the bundled disclosure classifier.

    Returns:
        ``ctx.turns`` plus: ``disclosure_emotional``/``disclosure_informational`` (max), ``bid`` (code
        0 none / 1 negative / 2 positive / 3 ask), every flag of :data:`FLAG_COLUMNS` (any message),
        ``weak_sorry`` (a bare "sorry" and no other apology), ``self_ref``, ``repair_marker``,
        ``sentiment_min``, ``sentiment_mean``, ``text_words`` and the ``fw_*`` counts, ``text_messages``,
        and ``msg_index`` (the turn's positions in ``ctx.messages``, for content lookups).
    """
    key = ("text_turns", classifier)
    if key in ctx.cache:
        return ctx.cache[key]
    msgs = ctx.messages
    turns = ctx.turns.reset_index(drop=True)
    cols, scored, take = text_feature_columns(msgs, classifier=classifier)
    ctx.cache[("text_scored", classifier)] = (scored, take)
    tix = pd.MultiIndex.from_frame(turns[["chat_id", "turn_id"]].astype({"chat_id": object})).get_indexer(
        pd.MultiIndex.from_arrays([msgs[schema.CHAT_ID].astype(object), msgs["turn_id"].to_numpy()])
    )
    is_text = take >= 0
    sel = (tix >= 0) & is_text
    n = len(turns)
    t = tix[sel]
    out = turns.copy()

    def agg_max(values: np.ndarray) -> np.ndarray:
        res = np.zeros(n, dtype=values.dtype)
        np.maximum.at(res, t, values[sel])
        return res

    out["disclosure_emotional"] = agg_max(cols["disclosure_emotional"].to_numpy(dtype=np.int8))
    out["disclosure_informational"] = agg_max(cols["disclosure_informational"].to_numpy(dtype=np.int8))
    out["bid"] = _BID_OF_RANK[agg_max(_BID_RANK[cols["bid"].cat.codes.to_numpy()])]
    for c in FLAG_COLUMNS:
        out[c] = agg_max(cols[c].to_numpy(dtype=bool))
    ev = cols["evidence"].to_numpy(dtype=object, na_value="")
    apology = cols["apology"].to_numpy(dtype=bool)
    weak = np.zeros(len(msgs), dtype=bool)
    cand = np.flatnonzero(apology & sel)
    weak[cand] = [only_weak_sorry(ev[k]) for k in cand]
    out["weak_sorry"] = agg_max(weak) & ~agg_max(apology & ~weak)
    helper = np.where(take >= 0, take, 0)
    out["self_ref"] = agg_max(scored["self_ref"][helper] & is_text)
    out["repair_marker"] = agg_max(scored["repair_marker"][helper] & is_text)
    sent = cols["sentiment"].to_numpy(dtype=float)
    smin = np.zeros(n)
    np.minimum.at(smin, t, sent[sel])
    out["sentiment_min"] = smin
    cnt = np.bincount(t, minlength=n)
    out["sentiment_mean"] = np.bincount(t, weights=sent[sel], minlength=n) / np.maximum(cnt, 1)
    out["text_messages"] = cnt
    out["text_words"] = np.bincount(t, weights=cols["words"].to_numpy(dtype=float)[sel], minlength=n)
    for c in FW_COLUMNS:
        out[c] = np.bincount(t, weights=cols[c].to_numpy(dtype=float)[sel], minlength=n)
    # Positions of each turn's text messages (for the content-word overlap of replies with bids).
    order = np.argsort(t, kind="stable")
    pos = np.flatnonzero(sel)[order]
    bounds = np.concatenate([[0], np.cumsum(cnt)])
    out["msg_index"] = pd.Series([pos[bounds[i] : bounds[i + 1]] for i in range(n)], dtype=object).to_numpy()
    ctx.cache[key] = out
    return out


def _content(ctx: Any, classifier: bool, positions: np.ndarray) -> frozenset[int]:
    scored, take = ctx.cache[("text_scored", classifier)]
    words: set[int] = set()
    for k in positions:
        words |= scored["content"][take[k]]
    return frozenset(words)


def code_bids(ctx: Any, *, classifier: bool = True) -> pd.DataFrame:
    """Code every bid turn and the partner's reply (cached in ``ctx.cache``).

    Args:
        ctx: An ``AnalysisContext``.
        classifier: Use the bundled disclosure classifier.

    Returns:
        One row per bid turn with :data:`BID_RESPONSE_COLUMNS`.
    """
    key = ("text_bids", classifier)
    if key in ctx.cache:
        return ctx.cache[key]
    tt = turn_features(ctx, classifier=classifier)
    bids = tt[tt["bid"] > 0]
    resp = ctx.responses
    r_index = pd.MultiIndex.from_frame(resp[["chat_id", "prompt_turn"]].astype({"chat_id": object}))
    b_index = pd.MultiIndex.from_arrays([bids["chat_id"].astype(object), bids["turn_id"].to_numpy()])
    ri = r_index.get_indexer(b_index)
    answered = ri >= 0
    t_index = pd.MultiIndex.from_frame(tt[["chat_id", "turn_id"]].astype({"chat_id": object}))
    safe = np.maximum(ri, 0)

    def from_resp(col: str, fill: Any, dtype: Any) -> np.ndarray:
        vals = resp[col].to_numpy(dtype=dtype)
        return np.where(answered, vals[safe] if len(vals) else fill, fill)

    resp_turn = from_resp("response_turn", -1, np.int64)
    rt = t_index.get_indexer(pd.MultiIndex.from_arrays([bids["chat_id"].astype(object), resp_turn]))
    rt = np.where(answered, rt, -1)
    got = rt >= 0
    rows = tt.iloc[np.maximum(rt, 0)]
    codes = {c: rows[c].to_numpy(dtype=bool) & got for c in SUPPORT_CODES}
    negative = bids["bid"].to_numpy() == 1
    # A bare "sorry" answering bad news is sympathy, not an apology.
    codes["emotional_reaction"] |= got & negative & rows["weak_sorry"].to_numpy(dtype=bool)
    support = np.logical_or.reduce([codes[c] for c in SUPPORT_CODES])
    apology = rows["apology"].to_numpy(dtype=bool) & ~(negative & rows["weak_sorry"].to_numpy(dtype=bool))
    plain = (
        got
        & ~support
        & rows["self_ref"].to_numpy(dtype=bool)
        & ~rows["minimal"].to_numpy(dtype=bool)
        & ~rows["question"].to_numpy(dtype=bool)
        & ~apology
        & ~rows["gratitude"].to_numpy(dtype=bool)
    )
    shift = plain.copy()
    for k in np.flatnonzero(plain):
        bid_words = _content(ctx, classifier, bids["msg_index"].iloc[k])
        reply_words = _content(ctx, classifier, rows["msg_index"].iloc[k])
        shift[k] = not (bid_words & reply_words)
    # A reply without text (sticker, media) or with only acknowledgements is minimal.
    minimal = (
        got & ~support & (rows["minimal"].to_numpy(dtype=bool) | (rows["text_messages"].to_numpy() == 0))
    )
    reaction_only = ~got & _reacted(ctx, bids)
    minimal |= reaction_only
    positive = bids["bid"].to_numpy() == 2
    acr = (
        positive
        & codes["emotional_reaction"]
        & (rows["sentiment_mean"].to_numpy() >= 0.05)
        & (codes["exploration"] | (rows["text_words"].to_numpy() >= 8))
    )
    latency = from_resp("latency_seconds", np.nan, float)
    responder = from_resp("responder", None, object)
    out = pd.DataFrame(
        {
            "chat_id": bids["chat_id"].to_numpy(),
            "conversation_id": bids["conversation_id"].to_numpy(dtype=np.int64),
            "turn_id": bids["turn_id"].to_numpy(dtype=np.int64),
            "bidder": bids["sender"].to_numpy(),
            "bid": pd.Categorical(
                _BID_NAMES[bids["bid"].to_numpy()], categories=["negative", "positive", "ask"]
            ),
            "bid_start": bids["start"].to_numpy(),
            "responder": pd.array(responder, dtype=schema.STRING),
            "response_turn": resp_turn.astype(np.int64),
            "latency_seconds": latency,
            "answered": got | reaction_only,
            "reaction_only": reaction_only,
            **codes,
            "self_shift": shift,
            "minimal": minimal,
            "supportive": support,
            "active_constructive": acr,
        }
    )
    out["bid_start"] = bids["start"].reset_index(drop=True)
    ctx.cache[key] = out
    return out


def _reacted(ctx: Any, bids: pd.DataFrame) -> np.ndarray:
    """Whether another person reacted (emoji reaction row) to a message of each bid turn."""
    msgs = ctx.messages
    react = msgs[
        (msgs[schema.KIND] == "reaction").to_numpy(dtype=bool) & msgs[schema.REPLY_TO].notna().to_numpy()
    ]
    if react.empty or bids.empty:
        return np.zeros(len(bids), dtype=bool)
    target = pd.MultiIndex.from_arrays(
        [msgs[schema.CHAT_ID].astype(object), msgs[schema.MESSAGE_ID].astype(object)]
    )
    hit = target.get_indexer(
        pd.MultiIndex.from_arrays(
            [react[schema.CHAT_ID].astype(object), react[schema.REPLY_TO].astype(object)]
        )
    )
    ok = hit >= 0
    t_chat = msgs[schema.CHAT_ID].to_numpy(dtype=object)[hit[ok]]
    t_turn = msgs["turn_id"].to_numpy()[hit[ok]]
    t_sender = msgs[schema.SENDER].to_numpy(dtype=object)[hit[ok]]
    r_sender = react[schema.SENDER].to_numpy(dtype=object)[ok]
    other = t_sender != r_sender
    reacted = pd.MultiIndex.from_arrays([t_chat[other], t_turn[other]])
    b = pd.MultiIndex.from_arrays([bids["chat_id"].astype(object), bids["turn_id"].to_numpy()])
    return np.asarray(b.isin(reacted), dtype=bool)


def bid_responses(messages: pd.DataFrame, *, gap: Any = "adaptive", classifier: bool = True) -> pd.DataFrame:
    """Return each bid (a turn with an emotional disclosure or an explicit ask) and how it was answered.

    Args:
        messages: A message frame.
        gap: Conversation gap (see :func:`reciprocal.structure.conversations`).
        classifier: Use the bundled disclosure classifier.

    Returns:
        One row per bid turn, columns :data:`BID_RESPONSE_COLUMNS`: the bid (``negative`` / ``positive``
        / ``ask``), who answered and how fast, the response codes of the reply turn, ``supportive`` (any
        of the six support codes) and ``active_constructive`` (positive bids: warm reaction plus a
        question or elaboration).
    """
    from ..metrics.engine import AnalysisContext
    from ..structure import segment

    st = segment(messages, gap=gap)
    ctx = AnalysisContext(
        messages=st.messages,
        conversations=st.conversations,
        turns=st.turns,
        responses=st.responses,
        quiet=st.quiet,
        persons=pd.DataFrame({"chat_id": [], "person": []}),
    )
    return code_bids(ctx, classifier=classifier)
