"""WhatsApp header grammar: the regexes, dialect detection, day/month inference, per-line parsing.

Pure functions over text; no pandas, no registry. ``whatsapp.py`` uses them for the sample-driven
dialect choice, the per-row slow path and the sniffer; the vectorised fast path uses the pattern
strings built here (they are written in the subset of syntax shared by Python ``re`` and RE2).

A header is ``[invisible]* [ "[" ] DATE SEP1 TIME [MARKER] ( "] " | " - " | ": " ) REST``:

- DATE: three groups of 1–4 ASCII digits separated by ``/``, ``.`` or ``-`` (an optional space after
  each separator, an optional trailing dot);
- SEP1: a comma and/or spaces, optionally the Finnish word ``klo``;
- TIME: ``H:MM`` or ``H.MM``, optional ``:SS`` / ``.SS``, an optional trailing dot;
- MARKER: ``AM``/``PM`` in any case, with or without dots and an inner space (``a. m.``);
- spaces anywhere in the header may be U+00A0, U+202F or U+2009, and bidi marks / BOMs may appear
  at the line start and around the brackets and separators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "FAMILIES",
    "INVISIBLE",
    "Dialect",
    "Header",
    "build_datetime",
    "clean_header_text",
    "detect_dialect",
    "family_pattern",
    "infer_order",
    "parse_header",
    "year_position",
]

#: Format characters that exports put at line starts and inside headers (never in the date digits).
INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
#: Space-like characters that stand for an ASCII space inside a header.
SPACES = " \u00a0\u202f\u2009"

_INV = f"[{INVISIBLE}]*"
_SP = f"[{SPACES}]"

# Separators between the time and the rest of the line, by family.
_SEPS = {
    "bracket": rf"{_INV}\]{_INV}{_SP}{_INV}",
    "dash": rf"{_SP}+-{_SP}{_INV}",
    "colon": rf":{_SP}{_INV}",
}

#: Header families: iOS brackets, Android dash, the legacy ``TIME: Name:`` colon form.
FAMILIES: tuple[str, ...] = ("bracket", "dash", "colon")

_DATE = rf"(?P<d1>[0-9]{{1,4}})(?P<ds>[./-]){_SP}?(?P<d2>[0-9]{{1,2}})[./-]{_SP}?(?P<d3>[0-9]{{1,4}})\.?"
_SEP1 = rf"(?:(?P<comma>,){_SP}*|{_SP}+)(?:(?P<klo>klo){_SP}+)?"
_TIME = r"(?P<h>[0-9]{1,2})(?P<ts>[:.])(?P<mi>[0-9]{2})(?:[:.](?P<s>[0-9]{2}))?"
_MARKER = rf"(?:{_SP}*(?P<ap>[AaPp]\.?{_SP}?[Mm]\.?))?(?P<tdot>\.)?"


def family_pattern(family: str | None = None, *, groups: bool = True) -> str:
    """Return the header regex (anchored at the line start) for one family or for all.

    Args:
        family: ``"bracket"``, ``"dash"``, ``"colon"`` or ``None`` for any of them.
        groups: Keep the named groups (Python ``re``); ``False`` strips them for RE2 matching.

    Returns:
        A pattern string valid for both Python ``re`` and RE2.
    """
    if family is None:
        sep = "(?:" + "|".join(f"(?P<sep_{k}>{v})" for k, v in _SEPS.items()) + ")"
        lead = rf"^{_INV}(?P<ob>\[)?{_INV}"
    elif family == "bracket":
        sep = f"(?P<sep_bracket>{_SEPS['bracket']})"
        lead = rf"^{_INV}(?P<ob>\[){_INV}"
    else:
        sep = f"(?P<sep_{family}>{_SEPS[family]})"
        lead = rf"^{_INV}"
    # A comma or at least one space between date and time (``[01/01/19 11:25]`` has no comma).
    pattern = lead + _DATE + _SEP1 + _TIME + _MARKER + sep
    if not groups:
        pattern = re.sub(r"\(\?P<[a-z0-9_]+>", "(?:", pattern)
    return pattern


_ANY_HEADER = re.compile(family_pattern(None))
_FAMILY_RE = {f: re.compile(family_pattern(f)) for f in FAMILIES}
_SPACE_TRANS = {ord(c): " " for c in SPACES[1:]} | {ord(c): None for c in INVISIBLE}


def clean_header_text(s: str) -> str:
    """Remove bidi marks / BOMs and turn special spaces into ASCII spaces (header parts only)."""
    return s.translate(_SPACE_TRANS).strip()


@dataclass(frozen=True, slots=True)
class Header:
    """The parts of one header line (raw digit strings; interpretation needs the file's order)."""

    family: str
    d1: str
    d2: str
    d3: str
    date_sep: str
    comma: bool
    klo: bool
    hour: int
    minute: int
    second: int | None
    time_sep: str
    marker: str | None  # "a" / "p" or None
    marker_text: str | None
    time_dot: bool
    end: int  # index in the line where the rest (sender / system text) starts


def parse_header(line: str, family: str | None = None) -> Header | None:
    """Parse the header of one line, or return ``None`` when the line is not a header.

    Args:
        line: One line of the export (without its newline).
        family: Restrict to one header family (``None``: any).

    Returns:
        The header parts, or ``None``.
    """
    m = (_ANY_HEADER if family is None else _FAMILY_RE[family]).match(line)
    if m is None:
        return None
    g = m.groupdict()
    fam = next(k for k in FAMILIES if g.get(f"sep_{k}") is not None)
    if (g.get("ob") is not None) != (fam == "bracket"):
        return None
    ap = g["ap"]
    return Header(
        family=fam,
        d1=g["d1"],
        d2=g["d2"],
        d3=g["d3"],
        date_sep=g["ds"],
        comma=g["comma"] is not None,
        klo=g["klo"] is not None,
        hour=int(g["h"]),
        minute=int(g["mi"]),
        second=None if g["s"] is None else int(g["s"]),
        time_sep=g["ts"],
        marker=None if ap is None else ap[0].lower(),
        marker_text=ap,
        time_dot=g["tdot"] is not None,
        end=m.end(),
    )


def year_position(headers: list[Header]) -> int:
    """Return which date component holds the year (0 = first, 2 = last) from the widths seen.

    A 4-digit first component means year-first (``2021/03/12``); otherwise the year is last
    (2-digit years are always last in WhatsApp exports).
    """
    first4 = sum(len(h.d1) == 4 for h in headers)
    last4 = sum(len(h.d3) == 4 for h in headers)
    return 0 if first4 > last4 else 2


@dataclass(frozen=True, slots=True)
class Dialect:
    """The header dialect of one file, chosen from a sample of its header lines.

    ``order`` is the date component order as letters (``"DMY"``, ``"MDY"``, ``"YMD"``, ``"YDM"``);
    ``order_reason`` says how it was decided (reported in notes when it was a guess).
    """

    family: str
    year_pos: int
    date_sep: str
    comma: bool
    klo: bool
    time_sep: str
    seconds: bool
    twelve_hour: bool
    plain_marker: bool  # markers are AM/PM/am/pm (no dots or inner spaces)
    time_dot: bool
    four_digit_year: bool
    upper_marker: bool = False  # markers written "AM"/"PM" (the US English locale)

    @property
    def default_first_is_day(self) -> bool:
        """The locale hint used when the dates cannot decide the day/month order.

        Year-first dates read Y-M-D; ``1/5/24, 9:05 PM`` (slashes, upper-case AM/PM) is the US
        English export, month-first; everything else defaults to day-first, the common order.
        """
        if self.year_pos == 0:
            return False
        return not (self.twelve_hour and self.upper_marker and self.date_sep == "/")

    def strptime_format(self, order: str) -> str:
        """The Arrow/C ``strptime`` format for a cleaned header prefix (separator included)."""
        parts = {"D": "%d", "M": "%m", "Y": "%Y" if self.four_digit_year else "%y"}
        date = self.date_sep.join(parts[c] for c in order)
        hour = "%I" if self.twelve_hour else "%H"
        time = f"{hour}{self.time_sep}%M" + (f"{self.time_sep}%S" if self.seconds else "")
        fmt = ("[" if self.family == "bracket" else "") + date + ("," if self.comma else "") + " "
        fmt += ("klo " if self.klo else "") + time + (" %p" if self.twelve_hour else "")
        fmt += "." if self.time_dot else ""
        fmt += {"bracket": "] ", "dash": " - ", "colon": ": "}[self.family]
        return fmt

    @property
    def separator(self) -> str:
        """The literal (ASCII) separator that ends the header on the common path."""
        return {"bracket": "] ", "dash": " - ", "colon": ": "}[self.family]


def _mode(values: list[Any]) -> Any:
    return Counter(values).most_common(1)[0][0]


def detect_dialect(headers: list[Header]) -> Dialect:
    """Choose the file's dialect from a sample of parsed headers (the most common shape wins).

    Args:
        headers: Headers parsed from the first lines of the file (at least one).

    Returns:
        The dialect.
    """
    family = str(_mode([h.family for h in headers]))
    hs = [h for h in headers if h.family == family]
    ypos = year_position(hs)
    ywidth = [len(h.d1 if ypos == 0 else h.d3) for h in hs]
    twelve = sum(h.marker is not None for h in hs) * 2 > len(hs)
    markers = {h.marker_text for h in hs if h.marker_text}
    return Dialect(
        family=family,
        year_pos=ypos,
        date_sep=str(_mode([h.date_sep for h in hs])),
        comma=bool(_mode([h.comma for h in hs])),
        klo=bool(_mode([h.klo for h in hs])),
        time_sep=str(_mode([h.time_sep for h in hs])),
        seconds=bool(_mode([h.second is not None for h in hs])),
        twelve_hour=twelve,
        plain_marker=all(m.upper() in ("AM", "PM") for m in markers),
        upper_marker=bool(markers) and all(m in ("AM", "PM") for m in markers),
        time_dot=bool(_mode([h.time_dot for h in hs])),
        four_digit_year=bool(_mode([w == 4 for w in ywidth])),
    )


def infer_order(
    first: Sequence[int] | np.ndarray,
    second: Sequence[int] | np.ndarray,
    years: Sequence[int] | np.ndarray,
    *,
    year_first: bool,
) -> tuple[bool, str]:
    """Decide whether the first non-year date component is the day, for the whole file.

    Rules, in order (FORMATS.md): a component > 12 can only be a day; otherwise the reading whose
    dates do not go backwards wins; otherwise the component that changes more often is the day;
    otherwise day-first (month-first when the year comes first, as in ISO dates).

    Args:
        first: The first non-year component of every header, in file order.
        second: The second non-year component of every header.
        years: The year of every header (4-digit).
        year_first: The year is the first component (default reading then Y-M-D).

    Returns:
        ``(first_is_day, reason)``; reason is ``"component > 12"``, ``"dates in order"``,
        ``"change frequency"`` or ``"default"``.
    """
    f = np.asarray(first, dtype=np.int64)
    s = np.asarray(second, dtype=np.int64)
    y = np.asarray(years, dtype=np.int64)
    big1, big2 = int((f > 12).sum()), int((s > 12).sum())
    if big1 != big2:
        return big1 > big2, "component > 12"
    # Reading "first is the day": date key y-m-d with m = second, d = first.
    back_day_first = int((np.diff(y * 10000 + s * 100 + f) < 0).sum())
    back_month_first = int((np.diff(y * 10000 + f * 100 + s) < 0).sum())
    if back_day_first != back_month_first:
        return back_day_first < back_month_first, "dates in order"
    ch1, ch2 = int((np.diff(f) != 0).sum()), int((np.diff(s) != 0).sum())
    if ch1 != ch2:
        return ch1 > ch2, "change frequency"
    return (not year_first), "default"


def build_datetime(
    header: Header, *, first_is_day: bool, year_pos: int
) -> tuple[dt.datetime | None, str | None]:
    """Turn parsed header parts into a naive datetime.

    Args:
        header: The parsed header.
        first_is_day: The first non-year component is the day.
        year_pos: 0 when the year comes first, else 2.

    Returns:
        ``(datetime, note)``: ``datetime`` is ``None`` when the date or time is impossible (``note``
        then says why); a repaired value (``23:59 PM``) comes with a note.
    """
    comps = [int(header.d1), int(header.d2), int(header.d3)]
    raw_year = comps.pop(year_pos)
    year = raw_year + 2000 if raw_year < 100 else raw_year
    day, month = (comps[0], comps[1]) if first_is_day else (comps[1], comps[0])
    hour, note = header.hour, None
    if header.marker is not None:
        if hour > 12:
            # An impossible "23:59 PM" (seen in real exports): the 24 h reading is the only one left.
            note = f"impossible 12-hour time {hour}:{header.minute:02d} {header.marker_text}; read as 24-hour"
        elif header.marker == "p" and hour < 12:
            hour += 12
        elif header.marker == "a" and hour == 12:
            hour = 0
    try:
        value = dt.datetime(year, month, day, hour, header.minute, header.second or 0)
    except ValueError as exc:
        return None, f"impossible date or time in header ({exc})"
    return value, note
