"""Timing indicators: count and value providers plus their metric specs (METRICS.md, "Timing").

Count columns (per chat, conversation and person):

- ``initiations``: started the conversation; ``daily_first_contacts``: sent the first message of a local day
  (05:00 start), counted in the conversation holding that message.
- ``messages``, ``words``, ``turns``: volumes (participant messages only).
- ``responses``: turns that answer another person's turn; ``prompts``: other people's turns in the
  conversation (what the person could have answered); ``responses_received``: the person's turns that were
  answered; ``replies_5min`` / ``replies_1h``: responses with latency ≤ 300 s / 3600 s;
  ``log_latency_sum``: Σ ln(max(latency, 1 s)) of the person's responses.
- ``unanswered_turns``: the person's turn ended the conversation; ``unanswered_followed``: ... and a next
  conversation exists (the last conversation of a chat is censored); ``double_initiations``: ... and the
  person also started the next one; ``step_ups``: the person started the next conversation after another
  person's unanswered turn; ``step_up_opportunities``: another person's unanswered turn was followed by a
  next conversation. Pursuit events are counted in the conversation holding the unanswered turn, so a rate's
  numerator and denominator are always resampled together.

Values tables: ``latency`` and ``latency_awake`` (seconds, one value per response, person = responder).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..structure import DAY_START_HOUR
from .engine import AnalysisContext, MetricSpec, register_counts, register_metric, register_values

__all__ = ["TIMING_COLUMNS", "timing_counts"]

TIMING_COLUMNS = (
    "initiations",
    "daily_first_contacts",
    "messages",
    "words",
    "turns",
    "responses",
    "prompts",
    "responses_received",
    "replies_5min",
    "replies_1h",
    "log_latency_sum",
    "unanswered_turns",
    "unanswered_followed",
    "double_initiations",
    "step_ups",
    "step_up_opportunities",
)

_KEYS = ["chat_id", "conversation_id", "person"]


class _Keys:
    """Integer keys ``conversation row × n_names + person code`` so counting is bincount, not groupby."""

    def __init__(self, ctx: AnalysisContext) -> None:
        conv = ctx.conversations
        self.chats = np.asarray(pd.unique(conv["chat_id"].to_numpy(dtype=object)), dtype=object)
        codes = self._codes(conv["chat_id"], self.chats)
        sizes = np.bincount(codes, minlength=len(self.chats))
        self.offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.conv_chat = codes
        self.conv_id = conv["conversation_id"].to_numpy(dtype=np.int64)
        self.names = np.asarray(pd.unique(ctx.persons["person"].to_numpy(dtype=object)), dtype=object)
        self.n = max(len(self.names), 1)
        self.parts: list[tuple[str, np.ndarray, np.ndarray]] = []

    @staticmethod
    def _codes(values: pd.Series, categories: np.ndarray) -> np.ndarray:
        # pyarrow's hash lookup: no Python string objects per row (-1 for values not in categories).
        arr = pa.array(pd.Series(values).astype(schema.STRING))
        got = pc.index_in(arr, value_set=pa.array(list(categories), type=arr.type))
        return np.asarray(pc.fill_null(got, -1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def keys(self, chat: pd.Series, conv: np.ndarray, person: pd.Series) -> np.ndarray:
        g = self.offsets[self._codes(chat, self.chats)] + np.asarray(conv, dtype=np.int64)
        return g * self.n + self._codes(person, self.names)

    def add(self, column: str, keys: np.ndarray, weight: np.ndarray | None = None) -> None:
        w = np.ones(len(keys)) if weight is None else np.asarray(weight, dtype=float)
        ok = keys >= 0  # a person code of -1 (not a participant) is dropped
        self.parts.append((column, keys[ok], w[ok]))

    def frame(self, columns: tuple[str, ...]) -> pd.DataFrame:
        allkeys = np.unique(np.concatenate([k for _, k, _ in self.parts])) if self.parts else np.zeros(0, int)
        data: dict[str, np.ndarray] = {c: np.zeros(len(allkeys)) for c in columns}
        for column, keys, w in self.parts:
            data[column] += np.bincount(np.searchsorted(allkeys, keys), weights=w, minlength=len(allkeys))
        g = allkeys // self.n
        out = pd.DataFrame(
            {
                "chat_id": pd.array(self.chats[self.conv_chat[g]], dtype=schema.STRING),
                "conversation_id": self.conv_id[g],
                "person": pd.array(self.names[allkeys % self.n], dtype=schema.STRING),
            }
        )
        for c in columns:
            out[c] = data[c]
        return out


@register_counts("timing", columns=TIMING_COLUMNS, group="timing")
def timing_counts(ctx: AnalysisContext) -> pd.DataFrame:
    """Count every timing indicator per chat, conversation and person (see the module docstring)."""
    conv = ctx.conversations
    turns = ctx.turns
    resp = ctx.responses
    k = _Keys(ctx)
    conv_ids = conv["conversation_id"].to_numpy(dtype=np.int64)

    k.add("initiations", k.keys(conv["chat_id"], conv_ids, conv["initiator"]))
    last_keys = k.keys(conv["chat_id"], conv_ids, conv["last_sender"])
    k.add("unanswered_turns", last_keys)

    # Daily first contact: first participant message of each (chat, local day starting 05:00).
    part = ctx.messages["turn_id"].to_numpy() >= 0
    chat = ctx.messages[schema.CHAT_ID][part]
    wall = ctx.messages[schema.TIMESTAMP][part].dt.tz_localize(None)
    day = ((wall - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy() - DAY_START_HOUR * 3600) // 86400
    chat_code = k._codes(chat, k.chats)
    day_key = chat_code * (int(day.max() - day.min()) + 2 if len(day) else 1) + (
        day - (day.min() if len(day) else 0)
    )
    first = np.ones(len(day_key), dtype=bool)
    first[1:] = day_key[1:] != day_key[:-1]  # rows are sorted by chat and time
    m_conv = ctx.messages["conversation_id"].to_numpy(dtype=np.int64)[part]
    m_keys = k.keys(chat, m_conv, ctx.messages[schema.SENDER][part])
    k.add("daily_first_contacts", m_keys[first])
    k.add("messages", m_keys)

    t_keys = k.keys(turns["chat_id"], turns["conversation_id"].to_numpy(), turns["sender"])
    k.add("words", t_keys, turns["n_words"].to_numpy(dtype=float))
    k.add("turns", t_keys)

    lat = resp["latency_seconds"].to_numpy(dtype=float)
    r_conv = resp["conversation_id"].to_numpy()
    r_keys = k.keys(resp["chat_id"], r_conv, resp["responder"])
    k.add("responses", r_keys)
    k.add("responses_received", k.keys(resp["chat_id"], r_conv, resp["prompt_person"]))
    k.add("replies_5min", r_keys, (lat <= 300).astype(float))
    k.add("replies_1h", r_keys, (lat <= 3600).astype(float))
    k.add("log_latency_sum", r_keys, np.log(np.maximum(lat, 1.0)))

    # Pursuit: compare each conversation's last sender with the next conversation's initiator.
    nxt_chat = conv["chat_id"].shift(-1)
    has_next = (nxt_chat == conv["chat_id"]).fillna(False).to_numpy(dtype=bool)
    nxt_init = conv["initiator"].shift(-1)
    same = (nxt_init == conv["last_sender"]).fillna(False).to_numpy(dtype=bool)
    k.add("unanswered_followed", last_keys[has_next])
    k.add("double_initiations", last_keys[has_next & same])
    step = has_next & ~same
    k.add("step_ups", k.keys(conv["chat_id"][step], conv_ids[step], nxt_init[step]))

    # Per person and conversation, things that depend on the other people: prompts, step-up chances.
    pc = conv[["chat_id", "conversation_id", "n_turns", "last_sender"]].assign(has_next=has_next)
    pc = pc.merge(ctx.persons, on="chat_id", how="inner")
    pc_keys = k.keys(pc["chat_id"], pc["conversation_id"].to_numpy(), pc["person"])
    own_keys, own_counts = np.unique(t_keys, return_counts=True)
    pos = np.clip(np.searchsorted(own_keys, pc_keys), 0, max(len(own_keys) - 1, 0))
    own = (
        np.where((len(own_keys) > 0) & (own_keys[pos] == pc_keys), own_counts[pos], 0) if len(own_keys) else 0
    )
    k.add("prompts", pc_keys, pc["n_turns"].to_numpy(dtype=float) - own)
    chance = (pc["has_next"] & (pc["person"] != pc["last_sender"])).to_numpy(dtype=bool)
    k.add("step_up_opportunities", pc_keys, chance.astype(float))
    return k.frame(TIMING_COLUMNS)


@register_values("latency", group="timing")
def latency_values(ctx: AnalysisContext) -> pd.DataFrame:
    """Raw reply latency (seconds) per response; person = responder."""
    r = ctx.responses
    return pd.DataFrame(
        {
            "chat_id": r["chat_id"],
            "conversation_id": r["conversation_id"],
            "person": r["responder"],
            "value": r["latency_seconds"],
        }
    )


@register_values("latency_awake", group="timing")
def latency_awake_values(ctx: AnalysisContext) -> pd.DataFrame:
    """Reply latency minus the responder's quiet hours (seconds) per response."""
    r = ctx.responses
    return pd.DataFrame(
        {
            "chat_id": r["chat_id"],
            "conversation_id": r["conversation_id"],
            "person": r["responder"],
            "value": r["latency_awake_seconds"],
        }
    )


def _geomean(t: object) -> np.ndarray:
    tot = t  # Totals
    s, n = tot["log_latency_sum"], tot["responses"]  # type: ignore[index]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.exp(s / np.where(n > 0, n, 1)), np.nan)


_REPLIES = "fewer than 5 replies by this person"
_SPECS = [
    MetricSpec(
        "initiation_share",
        "share",
        ("initiations",),
        effort=True,
        jeffreys=True,
        higher_is="starts more of the conversations",
        description="share of conversations this person started",
    ),
    MetricSpec(
        "daily_first_contact_share",
        "share",
        ("daily_first_contacts",),
        jeffreys=True,
        higher_is="makes the first contact on more days",
        description="share of active days (starting 05:00) on which this person wrote first",
    ),
    MetricSpec(
        "response_rate",
        "rate",
        ("responses", "prompts"),
        min_n=5,
        reason="fewer than 5 turns by the others",
        higher_is="answers more of the other's turns",
        description="share of the others' turns this person answered within the conversation",
    ),
    MetricSpec(
        "latency_median",
        "quantile",
        ("latency",),
        q=0.5,
        min_n=5,
        reason=_REPLIES,
        higher_is="replies more slowly",
        description="median reply latency in seconds",
    ),
    MetricSpec(
        "latency_iqr",
        "iqr",
        ("latency",),
        min_n=5,
        reason=_REPLIES,
        higher_is="replies less consistently",
        description="interquartile range of reply latency in seconds",
    ),
    MetricSpec(
        "latency_geomean",
        "custom",
        ("log_latency_sum", "responses"),
        fn=_geomean,
        n_column="responses",
        min_n=5,
        reason=_REPLIES,
        higher_is="replies more slowly",
        description="geometric mean reply latency in seconds (latency floored at 1 s)",
    ),
    MetricSpec(
        "reply_within_5min",
        "rate",
        ("replies_5min", "responses"),
        min_n=5,
        reason=_REPLIES,
        higher_is="replies fast more often",
        description="share of this person's replies sent within 5 minutes",
    ),
    MetricSpec(
        "reply_within_1h",
        "rate",
        ("replies_1h", "responses"),
        min_n=5,
        reason=_REPLIES,
        higher_is="replies within the hour more often",
        description="share of this person's replies sent within 1 hour",
    ),
    MetricSpec(
        "latency_awake_median",
        "quantile",
        ("latency_awake",),
        q=0.5,
        min_n=5,
        reason=_REPLIES,
        higher_is="replies more slowly while awake",
        description="median reply latency in seconds minus the responder's quiet hours",
    ),
    MetricSpec(
        "latency_awake_iqr",
        "iqr",
        ("latency_awake",),
        min_n=5,
        reason=_REPLIES,
        higher_is="replies less consistently while awake",
        description="interquartile range of the awake-adjusted reply latency in seconds",
    ),
    MetricSpec(
        "unanswered_turns",
        "total",
        ("unanswered_turns",),
        higher_is="is left unanswered more often",
        description="number of this person's turns that ended their conversation",
    ),
    MetricSpec(
        "unanswered_turn_rate",
        "rate",
        ("unanswered_turns", "turns"),
        min_n=5,
        reason="fewer than 5 turns",
        higher_is="is left unanswered more often",
        description="share of this person's turns that ended their conversation",
    ),
    MetricSpec(
        "double_initiation_rate",
        "rate",
        ("double_initiations", "unanswered_followed"),
        min_n=5,
        reason="fewer than 5 unanswered turns followed by a new conversation",
        higher_is="reaches out again more often after being left unanswered",
        description="after this person's unanswered turn, share of times they also started the next one",
    ),
    MetricSpec(
        "step_up_rate",
        "rate",
        ("step_ups", "step_up_opportunities"),
        min_n=5,
        reason="fewer than 5 unanswered turns by the others followed by a new conversation",
        higher_is="steps up more often when the ball is in their court",
        description="after the other's unanswered turn, share of times this person started the next one",
    ),
    MetricSpec(
        "step_up_share",
        "share",
        ("step_ups",),
        effort=True,
        jeffreys=True,
        higher_is="does more of the stepping up",
        description="share of all step-ups (starting the next conversation after another's unanswered turn)",
    ),
    MetricSpec(
        "messages",
        "total",
        ("messages",),
        min_conversations=0,
        description="messages sent (system rows and reactions excluded)",
    ),
    MetricSpec("words", "total", ("words",), min_conversations=0, description="words sent"),
    MetricSpec("turns", "total", ("turns",), min_conversations=0, description="turns taken"),
    MetricSpec("message_share", "share", ("messages",), description="share of the messages"),
    MetricSpec("word_share", "share", ("words",), description="share of the words"),
    MetricSpec("turn_share", "share", ("turns",), description="share of the turns"),
    MetricSpec(
        "give_receive_ratio",
        "rate",
        ("responses", "responses_received"),
        groups_only=True,
        min_n=5,
        reason="fewer than 5 of this person's turns were answered",
        higher_is="answers others more than they are answered",
        description="responses given / responses received (group chats)",
    ),
]

for _spec in _SPECS:
    register_metric(_spec)
