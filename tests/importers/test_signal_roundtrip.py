"""Round trip: a message frame → our own signal-export chat.md writer → read_signal → the same frame."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal import schema
from reciprocal.importers import ReadContext, Source
from reciprocal.importers.signal import read_signal

_IMAGE = (".jpg", ".png")
_STAMP = {"2019": "%Y-%m-%d, %H:%M", "2022": "%Y-%m-%d %H:%M", "2024": "%Y-%m-%d %H:%M:%S"}


def write_sigexport_md(frame: pd.DataFrame, *, generation: str = "2024") -> str:
    """Render one chat of a message frame the way signal-export writes ``chat.md``.

    Reaction rows are folded into the ``(- Name: emoji -)`` line of their target; ``reply_to``
    becomes a quote of the target's text; attachments become ``./media/`` links.
    """
    by_id = frame.set_index("message_id")
    reactions: dict[str, list[tuple[str, str]]] = {}
    for row in frame[frame["kind"] == "reaction"].itertuples():
        reactions.setdefault(row.reply_to, []).append((row.sender, row.text))
    out: list[str] = []
    for row in frame[frame["kind"] != "reaction"].itertuples():
        stamp = row.timestamp.strftime(_STAMP[generation])
        if row.kind == "deleted":
            record = f"[{stamp}] {row.sender}: (This message was deleted)\n"
        else:
            quote = ""
            if not pd.isna(row.reply_to):
                quoted = str(by_id.loc[row.reply_to, "text"])
                if generation == "2019":
                    quote = "\n>\n> " + quoted.replace("\n", "\n> ") + "\n>\n"
                else:
                    quote = "\n\n> " + quoted.replace("\n", "\n> ") + "\n\n"
            body = ("" if pd.isna(row.text) else row.text) + "  "
            if row.message_id in reactions:
                body += "\n(- " + ", ".join(f"{n}: {e}" for n, e in reactions[row.message_id]) + " -)"
            if not pd.isna(row.attachment):
                for name in str(row.attachment).split("; "):
                    body += ("!" if name.endswith(_IMAGE) else "") + f"[{name}](./media/{name})  "
            record = f"[{stamp}] {row.sender}: {quote}{body}\n"
        out.append(record + ("\n" if generation == "2024" else ""))
    return "".join(out)


# ------------------------------------------------------------------------------------- strategies

_CHARS = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,!?'-:;/é🙂👍🏽👨‍👩‍👧"
_line = st.text(alphabet=_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
_text = (
    st.lists(st.one_of(_line, _line, st.just("")), min_size=1, max_size=3)
    .map(lambda ls: "\n".join(ls).strip("\n"))
    .filter(lambda t: t and "\n\n\n" not in t)
)
_SENDERS = ["Me", "Aya Kim", "Ben, Jr.", "Dee-Dee", "Zoë"]
_EMOJI = ["👍", "❤️", "😂", "😮", "🙏🏽", "👨‍👩‍👧"]
_attachment = st.from_regex(r"[A-Za-z0-9_-]{1,8}\.(jpg|png|m4a|pdf)", fullmatch=True)


@st.composite
def chats(draw: Any, generation: str) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=8))
    texts = draw(st.lists(_text, min_size=n, max_size=n, unique=True))
    step = 60 if generation != "2024" else 1
    t0 = pd.Timestamp("2023-03-26 00:30:00", tz="UTC").value // 10**9 // step
    offsets = sorted(draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n)))
    cols: dict[str, list[Any]] = {
        k: []
        for k in ("message_id", "timestamp", "sender", "is_me", "text", "kind", "attachment", "reply_to")
    }
    seq = 0
    quotable: list[str] = []
    for i in range(n):
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        sender = draw(st.sampled_from(_SENDERS))
        files = draw(st.lists(_attachment, min_size=1, max_size=2)) if kind == "media" else []
        text: str | None = texts[i]
        if kind == "deleted" or (kind == "media" and draw(st.booleans())):
            text = None
        reply_to = draw(st.sampled_from([None, *quotable])) if quotable and kind != "deleted" else None
        seq += 1
        mid = str(seq)
        stamp = pd.Timestamp((t0 + offsets[i]) * step, unit="s", tz="UTC")
        for k, v in zip(
            cols,
            (mid, stamp, sender, sender == "Me", text, kind, "; ".join(files) or None, reply_to),
            strict=True,
        ):
            cols[k].append(v)
        if text is not None:
            quotable.append(mid)
        if kind != "deleted":
            for who in draw(st.lists(st.sampled_from(_SENDERS), max_size=2, unique=True)):
                seq += 1
                for k, v in zip(
                    cols,
                    (str(seq), stamp, who, who == "Me", draw(st.sampled_from(_EMOJI)), "reaction", None, mid),
                    strict=True,
                ):
                    cols[k].append(v)
    return schema.make_messages(cols, tz="UTC", source="signal", chat_id="Aya Kim")


def _read(md: str) -> pd.DataFrame:
    return read_signal(Source.from_bytes(md.encode(), "export/Aya Kim/chat.md"), ReadContext(tz="UTC"))


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert got["source_order"].is_monotonic_increasing
    pd.testing.assert_frame_equal(got.drop(columns="source_order"), expected.drop(columns="source_order"))


@given(chats("2024"))
@settings(max_examples=60, deadline=None)
def test_roundtrip_2024_generation(frame: pd.DataFrame) -> None:
    _same(_read(write_sigexport_md(frame, generation="2024")), frame)


@given(chats("2022"))
@settings(max_examples=40, deadline=None)
def test_roundtrip_2022_generation(frame: pd.DataFrame) -> None:
    _same(_read(write_sigexport_md(frame, generation="2022")), frame)


@given(chats("2019"))
@settings(max_examples=40, deadline=None)
def test_roundtrip_2019_generation(frame: pd.DataFrame) -> None:
    _same(_read(write_sigexport_md(frame, generation="2019")), frame)


def test_writer_matches_a_hand_written_record() -> None:
    frame = schema.make_messages(
        {
            "message_id": ["1", "2", "3"],
            "timestamp": ["2024-06-01 09:15:02", "2024-06-01 09:16:40", "2024-06-01 09:16:40"],
            "sender": ["Aya", "Me", "Aya"],
            "is_me": [False, True, False],
            "text": ["lunch?", "yes", "👍"],
            "kind": ["text", "text", "reaction"],
            "reply_to": [None, "1", "2"],
        },
        tz="UTC",
        source="signal",
        chat_id="Aya",
    )
    assert write_sigexport_md(frame) == (
        "[2024-06-01 09:15:02] Aya: lunch?  \n\n"
        "[2024-06-01 09:16:40] Me: \n\n> lunch?\n\nyes  \n(- Aya: 👍 -)\n\n"
    )
