"""One relationship, many channels: merge message frames from several exports into one chat.

People talk over WhatsApp, SMS, Signal, Instagram … at once; each export holds only part of the relationship.
:func:`merge_chats` puts the parts into one frame so the analysis sees all of it:

- **names**: ``people={"Sam": ["Sam R", "+1 555 0100", "sam@example.org"]}`` gives each person one name.
  A row belongs to a person when its ``sender`` or, failing that, its ``sender_id`` matches the person's
  name or an alias. Names and e-mail addresses match case-insensitively with spaces collapsed; phone
  numbers match on their digits (formatting, ``+`` and a leading ``00`` ignored), and a number written
  without its country code matches the full number when at least 7 trailing digits agree. Senders that match
  nobody keep their name.
- **time**: every timestamp is converted to one zone (``tz``, default the first frame's zone); the
  timestamps are absolute, so messages from all channels interleave correctly.
- **duplicates**: a message present in more than one input frame (an SMS also kept by another app, two
  overlapping exports of the same chat) is kept once. Two rows are duplicates when they come from different
  input frames and have the same unified sender, ``kind``, ``text`` and ``attachment`` and timestamps in the
  same ``precision`` bucket (default one minute, because WhatsApp and Signal markdown exports keep only
  minutes). Repeats inside one frame are never dropped (saying "ok" twice is real): the k-th copy in one
  frame only matches the k-th copy in another. The row of the earlier frame in ``frames`` is kept — put the
  most precise export first — and replies or reactions that pointed at a dropped row are re-pointed to the
  kept one. The number dropped is returned in the :class:`MergeReport` (``report=True``) or, otherwise,
  announced with a :class:`~reciprocal.errors.ReciprocalWarning` when it is not zero.
- **ids**: everything gets one ``chat_id`` (default: the people's names joined with `` & ``);
  ``message_id`` and ``reply_to`` are prefixed with ``"<source>:<original chat_id>:"`` (plus ``#<frame
  index>`` after the source when two frames share source and chat id) so they stay unique;
  ``source`` keeps the channel of every row; ``source_order`` is renumbered in merged order.
- **direction**: when any row of a person has ``is_me`` true, every row of that person gets ``is_me`` true
  and every other non-system row false (what ``read_chat(me=...)`` does for a single export).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, overload

import pandas as pd

from . import schema
from .errors import ConfigError, ReciprocalWarning

__all__ = ["MergeReport", "merge_chats"]

_PHONE = re.compile(r"^[+\d][\d\s().\-\u00a0]*$")
_NA = "\x00<NA>"


@dataclass(frozen=True)
class MergeReport:
    """What :func:`merge_chats` did.

    Attributes:
        chat_id: The chat id of the merged frame.
        rows_in: Rows across all input frames.
        rows_out: Rows in the merged frame.
        duplicates: Rows dropped as duplicates of a row in an earlier frame.
        duplicates_by_source: ``source`` → rows dropped from that channel.
        renamed: Original sender or sender_id → the person's name, for every value that was unified.
        unmatched: Senders that matched no entry of ``people`` (left as they were), sorted.
    """

    chat_id: str
    rows_in: int
    rows_out: int
    duplicates: int
    duplicates_by_source: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    unmatched: tuple[str, ...] = ()


def _key(value: str) -> str:
    """Normalise a name, handle or phone number for matching."""
    v = value.strip()
    if _PHONE.match(v) and sum(c.isdigit() for c in v) >= 7:
        digits = re.sub(r"\D", "", v)
        return "tel:" + (digits[2:] if digits.startswith("00") else digits)
    return " ".join(v.casefold().split())


def _lookup(people: Mapping[str, str | Iterable[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for person, aliases in people.items():
        names = [aliases] if isinstance(aliases, str) else list(aliases)
        for alias in [person, *names]:
            k = _key(str(alias))
            if table.get(k, person) != person:
                raise ConfigError(
                    f"people= gives {alias!r} to both {table[k]!r} and {person!r}; "
                    "each alias may name one person only"
                )
            table[k] = person
    return table


def _resolve(value: str, table: Mapping[str, str]) -> str | None:
    k = _key(value)
    if k in table:
        return table[k]
    if k.startswith("tel:") and len(k) >= 4 + 7:
        # A number without its country code: match on the trailing digits of the longer one.
        digits = k[4:]
        hits = {
            person
            for alias, person in table.items()
            if alias.startswith("tel:")
            and (alias[4:].endswith(digits) or digits.endswith(alias[4:]))
            and min(len(alias) - 4, len(digits)) >= 7
        }
        if len(hits) == 1:
            return hits.pop()
    return None


def _map_unique(values: pd.Series, table: Mapping[str, str]) -> pd.Series:
    uniq = values.dropna().unique()
    mapping = {u: _resolve(str(u), table) for u in uniq}
    return values.map(mapping).astype(schema.STRING)


@overload
def merge_chats(
    frames: Sequence[pd.DataFrame] | pd.DataFrame,
    *,
    people: Mapping[str, str | Iterable[str]] | None = ...,
    tz: str | None = ...,
    chat_id: str | None = ...,
    precision: str = ...,
    report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def merge_chats(
    frames: Sequence[pd.DataFrame] | pd.DataFrame,
    *,
    people: Mapping[str, str | Iterable[str]] | None = ...,
    tz: str | None = ...,
    chat_id: str | None = ...,
    precision: str = ...,
    report: Literal[True],
) -> tuple[pd.DataFrame, MergeReport]: ...


def merge_chats(
    frames: Sequence[pd.DataFrame] | pd.DataFrame,
    *,
    people: Mapping[str, str | Iterable[str]] | None = None,
    tz: str | None = None,
    chat_id: str | None = None,
    precision: str = "1min",
    report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, MergeReport]:
    """Merge message frames of one relationship from several channels into one chat.

    Args:
        frames: Message frames (one per export or channel), most precise first; a single frame is merged
            with itself (its chats become one).
        people: Person → aliases (names, phone numbers, handles, e-mail addresses) that name them in
            ``sender`` or ``sender_id``.
        tz: Zone of the merged timestamps; default the first frame's zone.
        chat_id: Chat id of the merged frame; default the people's names joined with ``" & "`` (or the
            input chat ids joined with ``" + "`` when ``people`` is not given).
        precision: Size of the time bucket inside which equal messages of different frames are duplicates
            (a pandas offset alias such as ``"1min"`` or ``"1s"``).
        report: Also return a :class:`MergeReport` (and do not warn).

    Returns:
        The merged message frame (sorted and validated), or ``(frame, MergeReport)`` with ``report=True``.

    Raises:
        ConfigError: No frames, an alias given to two people, or a bad ``precision``.
        SchemaError: An input frame breaks the message-frame contract.

    Examples:
        >>> a = schema.make_messages(
        ...     {"timestamp": ["2024-01-01 10:00"], "sender": ["Sam R"], "text": ["hi"]},
        ...     source="whatsapp", chat_id="Sam")
        >>> b = schema.make_messages(
        ...     {"timestamp": ["2024-01-01 10:05"], "sender": ["+15550100"], "text": ["yo"]},
        ...     source="sms", chat_id="+15550100")
        >>> merged = merge_chats([a, b], people={"Sam": ["Sam R", "+1 555 0100"]})
        >>> list(merged["sender"]), merged["chat_id"].iloc[0]
        (['Sam', 'Sam'], 'Sam')
    """
    parts = [frames] if isinstance(frames, pd.DataFrame) else list(frames)
    if not parts:
        raise ConfigError("merge_chats needs at least one message frame")
    for f in parts:
        schema.validate_messages(f, sorted_=False)
    zone = tz or str(parts[0][schema.TIMESTAMP].dt.tz)
    try:
        pd.tseries.frequencies.to_offset(precision)
    except ValueError as exc:
        raise ConfigError(
            f"precision={precision!r} is not a pandas offset alias such as '1min' or '1s'"
        ) from exc
    table = _lookup(people or {})

    pairs = [
        (str(s), str(c))
        for f in parts
        for s, c in f[[schema.SOURCE, schema.CHAT_ID]].drop_duplicates().itertuples(index=False)
    ]
    repeated = [p for p in dict.fromkeys(pairs) if pairs.count(p) > 1]
    pieces = []
    for i, f in enumerate(parts):
        g = f.copy()
        g[schema.TIMESTAMP] = g[schema.TIMESTAMP].dt.tz_convert(zone)
        src = g[schema.SOURCE].astype(str)
        shared = pd.MultiIndex.from_arrays([src, g[schema.CHAT_ID].astype(str)]).isin(repeated)
        tag = src.where(~shared, src + f"#{i}")
        prefix = tag + ":" + g[schema.CHAT_ID].astype(str) + ":"
        g[schema.MESSAGE_ID] = (prefix + g[schema.MESSAGE_ID].astype(str)).astype(schema.STRING)
        g[schema.REPLY_TO] = (prefix + g[schema.REPLY_TO]).astype(schema.STRING)
        g["_frame"] = i
        pieces.append(g)
    merged = pd.concat(pieces, ignore_index=True)

    # One name per person: by sender first, sender_id second; unmatched senders keep their name.
    by_sender = _map_unique(merged[schema.SENDER], table)
    by_id = _map_unique(merged[schema.SENDER_ID], table)
    system = merged[schema.KIND] == "system"
    person = by_sender.fillna(by_id).where(~system, pd.NA)
    renamed = {}
    for col in (schema.SENDER, schema.SENDER_ID):
        hit = person.notna() & merged[col].notna() & (merged[col] != person)
        renamed.update(dict(zip(merged.loc[hit, col].astype(str), person[hit].astype(str), strict=True)))
    unmatched = tuple(sorted(set(merged.loc[person.isna() & ~system, schema.SENDER].dropna().astype(str))))
    merged[schema.SENDER] = person.fillna(merged[schema.SENDER]).astype(schema.STRING)

    # Duplicates across frames: the k-th equal message of a frame matches the k-th of another.
    key = pd.DataFrame(
        {
            "sender": merged[schema.SENDER].fillna(_NA),
            "kind": merged[schema.KIND].astype(str),
            "text": merged[schema.TEXT].fillna(_NA),
            "attachment": merged[schema.ATTACHMENT].fillna(_NA),
            "bucket": merged[schema.TIMESTAMP].dt.tz_convert("UTC").dt.floor(precision),
        }
    )
    cols = list(key.columns)
    key["frame"] = merged["_frame"]
    key["copy"] = key.groupby([*cols, "frame"], sort=False).cumcount()
    dup = key.duplicated([*cols, "copy"], keep="first").to_numpy()
    n_dup = int(dup.sum())
    by_source: dict[str, int] = {}
    if n_dup:
        # Re-point replies and reactions that targeted a dropped copy at the kept one.
        kept_id = merged.groupby([key[c] for c in [*cols, "copy"]], sort=False)[schema.MESSAGE_ID].transform(
            "first"
        )
        redirect = dict(zip(merged.loc[dup, schema.MESSAGE_ID], kept_id[dup], strict=True))
        by_source = {str(k): int(v) for k, v in merged.loc[dup, schema.SOURCE].value_counts().items()}
        merged = merged.loc[~dup].copy()
        merged[schema.REPLY_TO] = merged[schema.REPLY_TO].replace(redirect).astype(schema.STRING)

    me_names = set(merged.loc[merged[schema.IS_ME].fillna(False).astype(bool), schema.SENDER].dropna())
    if me_names:
        is_me = merged[schema.SENDER].isin(me_names).astype("boolean")
        merged[schema.IS_ME] = is_me.mask(merged[schema.SENDER].isna())

    name = chat_id or (" & ".join(people) if people else " + ".join(dict.fromkeys(c for _, c in pairs)))
    merged[schema.CHAT_ID] = pd.array([name] * len(merged), dtype=schema.STRING)
    merged = merged.sort_values([schema.TIMESTAMP, "_frame", schema.SOURCE_ORDER], kind="stable")
    merged[schema.SOURCE_ORDER] = range(1, len(merged) + 1)
    out = schema.sort_messages(merged.drop(columns="_frame")[list(schema.COLUMNS)])
    out[schema.SOURCE_ORDER] = out[schema.SOURCE_ORDER].astype("int64")
    schema.validate_messages(out)
    info = MergeReport(
        chat_id=name,
        rows_in=sum(len(f) for f in parts),
        rows_out=len(out),
        duplicates=n_dup,
        duplicates_by_source=by_source,
        renamed=renamed,
        unmatched=unmatched if people else (),
    )
    if report:
        return out, info
    if n_dup:
        warnings.warn(
            f"merge_chats dropped {n_dup} message(s) found in more than one input frame "
            f"({', '.join(f'{k}: {v}' for k, v in sorted(by_source.items()))}); pass report=True for details",
            ReciprocalWarning,
            stacklevel=2,
        )
    return out
