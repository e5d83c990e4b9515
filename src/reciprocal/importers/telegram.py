"""Telegram Desktop "Export chat history" JSON (``result.json``).

Two shapes exist: a single-chat export (``{"name", "type", "id", "messages": [...]}``) and a full-account
export whose chats sit in ``chats.list`` (and ``left_chats.list``). Every chat becomes its own ``chat_id``
(the chat's name; ``name (id)`` when two chats share a name; the file stem when the chat has neither).
Pick chats with the ``chat=`` option (a name or id, or a list of them).

Rules (FORMATS.md, research/formats.md §2.4):

- time from ``date_unixtime`` (absolute epoch seconds, a string) when present, else ``date`` read as
  wall-clock time in ``tz`` (exports before tdesktop 3.7.6 have only ``date``);
- ``text`` is a string or a list of strings and ``{"type", "text"}`` parts, joined with no separator;
- ``reply_to_message_id`` → ``reply_to`` (cross-chat replies, which carry ``reply_to_peer_id``, are dropped);
- ``type: "service"`` → ``kind="system"`` with a null sender, except ``phone_call`` / ``group_call`` which
  become ``kind="call"`` rows by the caller (``actor``);
- media: ``media_type`` sticker → ``sticker``; photos, files, voice/video messages, animations → ``media``;
  ``location_information`` → ``location``; ``contact_information`` → ``contact``; ``poll`` → ``poll``;
- reactions (tdesktop 5.x, 2024+): one ``kind="reaction"`` row per reactor listed in ``recent`` (text = the
  emoji, ``reply_to`` = the message); reactions counted without a listed reactor cannot be attributed to a
  person and are counted in the parse report under ``telegram_reactions_without_sender``;
- ``edited`` is set when the message carries ``edited`` (the server also sets it when the first reaction
  arrives, tdesktop #30647, so treat it as an upper bound);
- ``is_me`` is known only in full-account exports (``personal_information.user_id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..errors import ConfigError, FormatError
from . import ReadContext, Source, register_importer

__all__ = ["read_telegram", "telegram_columns"]

EXAMPLE = """{
 "name": "Alex Example",
 "type": "personal_chat",
 "id": 4242,
 "messages": [
  {"id": 1, "type": "message",
   "date": "2024-03-01T09:00:00", "date_unixtime": "1709283600",
   "from": "Alex Example", "from_id": "user101", "text": "morning!", "text_entities": []},
  {"id": 2, "type": "message", "date": "2024-03-01T09:05:00", "date_unixtime": "1709283900",
   "from": "Sam Sample", "from_id": "user202", "reply_to_message_id": 1,
   "text": ["see ", {"type": "link", "text": "https://example.org"}], "text_entities": [],
   "reactions": [{"type": "emoji", "count": 1, "emoji": "\u2764",
                  "recent": [{"from": "Alex Example", "from_id": "user101",
                              "date": "2024-03-01T09:06:00"}]}]},
  {"id": 3, "type": "service", "date": "2024-03-01T09:10:00", "date_unixtime": "1709284200",
   "actor": "Sam Sample", "actor_id": "user202", "action": "pin_message", "message_id": 2, "text": ""}
 ]
}
"""

_PLACEHOLDER = re.compile(r"^\(File .*\)$|^\(.*not included.*\)$", re.IGNORECASE)
_MEDIA_TYPES_STICKER = {"sticker"}
_CALL_ACTIONS = {"phone_call", "group_call"}
_SPECIAL_KEYS = frozenset(
    {
        "media_type",
        "location_information",
        "venue",
        "contact_information",
        "poll",
        "photo",
        "file",
        "game_title",
        "invoice_information",
    }
)
_COLUMNS = (
    "message_id",
    "sender",
    "sender_id",
    "is_me",
    "text",
    "kind",
    "attachment",
    "reply_to",
    "edited",
    "abs_s",
    "wall",
)
_HEAD_KEYS = re.compile(r'"(date_unixtime|text_entities|from_id|reply_to_message_id|media_type)"')


def _json_error(exc: json.JSONDecodeError, source: Source) -> FormatError:
    return FormatError(
        f"not valid JSON ({exc.msg}); a Telegram export is the result.json file Telegram Desktop writes",
        path=source.name,
        line=exc.lineno,
    )


def _load_json(source: Source, ctx: ReadContext) -> Any:
    text = source.read_text(ctx)
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise FormatError("the JSON is nested too deeply to be a chat export", path=source.name) from exc
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise _json_error(exc, source) from exc
        # e.g. an integer literal longer than Python's int-conversion limit
        raise FormatError(
            "the JSON holds a value no chat export has (a number too long)", path=source.name
        ) from exc


def _wall(value: Any) -> datetime:
    """Parse Telegram's ``date`` (ISO 8601, local time of the exporting PC, no offset)."""
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.fromisoformat(value)


def _utc_offset(date: Any, abs_val: int | None) -> timedelta | None:
    """Return the exporting PC's UTC offset from a message's ``date`` and ``date_unixtime`` pair."""
    if abs_val is None or not isinstance(date, str):
        return None
    try:
        local = datetime.fromisoformat(date)
    except ValueError:
        return None
    if local.tzinfo is not None:
        return None
    return local - datetime.fromtimestamp(abs_val, tz=UTC).replace(tzinfo=None)


def _chats(data: Any, source: Source) -> list[Mapping[str, Any]]:
    """Return the chat objects of a single-chat or full-account export."""
    if isinstance(data, Mapping) and isinstance(data.get("messages"), list):
        return [data]
    if isinstance(data, Mapping) and isinstance(data.get("chats"), Mapping):
        chats: list[Mapping[str, Any]] = []
        for key in ("chats", "left_chats"):
            block = data.get(key)
            if isinstance(block, Mapping) and isinstance(block.get("list"), list):
                chats.extend(c for c in block["list"] if isinstance(c, Mapping))
        return chats
    raise FormatError(
        "not a Telegram Desktop export: expected a 'messages' list or a full-account 'chats.list'",
        path=source.name,
    )


def _chat_ids(chats: Sequence[Mapping[str, Any]], stem: str) -> list[str]:
    """Name each chat by its title; disambiguate repeated titles with the Telegram chat id."""
    names = [str(c.get("name") or (c.get("id") if c.get("id") is not None else stem)) for c in chats]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    out = []
    for i, (c, n) in enumerate(zip(chats, names, strict=True)):
        if counts[n] > 1:
            n = f"{n} ({c.get('id', i + 1)})"
        out.append(n)
    return out


def _select(chats: list[Mapping[str, Any]], ids: list[str], wanted: Any, source: Source) -> list[int]:
    if wanted is None:
        return list(range(len(chats)))
    wanted_list = [wanted] if isinstance(wanted, str | int) else list(wanted)
    keep: list[int] = []
    for w in wanted_list:
        hits = [i for i, c in enumerate(chats) if str(w) in (ids[i], str(c.get("name")), str(c.get("id")))]
        if not hits:
            known = ", ".join(repr(x) for x in ids[:20]) + (" ..." if len(ids) > 20 else "")
            raise ConfigError(f"chat={w!r} is not in this export; its chats are: {known}", path=source.name)
        keep.extend(h for h in hits if h not in keep)
    return keep


def _list(value: Any) -> list[Any]:
    """Return ``value`` when it is a JSON array, else an empty list (malformed exports)."""
    return value if isinstance(value, list) else []


def join_text(text: Any) -> str:
    """Join a Telegram ``text`` value (a string or a list of strings and parts) with no separator."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(
            p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, Mapping) else str(p)
            for p in text
            if p is not None
        )
    return str(text)


def _attachment(msg: Mapping[str, Any]) -> str | None:
    for key in ("photo", "file"):
        val = msg.get(key)
        if isinstance(val, str) and val and not _PLACEHOLDER.match(val):
            return val
    name = msg.get("file_name")
    return str(name) if name else None


def _kind(msg: Mapping[str, Any]) -> str:
    if msg.get("media_type") in _MEDIA_TYPES_STICKER:
        return "sticker"
    if "location_information" in msg or "venue" in msg:
        return "location"
    if "contact_information" in msg:
        return "contact"
    if "poll" in msg:
        return "poll"
    if any(k in msg for k in ("photo", "file", "media_type", "game_title", "invoice_information")):
        return "media"
    return "text"


def _system_text(msg: Mapping[str, Any]) -> str:
    """Describe a service message: the actor, the action and its object, from the export's own fields."""
    parts = [str(msg.get("actor") or "").strip(), str(msg.get("action") or "service")]
    for key in ("title", "members", "inviter", "message_id", "duration_seconds", "discard_reason"):
        val = msg.get(key)
        if val is None or val == "":
            continue
        if isinstance(val, list):
            val = ", ".join(str(v) for v in val)
        parts.append(f"{key}={val}")
    body = join_text(msg.get("text"))
    if body:
        parts.append(body)
    return " ".join(p for p in parts if p)


def telegram_columns(
    chat: Mapping[str, Any],
    *,
    me_id: str | None,
    on_skip: Any,
    on_count: Any,
) -> dict[str, list[Any]]:
    """Turn one Telegram chat object into message-frame columns.

    Timestamps come out as two parallel lists: ``abs_s`` (epoch seconds or None) and ``wall`` (the ISO
    wall-clock string or None); :func:`_timestamps` combines them.

    Args:
        chat: A chat object with a ``messages`` list.
        me_id: The exporter's ``from_id`` (``"user<id>"``) in a full-account export, else None.
        on_skip: ``(record_number, reason)`` callback for records that cannot be read.
        on_count: ``(key, n)`` callback for counted events that are not rows.

    Returns:
        Column name → list, plus the helper columns ``abs_s`` and ``wall``.
    """
    rows: list[tuple[Any, ...]] = []

    def add(
        message_id: str,
        kind: str,
        abs_s: int | None,
        wall: datetime | None,
        *,
        sender: Any = None,
        sender_id: Any = None,
        is_me: bool | None = None,
        text: str | None = None,
        attachment: str | None = None,
        reply_to: str | None = None,
        edited: bool = False,
    ) -> None:
        # One tuple per row (in _COLUMNS order): much cheaper than growing eleven lists per message.
        rows.append(
            (
                message_id,
                None if sender is None else str(sender),
                None if sender_id is None else str(sender_id),
                is_me,
                text,
                kind,
                attachment,
                reply_to,
                edited,
                abs_s,
                wall,
            )
        )

    seen: set[str] = set()

    def is_me(from_id: Any) -> Any:
        if me_id is None:
            return None
        return from_id is not None and str(from_id) == me_id

    for seq, msg in enumerate(_list(chat.get("messages")), start=1):
        if not isinstance(msg, Mapping):
            on_skip(seq, "message record is not a JSON object")
            continue
        abs_s = msg.get("date_unixtime")
        wall = msg.get("date")
        if abs_s in (None, "") and not wall:
            on_skip(seq, "message has neither 'date_unixtime' nor 'date'")
            continue
        try:
            abs_val = int(abs_s) if abs_s not in (None, "") else None
            wall = _wall(wall) if abs_val is None else None
        except (TypeError, ValueError):
            on_skip(seq, "unreadable 'date_unixtime' or 'date'")
            continue
        mid = str(msg["id"]) if msg.get("id") is not None else str(seq)
        if mid in seen:
            on_skip(seq, "the message id repeats an earlier message of the chat")
            continue
        seen.add(mid)
        mtype = msg.get("type", "message")
        text = join_text(msg.get("text"))
        reply = msg.get("reply_to_message_id")
        reply_to = str(reply) if reply is not None and msg.get("reply_to_peer_id") is None else None
        edited = bool(msg.get("edited") or msg.get("edited_unixtime"))
        if mtype == "service":
            action = msg.get("action")
            if action in _CALL_ACTIONS and msg.get("actor"):
                add(
                    message_id=mid,
                    sender=str(msg["actor"]),
                    sender_id=msg.get("actor_id"),
                    is_me=is_me(msg.get("actor_id")),
                    text=_system_text(msg),
                    kind="call",
                    abs_s=abs_val,
                    wall=wall,
                    edited=False,
                )
            else:
                add(
                    message_id=mid,
                    text=_system_text(msg),
                    kind="system",
                    abs_s=abs_val,
                    wall=wall,
                    edited=False,
                )
            continue
        sender = msg.get("from") or msg.get("author") or msg.get("from_id")
        if mtype == "unsupported" or not sender:
            # A message Telegram could not export, or one whose author is unknown: keep it as an event
            # so every record is a row, but never invent a person for it.
            add(message_id=mid, text=text or f"({mtype} message)", kind="system", abs_s=abs_val, wall=wall)
            on_count("telegram_messages_without_sender" if mtype != "unsupported" else "telegram_unsupported")
            continue
        kind = "text" if _SPECIAL_KEYS.isdisjoint(msg) else _kind(msg)
        if kind == "sticker" and not text:
            text = str(msg.get("sticker_emoji") or "")
        if kind == "poll" and not text:
            text = str((msg.get("poll") or {}).get("question") or "")
        add(
            message_id=mid,
            sender=str(sender),
            sender_id=msg.get("from_id"),
            is_me=is_me(msg.get("from_id")),
            text=text if (text or kind == "text") else None,
            kind=kind,
            attachment=None if kind == "text" else _attachment(msg),
            reply_to=reply_to,
            edited=edited,
            abs_s=abs_val,
            wall=wall,
        )
        reactions = msg.get("reactions")
        if not reactions or not isinstance(reactions, list):
            continue
        offset = _utc_offset(msg.get("date"), abs_val)
        for r_i, reaction in enumerate(reactions, start=1):
            if not isinstance(reaction, Mapping):
                on_skip(seq, "reaction is not a JSON object")
                continue
            emoji = reaction.get("emoji") or (
                f"custom_emoji:{reaction['document_id']}"
                if reaction.get("document_id")
                else reaction.get("type")
            )
            recent = [r for r in _list(reaction.get("recent")) if isinstance(r, Mapping) and r.get("from")]
            for p_i, who in enumerate(recent, start=1):
                # A reactor's own time when it parses, else the message's time.
                try:
                    r_raw = who.get("date_unixtime")
                    r_abs = int(r_raw) if r_raw not in (None, "") else None
                    r_wall = _wall(who["date"]) if r_abs is None and who.get("date") else None
                    if r_wall is not None and offset is not None:
                        # ``recent[].date`` is the exporting PC's wall clock; the message's own
                        # date/date_unixtime pair gives that PC's UTC offset, so use it.
                        r_abs, r_wall = round((r_wall - offset).replace(tzinfo=UTC).timestamp()), None
                except (TypeError, ValueError):
                    r_abs, r_wall = None, None
                if r_abs is None and r_wall is None:
                    r_abs, r_wall = abs_val, wall
                add(
                    message_id=f"{mid}.r{r_i}.{p_i}",
                    sender=str(who["from"]),
                    sender_id=who.get("from_id"),
                    is_me=is_me(who.get("from_id")),
                    text=str(emoji),
                    kind="reaction",
                    reply_to=mid,
                    abs_s=r_abs,
                    wall=r_wall,
                    edited=False,
                )
            count = reaction.get("count")
            missing = (
                count if isinstance(count, int) and not isinstance(count, bool) else len(recent)
            ) - len(recent)
            if missing > 0:
                on_count("telegram_reactions_without_sender", missing)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _COLUMNS]
    return {name: list(values) for name, values in zip(_COLUMNS, columns, strict=True)}


def _timestamps(abs_s: Sequence[Any], wall: Sequence[Any], tz: str) -> pd.DatetimeIndex:
    """Combine absolute epoch seconds and wall-clock datetimes (used where no epoch) into one index."""
    absolute = pd.to_datetime(pd.array(list(abs_s), dtype="Int64"), unit="s", utc=True)
    out = pd.Series(pd.DatetimeIndex(absolute).as_unit("us"))
    use_wall = out.isna().to_numpy()
    if use_wall.any():
        naive = pd.DatetimeIndex([w for w, u in zip(wall, use_wall, strict=True) if u])
        if naive.tz is None:
            # Same DST rules as schema.make_messages: ambiguous -> earliest, nonexistent -> shift forward.
            naive = naive.tz_localize(
                tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
            )
        out.loc[use_wall] = naive.tz_convert("UTC").as_unit("us")
    return pd.DatetimeIndex(out).tz_convert(tz).as_unit("us")


def _stem(source: Source) -> str:
    return PurePosixPath(source.filename).stem or source.filename


def _sniff(sample: Source) -> float:
    head = sample.head_text().lstrip("\ufeff \r\n\t")
    if not head.startswith("{"):
        return 0.0
    has_messages = '"messages"' in head
    hits = {m.group(1) for m in _HEAD_KEYS.finditer(head)}
    if '"personal_information"' in head or ('"chats"' in head and '"list"' in head):
        return 0.95 if (hits or has_messages or '"about"' in head) else 0.6
    if has_messages and ('"text_entities"' in head or '"date_unixtime"' in head):
        return 0.95
    if has_messages and re.search(
        r'"type"\s*:\s*"(personal_chat|private_group|bot_chat|saved_messages)', head
    ):
        return 0.9
    if has_messages and '"from"' in head and re.search(r'"date"\s*:\s*"\d{4}-\d\d-\d\dT', head):
        return 0.7
    return 0.0


@register_importer(
    "telegram",
    sniff=_sniff,
    suffixes=(".json",),
    description="Telegram Desktop result.json (single chat or full account; chat= picks chats)",
    example=EXAMPLE,
)
def read_telegram(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read a Telegram Desktop ``result.json`` into a message frame.

    Args:
        source: The ``result.json`` file.
        ctx: Read context; ``ctx.options["chat"]`` (a chat name or id, or a list of them) keeps only
            those chats of a full-account export.

    Returns:
        A message frame, one ``chat_id`` per chat.

    Raises:
        FormatError: The file is not JSON or not a Telegram export.
        ConfigError: ``chat=`` names a chat the export does not hold.
    """
    data = _load_json(source, ctx)
    chats = _chats(data, source)
    ids = _chat_ids(chats, _stem(source))
    keep = _select(chats, ids, ctx.option("chat"), source)
    me_id = None
    info = data.get("personal_information") if isinstance(data, Mapping) else None
    if isinstance(info, Mapping) and info.get("user_id") is not None:
        me_id = f"user{info['user_id']}"
    frames = []
    for i in keep:
        cols = telegram_columns(
            chats[i],
            me_id=me_id,
            on_skip=lambda line, reason, c=ids[i]: ctx.skip(source, line, f"chat {c!r}: {reason}"),
            on_count=lambda key, n=1: ctx.count(key, n),
        )
        ts = _timestamps(cols.pop("abs_s"), cols.pop("wall"), ctx.tz)
        frames.append(
            schema.make_messages({**cols, "timestamp": ts}, tz=ctx.tz, source="telegram", chat_id=ids[i])
        )
    if not frames:
        return schema.empty_messages(ctx.tz)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
