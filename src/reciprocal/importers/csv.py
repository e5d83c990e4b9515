"""Generic CSV: any table with a time, a sender and a text column.

Column mapping. Header names are matched case-insensitively, ignoring spaces, ``-`` and ``_``; the first
alias present wins (a ``columns=`` option maps other names, ``{"file column": "our column"}``):

============== ======================================================== =========
our column     header names recognised                                   required
============== ======================================================== =========
``timestamp``  timestamp, datetime, date_time, time_stamp, date, sent_at yes
               (or separate ``date`` + ``time`` columns, joined)
``sender``     sender, sender_name, author, from, name, user             yes
``text``       text, message, content, body                              yes
``chat_id``    chat_id, chat, thread_id, thread, conversation_id         no
``message_id`` message_id, msg_id, id                                    no
``reply_to``   reply_to, reply_to_id, in_reply_to                        no
``sender_id``  sender_id, author_id, from_id                             no
``is_me``      is_me, is_from_me, from_me                                no
``direction``  direction (``in``/``incoming``/``received``/``1`` → not me; no
               ``out``/``outgoing``/``sent``/``2`` → me)
``kind``       kind (one of the message-frame kinds)                     no
``attachment`` attachment, attachments                                   no
``edited``     edited                                                    no
============== ======================================================== =========

Values:

- ``timestamp``: an epoch number — seconds below 1e11, milliseconds below 1e14, microseconds below 1e17,
  else nanoseconds, decided per value by magnitude (absolute time) — or an ISO 8601 string; with an offset
  or ``Z`` it is absolute, without one it is wall-clock time in ``tz``;
- booleans (``is_me``, ``edited``): true/false, 1/0, yes/no, y/n, t/f (case-insensitive); anything else is
  null (``is_me``) or false (``edited``) and is counted as ``csv_unreadable_boolean``;
- ``chat_id`` defaults to the ``chat_id`` option, else the file stem; ``message_id`` to the row number.

File: UTF-8 (a BOM is fine) or UTF-16 with a BOM (Excel's "Unicode text"), RFC 4180 quoting (quoted fields
may hold the delimiter and newlines; CRLF is read as LF, also inside fields), delimiter ``,`` ``;`` or tab,
detected from the header line or named by an Excel ``sep=;`` first line (override with ``delimiter=``).
Rows that cannot be read (a field over the csv module's size limit, wrong number of fields, unreadable
time, no sender, unknown kind, repeated message_id) are skipped through the parse report with their line
number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..errors import ConfigError, FormatError
from . import ReadContext, Source, register_importer

__all__ = ["ALIASES", "csv_columns", "read_csv"]

#: Our column → recognised header names (normalised: lower case, no spaces, ``-``, ``_``), by priority.
ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "datetime", "timestampms", "sentat", "createdat", "date", "time"),
    "sender": ("sender", "sendername", "author", "from", "name", "user"),
    "text": ("text", "message", "content", "body"),
    "chat_id": ("chatid", "chat", "threadid", "thread", "conversationid"),
    "message_id": ("messageid", "msgid", "id"),
    "reply_to": ("replyto", "replytoid", "inreplyto"),
    "sender_id": ("senderid", "authorid", "fromid"),
    "is_me": ("isme", "isfromme", "fromme"),
    "direction": ("direction",),
    "kind": ("kind",),
    "attachment": ("attachment", "attachments"),
    "edited": ("edited",),
}
REQUIRED = ("timestamp", "sender", "text")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_OUT = {"out", "outgoing", "sent", "2", "outbound"}
_IN = {"in", "incoming", "received", "1", "inbound"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DELIMS = (",", ";", "\t")
_SEP_HINT = re.compile(r"^sep=(.)$")

EXAMPLE = (
    "timestamp;sender;text;is_me\n"
    "1709283600;Alex;morning!;true\n"
    '1709283900;Sam;"two lines;\nwith a semicolon";false\n'
    "2024-03-01T09:10:00+00:00;Alex;ok;true\n"
)


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff")).lower()


def detect_delimiter(header_line: str) -> str:
    """Return the delimiter among ``,`` ``;`` and tab that occurs most in the header line (``,`` on ties)."""
    counts = [header_line.count(d) for d in _DELIMS]
    return _DELIMS[int(np.argmax(counts))] if max(counts) else ","


def map_columns(header: Sequence[str], columns: Mapping[str, str] | None = None) -> dict[str, int]:
    """Map our column names to header positions.

    Args:
        header: The file's header fields.
        columns: Explicit ``{"file column": "our column"}`` mapping, applied before the aliases.

    Returns:
        Our column name → index in ``header`` (``"date"`` and ``"time"`` keys when a split date and time
        stand in for ``timestamp``).

    Raises:
        ConfigError: ``columns`` names a header that is not in the file or a column we do not know.
    """
    normed = [_norm(h) for h in header]
    out: dict[str, int] = {}
    for file_col, ours in (columns or {}).items():
        if ours not in ALIASES:
            raise ConfigError(f"columns= maps {file_col!r} to {ours!r}; known columns: {', '.join(ALIASES)}")
        try:
            pos = list(header).index(file_col)
        except ValueError:
            try:
                pos = normed.index(_norm(file_col))
            except ValueError:
                raise ConfigError(
                    f"columns= names {file_col!r}, which is not a column of the file's header "
                    f"({len(header)} columns)"
                ) from None
        out[ours] = pos
    used = set(out.values())
    for ours, names in ALIASES.items():
        if ours in out:
            continue
        for alias in names:
            if alias in normed and normed.index(alias) not in used:
                out[ours] = normed.index(alias)
                used.add(out[ours])
                break
    if "timestamp" in out and normed[out["timestamp"]] == "date" and "time" in normed:
        # A split date + time pair: join the two fields.
        out["date"] = out.pop("timestamp")
        out["time"] = normed.index("time")
    return out


def _parse_time(value: str) -> tuple[int | None, datetime | None]:
    """Return (absolute epoch µs, None) or (None, naive wall-clock datetime); raise ValueError if neither."""
    v = value.strip()
    if _NUMBER.match(v):
        num = float(v)
        mag = abs(num)
        scale = 1e6 if mag < 1e11 else 1e3 if mag < 1e14 else 1.0 if mag < 1e17 else 1e-3
        return round(num * scale), None
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        return None, dt
    return round(dt.astimezone(UTC).timestamp() * 1e6), None


def _bool(value: str) -> bool | None:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def csv_columns(
    text: str,
    *,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    on_skip: Any,
    on_count: Any,
    name: str = "<csv>",
) -> dict[str, list[Any]]:
    """Parse CSV text into message-frame columns.

    Args:
        text: The decoded file (BOM already removed or not).
        columns: ``{"file column": "our column"}`` mapping for headers the aliases do not cover.
        delimiter: Field delimiter; detected from the header line when None.
        on_skip: ``(line, reason)`` callback for rows that cannot be read.
        on_count: ``(key, n)`` callback for repaired values.
        name: File name for error messages.

    Returns:
        Column name → list; ``abs_us`` (epoch µs or None) and ``wall`` (naive datetime or None) stand in
        for ``timestamp``.

    Raises:
        FormatError: The file is empty or lacks a required column.
    """
    # A file saved with Windows line endings has them inside quoted fields too: read it like LF.
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise FormatError("empty file: a CSV chat needs a header row and at least one message", path=name)
    lines = text.split("\n", 2)
    hint = _SEP_HINT.match(lines[0].rstrip("\r"))
    first_line = lines[1] if hint and len(lines) > 1 else lines[0]
    delim = delimiter or (hint.group(1) if hint else detect_delimiter(first_line))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        if hint:
            next(reader)  # Excel's "sep=;" line names the delimiter; it is not the header
        header = next(reader)
    except StopIteration:
        raise FormatError(
            "no header row: a CSV chat needs timestamp, sender and text columns", path=name
        ) from None
    except csv.Error as exc:
        raise FormatError(f"the header row is not readable CSV ({exc})", path=name, line=1) from exc
    mapping = map_columns(header, columns)
    have_time = "timestamp" in mapping or "date" in mapping
    missing = [c for c in REQUIRED if c not in mapping and not (c == "timestamp" and have_time)]
    if missing:
        raise FormatError(
            f"the CSV header ({len(header)} columns) has no column for {', '.join(missing)}; name the "
            "columns timestamp, sender and text, or map yours with columns={'your name': 'timestamp', ...}",
            path=name,
            line=reader.line_num,
        )
    out_names = ("chat_id", "message_id", "sender", "sender_id", "is_me", "text", "kind", "attachment")
    cols: dict[str, list[Any]] = {k: [] for k in (*out_names, "reply_to", "edited", "source_order")}
    cols["abs_us"], cols["wall"] = [], []
    seen: set[tuple[Any, Any]] = set()
    for record_no, (line, row) in enumerate(_rows(reader, on_skip), start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) > len(header) and not any(f.strip() for f in row[len(header) :]):
            row = row[: len(header)]
        if len(row) != len(header):
            on_skip(line, f"row has {len(row)} fields, the header has {len(header)}")
            continue

        def get(key: str, row: list[str] = row) -> str | None:
            pos = mapping.get(key)
            return row[pos] if pos is not None else None

        raw_time = get("timestamp") if "timestamp" in mapping else f"{get('date')} {get('time')}".strip()
        try:
            abs_us, wall = _parse_time(raw_time or "")
        except ValueError:
            on_skip(line, "the timestamp is neither an epoch number nor ISO 8601")
            continue
        kind = (get("kind") or "").strip() or "text"
        if kind not in schema.KINDS:
            on_skip(line, f"the kind is not one of {', '.join(schema.KINDS)}")
            continue
        sender = (get("sender") or "").strip() or None
        if kind == "system":
            sender = None
        elif sender is None:
            on_skip(line, "row has no sender")
            continue
        chat_id = get("chat_id") or None
        message_id = (get("message_id") or "").strip() or None
        if message_id is not None:
            if (chat_id, message_id) in seen:
                on_skip(line, "the message_id repeats an earlier row of the same chat")
                continue
            seen.add((chat_id, message_id))
        is_me: bool | None = None
        if "is_me" in mapping:
            is_me = _bool(get("is_me") or "")
            if is_me is None and (get("is_me") or "").strip():
                on_count("csv_unreadable_boolean", 1)
        elif "direction" in mapping:
            d = (get("direction") or "").strip().lower()
            is_me = True if d in _OUT else False if d in _IN else None
            if is_me is None and d:
                on_count("csv_unreadable_boolean", 1)
        edited = _bool(get("edited") or "") if "edited" in mapping else False
        if edited is None:
            if (get("edited") or "").strip():
                on_count("csv_unreadable_boolean", 1)
            edited = False
        values = {
            "chat_id": chat_id,
            "message_id": message_id or str(record_no),
            "sender": sender,
            "sender_id": (get("sender_id") or "").strip() or None,
            "is_me": is_me,
            "text": get("text"),
            "kind": kind,
            "attachment": (get("attachment") or "").strip() or None,
            "reply_to": (get("reply_to") or "").strip() or None,
            "edited": edited,
            "source_order": record_no,
            "abs_us": abs_us,
            "wall": wall,
        }
        for k, v in values.items():
            cols[k].append(v)
    return cols


def _rows(reader: Any, on_skip: Any) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first line, fields)`` per record; a record the csv module rejects is skipped."""
    prev_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # e.g. a field over csv.field_size_limit(): skip the record, keep reading after it.
            on_skip(prev_line + 1, f"unreadable CSV record ({exc})")
            if reader.line_num == prev_line:
                return  # no progress: stop rather than loop
            prev_line = reader.line_num
            continue
        yield prev_line + 1, row
        prev_line = reader.line_num


def _timestamps(abs_us: Sequence[Any], wall: Sequence[Any], tz: str) -> pd.DatetimeIndex:
    out = pd.Series(pd.to_datetime(pd.array(list(abs_us), dtype="Int64"), unit="us", utc=True)).dt.as_unit(
        "us"
    )
    use_wall = out.isna().to_numpy()
    if use_wall.any():
        naive = pd.DatetimeIndex([w for w, u in zip(wall, use_wall, strict=True) if u])
        # Same DST rules as schema.make_messages: ambiguous -> earliest, nonexistent -> shift forward.
        local = naive.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
        out.loc[use_wall] = local.tz_convert("UTC").as_unit("us")
    return pd.DatetimeIndex(out).tz_convert(tz).as_unit("us")


def _sniff(sample: Source) -> float:
    head = sample.head_text().lstrip("\ufeff")
    lines = head.split("\n", 2)
    hint = _SEP_HINT.match(lines[0].rstrip("\r"))
    first = (lines[1] if hint and len(lines) > 1 else lines[0]).rstrip("\r")
    if not first or first.lstrip().startswith(("{", "[", "<")):
        return 0.0
    try:
        header = next(csv.reader([first], delimiter=hint.group(1) if hint else detect_delimiter(first)))
        mapping = map_columns(header)
    except (csv.Error, StopIteration, ConfigError):
        return 0.0
    complete = all(c in mapping or (c == "timestamp" and "date" in mapping) for c in REQUIRED)
    tabular = sample.suffix in (".csv", ".tsv")
    # Generic CSV is the fallback: a format-specific importer reading a CSV should outscore it.
    if complete:
        return 0.75 if tabular else 0.55
    return 0.2 if tabular else 0.0


@register_importer(
    "csv",
    sniff=_sniff,
    suffixes=(".csv", ".tsv"),
    description="generic CSV with timestamp, sender, text columns (columns= maps other names)",
    example=EXAMPLE,
)
def read_csv(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Read a generic CSV chat into a message frame (column mapping in the module docstring).

    Args:
        source: The ``.csv`` file.
        ctx: Read context; options ``columns`` (``{"file column": "our column"}``), ``delimiter`` and
            ``chat_id`` (the chat id when the file has no chat column).

    Returns:
        A message frame.

    Raises:
        FormatError: The file is empty or lacks a required column.
        ConfigError: ``columns=`` names a header the file does not have or a column we do not know.
    """
    cols = csv_columns(
        source.read_text(ctx),
        columns=ctx.option("columns"),
        delimiter=ctx.option("delimiter"),
        on_skip=lambda line, reason: ctx.skip(source, line, reason),
        on_count=lambda key, n: ctx.count(key, n),
        name=source.name,
    )
    stem = PurePosixPath(source.filename).stem
    default_chat = str(ctx.option("chat_id") or stem)
    frame_cols: dict[str, Any] = dict(cols)
    frame_cols["chat_id"] = [c if c else default_chat for c in cols["chat_id"]]
    frame_cols["timestamp"] = _timestamps(frame_cols.pop("abs_us"), frame_cols.pop("wall"), ctx.tz)
    return schema.make_messages(frame_cols, tz=ctx.tz, source="csv")
