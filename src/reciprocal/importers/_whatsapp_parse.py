"""Vectorised WhatsApp TXT parser: bytes → column arrays (no registry, no ReadContext).

How it stays fast (PERFORMANCE.md): the bytes are never decoded into one Python string; every
line, header and body is a zero-copy view into the one UTF-8 buffer (Arrow offsets computed with
numpy). Header lines are found with one RE2 regex match over all lines (the header family chosen
from a sample), the header prefix is cut at the family's separator with a substring search and
parsed with Arrow ``strptime`` in the file's dialect. A message's text — first line plus
continuation lines — is one contiguous byte range, so multi-line bodies need no joining. Only rare
rows go through Python: headers the dialect format does not fit (``23:59 PM``, ``00:08 a. m.``,
odd spacing), system lines, and bodies that look like placeholders (each distinct one classified
once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ._whatsapp_grammar import (
    INVISIBLE,
    SPACES,
    Dialect,
    Header,
    build_datetime,
    clean_header_text,
    detect_dialect,
    family_pattern,
    infer_order,
    parse_header,
)
from ._whatsapp_kinds import CANDIDATE_PATTERN, classify_body, is_system_sender

__all__ = ["KIND_CODES", "ParsedChat", "lines_view", "parse_bytes", "parse_text", "sniff_text", "to_frame"]

#: Codes of the ``kind`` categories (positions in ``schema.KINDS``).
KIND_CODES = {k: i for i, k in enumerate(schema.KINDS)}

_ANY_HEADER_M = re.compile(family_pattern(None), re.MULTILINE)
_SAMPLE_CHARS = 65536
_SAMPLE_LINES = 500  # enough to see the dialect; parsing more in Python only costs time
_STR = pa.large_string()


@dataclass
class ParsedChat:
    """The result of :func:`parse_text`.

    Attributes:
        columns: Column arrays for ``schema.make_messages`` (``timestamp`` naive ``datetime64[us]``).
        skipped: ``(line, reason)`` for every record or junk line that did not become a row.
        notes: ``(line, message)`` for repaired values and guesses (e.g. the day/month order).
        dialect: The header dialect used.
        order: The date component order used (``"DMY"``, ``"MDY"``, ``"YMD"``, ``"YDM"``).
    """

    columns: dict[str, Any]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    dialect: Dialect | None = None
    order: str = ""


def sniff_text(sample: str) -> tuple[int, int]:
    """Count header lines and non-blank lines in (the first 500 lines of) a text sample."""
    lines = sample.split("\n", _SAMPLE_LINES)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    nonblank = [ln for ln in lines if ln.strip()]
    headers = sum(parse_header(ln.rstrip("\r")) is not None for ln in nonblank)
    return headers, len(nonblank)


def _sample_headers(data: bytes, lines: pa.Array, line_start: np.ndarray) -> list[Header]:
    # The dialect is chosen from up to 64 KiB of lines starting at the first header line.
    head = data[:_SAMPLE_CHARS].decode("utf-8", "ignore")
    first = _ANY_HEADER_M.search(head)
    if first is not None:
        start = len(head[: first.start()].encode())
    else:
        hits = np.flatnonzero(_bools(pc.match_substring_regex(lines, family_pattern(None, groups=False))))
        if len(hits) == 0:
            return []
        start = int(line_start[hits[0]])
    text = data[start : start + _SAMPLE_CHARS].decode("utf-8", "ignore")
    lines = text.split("\n", _SAMPLE_LINES)[:_SAMPLE_LINES]
    return [h for h in (parse_header(ln) for ln in lines) if h is not None]


def _interleave(*cols: np.ndarray, end: int) -> np.ndarray:
    n = len(cols[0])
    out = np.empty(n * len(cols) + 1, dtype=np.int64)
    for k, c in enumerate(cols):
        out[k : n * len(cols) : len(cols)] = c
    out[-1] = end
    return out


def _view(data_buf: pa.Buffer, offsets: np.ndarray) -> pa.LargeStringArray:
    # Zero-copy: each element is data[offsets[i]:offsets[i+1]].
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), data_buf)


def _bools(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _components(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years = ts.astype("M8[Y]")
    months = ts.astype("M8[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years).astype(np.int64) + 1
    d = (ts.astype("M8[D]") - months).astype(np.int64) + 1
    return y, m, d


def parse_text(text: str, *, dayfirst: bool | None = None) -> ParsedChat | None:
    """Parse the text of a WhatsApp export (see :func:`parse_bytes`)."""
    return parse_bytes(text.encode("utf-8", "replace"), dayfirst=dayfirst)


def lines_view(data: bytes) -> tuple[pa.LargeStringArray, np.ndarray, np.ndarray]:
    """Split UTF-8 bytes into lines without copying.

    Returns:
        ``(lines, line_start, line_end)``: a string array whose elements are the lines *with* their
        ``\\n``, and the byte offsets of each line's start and end (end excludes the newline). A
        trailing newline does not open an empty last line.
    """
    size = len(data)
    buf = np.frombuffer(data, dtype=np.uint8)
    # In blocks: a file-sized boolean temporary would cost page faults (and memory) for nothing.
    block = 1 << 22
    parts = [np.flatnonzero(buf[i : i + block] == 10) + i for i in range(0, size, block)]
    nl = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    line_start = np.concatenate(([0], nl + 1)).astype(np.int64)
    line_end = np.concatenate((nl, [size])).astype(np.int64)
    if size and data[-1:] == b"\n":
        line_start, line_end = line_start[:-1], line_end[:-1]
    return _view(pa.py_buffer(data), np.concatenate((line_start, [size]))), line_start, line_end


def parse_bytes(data: bytes, *, dayfirst: bool | None = None) -> ParsedChat | None:
    """Parse a WhatsApp export given as UTF-8 bytes into column arrays.

    Args:
        data: The export, valid UTF-8 (a BOM and ``\\r\\n`` line ends are handled).
        dayfirst: Force the day/month order (``None``: infer it for the whole file).

    Returns:
        The parsed chat, or ``None`` when the data holds no WhatsApp header line at all.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    lines, line_start, line_end = lines_view(data)
    sample = _sample_headers(data, lines, line_start)
    if not sample:
        return None
    dialect = detect_dialect(sample)
    notes: list[tuple[int | None, str]] = []
    skipped: list[tuple[int, str]] = []
    data_buf = lines.buffers()[2]
    size = len(data)

    is_hdr = _bools(pc.match_substring_regex(lines, family_pattern(dialect.family, groups=False)))
    hdr_idx = np.flatnonzero(is_hdr)
    if len(hdr_idx) == 0:
        return None
    first_line = int(hdr_idx[0])
    for i in range(first_line):
        if line_end[i] > line_start[i] and data[line_start[i] : line_end[i]].strip():
            skipped.append((i + 1, "text before the first message header"))

    n = len(hdr_idx)
    hs = line_start[hdr_idx]
    he = line_end[hdr_idx]
    # Content end of each record: end of its last non-blank line (trailing blank lines dropped).
    vals = np.where(line_end > line_start, line_end, 0)[first_line:]
    ce = np.maximum.reduceat(vals, hdr_idx - first_line)

    # Cut each header line at the family's separator.
    sep = dialect.separator
    # Searched on all lines (cheap) and picked at the headers: no extra view array to build.
    pos = pc.find_substring(lines, sep).to_numpy(zero_copy_only=False)[hdr_idx].astype(np.int64)
    found = pos >= 0
    a = np.where(found, hs + pos + len(sep.encode()), he)
    # iOS marks media lines with a leading U+200E, some exports start lines with U+FEFF: start the
    # timestamp prefix after one such mark (cheap literal tests) so it usually stays plain ASCII.
    ps = hs.copy()
    for mark in ("\u200e", "\ufeff"):
        starts = pc.starts_with(lines, mark).to_numpy(zero_copy_only=False)[hdr_idx]
        ps += np.where(starts & (ps == hs), len(mark.encode()), 0)
    ps = np.minimum(ps, a)
    triples = _view(data_buf, _interleave(ps, a, he, end=size))
    prefix = triples.take(pa.array(np.arange(0, 3 * n, 3)))

    guess = _sample_first_is_day(sample, dialect)
    ts, order, slow = _timestamps(prefix, dialect, dayfirst, guess, notes)
    year_pos = dialect.year_pos
    first_is_day = order.index("D") < order.index("M")

    # Sender / body split at the first ": " of the header line's rest.
    # Searched in the [prefix, rest, tail] view directly: every third result is the rest's.
    c = pc.find_substring(triples, ": ").to_numpy(zero_copy_only=False)[1::3].astype(np.int64)
    s_end = a + np.maximum(c, 0)
    d = a + c + 2
    is_sys = c < 0
    keep = np.ones(n, dtype=bool)

    for i in np.flatnonzero(slow).tolist():
        line_no = int(hdr_idx[i]) + 1
        line = data[hs[i] : he[i]].decode("utf-8")
        h = parse_header(line, dialect.family) or parse_header(line)
        if h is None:
            skipped.append((line_no, "header could not be parsed"))
            keep[i] = False
            continue
        value, note = build_datetime(h, first_is_day=first_is_day, year_pos=year_pos)
        if value is None:
            skipped.append((line_no, note or "header could not be parsed"))
            keep[i] = False
            continue
        if note:
            notes.append((line_no, note))
        ts[i] = np.datetime64(value, "s")
        a[i] = hs[i] + len(line[: h.end].encode())
        found_c = data.find(b": ", a[i], he[i])
        c[i] = found_c - a[i] if found_c >= 0 else -1
        is_sys[i] = c[i] < 0
        s_end[i] = a[i] + max(c[i], 0)
        d[i] = a[i] + c[i] + 2

    # Headers without ": " are system events, or "Name:" / "Name:." (empty-bodied messages).
    for i in np.flatnonzero(is_sys & keep).tolist():
        r = data[a[i] : he[i]].decode("utf-8")
        m = _EMPTY_BODY.fullmatch(r)
        if m is not None:
            is_sys[i] = False
            s_end[i] = a[i] + len(m["name"].encode())
            d[i] = s_end[i] + 1
        else:
            s_end[i] = a[i]
            d[i] = a[i] + len(r.encode()) - len(r.lstrip(INVISIBLE + SPACES).encode())

    five = _view(data_buf, _interleave(hs, a, s_end, d, ce, end=size))
    senders = five.take(pa.array(np.arange(1, 5 * n, 5)))
    texts = five.take(pa.array(np.arange(3, 5 * n, 5)))
    senders, sys_sender = _clean_senders(senders)
    if sys_sender.any():
        # "X changed the subject to "a: b"": the ": " was inside a system event.
        for i in np.flatnonzero(sys_sender & ~is_sys).tolist():
            is_sys[i] = True
        idx = np.flatnonzero(sys_sender)
        whole = [data[a[i] : ce[i]].decode("utf-8") for i in idx.tolist()]
        texts = _put(texts, idx, whole)

    kinds = np.zeros(n, dtype=np.int8)
    kinds[is_sys] = KIND_CODES["system"]
    edited = np.zeros(n, dtype=bool)
    attachment: pa.Array = pa.nulls(n, _STR)
    cand = np.flatnonzero(_bools(pc.match_substring_regex(texts, CANDIDATE_PATTERN)) & ~is_sys & keep)
    if len(cand):
        # Placeholders repeat ("<Media omitted>"): classify each distinct body once.
        enc = texts.take(pa.array(cand)).dictionary_encode()
        infos = [classify_body(b) for b in enc.dictionary.to_pylist()]
        codes = enc.indices.to_numpy(zero_copy_only=False)
        kinds[cand] = np.array([KIND_CODES[x.kind] for x in infos], dtype=np.int8)[codes]
        edited[cand] = np.array([x.edited for x in infos], dtype=bool)[codes]
        texts = _put(texts, cand, pa.array([x.text for x in infos], _STR).take(enc.indices))
        attachment = _put(attachment, cand, pa.array([x.attachment for x in infos], _STR).take(enc.indices))
        is_sys[cand] = kinds[cand] == KIND_CODES["system"]
    senders = pc.if_else(pa.array(is_sys), pa.scalar(None, _STR), senders)

    if not keep.all():
        kmask = pa.array(keep)
        senders, texts, attachment = (x.filter(kmask) for x in (senders, texts, attachment))
        ts, kinds, edited, hdr_idx = ts[keep], kinds[keep], edited[keep], hdr_idx[keep]
        seq = np.flatnonzero(keep) + 1
    else:
        seq = np.arange(1, n + 1)
    columns = {
        "message_id": pc.cast(pa.array(seq), _STR),
        "timestamp": ts.astype("datetime64[us]"),
        "sender": senders,
        "text": texts,
        "kind": kinds,
        "attachment": attachment,
        "edited": edited,
        "source_order": (hdr_idx + 1).astype(np.int64),
    }
    return ParsedChat(columns=columns, skipped=skipped, notes=notes, dialect=dialect, order=order)


_EMPTY_BODY = re.compile(r"(?P<name>.+?):\.?")


def _put(arr: pa.Array, idx: np.ndarray, values: pa.Array | list[str | None]) -> pa.Array:
    mask = np.zeros(len(arr), dtype=bool)
    mask[idx] = True
    if not isinstance(values, pa.Array):
        values = pa.array(values, _STR)
    return pc.replace_with_mask(arr, pa.array(mask), values)


def _clean_senders(senders: pa.Array) -> tuple[pa.Array, np.ndarray]:
    # Distinct senders are few: clean each once (header-only cleaning of invisible characters).
    enc = senders.dictionary_encode()
    uniques = enc.dictionary.to_pylist()
    cleaned = [clean_header_text(s) for s in uniques]
    bad = np.array([is_system_sender(s) for s in cleaned], dtype=bool)
    codes = enc.indices.to_numpy(zero_copy_only=False)
    out = senders if cleaned == uniques else pa.array(cleaned, _STR).take(enc.indices)
    sys_rows = bad[codes] if bad.any() else np.zeros(len(senders), dtype=bool)
    return out, sys_rows


_MARKER_RE = f"([AaPp])\\.?[{SPACES}]?[Mm]\\.?"


def _sample_first_is_day(sample: list[Header], dialect: Dialect) -> bool:
    # The order the sample suggests: the file-wide check then usually needs one strptime pass.
    hs = [h for h in sample if h.family == dialect.family]
    comps = np.array([(int(h.d1), int(h.d2), int(h.d3)) for h in hs], dtype=np.int64).reshape(-1, 3)
    fi, si, yi = (1, 2, 0) if dialect.year_pos == 0 else (0, 1, 2)
    first, second, years = comps[:, fi], comps[:, si], comps[:, yi]
    first_is_day, reason = infer_order(first, second, years, year_first=dialect.year_pos == 0)
    return dialect.default_first_is_day if reason == "default" else first_is_day


def _timestamps(
    prefix: pa.Array,
    dialect: Dialect,
    dayfirst: bool | None,
    guess: bool,
    notes: list[tuple[int | None, str]],
) -> tuple[np.ndarray, str, np.ndarray]:
    """Parse the header prefixes with Arrow strptime; decide the day/month order file-wide.

    The sample's order is tried first; rows it cannot parse are tried in the other order, and the
    file-wide rules (:func:`infer_order`) run on the components of every parsed row. Only when they
    disagree with the sample is the whole column parsed again.

    Returns ``(timestamps as datetime64[s], order, slow_mask)``; rows in ``slow_mask`` did not fit
    the dialect's format and go through the Python path (their timestamp is NaT here).
    """
    p = prefix
    # Header-only cleanup; cheap literal passes, and only for characters that occur at all.
    if not pc.all(pc.string_is_ascii(p)).as_py():
        p = pc.utf8_ltrim(p, characters=INVISIBLE)
        if not pc.all(pc.string_is_ascii(p)).as_py():
            for ch in INVISIBLE + SPACES[1:]:
                if pc.any(pc.match_substring(p, ch)).as_py():
                    p = pc.replace_substring(p, ch, "" if ch in INVISIBLE else " ")
    if dialect.twelve_hour and not dialect.plain_marker:
        p = pc.replace_substring_regex(p, _MARKER_RE, "\\1M")
    year_first = dialect.year_pos == 0

    def order_of(first_is_day: bool) -> str:
        if year_first:
            return "YDM" if first_is_day else "YMD"
        return "DMY" if first_is_day else "MDY"

    def parse(arr: pa.Array, first_is_day: bool) -> np.ndarray:
        fmt = dialect.strptime_format(order_of(first_is_day))
        out = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        return np.asarray(out.to_numpy(zero_copy_only=False), dtype="datetime64[s]")

    if dayfirst is not None:
        ts = parse(p, dayfirst)
        return ts, order_of(dayfirst), np.isnat(ts)
    ts = parse(p, guess)
    ok = ~np.isnat(ts)
    other = np.full(len(ts), np.datetime64("NaT"), dtype="datetime64[s]")
    failed = np.flatnonzero(~ok)
    if len(failed):
        other[failed] = parse(p.take(pa.array(failed)), not guess)
    usable = ok | ~np.isnat(other)
    days = np.where(ok, ts, other)[usable].astype("datetime64[D]")
    guessed = ok[usable]
    # Only date changes matter to the rules: keep the first row of each run of equal dates
    # (a 1M-message chat has a few thousand), then take the components as written.
    keep = np.ones(len(days), dtype=bool)
    keep[1:] = (days[1:] != days[:-1]) | (guessed[1:] != guessed[:-1])
    y, m, d = _components(days[keep])
    g = guessed[keep] == guess  # parsed in the guessed order: "first" is the day iff guess
    first = np.where(g, d, m)
    second = np.where(g, m, d)
    if len(first):
        first_is_day, reason = infer_order(first, second, y, year_first=year_first)
    else:
        first_is_day, reason = guess, "default"
    if reason == "default":
        first_is_day = dialect.default_first_is_day
        if usable.sum() > 1:
            notes.append(
                (
                    None,
                    "day/month order could not be inferred from the dates; assumed "
                    + ("day-first" if first_is_day else "month-first (US 12-hour export)")
                    + " (pass dayfirst= to choose)",
                )
            )
    if first_is_day != guess:
        ts = parse(p, first_is_day)
    return ts, order_of(first_is_day), np.isnat(ts)


def to_frame(parsed: ParsedChat, *, tz: str | None, chat_id: str, source: str = "whatsapp") -> pd.DataFrame:
    """Build the message frame (file order, not sorted) from :func:`parse_bytes` output.

    Args:
        parsed: The parsed columns.
        tz: IANA zone the wall-clock times are localised in.
        chat_id: Value of the ``chat_id`` column.
        source: Value of the ``source`` column.

    Returns:
        A frame with exactly ``schema.COLUMNS``.
    """
    cols = dict(parsed.columns)
    n = len(cols["timestamp"])
    zeros = np.zeros(n, dtype=np.int64)
    nulls = pa.nulls(n, _STR)
    # Arrays for every column: make_messages would broadcast scalars through Python lists.
    cols["kind"] = pd.Categorical.from_codes(cols["kind"], dtype=schema.KIND_DTYPE)
    cols["chat_id"] = pa.array([chat_id], _STR).take(zeros)
    cols["source"] = pa.array([source], _STR).take(zeros)
    cols["sender_id"] = nulls
    cols["reply_to"] = nulls
    cols["is_me"] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    return schema.make_messages(cols, tz=tz)
