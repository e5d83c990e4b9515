"""Facebook Messenger and Instagram "Download your information" JSON (``message_N.json``).

Both services write the same shape (research/formats.md §2.5), so one reader serves two registered formats,
``messenger`` and ``instagram``; only the ``source`` value and the sniffing hints differ.

A thread is a folder holding ``message_1.json`` … ``message_N.json``, each newest first. The folder dispatch
calls the reader once per file; every part of a thread gets the same ``chat_id`` (the last part of the
thread's ``thread_path``, which is also the thread's folder name, else that folder name, else its title,
else the file stem) and ``message_id`` values ``"<part>-<k>"`` (part = N of ``message_N.json``, k = the
record's position counted from the oldest record of that file), so ids of different parts never collide.
``source_order`` is the same oldest-first position.

Rules:

- ``timestamp_ms`` is absolute (epoch ms, UTC), converted to ``tz``;
- a damaged file (not valid JSON: a truncated download, a bad byte) is read record by record: records that
  cannot be decoded are skipped with their line, the rest are kept and the damage is noted;
- mojibake repair per string: Meta writes every UTF-8 byte as its own ``\\u00XX`` escape; a string is
  re-decoded with ``s.encode("latin-1").decode("utf-8")`` only when every code point is < 256 and that round
  trip succeeds, so already-correct text (``“``, ``é`` alone) is kept; repairs are counted in the parse
  report (``messenger_mojibake_repaired`` / ``instagram_mojibake_repaired``);
- ``type`` may be missing (2024+ exports); ``is_unsent`` → ``kind="deleted"``;
- ``photos`` / ``videos`` / ``gifs`` / ``audio_files`` / ``files`` → ``kind="media"`` with ``attachment`` =
  the first file's name; ``sticker`` → ``sticker``; ``type: "Call"`` or ``call_duration`` → ``call``;
- joins/leaves (``type`` Subscribe/Unsubscribe, or a ``users`` list) → ``system`` rows with a null sender;
- ``reactions: [{reaction, actor}]`` → one ``reaction`` row per entry (text = the emoji, ``reply_to`` = the
  message). Meta stores no reaction time, so reaction rows carry the message's time (``timestamp`` of the
  entry when a newer export has one, in seconds or ms);
- Instagram's English content ``Liked a message`` and ``Reacted <emoji> to your message`` are reaction rows
  without a target (``reply_to`` null);
- the end-to-end-encrypted Messenger export (``threadName``, ``messages[{senderName, timestamp, text,
  isUnsent, media, reactions}]``) is read with the same rules; its shape is known only from third-party
  descriptions, so treat support as best effort.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from .. import schema
from ..errors import FormatError
from . import ReadContext, Source, register_importer

__all__ = ["fix_mojibake", "meta_columns", "read_instagram", "read_messenger"]

_MEDIA_KEYS = ("photos", "videos", "gifs", "audio_files", "files")
_REACTED = re.compile(r"^Reacted (?P<emoji>.+) to your message\s*$", re.DOTALL)
_LIKED = "Liked a message"
_PART = re.compile(r"(\d+)$")

MESSENGER_EXAMPLE = """{
  "participants": [{"name": "Sam Sample"}, {"name": "Alex Example"}],
  "messages": [
    {"sender_name": "Alex Example", "timestamp_ms": 1709284200000, "content": "caf\\u00c3\\u00a9 at 5?",
     "reactions": [{"reaction": "\\u00f0\\u009f\\u0091\\u008d", "actor": "Sam Sample"}], "type": "Generic",
     "is_geoblocked_for_viewer": false},
    {"sender_name": "Sam Sample", "timestamp_ms": 1709283900000,
     "photos": [{"uri": "messages/inbox/samsample_10/photos/1.jpg", "creation_timestamp": 1709283900}],
     "type": "Generic", "is_geoblocked_for_viewer": false},
    {"sender_name": "Alex Example", "timestamp_ms": 1709283600000, "content": "hi Sam",
     "type": "Generic", "is_geoblocked_for_viewer": false}
  ],
  "title": "Sam Sample",
  "is_still_participant": true,
  "thread_type": "Regular",
  "thread_path": "inbox/samsample_10",
  "magic_words": []
}
"""

INSTAGRAM_EXAMPLE = """{
  "participants": [{"name": "sam.sample"}, {"name": "alex.example"}],
  "messages": [
    {"sender_name": "sam.sample", "timestamp_ms": 1709283960000, "content": "Liked a message",
     "is_geoblocked_for_viewer": false},
    {"sender_name": "alex.example", "timestamp_ms": 1709283900000, "content": "look",
     "share": {"link": "https://www.instagram.com/p/AbCdEf/", "share_text": "a reel"},
     "is_geoblocked_for_viewer": false},
    {"sender_name": "sam.sample", "timestamp_ms": 1709283600000, "content": "hey",
     "is_geoblocked_for_viewer": false}
  ],
  "title": "sam.sample",
  "is_still_participant": true,
  "thread_path": "inbox/sam.sample_17841400000000000",
  "magic_words": []
}
"""


def fix_mojibake(text: str) -> str:
    """Undo Meta's byte-per-escape encoding of one string, only where that is certain.

    Args:
        text: A string as ``json.loads`` returned it.

    Returns:
        The repaired string when every code point is < 256, at least one is ≥ 128 and the bytes decode as
        UTF-8; otherwise ``text`` unchanged.

    Examples:
        >>> fix_mojibake("caf\\u00c3\\u00a9")
        'café'
        >>> fix_mojibake("café")
        'café'
    """
    if text.isascii():
        return text
    try:
        raw = text.encode("latin-1")  # fails fast when any code point is >= 256
    except UnicodeEncodeError:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _part_and_thread(source: Source) -> tuple[str, str | None, str]:
    """Return (part label, parent folder name, file stem) from the source's display name or path."""
    if source.member is not None:
        raw = source.member
    elif source.path is not None:
        raw = str(source.path)
    else:
        raw = source.name
    p = PurePosixPath(raw.replace("\\", "/"))
    stem = p.stem
    m = _PART.search(stem)
    part = m.group(1) if (m and stem.startswith("message")) else stem
    parent = p.parent.name or None
    return part, parent, stem


def _first_name(items: Any) -> str | None:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, Mapping) and item.get("uri"):
                return PurePosixPath(str(item["uri"]).replace("\\", "/")).name
    elif isinstance(items, Mapping) and items.get("uri"):
        return PurePosixPath(str(items["uri"]).replace("\\", "/")).name
    return None


def _to_ms(value: Any) -> int | None:
    """Read an epoch in ms (or s, by magnitude) from an int, float or digit string."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        num = float(value)
    except (TypeError, ValueError):
        return None
    if num != num:  # NaN
        return None
    return int(num if abs(num) >= 1e11 else num * 1000)


def _normalise(msg: Mapping[str, Any]) -> dict[str, Any]:
    """Map an end-to-end-encrypted export record onto the DYI field names (identity for DYI records)."""
    if "sender_name" in msg or "senderName" not in msg:
        return dict(msg)
    out: dict[str, Any] = {
        "sender_name": msg.get("senderName"),
        "timestamp_ms": msg.get("timestamp"),
        "content": msg.get("text"),
        "is_unsent": msg.get("isUnsent"),
        "type": msg.get("type"),
        "reactions": msg.get("reactions"),
    }
    if msg.get("media"):
        out["files"] = msg["media"]
    return out


def meta_columns(
    data: Mapping[str, Any],
    *,
    part: str,
    on_skip: Callable[[int, str], None],
    fix: Callable[[str], str] = fix_mojibake,
) -> dict[str, list[Any]]:
    """Turn one parsed ``message_N.json`` into message-frame columns (oldest record first).

    Args:
        data: The parsed JSON object (``messages`` list, newest first).
        part: Label of this file within its thread (``"3"`` for ``message_3.json``); prefixes message ids.
        on_skip: ``(record_number, reason)`` callback; record numbers count from 1 in file order.
        fix: String repair applied to every text field (the guarded mojibake fix).

    Returns:
        Column name → list for ``make_messages``, with ``timestamp`` as epoch ms.
    """
    names = ("message_id", "timestamp", "sender", "text", "kind", "attachment", "reply_to", "source_order")
    cols: dict[str, list[Any]] = {k: [] for k in names}
    messages = data.get("messages")
    if not isinstance(messages, list):
        messages = []
    order = 0

    def add(**row: Any) -> None:
        nonlocal order
        order += 1
        row["source_order"] = order
        for k in cols:
            cols[k].append(row.get(k))

    total = len(messages)
    # Files are newest first: walk backwards so ids and source_order run oldest first.
    for k, record_no in enumerate(range(total, 0, -1), start=1):
        raw = messages[record_no - 1]
        if not isinstance(raw, Mapping):
            on_skip(record_no, "message record is not a JSON object")
            continue
        msg = _normalise(raw)
        ms = _to_ms(msg.get("timestamp_ms"))
        if ms is None:
            on_skip(record_no, "message has no readable 'timestamp_ms'")
            continue
        mid = f"{part}-{k}"
        sender = msg.get("sender_name")
        sender = fix(str(sender)) if sender not in (None, "") else None
        content = msg.get("content")
        text = fix(str(content)) if content is not None else None
        mtype = str(msg.get("type") or "")
        attachment = None
        reply_to = None
        if msg.get("is_unsent"):
            kind, text = "deleted", None
        elif mtype in ("Subscribe", "Unsubscribe") or isinstance(msg.get("users"), list):
            kind = "system"
        elif mtype == "Call" or "call_duration" in msg:
            kind = "call"
        elif msg.get("sticker"):
            kind, attachment = "sticker", _first_name(msg.get("sticker"))
        elif any(msg.get(key) for key in _MEDIA_KEYS):
            kind = "media"
            attachment = next(
                (n for key in _MEDIA_KEYS if (n := _first_name(msg.get(key))) is not None), None
            )
        elif text == _LIKED:
            kind, text = "reaction", "❤️"
        elif text is not None and (m := _REACTED.match(text)):
            kind, text = "reaction", m.group("emoji")
        else:
            kind = "text"
            share = msg.get("share")
            if text is None and isinstance(share, Mapping) and share.get("link"):
                text = fix(str(share["link"]))
        if kind not in ("text", "system") and not text:
            text = None  # an empty caption on a photo, call or sticker is no text
        if sender is None and kind != "system":
            on_skip(record_no, "message has no 'sender_name'")
            continue
        add(
            message_id=mid,
            timestamp=ms,
            sender=None if kind == "system" else sender,
            text=(f"{sender}: {text}" if sender and text else text) if kind == "system" else text,
            kind=kind,
            attachment=attachment,
            reply_to=reply_to,
        )
        reactions = msg.get("reactions") or []
        for r_i, reaction in enumerate(reactions if isinstance(reactions, list) else [], start=1):
            actor = reaction.get("actor") if isinstance(reaction, Mapping) else None
            emoji = reaction.get("reaction") if isinstance(reaction, Mapping) else None
            if not actor or not emoji:
                on_skip(record_no, f"reaction {r_i} has no actor or emoji")
                continue
            r_ms = _to_ms(reaction.get("timestamp")) if isinstance(reaction, Mapping) else None
            add(
                message_id=f"{mid}.r{r_i}",
                timestamp=r_ms if r_ms is not None else ms,
                sender=fix(str(actor)),
                text=fix(str(emoji)),
                kind="reaction",
                reply_to=mid,
            )
    return cols


def _thread_id(data: Mapping[str, Any], parent: str | None, stem: str, fix: Callable[[str], str]) -> str:
    # The last part of thread_path ("inbox/<name>_<id>") is also the thread's folder name, so a part
    # whose thread_path is unreadable (damaged file) still lands in the same chat as its siblings.
    path = data.get("thread_path")
    base = PurePosixPath(path.replace("\\", "/")).name if isinstance(path, str) else None
    for value in (base, parent, data.get("title"), data.get("threadName")):
        if isinstance(value, str) and value.strip():
            return fix(value)
    return stem


def _json_error(exc: json.JSONDecodeError, source: Source, name: str) -> FormatError:
    return FormatError(
        f"not valid JSON ({exc.msg}); a {name} export is a message_N.json file from 'Download your "
        "information' in JSON format",
        path=source.name,
        line=exc.lineno,
    )


_MESSAGES_START = re.compile(r'"messages"\s*:\s*\[')
_SENDER_KEY = re.compile(r'"(sender_name|senderName)"\s*:')


def _recover(text: str, on_skip: Callable[[int, str], None]) -> dict[str, Any] | None:
    """Read the message records of a damaged ``message_N.json`` one by one (a truncated download, a bad byte).

    Each element of the ``messages`` array is decoded on its own. One that fails is skipped: every
    non-blank line it spans is reported, and reading resumes at the next line indented like it and
    opening an object (how Meta pretty-prints the array); a failing element with no such line runs to
    the end of the file (a truncated download). Damage outside the array (thread fields) is not
    repaired: the caller then refuses the file.

    Returns:
        ``{"messages": [...], ...}``, or None when the text has no Meta message array or is damaged
        outside it.
    """
    start = _MESSAGES_START.search(text)
    if start is None or _SENDER_KEY.search(text, start.end()) is None:
        return None
    decoder = json.JSONDecoder()
    messages: list[Any] = []
    bad: list[tuple[int, int]] = []
    pos, end, closed = start.end(), len(text), False
    while pos < end:
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= end:
            break
        if text[pos] == "]":
            closed = True
            break
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            line_start = text.rfind("\n", 0, pos) + 1
            indent = text[line_start:pos]
            nxt = text.find("\n" + indent + "{", pos + 1) if not indent.strip() else -1
            closing = text.find("\n" + indent[:-2] + "]", pos + 1) if indent.endswith("  ") else -1
            stop = min(x for x in (nxt, closing, end) if x >= 0)
            bad.append((pos, stop))
            pos = stop + 1 if stop < end else end
            continue
        messages.append(obj)
    skeleton = text[: start.end()] + (text[pos:] if closed else "]}")
    try:
        head = json.loads(skeleton)
    except (ValueError, RecursionError):
        return None  # damaged outside the message records too: refuse rather than guess
    if not isinstance(head, dict):
        return None
    for a, b in bad:
        first = text.count("\n", 0, a) + 1
        for k, line in enumerate(text[a:b].split("\n")):
            if line.strip():
                on_skip(first + k, "part of a message record that is not valid JSON")
    head["messages"] = messages
    return head


def _read_meta(source: Source, ctx: ReadContext, *, name: str) -> pd.DataFrame:
    text = source.read_text(ctx)
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise FormatError("the JSON is nested too deeply to be a chat export", path=source.name) from exc
    except ValueError as exc:
        recovered = _recover(text, lambda line, reason: ctx.skip(source, line, reason))
        if recovered is None:
            if isinstance(exc, json.JSONDecodeError):
                raise _json_error(exc, source, name) from exc
            # e.g. an integer literal longer than Python's int-conversion limit
            raise FormatError(
                "the JSON holds a value no chat export has (a number too long)", path=source.name
            ) from exc
        ctx.note(
            source,
            "the file is damaged (not valid JSON); its message records were read one by one",
            line=getattr(exc, "lineno", None),
        )
        data = recovered
    if not isinstance(data, Mapping) or not isinstance(data.get("messages"), list):
        raise FormatError(f"not a {name} export: expected an object with a 'messages' list", path=source.name)
    repaired = 0

    def fix(s: str) -> str:
        nonlocal repaired
        out = fix_mojibake(s)
        repaired += out != s
        return out

    part, parent, stem = _part_and_thread(source)
    chat_id = _thread_id(data, parent if parent and part != stem else None, stem, fix)
    cols = meta_columns(data, part=part, on_skip=lambda line, reason: ctx.skip(source, line, reason), fix=fix)
    if repaired:
        # Meta writes every export this way, so the repair is counted, not warned about.
        ctx.count(f"{name}_mojibake_repaired", repaired)
    frame_cols: dict[str, Any] = dict(cols)
    frame_cols["timestamp"] = pd.to_datetime(pd.array(cols["timestamp"], dtype="Int64"), unit="ms", utc=True)
    return schema.make_messages(frame_cols, tz=ctx.tz, source=name, chat_id=chat_id)


def _sniff_meta(sample: Source) -> float:
    """Score Meta DYI (and E2EE) message JSON regardless of which service wrote it."""
    head = sample.head_text().lstrip("\ufeff \r\n\t")
    if not head.startswith("{") or '"messages"' not in head:
        return 0.0
    if '"sender_name"' in head and '"timestamp_ms"' in head:
        return 1.0
    if '"senderName"' in head and '"timestamp"' in head and ('"threadName"' in head or '"isUnsent"' in head):
        return 0.8
    return 0.0


def _instagram_hint(sample: Source) -> bool:
    where = f"{sample.path or ''} {sample.name}".lower()
    if "instagram" in where:
        return True
    head = sample.head_text()
    return "instagram.com" in head or _LIKED in head or "to your message" in head


def _messenger_hint(sample: Source) -> bool:
    where = f"{sample.path or ''} {sample.name}".lower()
    if "facebook" in where or "messenger" in where:
        return True
    head = sample.head_text()
    return '"thread_type"' in head or '"threadName"' in head


def _sniff_messenger(sample: Source) -> float:
    score = _sniff_meta(sample)
    if not score:
        return 0.0
    if _messenger_hint(sample):
        return 0.95 * score
    return 0.5 * score if _instagram_hint(sample) else 0.8 * score


@register_importer(
    "messenger",
    sniff=_sniff_messenger,
    suffixes=(".json",),
    description="Facebook Messenger 'Download your information' JSON (thread folder of message_N.json)",
    example=MESSENGER_EXAMPLE,
)
def read_messenger(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read one Messenger ``message_N.json`` into a message frame.

    Args:
        source: The file (one part of a thread folder).
        ctx: Read context.

    Returns:
        A message frame; all parts of one thread share its ``chat_id``.

    Raises:
        FormatError: The file is not JSON or has no ``messages`` list.
    """
    return _read_meta(source, ctx, name="messenger")


def _sniff_instagram(sample: Source) -> float:
    score = _sniff_meta(sample)
    if not score:
        return 0.0
    if _instagram_hint(sample) and not _messenger_hint(sample):
        return 0.95 * score
    return 0.6 * score


@register_importer(
    "instagram",
    sniff=_sniff_instagram,
    suffixes=(".json",),
    description="Instagram 'Download your information' JSON (thread folder of message_N.json)",
    example=INSTAGRAM_EXAMPLE,
)
def read_instagram(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read one Instagram ``message_N.json`` into a message frame (same rules as Messenger).

    Args:
        source: The file (one part of a thread folder).
        ctx: Read context.

    Returns:
        A message frame; all parts of one thread share its ``chat_id``.

    Raises:
        FormatError: The file is not JSON or has no ``messages`` list.
    """
    return _read_meta(source, ctx, name="instagram")
