"""Signal importer: signal-export ``chat.md`` / ``data.json`` and signalbackup-tools ``--exporttxt``.

signal-export writes one folder per chat (``<Chat name>/chat.md``, ``data.json``, ``media/``), so
the chat id of those files is their folder's name; an exporttxt file is one thread named
``<name> (_id<N>).txt`` and its stem is the chat id. ``Me`` is the exporter (``is_me`` true, and
every other sender of a signal-export file is not). Quotes become ``reply_to`` when the quoted
text matches an earlier message, reactions become ``kind="reaction"`` rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

import pandas as pd

from .. import schema
from ._msgrows import MessageRows
from ._registry import register_importer
from ._signal_parse import (
    MD_HEADER,
    TXT_HEADER,
    SignalMessage,
    emit_rows,
    parse_exporttxt,
    parse_jsonl,
    parse_markdown,
)
from ._source import ReadContext, Source

__all__ = ["EXAMPLE", "read_signal"]

#: A small synthetic signal-export chat.md (2024+ generation) for the conformance suite.
EXAMPLE = (
    "[2024-06-01 09:15:02] Aya: are we still on for lunch?  \n"
    "\n"
    "[2024-06-01 09:16:40] Me: \n"
    "\n"
    "> are we still on for lunch?\n"
    "\n"
    "yes, 12:30  \n"
    "(- Aya: 👍 -)\n"
    "\n"
    "[2024-06-01 09:17:05] Aya: ![IMG_0042.jpg](./media/IMG_0042.jpg)  \n"
    "\n"
)

_JSON_KEYS = frozenset({"date", "sender", "body"})
_JSON_START = re.compile(r'^\s*\{"date": "\d{4}-\d\d-\d\dT[\d:.]+", "sender": "[^"]*", "body": "')


def _sniff(source: Source) -> float:
    head = source.head_text(16384)
    lines = [ln.rstrip("\r") for ln in head.split("\n")[:200]]
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("{"):
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):
            # A first record longer than the sniffed head is cut off: judge its opening keys.
            return 0.9 if _JSON_START.match(first) and "\n" not in head.lstrip() else 0.0
        if isinstance(obj, dict) and obj.keys() >= _JSON_KEYS:
            return 0.95 if "quote" in obj or "reactions" in obj else 0.8
        return 0.0
    if TXT_HEADER.match(first):
        return 0.85
    if not MD_HEADER.match(first):
        return 0.0
    # Some WhatsApp locales share the "[YYYY-MM-DD HH:MM:SS] Name: text" header; signal-export's
    # own marks decide: the .md name, "Me" as a sender, media links, markdown line breaks.
    senders = {m.group(4) for ln in lines if (m := MD_HEADER.match(ln))}
    marks = sum(
        (
            "Me" in senders,
            "](./media/" in head,
            any(ln.endswith("  ") for ln in lines if ln.startswith("[")),
        )
    )
    if source.suffix == ".md":
        return 0.95
    return min(0.45 + 0.15 * marks, 0.9)


def _select(sources: Sequence[Source]) -> Sequence[Source]:
    """Read ``chat.md`` and skip a ``data.json`` beside it (same messages; chat.md is always complete).

    signal-export does not merge ``data.json`` with an older export (``--old``), so when both exist
    the markdown file is the one that holds every message.
    """
    folders_with_md = {_folder(s) for s in sources if PurePosixPath(_inner(s)).name == "chat.md"}
    return [
        s
        for s in sources
        if not (PurePosixPath(_inner(s)).name == "data.json" and _folder(s) in folders_with_md)
    ]


@register_importer(
    "signal",
    sniff=_sniff,
    select=_select,
    suffixes=(".md", ".json", ".txt"),
    description="Signal: signal-export chat.md (all generations) / data.json, signalbackup-tools --exporttxt",
    example=EXAMPLE,
    example_name="chat.md",
)
def read_signal(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read one Signal export file into a message frame.

    Args:
        source: A ``chat.md``, ``data.json`` or exporttxt ``.txt`` file.
        ctx: Read context (``tz`` for the wall-clock times, parse report).

    Returns:
        The message frame (columns of :data:`reciprocal.schema.COLUMNS`), in file order.

    Raises:
        FormatError: The file is none of the three Signal shapes.
        ParseError: A record cannot be read and ``errors="raise"``.
    """
    text = source.read_text(ctx)

    def skip(line: int, reason: str) -> None:
        ctx.skip(source, line, reason)

    shape = _shape(text, source.suffix)
    if shape == "json":
        messages = parse_jsonl(text, name=source.name, skip=skip)
    elif shape == "txt":
        messages = parse_exporttxt(text, name=source.name, skip=skip)
    else:
        messages = parse_markdown(text, name=source.name, skip=skip)
    messages = _drop_bad_times(messages, source, ctx)
    rows = MessageRows()
    emit_rows(
        messages,
        rows,
        chat_id=chat_id_for(source),
        knows_direction=shape != "txt",
        count=ctx.count,
    )
    return schema.make_messages(rows.to_columns(), tz=ctx.tz, source="signal")


def _shape(text: str, suffix: str) -> str:
    first = next((ln for ln in text.split("\n", 50) if ln.strip()), "")
    if first.lstrip().startswith("{"):
        return "json"
    if TXT_HEADER.match(first.rstrip("\r")):
        return "txt"
    return "md"


def _drop_bad_times(messages: list[SignalMessage], source: Source, ctx: ReadContext) -> list[SignalMessage]:
    # Headers are matched digit by digit, so only impossible dates (month 13, Feb 30) fail here.
    parsed = pd.to_datetime(
        pd.Series([m.stamp for m in messages], dtype=object), format="%Y-%m-%d %H:%M:%S", errors="coerce"
    )
    bad = parsed.isna().to_numpy()
    if not bad.any():
        return messages
    kept = []
    for msg, is_bad in zip(messages, bad, strict=True):
        if is_bad:
            extra = f" (and its {len(msg.reactions)} reaction(s))" if msg.reactions else ""
            ctx.skip(source, msg.line, f"message header holds an impossible date{extra}")
        else:
            kept.append(msg)
    return kept


def chat_id_for(source: Source) -> str:
    """Return the chat id of a Signal file: its folder for ``chat.md``/``data.json``, else its stem.

    Example:
        >>> chat_id_for(Source.from_bytes(b"", "export.zip:Aya Kim/chat.md"))
        'Aya Kim'
        >>> chat_id_for(Source.from_bytes(b"", "Aya Kim (_id12).txt"))
        'Aya Kim (_id12)'
    """
    name = source.name
    if ".zip:" in name:
        name = name.rsplit(".zip:", 1)[1]
    path = (
        PurePosixPath(name.replace("\\", "/"))
        if source.path is None
        else PurePosixPath(source.path.as_posix())
    )
    if path.stem in ("chat", "data") and path.parent.name not in ("", "."):
        return path.parent.name
    return path.stem or name


def _inner(source: Source) -> str:
    name = source.name.rsplit(".zip:", 1)[-1] if ".zip:" in source.name else source.name
    return name.replace("\\", "/")


def _folder(source: Source) -> str:
    prefix = source.name.rsplit(".zip:", 1)[0] + ".zip:" if ".zip:" in source.name else ""
    return prefix + str(PurePosixPath(_inner(source)).parent)
