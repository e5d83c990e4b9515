"""DiscordChatExporter (Tyrrrz) JSON exports of a DM, a group DM or a server channel.

Rules (research/formats.md §2.6):

- ``chat_id`` = the channel name (``"<guild> #<channel>"`` for server channels; DMs and group DMs, whose
  guild is ``Direct Messages``, use the channel name alone), else the channel id, else the file stem;
- ``message_id`` = the message's snowflake ``id``; ``timestamp`` = ISO 8601 with offset (absolute; one
  without an offset is read as UTC);
- ``sender`` = ``author.nickname`` (the display name the exporter resolved), else ``author.name``;
  ``sender_id`` = ``author.id``;
- ``reference.messageId`` → ``reply_to`` when the reference points into the same channel;
- ``timestampEdited`` → ``edited``;
- ``type`` ``Default`` / ``Reply`` (and other user messages) → ``text`` (``media`` with attachments,
  ``sticker`` with stickers and no text); ``Call`` → ``call`` by its author; every other type
  (``ChannelNameChange``, ``RecipientAdd``, ``RecipientRemove``, ``GuildMemberJoin``,
  ``ChannelPinnedMessage``, ``ThreadCreated`` …) → ``system`` with a null sender and text
  ``"<author>: <type>[: <content>]"``;
- reactions: DiscordChatExporter writes ``{emoji, count}`` and, in newer versions, ``users``. One
  ``reaction`` row is written per listed user (text = the emoji's name, ``reply_to`` = the message, time =
  the message's time, as Discord exports no reaction time). Reactions counted without a listed user cannot
  be attributed to a person; they are not rows but are counted in the parse report under
  ``discord_reactions_without_user`` (one per reaction, i.e. the sum of the unattributed counts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from .. import schema
from ..errors import FormatError
from . import ReadContext, Source, register_importer

__all__ = ["discord_columns", "read_discord"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_USER_TYPES = {"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "ThreadStarterMessage", ""}

EXAMPLE = """{
  "guild": {"id": "0", "name": "Direct Messages", "iconUrl": ""},
  "channel": {"id": "900", "type": "DirectGroupTextChat", "categoryId": null, "category": "Group",
              "name": "weekend plans", "topic": null},
  "dateRange": {"after": null, "before": null},
  "messages": [
    {"id": "901", "type": "Default", "timestamp": "2024-03-01T10:00:00.000+01:00",
     "timestampEdited": null, "callEndedTimestamp": null, "isPinned": false, "content": "who's in?",
     "author": {"id": "11", "name": "alex", "discriminator": "0000", "nickname": "Alex", "isBot": false},
     "attachments": [], "embeds": [], "stickers": [],
     "reactions": [{"emoji": {"id": null, "name": "\u270b", "isAnimated": false}, "count": 2,
                    "users": [{"id": "22", "name": "sam", "nickname": "Sam"}]}],
     "mentions": []},
    {"id": "902", "type": "Reply", "timestamp": "2024-03-01T09:03:00.000+00:00",
     "timestampEdited": "2024-03-01T09:04:00.000+00:00", "callEndedTimestamp": null, "isPinned": false,
     "content": "me!", "author": {"id": "22", "name": "sam", "discriminator": "0000", "nickname": "Sam",
     "isBot": false}, "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": [],
     "reference": {"messageId": "901", "channelId": "900", "guildId": null}},
    {"id": "903", "type": "RecipientAdd", "timestamp": "2024-03-01T09:05:00.000+00:00",
     "timestampEdited": null, "callEndedTimestamp": null, "isPinned": false, "content": "Added Kim.",
     "author": {"id": "11", "name": "alex", "discriminator": "0000", "nickname": "Alex", "isBot": false},
     "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": []}
  ],
  "messageCount": 3
}
"""


def _epoch_us(stamp: Any) -> int | None:
    """Return an ISO 8601 timestamp as epoch microseconds (no offset: read as UTC), or None."""
    if not isinstance(stamp, str):
        return None
    try:
        dt = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH) // _US


def _list(value: Any) -> list[Any]:
    """Return ``value`` when it is a JSON array, else an empty list (malformed exports)."""
    return value if isinstance(value, list) else []


def _emoji(reaction: Mapping[str, Any]) -> str | None:
    emoji = reaction.get("emoji")
    if isinstance(emoji, Mapping):
        name = emoji.get("name") or (f"custom_emoji:{emoji['id']}" if emoji.get("id") else None)
        return str(name) if name else None
    return str(emoji) if emoji else None


def _person(author: Any) -> tuple[str | None, str | None]:
    if not isinstance(author, Mapping):
        return None, None
    name = author.get("nickname") or author.get("name")
    ident = author.get("id")
    return (str(name) if name else None), (str(ident) if ident is not None else None)


def discord_columns(
    data: Mapping[str, Any],
    *,
    on_skip: Callable[[int, str], None],
    on_count: Callable[[str, int], None],
) -> dict[str, list[Any]]:
    """Turn a parsed DiscordChatExporter JSON object into message-frame columns.

    Args:
        data: The parsed export (``channel``, ``messages``).
        on_skip: ``(record_number, reason)`` callback for records that cannot be read.
        on_count: ``(key, n)`` callback for events that are counted, not rows.

    Returns:
        Column name → list; ``timestamp`` holds epoch microseconds.
    """
    names = (
        "message_id",
        "timestamp",
        "sender",
        "sender_id",
        "text",
        "kind",
        "attachment",
        "reply_to",
        "edited",
    )
    cols: dict[str, list[Any]] = {k: [] for k in names}
    channel = data.get("channel") if isinstance(data.get("channel"), Mapping) else {}
    channel_id = str(channel.get("id")) if channel and channel.get("id") is not None else None
    seen: set[str] = set()

    def add(**row: Any) -> None:
        for k in cols:
            cols[k].append(row.get(k))

    for seq, msg in enumerate(_list(data.get("messages")), start=1):
        if not isinstance(msg, Mapping):
            on_skip(seq, "message record is not a JSON object")
            continue
        stamp = _epoch_us(msg.get("timestamp"))
        if stamp is None:
            on_skip(seq, "message has no readable 'timestamp'")
            continue
        mid = str(msg.get("id") or seq)
        if mid in seen:
            on_skip(seq, "the message id repeats an earlier message")
            continue
        seen.add(mid)
        mtype = str(msg.get("type") or "")
        sender, sender_id = _person(msg.get("author"))
        content = msg.get("content")
        text = str(content) if content else None
        ref = msg.get("reference")
        reply_to = None
        if isinstance(ref, Mapping) and ref.get("messageId"):
            same_channel = ref.get("channelId") in (None, channel_id) or channel_id is None
            reply_to = str(ref["messageId"]) if same_channel else None
        attachments = _list(msg.get("attachments"))
        attachment = None
        if isinstance(attachments, list) and attachments and isinstance(attachments[0], Mapping):
            attachment = attachments[0].get("fileName") or attachments[0].get("url")
        stickers = _list(msg.get("stickers"))
        edited = bool(msg.get("timestampEdited"))
        if mtype == "Call":
            kind = "call"
        elif mtype not in _USER_TYPES:
            parts = [p for p in (sender, mtype, text) if p]
            add(message_id=mid, timestamp=stamp, text=": ".join(parts), kind="system", edited=edited)
            continue
        elif attachment:
            kind = "media"
        elif stickers and not text:
            kind = "sticker"
            first = stickers[0] if isinstance(stickers[0], Mapping) else {}
            text = str(first.get("name")) if first.get("name") else None
        else:
            kind = "text"
            text = text if text is not None else ""
        if sender is None:
            on_skip(seq, "message has no author")
            continue
        add(
            message_id=mid,
            timestamp=stamp,
            sender=sender,
            sender_id=sender_id,
            text=text,
            kind=kind,
            attachment=attachment,
            reply_to=reply_to,
            edited=edited,
        )
        for r_i, reaction in enumerate(_list(msg.get("reactions")), start=1):
            emoji = _emoji(reaction) if isinstance(reaction, Mapping) else None
            if emoji is None:
                on_skip(seq, f"reaction {r_i} has no emoji")
                continue
            users = [u for u in _list(reaction.get("users")) if _person(u)[0]]
            for u_i, user in enumerate(users, start=1):
                who, who_id = _person(user)
                add(
                    message_id=f"{mid}.r{r_i}.{u_i}",
                    timestamp=stamp,
                    sender=who,
                    sender_id=who_id,
                    text=emoji,
                    kind="reaction",
                    reply_to=mid,
                    edited=False,
                )
            try:
                count = int(reaction.get("count") or 0)
            except (TypeError, ValueError):
                count = 0
            if count > len(users):
                on_count("discord_reactions_without_user", count - len(users))
    return cols


def _json_error(exc: json.JSONDecodeError, source: Source) -> FormatError:
    return FormatError(
        f"not valid JSON ({exc.msg}); export the channel with DiscordChatExporter in JSON format",
        path=source.name,
        line=exc.lineno,
    )


def _chat_id(data: Mapping[str, Any], stem: str) -> str:
    channel = data.get("channel") if isinstance(data.get("channel"), Mapping) else None
    guild = data.get("guild") if isinstance(data.get("guild"), Mapping) else None
    if not channel:
        return stem
    name = channel.get("name")
    gname = guild.get("name") if guild else None
    if (
        name
        and gname
        and gname != "Direct Messages"
        and not str(channel.get("type", "")).startswith("Direct")
    ):
        return f"{gname} #{name}"
    if name:
        return str(name)
    return str(channel.get("id") or stem)


def _sniff(sample: Source) -> float:
    head = sample.head_text().lstrip("\ufeff \r\n\t")
    if not head.startswith("{"):
        return 0.0
    if '"guild"' in head and '"channel"' in head and '"messages"' in head:
        return 0.95 if _AUTHOR.search(head) or '"messageCount"' in head else 0.8
    return 0.0


@register_importer(
    "discord",
    sniff=_sniff,
    suffixes=(".json",),
    description="DiscordChatExporter JSON (DM, group DM or server channel)",
    example=EXAMPLE,
)
def read_discord(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read a DiscordChatExporter JSON export into a message frame.

    Args:
        source: The ``.json`` export of one channel.
        ctx: Read context.

    Returns:
        A message frame for the channel.

    Raises:
        FormatError: The file is not JSON or not a DiscordChatExporter export.
    """
    try:
        data = json.loads(source.read_text(ctx))
    except RecursionError as exc:
        raise FormatError("the JSON is nested too deeply to be a chat export", path=source.name) from exc
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise _json_error(exc, source) from exc
        # e.g. an integer literal longer than Python's int-conversion limit
        raise FormatError(
            "the JSON holds a value no chat export has (a number too long)", path=source.name
        ) from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("messages"), list) or "channel" not in data:
        raise FormatError(
            "not a DiscordChatExporter export: expected an object with 'channel' and 'messages'",
            path=source.name,
        )
    cols = discord_columns(
        data,
        on_skip=lambda line, reason: ctx.skip(source, line, reason),
        on_count=lambda key, n: ctx.count(key, n),
    )
    frame_cols: dict[str, Any] = dict(cols)
    frame_cols["timestamp"] = pd.to_datetime(pd.array(cols["timestamp"], dtype="Int64"), unit="us", utc=True)
    stem = PurePosixPath(source.filename).stem
    return schema.make_messages(frame_cols, tz=ctx.tz, source="discord", chat_id=_chat_id(data, stem))


_AUTHOR = re.compile(r'"author"\s*:\s*\{')
