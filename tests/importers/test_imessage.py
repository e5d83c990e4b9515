"""iMessage (imessage-exporter txt) importer: golden conversation, replies, tapbacks, edits, sniffing."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal.importers import ReadContext, Source
from reciprocal.importers.imessage import read_imessage
from reciprocal.testing import check_importer

from ._golden import records

GOLDEN = Path(__file__).parent / "golden" / "imessage"
TRIP = GOLDEN / "Weekend Trip.txt"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = rc.read_chat(path, tz="UTC")
    expected_path = path.with_name(path.name + ".expected.jsonl")
    got = records(frame)
    if os.environ.get("RECIPROCAL_UPDATE_GOLDEN"):
        expected_path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got), encoding="utf-8"
        )
    assert got == [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines()]


def test_conformance() -> None:
    frame = check_importer("imessage", tz="UTC")
    assert list(frame["kind"]) == ["text", "text", "reaction", "system"]


def test_two_space_hour_padding_and_twelve_oclock() -> None:
    frame = rc.read_chat(TRIP, tz="UTC")
    stamps = frame.loc[frame["kind"] != "reaction", "timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist()
    assert stamps[0] == "2022-05-17 17:29:42"  # "May 17, 2022  5:29:42 PM"
    assert "2022-05-18 00:05:00" in stamps  # 12:05 AM
    assert "2022-05-18 12:10:00" in stamps  # 12:10 PM


def test_reply_printed_twice_becomes_one_row_linked_to_its_parent() -> None:
    frame = rc.read_chat(TRIP, tz="UTC")
    thanks = frame[frame["text"] == "perfect, thanks"]
    assert len(thanks) == 1
    parent = frame.loc[frame["message_id"] == thanks["reply_to"].item(), "text"].item()
    assert parent == "I can drive\n\nwe leave at 8"
    inside_only = frame[frame["text"] == "only printed inside the thread"]
    assert frame.loc[frame["message_id"] == inside_only["reply_to"].item(), "text"].item() == "one more thing"
    assert not frame["text"].fillna("").str.contains("responded to an earlier").any()


def test_tapbacks_are_reactions_on_their_message() -> None:
    frame = rc.read_chat(TRIP, tz="UTC")
    reactions = frame[frame["kind"] == "reaction"]
    assert list(reactions["text"].fillna("-")) == ["👍", "🔥", "❤️", "-"]
    assert list(reactions["sender"]) == ["+15555550100", "sam@example.com", "Me", "sam@example.com"]
    assert list(reactions["reply_to"]) == ["1", "1", "4", "7"]


def test_edits_keep_the_last_version() -> None:
    frame = rc.read_chat(TRIP, tz="UTC")
    edited = frame[frame["edited"]]
    assert list(edited["text"]) == ["see you at 8"]


def test_direction_and_handles() -> None:
    frame = rc.read_chat(TRIP, tz="UTC", me="Kim")
    people = frame[frame["kind"] != "system"]
    assert set(people.loc[people["is_me"].astype(bool), "sender"]) == {"Kim"}
    assert set(people["sender_id"].dropna()) == {"+15555550100", "sam@example.com"}
    assert frame["chat_id"].unique().tolist() == ["Weekend Trip"]


def test_custom_name_leaves_direction_to_me() -> None:
    data = b"May 17, 2022  5:29:42 PM\nKim\nhello\n\nMay 17, 2022  5:30:00 PM\nAna\nhi\n\n"
    frame = read_imessage(Source.from_bytes(data, "Ana.txt"), ReadContext(tz="UTC"))
    assert frame["is_me"].isna().all()


def test_not_imessage_is_a_format_error() -> None:
    with pytest.raises(rc.FormatError, match=r"other\.txt"):
        read_imessage(Source.from_bytes(b"hello\nworld\n", "other.txt"), ReadContext(tz="UTC"))


def test_sniffer_separates_the_three_formats() -> None:
    im = rc.importers.get_importer("imessage")
    assert im.score(Source.from_path(TRIP)) >= 0.9
    for other in ["signal", "sms"]:
        assert rc.importers.get_importer(other).score(Source.from_path(TRIP)) < 0.5
    assert im.score(Source.from_bytes(b"[2024-06-01 09:15:02] Me: hi  \n", "chat.md")) == 0.0
    assert im.score(Source.from_bytes(b"01/01/19, 11:25 - John Doe: hi\n", "chat.txt")) == 0.0


def test_phone_handles_lose_their_formatting_in_sender_id() -> None:
    data = b"May 17, 2022  5:29:42 PM\n+1 (555) 555-0100\nhello\n\n"
    frame = read_imessage(Source.from_bytes(data, "x.txt"), ReadContext(tz="UTC"))
    assert frame[["sender", "sender_id"]].values.tolist() == [["+1 (555) 555-0100", "+15555550100"]]


def test_slash_words_are_text_not_attachments() -> None:
    data = b"May 17, 2022  5:29:42 PM\nMe\n/shrug\n\n"
    frame = read_imessage(Source.from_bytes(data, "x.txt"), ReadContext(tz="UTC"))
    assert frame[["text", "kind"]].values.tolist() == [["/shrug", "text"]]


def test_impossible_date_is_a_skipped_record() -> None:
    data = b"Feb 30, 2022  1:00:00 AM\nMe\nnope\n\nMar 01, 2022  1:00:00 AM\nMe\nyes\n\n"
    ctx = ReadContext(tz="UTC")
    frame = read_imessage(Source.from_bytes(data, "x.txt"), ctx)
    assert frame["text"].tolist() == ["yes"]
    assert [s.line for s in ctx.report.skipped] == [1]


def test_me_and_sender_id_mean_the_same_in_signal_sms_and_imessage() -> None:
    signal = b"[2024-06-01 09:15:02] Ana: hi  \n\n[2024-06-01 09:16:00] Me: hello  \n\n"
    sms = (
        b'<smses count="2"><sms address="+15555550100" date="1717233302000" type="1" body="hi" '
        b'contact_name="Ana" /><sms address="+15555550100" date="1717233360000" type="2" body="hello" '
        b'contact_name="Ana" /></smses>'
    )
    imessage = b"Jun 01, 2024  9:15:02 AM\n+15555550100\nhi\n\nJun 01, 2024  9:16:00 AM\nMe\nhello\n\n"
    frames = [
        rc.read_chat(data, format=fmt, tz="UTC", me="Kim")
        for data, fmt in ((signal, "signal"), (sms, "sms"), (imessage, "imessage"))
    ]
    for frame in frames:
        assert frame["is_me"].tolist() == [False, True]
        assert frame["sender"].tolist()[1] == "Kim"
        assert pd.isna(frame["sender_id"].iloc[1])
        assert frame["text"].tolist() == ["hi", "hello"]
    assert [f["sender_id"].iloc[0] for f in frames][1:] == ["+15555550100", "+15555550100"]
