"""iMessage importer: ReagentX/imessage-exporter ``-f txt`` files (one file per conversation).

A message is a block: a timestamp line (``May 17, 2022  5:29:42 PM``; the hour is space-padded, so
one-digit hours have two spaces before them; an optional `` (Read by ... after ...)`` follows),
the sender line (``Me``, a contact name or a handle), body lines, and a blank line. Inside a block:
attachment paths, ``Attachment missing!``, a ``Reactions:`` section (``Loved by Name``),
threaded replies indented by four spaces (the exporter also prints each reply again as its own
block ending in ``This message responded to an earlier message.``; the two copies become one
row with ``reply_to`` set), and edits (``Edited 5 seconds later: ...``). Group events are one
line: ``<timestamp> You renamed the conversation to Trip``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

import pandas as pd

from .. import schema
from ..errors import FormatError
from ._msgrows import MessageRows
from ._registry import register_importer
from ._source import ReadContext, Source

__all__ = ["EXAMPLE", "parse_imessage_txt", "read_imessage"]

#: A small synthetic conversation for the conformance suite.
EXAMPLE = (
    "May 17, 2022  5:29:42 PM (Read by them after 1 hour, 49 seconds)\n"
    "Me\n"
    "Are we still on for Friday?\n"
    "\n"
    "May 17, 2022  7:19:02 PM\n"
    "+15555550100\n"
    "Yes! 7pm\n"
    "Reactions:\n"
    "Loved by Me\n"
    "\n"
    "May 17, 2022 10:02:11 PM You renamed the conversation to Friday\n"
    "\n"
)

_TS = r"([A-Z][a-z]{2}) {1,2}(\d{1,2}), (\d{4}) {1,2}(\d{1,2}):(\d{2}):(\d{2}) ([AP]M)"
_MESSAGE_TS = re.compile(rf"^{_TS}(?: \(Read by .*\))?$")
_EVENT_TS = re.compile(rf"^{_TS} (?!\(Read by )(.+)$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_INDENT = "    "
_RESPONDED = "This message responded to an earlier message."
_TAPBACK = re.compile(r"^(.+?) by (.+)$")
_STICKER = re.compile(r"^Sticker from (.+?): (.+)$")
_TAPBACK_EMOJI = {
    "Loved": "❤️",
    "Liked": "👍",
    "Disliked": "👎",
    "Laughed": "😂",
    "Emphasized": "‼️",
    "Questioned": "❓",
}
_EMOJI_TAPBACK = re.compile(r'^Emoji\((?:Some\()?"(.+)"\)?\)$')
_EDITED = re.compile(r"^Edited .+? later: ?(.*)$")
_DELETED = frozenset(
    {"This message was deleted from the conversation!", "You deleted a message.", "They deleted a message."}
)
_EFFECTS = re.compile(
    r"^Sent with (?:Confetti|Echo|Fireworks|Balloons|Heart|Lasers|Shooting Start|Shooting Star|Sparkles|"
    r"Spotlight|Slam|Loud|Gentle|Invisible Ink)$"
)
# A path line: absolute (``/Users/...``, ``~/Library/...``) or the exporter's ``attachments/`` folder,
# ending in a file extension; "/shrug" or "/join now" stay text.
_ATTACHMENT = re.compile(
    r"^(?:(?:~|/[^/\s]+)(?:/[^/]+){2,}|(?:\.{1,2}/)?attachments(?:/[^/]+)+)\.[A-Za-z0-9]{1,5}$", re.IGNORECASE
)
#: First body lines that need the full block parser (paths, reactions, replies, edits, effects).
_SPECIAL = re.compile(
    r"^(?:\s|/|~|\.|attachments/|Sent with |Reactions:$|This message |Attachment missing!$|"
    r"You deleted|They deleted|" + _TS + ")",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"^(?:\+?[\d\s\-().]{5,}|[^@\s]+@[^@\s]+\.[^@\s]+)$")


@dataclass
class IMessage:
    """One parsed block (or nested reply) before it becomes rows."""

    line: int
    stamp: str
    sender: str | None
    text: str | None
    kind: str = "text"
    attachment: str | None = None
    edited: bool = False
    responded: bool = False
    reactions: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    replies: list[IMessage] = field(default_factory=list)


def _stamp(m: re.Match[str]) -> str | None:
    mon, day, year, hour, minute, sec, ampm = m.groups()[:7]
    month = _MONTHS.get(mon)
    h = int(hour)
    if month is None or not 1 <= h <= 12:
        return None
    h = h % 12 + (12 if ampm == "PM" else 0)
    try:
        date(int(year), month, int(day))
    except ValueError:  # Feb 30 and the like
        return None
    if int(minute) > 59 or int(sec) > 59:
        return None
    return f"{year}-{month:02d}-{int(day):02d} {h:02d}:{minute}:{sec}"


def _is_block_start(line: str) -> bool:
    return bool(_MESSAGE_TS.match(line) or _EVENT_TS.match(line))


def parse_imessage_txt(
    text: str, *, name: str, skip: Callable[[int, str], None] | None = None
) -> list[IMessage]:
    """Parse an imessage-exporter txt file into blocks.

    Args:
        text: The decoded file.
        name: Display name, for errors.
        skip: Called with ``(line, reason)`` for lines outside any block (or None).

    Returns:
        Top-level messages and events in file order, nested replies under their parent.

    Raises:
        FormatError: No line is an imessage-exporter timestamp line.
    """
    lines = [ln.removesuffix("\r") for ln in text.split("\n")]
    starts = [i for i, ln in enumerate(lines) if (i == 0 or not lines[i - 1].strip()) and _is_block_start(ln)]
    if not starts:
        raise FormatError("no imessage-exporter timestamp line ('May 17, 2022  5:29:42 PM')", path=name)
    for i in range(starts[0]):
        if lines[i].strip() and skip is not None:
            skip(i + 1, "text before the first message")
    out: list[IMessage] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        block = lines[start:end]
        while block and not block[-1].strip():
            block.pop()
        msg = _block(block, start + 1, indent="")
        if msg is None:
            if skip is not None:
                skip(start + 1, "timestamp line holds an impossible date")
            continue
        out.append(msg)
    return out


def _block(block: list[str], lineno: int, *, indent: str) -> IMessage | None:
    first = block[0][len(indent) :]
    ev = _EVENT_TS.match(first)
    if ev and not _MESSAGE_TS.match(first):
        stamp = _stamp(ev)
        if stamp is None:
            return None
        # Exporters write nothing after an event line; anything that is there is kept with it.
        text = "\n".join([ev.group(8), *(ln[len(indent) :] for ln in block[1:])]).rstrip("\n")
        return IMessage(lineno, stamp, None, text, "system")
    m = _MESSAGE_TS.match(first)
    assert m is not None
    stamp = _stamp(m)
    if stamp is None:
        return None
    sender = block[1][len(indent) :] if len(block) > 1 else ""
    if len(block) == 3 and not indent and not _SPECIAL.match(block[2]):
        # The common block: timestamp, sender, one plain line.
        return IMessage(lineno, stamp, sender or "Unknown", block[2])
    msg = IMessage(lineno, stamp, sender or "Unknown", None)
    body: list[str] = []
    attachments: list[str] = []
    i = 2
    in_reactions = False
    while i < len(block):
        raw = block[i]
        line = raw[len(indent) :] if raw.startswith(indent) else raw
        if not indent and raw.startswith(_INDENT) and _MESSAGE_TS.match(raw[len(_INDENT) :]):
            j = i + 1
            while j < len(block) and block[j].strip():
                j += 1
            reply = _block(block[i:j], lineno + i, indent=_INDENT)
            if reply is not None:
                msg.replies.append(reply)
            i = j + 1
            in_reactions = False
            continue
        if line == "Reactions:":
            in_reactions = True
        elif in_reactions and (sm := _STICKER.match(line)):
            msg.reactions.append((sm.group(1), None, PurePosixPath(sm.group(2)).name))
        elif in_reactions and (tm := _TAPBACK.match(line)):
            msg.reactions.append((tm.group(2), _tapback_emoji(tm.group(1)), None))
        elif not indent and line == _RESPONDED:
            msg.responded = True
        elif line == "Attachment missing!":
            in_reactions = False
            msg.kind = "media"
        elif _ATTACHMENT.match(line):
            in_reactions = False
            attachments.append(PurePosixPath(line.strip()).name)
        elif _EFFECTS.match(line):
            pass  # a send effect, not words of the message
        else:
            in_reactions = False
            body.append(line)
        i += 1
    while body and not body[-1].strip():
        body.pop()
    text = "\n".join(body)
    versions = _edit_versions(body)
    if versions is not None:
        msg.edited, text = True, versions
    if text.strip() in _DELETED:
        msg.kind, text = "deleted", ""
    if attachments:
        msg.kind, msg.attachment = "media", "; ".join(attachments)
    msg.text = text if text or msg.kind == "text" else None
    return msg


def _edit_versions(body: list[str]) -> str | None:
    # "<timestamp> first text" then "Edited 5 seconds later: next text" lines: keep the last version.
    if len(body) < 2 or not any(_EDITED.match(b) for b in body[1:]):
        return None
    first = re.match(rf"^{_TS} ?(.*)$", body[0])
    if first is None:
        return None
    last: list[str] = [first.group(8)]
    for line in body[1:]:
        em = _EDITED.match(line)
        if em:
            last = [em.group(1)]
        else:
            last.append(line)
    return "\n".join(last)


def _tapback_emoji(word: str) -> str:
    if word in _TAPBACK_EMOJI:
        return _TAPBACK_EMOJI[word]
    em = _EMOJI_TAPBACK.match(word)
    return em.group(1) if em else word


def _sniff(source: Source) -> float:
    lines = [ln.rstrip("\r") for ln in source.head_text(16384).split("\n")[:400]]
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    if not nonblank:
        return 0.0
    first = nonblank[0]
    if _MESSAGE_TS.match(lines[first]):
        nxt = lines[first + 1] if first + 1 < len(lines) else ""
        return 0.9 if nxt.strip() and not _is_block_start(nxt) else 0.6
    if _EVENT_TS.match(lines[first]):
        return 0.8
    return 0.0


@register_importer(
    "imessage",
    sniff=_sniff,
    suffixes=(".txt",),
    description="iMessage: imessage-exporter -f txt (one file per conversation)",
    example=EXAMPLE,
    example_name="+15555550100.txt",
)
def read_imessage(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read one imessage-exporter txt conversation into a message frame.

    Args:
        source: The ``.txt`` file (its stem is the chat id).
        ctx: Read context (``tz`` for the wall-clock times, parse report).

    Returns:
        The message frame, in file order.

    Raises:
        FormatError: The file has no imessage-exporter timestamp line.
        ParseError: A block cannot be read and ``errors="raise"``.
    """
    text = source.read_text(ctx)
    blocks = parse_imessage_txt(text, name=source.name, skip=lambda ln, why: ctx.skip(source, ln, why))
    chat_id = PurePosixPath(source.filename).stem or source.name
    rows = MessageRows()
    # ``--custom-name`` replaces "Me"; without a "Me" the direction is left to ``me=``.
    knows_direction = any(b.sender == "Me" for b in blocks)
    # Each nested reply waits to be claimed by its standalone copy (same time, sender and text).
    pending: list[tuple[IMessage, str]] = []
    used: list[bool] = []
    by_full: dict[tuple[str, str | None, str | None], list[int]] = {}
    by_loose: dict[tuple[str, str | None], list[int]] = {}

    def claim(b: IMessage) -> str | None:
        for idx in by_full.get((b.stamp, b.sender, b.text), []) + by_loose.get((b.stamp, b.sender), []):
            if not used[idx]:
                used[idx] = True
                return pending[idx][1]
        return None

    for b in blocks:
        reply_to = claim(b) if b.responded else None
        mid = _add(rows, b, chat_id=chat_id, reply_to=reply_to, knows=knows_direction)
        for r in b.replies:
            by_full.setdefault((r.stamp, r.sender, r.text), []).append(len(pending))
            by_loose.setdefault((r.stamp, r.sender), []).append(len(pending))
            pending.append((r, mid))
            used.append(False)
    # Replies printed only inside their parent (no standalone copy) still become rows.
    for (r, parent), was_used in zip(pending, used, strict=True):
        if not was_used:
            _add(rows, r, chat_id=chat_id, reply_to=parent, knows=knows_direction)
    return schema.make_messages(rows.to_columns(), tz=ctx.tz, source="imessage")


def _handle_id(sender: str | None) -> str | None:
    """Return the handle of a sender shown as a phone number or e-mail (numbers without formatting)."""
    if not sender or sender == "Me" or not _HANDLE.match(sender):
        return None
    return sender if "@" in sender else re.sub(r"[\s\-().]", "", sender)


def _add(rows: MessageRows, b: IMessage, *, chat_id: str, reply_to: str | None, knows: bool) -> str:
    def direction(who: str | None) -> bool | None:
        if who == "Me":
            return True
        return False if knows else None

    sender_id = _handle_id(b.sender)
    mid = rows.add(
        chat_id=chat_id,
        timestamp=b.stamp,
        sender=b.sender,
        sender_id=sender_id,
        is_me=None if b.kind == "system" else direction(b.sender),
        text=b.text,
        kind=b.kind,
        attachment=b.attachment,
        reply_to=reply_to,
        edited=b.edited,
        source_order=b.line,
    )
    for who, emoji, sticker in b.reactions:
        rows.add(
            chat_id=chat_id,
            timestamp=b.stamp,
            sender=who,
            sender_id=_handle_id(who),
            is_me=direction(who),
            text=emoji,
            kind="reaction",
            attachment=sticker,
            reply_to=mid,
            source_order=b.line,
        )
    return mid
