"""Round trip: generate message frames, render them in every WhatsApp dialect, parse back, compare.

The writer below is the test's own model of each dialect (FORMATS.md): header, ``Name: `` and the
body with its newlines; system rows are written without a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reciprocal import schema
from reciprocal.importers._whatsapp_grammar import parse_header
from reciprocal.importers._whatsapp_kinds import BodyInfo, classify_body, is_system_sender
from reciprocal.importers._whatsapp_parse import parse_text, to_frame

NN, NB = "\u202f", "\u00a0"


def _h12(t: dt.datetime) -> tuple[int, str]:
    return (t.hour % 12 or 12), ("AM" if t.hour < 12 else "PM")


@dataclass(frozen=True)
class Dialect:
    name: str
    header: Callable[[dt.datetime], str]
    dayfirst: bool
    seconds: bool


def _us12(t: dt.datetime) -> str:
    h, ap = _h12(t)
    return f"{t.month}/{t.day}/{t:%y}, {h}:{t:%M}{NN}{ap} - "


def _ios_us12(t: dt.datetime) -> str:
    h, ap = _h12(t)
    return f"[{t.month}/{t.day}/{t:%y}, {h}:{t:%M:%S}{NN}{ap}] "


def _es(t: dt.datetime) -> str:
    h, ap = _h12(t)
    marker = f"{ap[0].lower()}.{NB}m."
    return f"{t.day}/{t.month}/{t:%Y}, {h}:{t:%M}{NB}{marker} - "


def _legacy(t: dt.datetime) -> str:
    h, ap = _h12(t)
    return f"{t.month}/{t.day}/{t:%y}, {h}:{t:%M:%S} {ap}: "


def _india(t: dt.datetime) -> str:
    h, ap = _h12(t)
    return f"{t:%d/%m/%Y}, {h}:{t:%M} {ap.lower()} - "


DIALECTS = [
    Dialect("android_us_12h", _us12, False, False),
    Dialect("android_eu_24h", lambda t: f"{t:%d/%m/%Y, %H:%M} - ", True, False),
    Dialect("android_de_dots", lambda t: f"{t:%d.%m.%y, %H:%M} - ", True, False),
    Dialect("android_es_pm", _es, True, False),
    Dialect("android_in_lower", _india, True, False),
    Dialect("android_fi_klo", lambda t: f"{t.day}.{t.month}.{t:%Y} klo {t.hour}.{t:%M.%S} - ", True, True),
    Dialect("android_id_dot_time", lambda t: f"{t:%d/%m/%Y %H.%M} - ", True, False),
    Dialect("android_yearfirst", lambda t: f"{t:%Y-%m-%d, %H:%M} - ", False, False),
    Dialect("ios_gb", lambda t: f"[{t:%d/%m/%Y, %H:%M:%S}] ", True, True),
    Dialect("ios_us_12h", _ios_us12, False, True),
    Dialect("ios_cn_yearfirst", lambda t: f"[{t:%Y/%m/%d %H:%M:%S}] ", False, True),
    Dialect("legacy_colon", _legacy, False, True),
]

NAME_CHARS = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -:.,~+()'&_",
    *["🤓", "❤️", "👩🏽\u200d💻", "🇧🇷", "ש", "ל", "ו", "ם", "ن", "و", "ر", "张", "é", "ß"],
]
names = (
    st.lists(st.sampled_from(NAME_CHARS), min_size=1, max_size=16)
    .map("".join)
    .filter(lambda s: s == s.strip() and ": " not in s and not is_system_sender(s))
)
body_chars = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r"),
    st.sampled_from(["\n", ": ", "🤓", "👩🏽‍💻", "שלום", "نور", " "]),
)
bodies = st.lists(body_chars, max_size=40).map("".join).filter(lambda s: not s.endswith("\n"))
system_texts = st.text(alphabet="abcdefghij KLMNOP\"'+0123456789", min_size=1, max_size=30)
times = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2068, 12, 31, 23, 59, 59))


@st.composite
def frames(draw: st.DrawFn) -> list[tuple[dt.datetime, str | None, str]]:
    people = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        ts = draw(times)
        if draw(st.integers(0, 9)) == 0:
            text = draw(system_texts).strip()
            assume(text and not text.endswith(":"))
            rows.append((ts, None, text))
        else:
            rows.append((ts, draw(st.sampled_from(people)), draw(bodies)))
    return rows


def _render(rows: list[tuple[dt.datetime, str | None, str]], dialect: Dialect) -> str:
    out = []
    for ts, sender, text in rows:
        head = dialect.header(ts)
        out.append(head + (text if sender is None else f"{sender}: {text}"))
    return "\n".join(out) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rows=frames(), dialect=st.sampled_from(DIALECTS))
def test_round_trip(rows: list[tuple[dt.datetime, str | None, str]], dialect: Dialect) -> None:
    for _, sender, text in rows:
        if sender is not None:
            # Placeholder bodies change kind by design; continuation lines must not be headers.
            assume(classify_body(text) == BodyInfo("text", text))
            assume(all(parse_header(line) is None for line in text.split("\n")[1:]))
    rendered = _render(rows, dialect)
    parsed = parse_text(rendered, dayfirst=dialect.dayfirst)
    assert parsed is not None
    assert parsed.skipped == []
    frame = to_frame(parsed, tz="UTC", chat_id="rt")
    schema.validate_messages(frame, sorted_=False)
    precision = "s" if dialect.seconds else "min"
    want_ts = [ts.replace(microsecond=0, second=ts.second if dialect.seconds else 0) for ts, _, _ in rows]
    got_ts = [t.tz_localize(None).floor(precision).to_pydatetime() for t in frame["timestamp"]]
    assert got_ts == want_ts
    got_senders = [None if s is pd.NA else s for s in frame["sender"].tolist()]
    assert got_senders == [s for _, s, _ in rows]
    assert frame["text"].tolist() == [t for _, _, t in rows]
    assert frame["kind"].tolist() == ["system" if s is None else "text" for _, s, _ in rows]


LINE_PARTS = st.sampled_from(
    [
        "1/5/24, 9:00 PM - Ana: hi",
        "13/13/24, 10:00 - Bo: impossible date",
        "1/5/24, 23:59 PM - Bo: impossible hour",
        "[05/01/2024, 21:00:00] Ana: ios line",
        "\u200e[05/01/2024, 21:00:01] Bo: \u200eimage omitted",
        "1/5/24, 9:01 PM - Bo: <Media omitted>",
        "1/5/24, 9:02 PM - You deleted this message",
        "1/5/24, 9:03 PM - Ana:",
        "3/24/14, 1:59:59 PM: Ana: legacy",
        "2024-01-05, 21:05 - Kim: iso",
        "5.1.2024 klo 21.05 - Aino: moi",
        "",
        "   ",
        "junk without a header",
        "12/03/2021 Ana: no time",
        "\ufeff",
        "\r",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.one_of(LINE_PARTS, st.text(max_size=30)), max_size=25),
    dayfirst=st.sampled_from([None, True, False]),
)
def test_any_input_gives_a_valid_frame_or_none(parts: list[str], dayfirst: bool | None) -> None:
    text = "\n".join(parts)
    parsed = parse_text(text, dayfirst=dayfirst)
    if parsed is None:
        return
    frame = to_frame(parsed, tz="Europe/Berlin", chat_id="x")
    schema.validate_messages(schema.sort_messages(frame))
    lines = text.replace("\r\n", "\n").split("\n")
    # Every row starts at a header line; skipped records and junk lines are distinct lines.
    for line_no in frame["source_order"].tolist():
        assert parse_header(lines[line_no - 1]) is not None
    skipped = [line for line, _ in parsed.skipped]
    assert len(set(skipped)) == len(skipped)
    assert not set(skipped) & set(frame["source_order"].tolist())
