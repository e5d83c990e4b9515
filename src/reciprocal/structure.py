"""Conversation structure: conversations, turns, responses, quiet hours and local days.

Definitions (normative text in METRICS.md, "Units"):

- **conversation**: a new one starts when the gap to the previous participant message of the chat is
  ``>= T``. ``gap="adaptive"`` fits, per chat, a 2-component Gaussian mixture to log10 gaps (seconds,
  floored at 1 s) by EM and takes ``T`` where both components' posterior responsibilities are equal,
  clipped to [30 min, 12 h]; it falls back to 60 min when the chat has fewer than 200 gaps or the two
  means are less than 0.5 decades apart. System rows and reactions never start a conversation; they take
  the conversation of the participant message before them (0 before any).
- **turn**: maximal run of one sender's messages inside a conversation (system rows and reactions excluded
  and skipped over: a reaction between two of A's messages does not split A's turn).
- **response**: a turn followed by another sender's turn in the same conversation; ``latency`` = the
  responder's first message minus the prompt's last message. A turn that ends its conversation is
  unanswered; a reply after the boundary is an unanswered turn plus a new initiation.
- **quiet hours** (per chat and person): the longest contiguous circular block of 5 to 12 whole hours
  holding at most 2% of the person's messages (ties: fewest messages, then earliest start), inferred only
  from at least 100 messages; otherwise 00:00-07:00. The 12 h cap is a design default that keeps at least
  half of each day awake. ``latency_awake`` subtracts the overlap of the reply interval with the
  responder's quiet hours (wall clock).
- **day**: local calendar day starting 05:00 (a message at 02:00 belongs to the previous day).

Every function works on a frame holding many chats and never mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema
from .errors import ConfigError, SchemaError

__all__ = [
    "DAY_START_HOUR",
    "GapChoice",
    "Structure",
    "adaptive_gap",
    "boundary_counts",
    "conversations",
    "local_day",
    "quiet_hours",
    "responses",
    "segment",
    "turns",
    "word_counts",
]

#: Bounds and fallback of the adaptive gap (seconds), and the data it needs.
MIN_GAP = 30 * 60.0
MAX_GAP = 12 * 3600.0
FALLBACK_GAP = 60 * 60.0
MIN_GAPS = 200
MIN_SEPARATION = 0.5  # decades between the two mixture means

#: Local days start at 05:00 so late-night messages belong to the previous day.
DAY_START_HOUR = 5

QUIET_MIN_HOURS = 5
QUIET_MAX_HOURS = 12
QUIET_MAX_SHARE = 0.02
QUIET_MIN_MESSAGES = 100
QUIET_FALLBACK = (0, 7)  # start hour, length in hours

_NOT_TURNS = ("system", "reaction")
_REQUIRED = (schema.CHAT_ID, schema.TIMESTAMP, schema.SENDER, schema.KIND)
_EPOCH = pd.Timestamp("1970-01-01")


@dataclass(frozen=True)
class GapChoice:
    """The conversation gap used for one chat.

    Attributes:
        seconds: The threshold ``T`` in seconds (a new conversation starts at a gap ``>= T``).
        method: ``"adaptive"`` (mixture antimode), ``"fallback"`` (adaptive not possible) or ``"fixed"``.
        detail: Human-readable reason, e.g. the mixture means, or why the fallback was used.
    """

    seconds: float
    method: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"seconds": self.seconds, "method": self.method, "detail": self.detail}


@dataclass(frozen=True)
class Structure:
    """Everything the metrics need about a frame's structure, computed once.

    Attributes:
        messages: The input rows (sorted) plus ``conversation_id`` (int64) and ``turn_id`` (int64, per chat
            from 0; -1 for system rows and reactions).
        conversations: One row per conversation: chat_id, conversation_id, start, end, initiator,
            last_sender, n_messages, n_turns, month (naive month start of ``start``).
        turns: See :func:`turns`.
        responses: See :func:`responses`.
        quiet: See :func:`quiet_hours`.
        gaps: chat_id → the :class:`GapChoice` used.
    """

    messages: pd.DataFrame
    conversations: pd.DataFrame
    turns: pd.DataFrame
    responses: pd.DataFrame
    quiet: pd.DataFrame
    gaps: dict[str, GapChoice]
    # Participant-message arrays (codes into chat_names / sender_names) for cheap re-segmentation.
    arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    chat_names: np.ndarray = field(default_factory=lambda: np.zeros(0, object), repr=False)
    sender_names: np.ndarray = field(default_factory=lambda: np.zeros(0, object), repr=False)


# --------------------------------------------------------------------------------------------- gap


def _parse_gap(gap: Any) -> float | None:
    """Return the fixed gap in seconds, or None for ``"adaptive"``."""
    if isinstance(gap, str) and gap == "adaptive":
        return None
    if isinstance(gap, bool | int | float | np.number):
        raise ConfigError(
            f"gap={gap!r} is ambiguous: pass 'adaptive', a pandas/datetime Timedelta or a string such as '2h'"
        )
    try:
        td = pd.Timedelta(gap)
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"gap={gap!r} is not understood: pass 'adaptive', a Timedelta or a string such as '90min'"
        ) from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise ConfigError(f"gap={gap!r} must be a positive duration")
    return float(td.total_seconds())


def adaptive_gap(gaps_seconds: np.ndarray, *, resolution: float = 1.0) -> GapChoice:
    """Choose the conversation gap of one chat from its inter-message gaps.

    Fits a 2-component Gaussian mixture to ``log10(max(gap, 1 s))`` by EM (on a 0.01-decade histogram, so
    the cost does not grow with the chat) and returns the point between the means where both posterior
    responsibilities are equal, clipped to [30 min, 12 h].

    Args:
        gaps_seconds: Gaps between consecutive participant messages, in seconds.
        resolution: Timestamp resolution in seconds (60 for exports without seconds). Gaps are then
            spread uniformly over the interval they stand for (a fixed-seed jitter, so the result is
            deterministic) before the fit, so the point masses at 0, 60, 120 s do not trap the mixture.

    Returns:
        The chosen :class:`GapChoice` (``method="fallback"`` with 60 min when not possible).
    """
    gaps = np.asarray(gaps_seconds, dtype=float)
    gaps = gaps[np.isfinite(gaps)]
    if len(gaps) < MIN_GAPS:
        return GapChoice(FALLBACK_GAP, "fallback", f"{len(gaps)} gaps < {MIN_GAPS}")
    if resolution > 1.0:
        jitter = np.random.default_rng(0).uniform(-0.5, 0.5, len(gaps)) * resolution
        gaps = np.where(gaps < resolution, (jitter / resolution + 0.5) * resolution, gaps + jitter)
    x = np.log10(np.maximum(gaps, 1.0))
    width = 0.01
    idx = np.floor(x / width).astype(np.int64)
    counts = np.bincount(idx)
    keep = counts > 0
    values = (np.nonzero(keep)[0] + 0.5) * width
    w = counts[keep].astype(float)
    m, s, p = _em_two_gaussians(values, w)
    if m[1] - m[0] < MIN_SEPARATION:
        return GapChoice(
            FALLBACK_GAP,
            "fallback",
            f"not bimodal: means {10 ** m[0]:.0f} s and {10 ** m[1]:.0f} s are "
            f"< {MIN_SEPARATION} decades apart",
        )
    grid = np.linspace(m[0], m[1], 2001)
    diff = _log_weighted_pdf(grid, m[0], s[0], p[0]) - _log_weighted_pdf(grid, m[1], s[1], p[1])
    cross = np.nonzero((diff[:-1] >= 0) & (diff[1:] < 0))[0]
    if len(cross) == 0:
        return GapChoice(FALLBACK_GAP, "fallback", "not bimodal: one mixture component dominates")
    t = float(10 ** grid[cross[0]])
    clipped = float(np.clip(t, MIN_GAP, MAX_GAP))
    detail = (
        f"mixture means {10 ** m[0]:.0f} s / {10 ** m[1]:.0f} s (weights {p[0]:.2f}/{p[1]:.2f}), "
        f"antimode {t:.0f} s" + ("" if clipped == t else f", clipped to {clipped:.0f} s")
    )
    return GapChoice(clipped, "adaptive", detail)


def _log_weighted_pdf(x: np.ndarray, m: float, s: float, p: float) -> np.ndarray:
    return np.log(p) - np.log(s) - 0.5 * ((x - m) / s) ** 2


def _em_two_gaussians(
    x: np.ndarray, w: np.ndarray, *, iters: int = 500, tol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted EM for a 2-component 1-D Gaussian mixture; returns (means, sds, weights), means sorted."""
    n = w.sum()
    cw = np.cumsum(w) / n
    # Start the components at the 10th and 90th percentiles so a heavy floor spike cannot trap both.
    m = np.array([x[np.searchsorted(cw, 0.10)], x[np.searchsorted(cw, 0.90)]], dtype=float)
    sd_all = float(np.sqrt(np.sum(w * (x - np.sum(w * x) / n) ** 2) / n)) or 1.0
    s = np.array([sd_all / 2, sd_all / 2])
    p = np.array([0.5, 0.5])
    floor = 0.05
    last = -np.inf
    for _ in range(iters):
        logd = np.stack([_log_weighted_pdf(x, m[k], s[k], p[k]) for k in range(2)])
        top = logd.max(axis=0)
        ll_i = top + np.log(np.exp(logd - top).sum(axis=0))
        resp = np.exp(logd - ll_i)  # (2, n)
        rw = resp * w
        nk = rw.sum(axis=1) + 1e-12
        p = nk / n
        m = (rw @ x) / nk
        s = np.sqrt(np.maximum((rw * (x - m[:, None]) ** 2).sum(axis=1) / nk, floor**2))
        ll = float(np.sum(w * ll_i))
        if abs(ll - last) < tol * n:
            break
        last = ll
    order = np.argsort(m)
    return m[order], s[order], p[order]


# ------------------------------------------------------------------------------------------- frames


def _take(names: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Pyarrow-backed strings ``names[codes]`` without building Python string objects per row."""
    arr = pa.array(np.asarray(names, dtype=object), type=pa.large_string()).take(
        pa.array(np.asarray(codes, dtype=np.int64))
    )
    return pd.array(arr, dtype=schema.STRING)


def word_counts(text: pd.Series) -> np.ndarray:
    """Words per message body: runs of non-whitespace (ASCII whitespace separates), 0 when missing.

    Counted on the pyarrow string buffer with numpy (a word starts at a non-space byte that follows a space
    or begins the string), which is several times faster than a regex over a million messages.
    """
    arr = pa.array(text.astype(schema.STRING))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    data = data[: int(offsets[-1])]
    space = (data == 32) | ((data >= 9) & (data <= 13))
    start = ~space
    start[1:] &= space[:-1]
    begins = offsets[:-1][offsets[:-1] < offsets[1:]]
    start[begins] = ~space[begins]
    # Word starts are sorted byte positions; each string owns those between its two offsets.
    counts = np.diff(np.searchsorted(np.flatnonzero(start), offsets, side="left"))
    if arr.null_count:
        counts = np.where(arr.is_null().to_numpy(zero_copy_only=False), 0, counts)
    return counts.astype(np.int64)


def _check(messages: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(messages, pd.DataFrame):
        raise SchemaError([f"expected a pandas DataFrame, got {type(messages).__name__}"])
    missing = [c for c in _REQUIRED if c not in messages.columns]
    if missing:
        raise SchemaError([f"missing columns: {missing}"])
    if not isinstance(messages[schema.TIMESTAMP].dtype, pd.DatetimeTZDtype):
        raise SchemaError(["column 'timestamp' must be tz-aware (datetime64[us, tz])"])
    keys = [c for c in (schema.CHAT_ID, schema.TIMESTAMP, schema.SOURCE_ORDER) if c in messages.columns]
    if _is_sorted(messages, keys):
        return messages.reset_index(drop=True)  # copy-on-write: no data copied
    return messages.sort_values(keys, kind="stable", ignore_index=True)


def _is_sorted(frame: pd.DataFrame, keys: list[str]) -> bool:
    """Whether rows are already in (chat_id, timestamp, source_order) order (cheap: no sort)."""
    if len(frame) < 2:
        return True
    codes, uniques = pd.factorize(frame[schema.CHAT_ID], sort=False)
    if (codes < 0).any() or np.any(np.diff(codes) < 0) or not pd.Index(uniques).is_monotonic_increasing:
        return False
    same_chat = codes[1:] == codes[:-1]
    t = (frame[schema.TIMESTAMP] - _EPOCH.tz_localize("UTC")).dt.total_seconds().to_numpy(dtype=float)
    dt_ = np.diff(t)
    if np.any(same_chat & (dt_ < 0)):
        return False
    if schema.SOURCE_ORDER in keys:
        so = frame[schema.SOURCE_ORDER].to_numpy()
        if np.any(same_chat & (dt_ == 0) & (np.diff(so) < 0)):
            return False
    return True


def _seconds(ts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Absolute seconds (UTC epoch) and local wall-clock seconds of a tz-aware timestamp column."""
    absolute = (ts - _EPOCH.tz_localize("UTC")).dt.total_seconds().to_numpy(dtype=float)
    wall = (ts.dt.tz_localize(None) - _EPOCH).dt.total_seconds().to_numpy(dtype=float)
    return absolute, wall


def segment(messages: pd.DataFrame, *, gap: Any = "adaptive") -> Structure:
    """Compute conversations, turns, responses and quiet hours in one pass.

    Args:
        messages: A message frame (any number of chats; sorted or not).
        gap: ``"adaptive"``, a Timedelta, or a string such as ``"2h"``.

    Returns:
        A :class:`Structure`.

    Raises:
        SchemaError: The frame lacks the columns the analysis needs.
        ConfigError: ``gap`` is not understood.
    """
    fixed = _parse_gap(gap)
    frame = _check(messages)
    n = len(frame)
    chat = frame[schema.CHAT_ID].astype(schema.STRING)
    is_part = (~frame[schema.KIND].isin(_NOT_TURNS) & frame[schema.SENDER].notna()).to_numpy(dtype=bool)
    t_abs, t_wall = _seconds(frame[schema.TIMESTAMP])
    chat_codes, chat_uniques = pd.factorize(chat)
    chat_names = np.asarray(chat_uniques, dtype=object)

    pidx = np.nonzero(is_part)[0]
    p_chat = chat_codes[pidx]
    p_abs = t_abs[pidx]
    p_wall = t_wall[pidx]
    senders = frame[schema.SENDER].iloc[pidx]
    p_sender, sender_uniques = pd.factorize(senders)
    sender_names = np.asarray(sender_uniques, dtype=object)

    first_in_chat = np.ones(len(pidx), dtype=bool)
    first_in_chat[1:] = p_chat[1:] != p_chat[:-1]
    gap_s = np.empty(len(pidx))
    gap_s[0:1] = np.inf
    gap_s[1:] = p_abs[1:] - p_abs[:-1]
    gap_s[first_in_chat] = np.inf

    # One threshold per chat (adaptive fits are per chat: a Python loop over chats, not rows).
    gaps: dict[str, GapChoice] = {}
    thresholds = np.full(len(chat_names), FALLBACK_GAP)
    bounds = np.flatnonzero(first_in_chat)
    ends = np.append(bounds[1:], len(pidx)) if len(bounds) else bounds
    for b, e in zip(bounds, ends, strict=True):
        code = int(p_chat[b])
        if fixed is not None:
            choice = GapChoice(fixed, "fixed", f"gap={fixed:.0f} s given")
        else:
            # Minute-resolution exports (no seconds): "same minute" is not a 1 s gap.
            whole_minutes = bool(np.all(np.mod(p_abs[b:e], 60.0) == 0))
            choice = adaptive_gap(gap_s[b + 1 : e], resolution=60.0 if whole_minutes else 1.0)
        gaps[str(chat_names[code])] = choice
        thresholds[code] = choice.seconds
    for code, name in enumerate(chat_names):
        if str(name) not in gaps:
            gaps[str(name)] = GapChoice(
                fixed if fixed is not None else FALLBACK_GAP,
                "fixed" if fixed is not None else "fallback",
                "no participant messages",
            )
            thresholds[code] = gaps[str(name)].seconds

    conv_start = first_in_chat | (gap_s >= thresholds[p_chat])
    conv_global = np.cumsum(conv_start) - 1
    chat_first_conv = conv_global[bounds]
    chat_first_of = np.zeros(len(chat_names), dtype=np.int64)
    chat_first_of[p_chat[bounds]] = chat_first_conv
    p_conv = conv_global - chat_first_of[p_chat]

    turn_start = conv_start.copy()
    turn_start[1:] |= p_sender[1:] != p_sender[:-1]
    turn_global = np.cumsum(turn_start) - 1
    chat_first_turn = np.zeros(len(chat_names), dtype=np.int64)
    chat_first_turn[p_chat[bounds]] = turn_global[bounds]
    p_turn = turn_global - chat_first_turn[p_chat]

    # Non-participant rows take the conversation of the participant message before them (0 if none).
    conv_all = np.zeros(n, dtype=np.int64)
    turn_all = np.full(n, -1, dtype=np.int64)
    conv_all[pidx] = p_conv
    turn_all[pidx] = p_turn
    last_part = np.where(is_part, np.arange(n), -1)
    last_part = np.maximum.accumulate(last_part) if n else last_part
    other = np.nonzero(~is_part)[0]
    lp = last_part[other]
    ok = (lp >= 0) & (chat_codes[np.maximum(lp, 0)] == chat_codes[other])
    conv_all[other] = np.where(ok, conv_all[np.maximum(lp, 0)], 0)

    out = frame.assign(conversation_id=conv_all, turn_id=turn_all)

    # Words: whitespace-separated tokens of the message body (pyarrow regex count, no Python loop).
    words_all = word_counts(frame[schema.TEXT])
    p_words = words_all[pidx]

    tstarts = np.flatnonzero(turn_start)
    tends = np.append(tstarts[1:], len(pidx))[: len(tstarts)] - 1
    t_chat = p_chat[tstarts]
    ts_col = frame[schema.TIMESTAMP]
    turn_frame = pd.DataFrame(
        {
            "chat_id": _take(chat_names, t_chat),
            "conversation_id": p_conv[tstarts],
            "turn_id": p_turn[tstarts],
            "sender": _take(sender_names, p_sender[tstarts]),
            "start": ts_col.iloc[pidx[tstarts]].array,
            "end": ts_col.iloc[pidx[tends]].array,
            "n_messages": (tends - tstarts + 1).astype(np.int64),
            "n_words": np.add.reduceat(p_words, tstarts) if len(tstarts) else np.zeros(0, np.int64),
        }
    )

    quiet = _quiet_hours(p_chat, p_sender, p_wall, chat_names, sender_names)

    # Responses: consecutive turns of the same conversation (senders differ by construction).
    t_conv_global = conv_global[tstarts]
    same = np.zeros(len(tstarts), dtype=bool)
    same[1:] = t_conv_global[1:] == t_conv_global[:-1]
    r_resp = np.flatnonzero(same)  # response turn index (into turn arrays)
    r_prompt = r_resp - 1
    prompt_end_abs = p_abs[tends[r_prompt]]
    resp_start_abs = p_abs[tstarts[r_resp]]
    latency = resp_start_abs - prompt_end_abs
    responder_code = p_sender[tstarts[r_resp]]
    q_start, q_len = _quiet_lookup(quiet, t_chat[r_resp], responder_code, len(sender_names))
    overlap = _quiet_overlap(p_wall[tends[r_prompt]], p_wall[tstarts[r_resp]], q_start, q_len)
    awake = np.maximum(latency - overlap, 0.0)
    resp_frame = pd.DataFrame(
        {
            "chat_id": _take(chat_names, t_chat[r_resp]),
            "conversation_id": p_conv[tstarts[r_resp]],
            "prompt_turn": p_turn[tstarts[r_prompt]],
            "response_turn": p_turn[tstarts[r_resp]],
            "prompt_person": _take(sender_names, p_sender[tstarts[r_prompt]]),
            "responder": _take(sender_names, responder_code),
            "prompt_end": ts_col.iloc[pidx[tends[r_prompt]]].array,
            "response_start": ts_col.iloc[pidx[tstarts[r_resp]]].array,
            "latency_seconds": latency,
            "latency_awake_seconds": awake,
        }
    )

    cstarts = np.flatnonzero(conv_start)
    cends = np.append(cstarts[1:], len(pidx))[: len(cstarts)] - 1
    turns_per_conv = np.add.reduceat(turn_start.astype(np.int64), cstarts) if len(cstarts) else cstarts
    start_ts = ts_col.iloc[pidx[cstarts]]
    conv_frame = pd.DataFrame(
        {
            "chat_id": _take(chat_names, p_chat[cstarts]),
            "conversation_id": p_conv[cstarts],
            "start": start_ts.array,
            "end": ts_col.iloc[pidx[cends]].array,
            "initiator": _take(sender_names, p_sender[cstarts]),
            "last_sender": _take(sender_names, p_sender[cends]),
            "n_messages": (cends - cstarts + 1).astype(np.int64),
            "n_turns": np.asarray(turns_per_conv, dtype=np.int64),
        }
    )
    month = start_ts.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.as_unit("us")
    conv_frame["month"] = month.to_numpy()
    arrays = {"chat": p_chat, "abs": p_abs, "wall": p_wall, "sender": p_sender, "first": first_in_chat}
    quiet = quiet.drop(columns=["_chat_code", "_sender_code"])
    return Structure(out, conv_frame, turn_frame, resp_frame, quiet, gaps, arrays, chat_names, sender_names)


# ---------------------------------------------------------------------------------------- quiet


def _quiet_hours(
    p_chat: np.ndarray,
    p_sender: np.ndarray,
    p_wall: np.ndarray,
    chat_names: np.ndarray,
    sender_names: np.ndarray,
) -> pd.DataFrame:
    hours = (np.floor(p_wall / 3600.0).astype(np.int64)) % 24
    key = p_chat.astype(np.int64) * max(len(sender_names), 1) + p_sender
    ukey, inv = np.unique(key, return_inverse=True)
    hist = np.zeros((len(ukey), 24), dtype=np.int64)
    np.add.at(hist, (inv, hours), 1)
    total = hist.sum(axis=1)
    cs = np.concatenate([np.zeros((len(ukey), 1), np.int64), np.cumsum(np.hstack([hist, hist]), axis=1)], 1)
    start = np.full(len(ukey), QUIET_FALLBACK[0])
    length = np.full(len(ukey), QUIET_FALLBACK[1])
    share = np.full(len(ukey), np.nan)
    inferred = np.zeros(len(ukey), dtype=bool)
    starts = np.arange(24)
    for L in range(QUIET_MAX_HOURS, QUIET_MIN_HOURS - 1, -1):  # 8 iterations over window lengths
        block = cs[:, starts + L] - cs[:, starts]  # (persons, 24)
        frac = block / np.maximum(total, 1)[:, None]
        best = np.argmin(block, axis=1)  # fewest messages, then earliest start
        ok = (frac[np.arange(len(ukey)), best] <= QUIET_MAX_SHARE) & (total >= QUIET_MIN_MESSAGES) & ~inferred
        start[ok] = best[ok]
        length[ok] = L
        share[ok] = frac[np.arange(len(ukey)), best][ok]
        inferred |= ok
    fallback_share = (cs[:, QUIET_FALLBACK[0] + QUIET_FALLBACK[1]] - cs[:, QUIET_FALLBACK[0]]) / np.maximum(
        total, 1
    )
    share = np.where(inferred, share, fallback_share)
    chat_code = ukey // max(len(sender_names), 1)
    sender_code = ukey % max(len(sender_names), 1)
    return pd.DataFrame(
        {
            "chat_id": _take(chat_names, chat_code),
            "person": _take(sender_names, sender_code),
            "quiet_start": start.astype(np.int64),
            "quiet_hours": length.astype(np.int64),
            "share": share,
            "messages": total,
            "inferred": inferred,
            "_chat_code": chat_code,
            "_sender_code": sender_code,
        }
    )


def _quiet_lookup(
    quiet: pd.DataFrame, chat_code: np.ndarray, sender_code: np.ndarray, n_senders: int
) -> tuple[np.ndarray, np.ndarray]:
    key = quiet["_chat_code"].to_numpy() * max(n_senders, 1) + quiet["_sender_code"].to_numpy()
    want = chat_code.astype(np.int64) * max(n_senders, 1) + sender_code
    pos = np.searchsorted(key, want)  # quiet rows are sorted by key (np.unique)
    return quiet["quiet_start"].to_numpy()[pos], quiet["quiet_hours"].to_numpy()[pos]


def _quiet_overlap(t0: np.ndarray, t1: np.ndarray, q_start: np.ndarray, q_len: np.ndarray) -> np.ndarray:
    """Seconds of [t0, t1) (wall clock) that fall in the daily window [q_start, q_start + q_len) hours."""
    return _quiet_before(t1, q_start, q_len) - _quiet_before(t0, q_start, q_len)


def _quiet_before(t: np.ndarray, q_start: np.ndarray, q_len: np.ndarray) -> np.ndarray:
    # Quiet seconds in [0, t): whole days times the window, plus the part of today's window before t.
    day = 86400.0
    days = np.floor(t / day)
    r = t - days * day
    a = q_start * 3600.0
    b = a + q_len * 3600.0
    first = np.clip(np.minimum(r, np.minimum(b, day)) - a, 0.0, None)
    wrapped = np.clip(np.minimum(r, np.maximum(b - day, 0.0)), 0.0, None)
    return days * q_len * 3600.0 + first + wrapped


# ------------------------------------------------------------------------------------ public stages


def conversations(messages: pd.DataFrame, *, gap: Any = "adaptive") -> pd.DataFrame:
    """Return the messages with a ``conversation_id`` column (int64, per chat from 0).

    Args:
        messages: A message frame (any number of chats).
        gap: ``"adaptive"`` (per-chat mixture antimode, see the module docstring), a Timedelta, or a
            string such as ``"2h"``.

    Returns:
        A new frame: the input columns, sorted by chat and time, plus ``conversation_id``.
        ``frame.attrs["gaps"]`` maps chat_id to the gap used (seconds, method, detail).

    Raises:
        SchemaError: Required columns are missing.
        ConfigError: ``gap`` is not understood.
    """
    st = segment(messages, gap=gap)
    out = st.messages.drop(columns=["turn_id"])
    out.attrs["gaps"] = {k: v.to_dict() for k, v in st.gaps.items()}
    return out


def turns(messages: pd.DataFrame, *, gap: Any = "adaptive") -> pd.DataFrame:
    """Return one row per turn (system rows and reactions are never turns).

    Args:
        messages: A message frame.
        gap: The conversation gap, as in :func:`conversations`.

    Returns:
        Columns chat_id, conversation_id, turn_id (per chat from 0), sender, start, end (timestamps of
        the first and last message), n_messages, n_words.
    """
    return segment(messages, gap=gap).turns


def responses(messages: pd.DataFrame, *, gap: Any = "adaptive") -> pd.DataFrame:
    """Return one row per response (a speaker switch inside a conversation).

    Args:
        messages: A message frame.
        gap: The conversation gap, as in :func:`conversations`.

    Returns:
        Columns chat_id, conversation_id, prompt_turn, response_turn, prompt_person, responder,
        prompt_end, response_start, latency_seconds, latency_awake_seconds.
    """
    return segment(messages, gap=gap).responses


def quiet_hours(messages: pd.DataFrame) -> pd.DataFrame:
    """Return each person's inferred quiet hours per chat.

    Args:
        messages: A message frame.

    Returns:
        Columns chat_id, person, quiet_start (hour 0-23), quiet_hours (length), share (of the person's
        messages inside the window), messages, inferred (False = the 00:00-07:00 fallback).
    """
    return segment(messages, gap="1h").quiet


def local_day(timestamps: pd.Series) -> pd.Series:
    """Return the local calendar day of each timestamp, days starting at 05:00.

    Args:
        timestamps: tz-aware timestamps.

    Returns:
        Naive midnight timestamps of the day each message belongs to.
    """
    wall = timestamps.dt.tz_localize(None)
    return (wall - pd.Timedelta(hours=DAY_START_HOUR)).dt.normalize()


def boundary_counts(st: Structure, gap_seconds: float) -> pd.DataFrame:
    """Re-segment at a fixed gap and count initiations and step-ups per chat and person.

    Used for the gap-sensitivity panel: only conversation boundaries move with the gap, so this works on
    the participant arrays kept in ``st`` without rebuilding turns.

    Args:
        st: A :class:`Structure` from :func:`segment`.
        gap_seconds: The fixed gap.

    Returns:
        Columns chat_id, person, initiations, step_ups, conversations (of the chat).
    """
    a = st.arrays
    if not a or len(a["chat"]) == 0:
        return pd.DataFrame(columns=["chat_id", "person", "initiations", "step_ups", "conversations"])
    chat, sender, first = a["chat"], a["sender"], a["first"]
    gap = np.empty(len(chat))
    gap[0] = np.inf
    gap[1:] = a["abs"][1:] - a["abs"][:-1]
    start = first | (gap >= gap_seconds)
    cs = np.flatnonzero(start)
    init_sender = sender[cs]
    last_sender = sender[np.append(cs[1:], len(chat)) - 1]
    c_chat = chat[cs]
    same_chat_next = np.zeros(len(cs), dtype=bool)
    same_chat_next[:-1] = c_chat[1:] == c_chat[:-1]
    # A step-up: the next conversation (same chat) is started by someone other than the last sender.
    step = np.zeros(len(cs), dtype=bool)
    step[1:] = same_chat_next[:-1] & (init_sender[1:] != last_sender[:-1])
    n_s = max(len(st.sender_names), 1)
    key = c_chat.astype(np.int64) * n_s + init_sender
    frame = pd.DataFrame({"key": key, "initiations": 1, "step_ups": step.astype(np.int64)})
    tot = frame.groupby("key", sort=True).sum()
    conv_per_chat = np.bincount(c_chat, minlength=len(st.chat_names))
    keys = tot.index.to_numpy()
    return pd.DataFrame(
        {
            "chat_id": _take(st.chat_names, keys // n_s),
            "person": _take(st.sender_names, keys % n_s),
            "initiations": tot["initiations"].to_numpy(),
            "step_ups": tot["step_ups"].to_numpy(),
            "conversations": conv_per_chat[keys // n_s],
        }
    )
