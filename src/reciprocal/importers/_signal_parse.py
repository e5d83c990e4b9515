"""Pure parsers for Signal exports: text in, message records out (no registry, no I/O).

Three shapes (see FORMATS.md and research/formats.md §2.2):

* signal-export ``chat.md``: ``[YYYY-MM-DD, HH:MM] Name: body`` (2019–2020),
  ``[YYYY-MM-DD HH:MM] Name: body`` (2020–2024), ``[YYYY-MM-DD HH:MM:SS] Name: body`` with a
  blank line after every record (2024+). Quotes come before the body, reactions
  ``(- Name: emoji, ... -)`` after it, attachments as markdown links into ``./media/``.
* signal-export ``data.json``: JSON Lines, one object per message (``date``, ``sender``, ``body``,
  ``quote``, ``sticker``, ``reactions``, ``attachments``, ``deleted``, ``call``).
* signalbackup-tools ``--exporttxt``: ``[Mon DD, YYYY HH:MM:SS] <Name> body``, ``*** <Name> sent
  file "x"``, ``*** status``, reactions `` (Name: emoji; Name: emoji)`` at the end, raw
  multi-line bodies.

None of them carries message ids, so a quote is linked to the most recent earlier message of the
chat whose text equals the quoted text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ..errors import FormatError
from ._msgrows import MessageRows

__all__ = [
    "MD_HEADER",
    "TXT_HEADER",
    "SignalMessage",
    "emit_rows",
    "parse_exporttxt",
    "parse_jsonl",
    "parse_markdown",
]

Skip = Callable[[int, str], None]

#: A chat.md record header (all three generations): date, optional comma, time with optional seconds.
MD_HEADER = re.compile(r"^\[(\d{4}-\d{2}-\d{2}),? (\d{2}:\d{2})(:\d{2})?\] (.+?): ?(.*)$")
_MD_HEADER_M = re.compile(
    r"^\[(\d{4}-\d{2}-\d{2}),? (\d{2}:\d{2})(:\d{2})?\] ([^\n]+?): ?([^\n]*)$", re.MULTILINE
)
#: A signalbackup-tools --exporttxt header: ``[Jul 10, 2023 01:23:45] `` then ``<name>`` or ``***``.
TXT_HEADER = re.compile(
    r"^\[(?:([^\W\d_]{3,5})\.? (\d{1,2}), (\d{4})|(\d{4}-\d{2}-\d{2})) (\d{2}:\d{2})(:\d{2})?\] "
    r"(?=<|\*\*\* )(.*)$"
)
# ``%b`` follows the exporting machine's locale: English plus the common European abbreviations.
_MONTHS = {
    **dict.fromkeys(("jan", "ene", "gen", "sty"), 1),
    **dict.fromkeys(("feb", "fev", "fév", "lut"), 2),
    **dict.fromkeys(("mar", "mär", "mrt", "maa"), 3),
    **dict.fromkeys(("apr", "avr", "abr", "kwi"), 4),
    **dict.fromkeys(("may", "mai", "mei", "mag", "maj"), 5),
    **dict.fromkeys(("jun", "juin", "giu", "cze"), 6),
    **dict.fromkeys(("jul", "juil", "lug", "lip"), 7),
    **dict.fromkeys(("aug", "aoû", "aou", "ago", "sie"), 8),
    **dict.fromkeys(("sep", "set", "wrz"), 9),
    **dict.fromkeys(("oct", "okt", "ott", "out", "paź"), 10),
    **dict.fromkeys(("nov", "lis"), 11),
    **dict.fromkeys(("dec", "dez", "déc", "dic", "gru"), 12),
}


def _month(name: str) -> int | None:
    low = name.lower()
    return _MONTHS.get(low[:4]) or _MONTHS.get(low[:3])


_REACTIONS_MD = re.compile(r"^\(- (.+) -\)(.*)$")
_STICKER_LINE = re.compile(r"^\(\( (.*) \)\)$")
# Link texts exclude "[" so a long run of "[" cannot make these searches quadratic.
_STICKER_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\.\./exported_stickers/([^()\n]*)\)(?:  )?")
_ATTACHMENT_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\(((?:\./)?media/[^()\n]*)\)(?:  )?")
_NOT_EXPORTED = "(media not exported)"
#: Anything in a one-line record that needs the full treatment (links, stickers, deleted, quotes).
_MARKUP = re.compile(r"\]\(|\(\(|^\(|^>|\(This message was deleted\)|\(media not exported\)")
_DELETED = "(This message was deleted)"
_CALL = re.compile(r"^(?:Incoming|Outgoing|Missed) (?:voice |video |audio |group )?call(?: \(.*\))?$")
#: Labels Signal shows in a quote of a message that has no text of its own.
_MEDIA_QUOTES = frozenset(
    {"Photo", "Video", "Voice message", "GIF", "File", "Sticker", "Audio", "Attachment"}
)
# Emoji hold no ASCII letters or digits, which keeps "(see: here)" at the end of a body as text.
_TXT_REACTIONS = re.compile(
    r" \(((?:[^;()\n]+?: [^\sA-Za-z0-9;()]+)(?:; [^;()\n]+?: [^\sA-Za-z0-9;()]+)*)\)$"
)
_TXT_FILE = re.compile(r'^\*\*\* <(.+?)> sent file(?: "(.*)"| of type (\S+))?$')
_TXT_USER = re.compile(r"^<(.+?)> (.*)$", re.DOTALL)


@dataclass
class SignalMessage:
    """One message of a Signal export, before it becomes rows.

    Attributes:
        line: 1-based line (or JSON Lines record) where the message starts.
        stamp: Wall-clock time as ``YYYY-MM-DD HH:MM:SS``.
        sender: Display name as exported (``Me`` for the exporter); None for status events.
        text: Body without quote, reactions, links and markdown line breaks; None when empty and
            something else (attachment, sticker) makes the message.
        kind: A :data:`reciprocal.schema.KINDS` value.
        attachment: Attachment file name(s), ``"; "``-joined.
        quote: The quoted text (one quote level removed), if any.
        reactions: ``(name, emoji)`` pairs.
    """

    line: int
    stamp: str
    sender: str | None
    text: str | None
    kind: str = "text"
    attachment: str | None = None
    quote: str | None = None
    reactions: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------------------- chat.md


def parse_markdown(text: str, *, name: str, skip: Skip) -> list[SignalMessage]:
    """Parse a signal-export ``chat.md`` (any generation).

    Args:
        text: The decoded file.
        name: Display name of the file, for errors.
        skip: Called with ``(line, reason)`` for lines that belong to no message.

    Returns:
        The messages in file order.

    Raises:
        FormatError: No line of the file is a chat.md record header.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    # One regex pass finds the headers; continuation lines are sliced, never matched one by one.
    headers = list(_MD_HEADER_M.finditer(text))
    if not headers:
        raise FormatError(
            "no signal-export chat.md message header ('[YYYY-MM-DD HH:MM] Name: ...')", path=name
        )
    for i, line in enumerate(text[: headers[0].start()].split("\n"), start=1):
        if line.strip():
            skip(i, "text before the first message header")
    out: list[SignalMessage] = []
    lineno = 1 + text.count("\n", 0, headers[0].start())
    for k, m in enumerate(headers):
        end = headers[k + 1].start() if k + 1 < len(headers) else len(text)
        tail = text[m.end() + 1 : end]
        date, hm, sec, sender, rest = m.groups()
        lines = [rest, *tail.split("\n")] if tail else [rest]
        out.append(_md_message(lineno, f"{date} {hm}{sec or ':00'}", sender, lines))
        lineno += 1 + tail.count("\n") if tail else 1
    return out


def _md_message(lineno: int, stamp: str, sender: str, lines: list[str]) -> SignalMessage:
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()  # the blank separator line of the 2024+ generation
    if len(lines) == 1 and not _MARKUP.search(lines[0]):
        # Most records: one line of plain text (the common case, kept cheap).
        body = lines[0][:-2] if lines[0].endswith("  ") else lines[0]
        if _CALL.match(body.strip()):
            return SignalMessage(lineno, stamp, sender, body.strip(), "call")
        return SignalMessage(lineno, stamp, sender, body)
    quote, lines = _take_quote(lines)
    reactions: list[tuple[str, str]] = []
    # signal-export puts reactions on the record's last line (attachment links may follow on it);
    # a "(- ... -)" line with more lines after it is text.
    m = _REACTIONS_MD.match(lines[-1]) if len(lines) > 1 else None
    if m:
        reactions = _split_md_reactions(m.group(1))
        lines = [*lines[:-1], m.group(2)] if m.group(2) else lines[:-1]
    body = "\n".join(lines)
    kind = "text"
    attachments: list[str] = []
    sticker_label: str | None = None
    if _STICKER_LINK.search(body):
        sm = _STICKER_LINK.search(body)
        assert sm is not None
        sticker_label = sm.group(1)
        attachments.append(_basename(sm.group(2)))
        body = _STICKER_LINK.sub("", body, count=1)
    else:
        body_lines = body.split("\n")
        if len(body_lines) > 1:
            sl = _STICKER_LINE.match(body_lines[-1])
            if sl:
                sticker_label = sl.group(1)
                body = "\n".join(body_lines[:-1])
    for am in _ATTACHMENT_LINK.finditer(body):
        attachments.append(am.group(1) or _basename(am.group(2)))
    body = _ATTACHMENT_LINK.sub("", body)
    missing_media = _NOT_EXPORTED in body
    if missing_media:
        body = body.replace(_NOT_EXPORTED + "  ", "").replace(_NOT_EXPORTED, "")
    body = _strip_md_breaks(body)
    while "\n" in body and not body.rsplit("\n", 1)[1].strip():
        body = body.rsplit("\n", 1)[0]  # the line that held only links or reactions
    text: str | None = body
    if sticker_label is not None:
        kind, text = "sticker", sticker_label or None
        if body.strip():
            text = body
    elif body.strip() == _DELETED and not attachments:
        kind, text = "deleted", None
    elif attachments or missing_media:
        kind = "media"
        text = body if body.strip() else None
    elif _CALL.match(body.strip()):
        kind, text = "call", body.strip()
    return SignalMessage(
        line=lineno,
        stamp=stamp,
        sender=sender,
        text=text,
        kind=kind,
        attachment="; ".join(attachments) if attachments else None,
        quote=quote,
        reactions=reactions,
    )


def _take_quote(lines: list[str]) -> tuple[str | None, list[str]]:
    """Split a leading quote block off the record lines (header rest must be empty)."""
    if len(lines) < 3 or lines[0].strip():
        return None, lines
    if lines[1] == "" and lines[2].startswith(">"):
        # 2022+: "\n\n> q1\n> q2\n\nbody"
        end = 2
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        quote = "\n".join(_unquote_line(q) for q in lines[2:end])
        rest = lines[end + 1 :] if end < len(lines) and lines[end] == "" else lines[end:]
        return quote, rest or [""]
    if lines[1].rstrip() == ">":
        # older: "\n>\n> q\n>\nbody"; a blank line inside the quote is a "> " line too, so the
        # closing ">" is the last line of the run of ">" lines.
        end = 2
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        if end - 1 > 1 and lines[end - 1].rstrip() == ">":
            quote = "\n".join(_unquote_line(q) for q in lines[2 : end - 1])
            return quote, lines[end:] or [""]
    return None, lines


def _quote_from_field(raw: str) -> str:
    # data.json keeps the rendered quote ("\n\n> q1\n> q2\n\n", older "\n>\n> q\n>\n").
    lines = raw.strip("\n").split("\n")
    if len(lines) > 1 and lines[0].rstrip() == ">" and lines[-1].rstrip() == ">":
        lines = lines[1:-1]
    return "\n".join(_unquote_line(q) if q.startswith(">") else q for q in lines)


def _unquote_line(line: str) -> str:
    if line.startswith("> "):
        return line[2:]
    return line[1:]


def _split_md_reactions(content: str) -> list[tuple[str, str]]:
    # "Jim: 👍, Me: ❤️"; a name may itself hold ", " -- glue pieces without ": " to the next one.
    out: list[tuple[str, str]] = []
    pending = ""
    for part in content.split(", "):
        if ": " not in part:
            pending = f"{pending}{part}, "
            continue
        who, emoji = part.rsplit(": ", 1)
        out.append((pending + who, emoji))
        pending = ""
    return out


def _strip_md_breaks(body: str) -> str:
    # signal-export appends two spaces (a markdown line break) to the body; drop exactly those.
    return "\n".join(line[:-2] if line.endswith("  ") else line for line in body.split("\n"))


def _basename(path: str) -> str:
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


# ------------------------------------------------------------------------------------- data.json


def parse_jsonl(text: str, *, name: str, skip: Skip) -> list[SignalMessage]:
    """Parse a signal-export ``data.json`` (JSON Lines).

    Args:
        text: The decoded file.
        name: Display name of the file, for errors.
        skip: Called with ``(line, reason)`` for records that cannot be read.

    Returns:
        The messages in file order.

    Raises:
        FormatError: No line is a signal-export message object.
    """
    out: list[SignalMessage] = []
    seen_any = False
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            if not seen_any and lineno <= 1:
                raise FormatError(
                    "not signal-export JSON Lines (the first line is not JSON)", path=name
                ) from None
            skip(lineno, "line is not valid JSON")
            continue
        if not isinstance(obj, dict) or "date" not in obj or "sender" not in obj:
            if not seen_any:
                raise FormatError("not signal-export data.json (objects need 'date' and 'sender')", path=name)
            skip(lineno, "record has no 'date' or 'sender'")
            continue
        seen_any = True
        msg = _json_message(lineno, obj)
        if msg is None:
            skip(lineno, "record has an unreadable 'date'")
            continue
        out.append(msg)
    if not seen_any:
        raise FormatError("no signal-export message record", path=name)
    return out


_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?")


def _json_message(lineno: int, obj: dict[str, Any]) -> SignalMessage | None:
    m = _ISO.match(str(obj.get("date", "")))
    if not m:
        return None
    stamp = f"{m.group(1)} {m.group(2)}{m.group(3) or ':00'}"
    sender = str(obj.get("sender") or "No-Sender")
    body = _strip_md_breaks(str(obj.get("body") or ""))
    quote_raw = obj.get("quote") or ""
    quote = None
    if isinstance(quote_raw, str) and quote_raw.strip():
        quote = _quote_from_field(quote_raw)
    reactions = [
        (str(r[0]), str(r[1]))
        for r in obj.get("reactions") or []
        if isinstance(r, list | tuple) and len(r) >= 2
    ]
    reactions += [
        (str(r.get("name")), str(r.get("emoji")))
        for r in obj.get("reactions") or []
        if isinstance(r, dict) and r.get("emoji")
    ]
    attachments = [
        str(a.get("name") or _basename(str(a.get("path") or "")))
        for a in obj.get("attachments") or []
        if isinstance(a, dict)
    ]
    sticker = obj.get("sticker")
    sticker_label = None
    if isinstance(sticker, str) and sticker:
        sticker_label = sticker
    elif isinstance(sticker, dict):
        sticker_label = str(sticker.get("emoji") or "")
    kind = "text"
    text: str | None = body
    if obj.get("deleted"):
        kind, text = "deleted", None
    elif sticker_label is not None:
        kind, text = "sticker", (body if body.strip() else sticker_label or None)
    elif attachments:
        kind, text = "media", (body if body.strip() else None)
    elif obj.get("call") or _CALL.match(body.strip()):
        kind = "call"
    return SignalMessage(
        line=lineno,
        stamp=stamp,
        sender=sender,
        text=text,
        kind=kind,
        attachment="; ".join(attachments) if attachments else None,
        quote=quote,
        reactions=reactions,
    )


# -------------------------------------------------------------------------- signalbackup-tools txt


def parse_exporttxt(text: str, *, name: str, skip: Skip) -> list[SignalMessage]:
    """Parse a signalbackup-tools ``--exporttxt`` thread file.

    A body line with only an attachment (``*** <Name> sent file ...``) directly followed by the
    body line of the same sender and second is one message (the caption), as Signal stores it.

    Args:
        text: The decoded file.
        name: Display name of the file, for errors.
        skip: Called with ``(line, reason)`` for lines that belong to no message.

    Returns:
        The messages in file order.

    Raises:
        FormatError: No line is an exporttxt record header.
    """
    records: list[tuple[int, str, list[str]]] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        m = TXT_HEADER.match(line)
        if m:
            mon, day, year, iso, hm, sec, rest = m.groups()
            if iso is None:
                month = _month(mon)
                if month is None:
                    skip(lineno, "unknown month name in the message header")
                    records.append((lineno, "", [rest]))
                    continue
                iso = f"{year}-{month:02d}-{int(day):02d}"
            records.append((lineno, f"{iso} {hm}{sec or ':00'}", [rest]))
        elif records:
            records[-1][2].append(line)
        elif line.strip():
            skip(lineno, "text before the first message header")
    if not records:
        raise FormatError(
            "no signalbackup-tools message header ('[Mon DD, YYYY HH:MM:SS] <Name> ...')", path=name
        )
    out: list[SignalMessage] = []
    for lineno, stamp, lines in records:
        if not stamp:
            continue
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
        msg = _txt_message(lineno, stamp, "\n".join(lines))
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "media"
            and prev.text is None
            and not prev.reactions
            and msg.kind == "text"
            and prev.sender == msg.sender
            and prev.stamp == msg.stamp
        ):
            prev.text, prev.reactions = msg.text, msg.reactions
            continue
        if (
            prev is not None
            and prev.kind == "media"
            and prev.text is None
            and not prev.reactions
            and msg.kind == "media"
            and msg.sender == prev.sender
            and msg.stamp == prev.stamp
        ):
            prev.attachment = f"{prev.attachment}; {msg.attachment}" if prev.attachment else msg.attachment
            prev.reactions = msg.reactions
            continue
        out.append(msg)
    return out


def _txt_message(lineno: int, stamp: str, rest: str) -> SignalMessage:
    reactions: list[tuple[str, str]] = []
    rm = _TXT_REACTIONS.search(rest)
    if rm:
        pairs = [p.rsplit(": ", 1) for p in rm.group(1).split("; ")]
        reactions = [(w, e) for w, e in pairs]
        rest = rest[: rm.start()]
    if rest.startswith("*** "):
        fm = _TXT_FILE.match(rest)
        if fm:
            who, fname, ctype = fm.groups()
            attachment = fname if fname is not None else (f"({ctype})" if ctype else None)
            return SignalMessage(lineno, stamp, who, None, "media", attachment, None, reactions)
        return SignalMessage(lineno, stamp, None, rest[4:], "system", None, None, reactions)
    um = _TXT_USER.match(rest)
    if um is None:  # "<name>" with an empty body
        who = rest.strip()[1:-1] if rest.strip().startswith("<") else rest
        return SignalMessage(lineno, stamp, who, "", "text", None, None, reactions)
    who, body = um.groups()
    if body.startswith("Poll: "):
        lines = body.split("\n")
        body = "\n".join([lines[0][len("Poll: ") :], *(ln.strip() for ln in lines[1:])])
        return SignalMessage(lineno, stamp, who, body, "poll", None, None, reactions)
    return SignalMessage(lineno, stamp, who, body, "text", None, None, reactions)


# ------------------------------------------------------------------------------------------ rows


def _norm(text: str | None) -> str:
    # signal-export strips backticks from bodies but not from quotes: compare without them.
    if not text:
        return ""
    return "\n".join(line.rstrip() for line in text.replace("`", "").strip().split("\n"))


def emit_rows(
    messages: Iterable[SignalMessage],
    rows: MessageRows,
    *,
    chat_id: str,
    knows_direction: bool,
    count: Callable[[str, int], None],
) -> None:
    """Append messages and their reactions to ``rows``, linking quotes to their messages.

    Args:
        messages: Parsed messages in file order.
        rows: The collector to append to.
        chat_id: Chat of every row.
        knows_direction: Whether ``Me`` marks the exporter (signal-export) so every other sender
            is not the exporter; otherwise ``is_me`` stays unknown.
        count: ``(key, n)`` counter for the parse report (unresolved quotes).
    """
    messages = list(messages)
    # Quotes are matched by text; without any quote the index is not needed.
    index = any(msg.quote is not None for msg in messages)
    by_text: dict[str, str] = {}
    last_media: str | None = None
    unresolved = 0
    for msg in messages:
        reply_to = None
        if msg.quote is not None:
            key = _norm(msg.quote)
            reply_to = by_text.get(key)
            if reply_to is None and key in _MEDIA_QUOTES:
                reply_to = last_media
            if reply_to is None:
                unresolved += 1
        is_me = _is_me(msg.sender, knows_direction)
        mid = rows.add(
            chat_id=chat_id,
            timestamp=msg.stamp,
            sender=msg.sender,
            is_me=None if msg.kind == "system" else is_me,
            text=msg.text,
            kind=msg.kind,
            attachment=msg.attachment,
            reply_to=reply_to,
            source_order=msg.line,
        )
        if index and msg.text and msg.kind in ("text", "media", "sticker", "poll"):
            by_text[_norm(msg.text)] = mid
        if msg.attachment is not None and not msg.text:
            last_media = mid
        for who, emoji in msg.reactions:
            rows.add(
                chat_id=chat_id,
                timestamp=msg.stamp,
                sender=who,
                is_me=_is_me(who, knows_direction),
                text=emoji,
                kind="reaction",
                reply_to=mid,
                source_order=msg.line,
            )
    if unresolved:
        count("signal_quotes_unresolved", unresolved)


def _is_me(sender: str | None, knows_direction: bool) -> bool | None:
    if sender == "Me":
        return True
    return False if knows_direction else None
