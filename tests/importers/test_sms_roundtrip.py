"""Round trip: a message frame → our own SMS Backup & Restore XML writer → read_sms → the same frame."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal import schema
from reciprocal.importers import ReadContext, Source
from reciprocal.importers.sms import read_sms

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _attr(value: str) -> str:
    # Astral characters as UTF-16 surrogate references, as the app's "store emojis" option does.
    out = []
    for ch in value:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"&#{0xD800 + (cp >> 10)};&#{0xDC00 + (cp & 0x3FF)};")
        else:
            out.append(_ESCAPES.get(ch, ch))
    return '"' + "".join(out) + '"'


def write_sms_xml(frame: pd.DataFrame, *, threads: Mapping[str, tuple[list[str], str | None]]) -> str:
    """Render a message frame as an SMS Backup & Restore file.

    Args:
        frame: Rows in the order to write; ``is_me`` gives the box, ``sender_id`` the sender's number.
        threads: chat_id → (member numbers, contact name or None for "(Unknown)").
    """
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<smses count="{len(frame)}">']
    for row in frame.itertuples():
        members, contact = threads[row.chat_id]
        date = row.timestamp.value // 10**6
        name = _attr(contact or "(Unknown)")
        box = "2" if row.is_me else "1"
        text = "" if pd.isna(row.text) else row.text
        if len(members) == 1 and pd.isna(row.attachment):
            lines.append(
                f'  <sms protocol="0" address={_attr(members[0])} date="{date}" type="{box}" subject="null" '
                f'body={_attr(text)} read="1" status="-1" readable_date="n/a" contact_name={name} />'
            )
            continue
        lines.append(
            f'  <mms date="{date}" date_sent="{date // 1000}" msg_box="{box}" '
            f'address={_attr("~".join(members))} contact_name={name} readable_date="n/a"><parts>'
        )
        lines.append('    <part seq="-1" ct="application/smil" name="null" text="&lt;smil/&gt;" />')
        if not pd.isna(row.text):
            lines.append(f'    <part seq="0" ct="text/plain" name="null" text={_attr(text)} />')
        if not pd.isna(row.attachment):
            for i, fname in enumerate(str(row.attachment).split("; "), start=1):
                lines.append(f'    <part seq="{i}" ct="image/jpeg" name={_attr(fname)} data="/9j/4AAQ" />')
        sender = "insert-address-token" if row.is_me else row.sender_id
        lines.append(f'  </parts><addrs><addr address={_attr(sender)} type="137" charset="106" />')
        lines.extend(
            f'    <addr address={_attr(m)} type="151" charset="106" />' for m in members if m != sender
        )
        lines.append("  </addrs></mms>")
    lines.append("</smses>")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------- strategies

_XML_OK = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
    "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)
_texts = st.one_of(
    st.text(_XML_OK, max_size=30), st.sampled_from(["😀", 'a & b < c > "d"', "line\nline", "👍🏽"])
)
_NAMES = ["Ana Souza", "Ben Ode", "Cy Li", "Zoë 🌻"]


@st.composite
def backups(draw: Any) -> tuple[pd.DataFrame, dict[str, tuple[list[str], str | None]]]:
    n_people = draw(st.integers(1, 3))
    numbers = [f"+1555555{100 + i:04d}" for i in range(n_people)]
    names = [draw(st.sampled_from([None, _NAMES[i]])) for i in range(n_people)]
    threads: list[tuple[list[int], str]] = [([i], names[i] or numbers[i]) for i in range(n_people)]
    if n_people > 1 and draw(st.booleans()):
        group = list(range(n_people))
        gname = ", ".join(n for n in names if n) if all(names) else "~".join(numbers)
        threads.append((group, gname))
    n = draw(st.integers(1, 10))
    plan = []
    for _ in range(n):
        t = draw(st.integers(0, len(threads) - 1))
        members, _ = threads[t]
        me = draw(st.booleans())
        who = draw(st.sampled_from(members))
        files = draw(st.lists(st.from_regex(r"IMG_[0-9]{1,4}\.jpg", fullmatch=True), max_size=2))
        text = draw(_texts.filter(lambda s: s != "null"))
        if files and (not text or draw(st.booleans())):
            text = None  # an attachment with an empty caption has no text
        plan.append((t, me, who, text, "; ".join(files) or None))
    named_one_to_one = {members[0] for members, _ in (threads[t] for t, *_ in plan) if len(members) == 1}
    stamps = sorted(draw(st.lists(st.integers(1_300_000_000_000, 1_900_000_000_000), min_size=n, max_size=n)))
    cols: dict[str, list[Any]] = {
        k: [] for k in ("chat_id", "timestamp", "sender", "sender_id", "is_me", "text", "kind", "attachment")
    }
    for (t, me, who, text, files), ms in zip(plan, stamps, strict=True):
        members, chat = threads[t]
        if len(members) > 1 and who not in named_one_to_one:
            sender = numbers[who]
        else:
            sender = names[who] or numbers[who]
        values = (
            chat,
            pd.Timestamp(ms, unit="ms", tz="UTC"),
            "Me" if me else sender,
            None if me else numbers[who],
            me,
            "" if text is None and not files else text,
            "media" if files else "text",
            files,
        )
        for k, v in zip(cols, values, strict=True):
            cols[k].append(v)
    frame = schema.make_messages(cols, tz="UTC", source="sms")
    thread_map = {
        chat: ([numbers[i] for i in members], None if chat.startswith("+") else chat)
        for members, chat in threads
    }
    return frame, thread_map


@given(backups())
@settings(max_examples=80, deadline=None)
def test_roundtrip(case: tuple[pd.DataFrame, dict[str, tuple[list[str], str | None]]]) -> None:
    frame, threads = case
    xml = write_sms_xml(frame, threads=threads)
    got = read_sms(Source.from_bytes(xml.encode(), "sms.xml"), ReadContext(tz="UTC"))
    pd.testing.assert_frame_equal(got, frame)


def test_writer_escapes_and_stores_emoji_as_surrogates() -> None:
    assert _attr('a&b\n"😀"') == '"a&amp;b&#10;&quot;&#55357;&#56832;&quot;"'
