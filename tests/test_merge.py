"""merge_chats: one relationship read from several channels becomes one chat."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal import schema
from reciprocal.errors import ConfigError, ReciprocalWarning
from reciprocal.merge import MergeReport, merge_chats

# The same relationship (Alex and Sam) split over two channels. WhatsApp keeps wall-clock minutes in
# Europe/Berlin; the SMS backup keeps absolute milliseconds. Two messages (10:02 "see you at 6" and
# 10:03 "👍") were sent while both apps were mirroring, so they are in both exports.
WHATSAPP = schema.make_messages(
    {
        "timestamp": ["2024-05-01 10:00", "2024-05-01 10:01", "2024-05-01 10:02", "2024-05-01 10:03"],
        "sender": ["Sam R", "Alex", "Sam R", "Alex"],
        "is_me": [False, True, False, True],
        "text": ["lunch?", "sure, where?", "see you at 6", "👍"],
        "reply_to": [None, "1", None, None],
    },
    tz="Europe/Berlin",
    source="whatsapp",
    chat_id="Sam R",
)
SMS = schema.make_messages(
    {
        # UTC: 08:02:41.5 = 10:02:41.5 Berlin (CEST) etc.
        "timestamp": [
            "2024-05-01 08:02:41.500+00:00",
            "2024-05-01 08:03:05.000+00:00",
            "2024-05-01 08:30:00.000+00:00",
            "2024-05-01 08:31:00.000+00:00",
        ],
        "sender": ["+1 555 0100", "Me", "+1 555 0100", "Me"],
        "sender_id": ["+15550100", None, "+15550100", None],
        "is_me": [False, True, False, True],
        "text": ["see you at 6", "👍", "running late", "no worries"],
        "message_id": ["s1", "s2", "s3", "s4"],
        "reply_to": [None, None, "s1", "s3"],
    },
    tz="UTC",
    source="sms",
    chat_id="+15550100",
)
PEOPLE = {"Sam": ["Sam R", "+1 (555) 0100"], "Alex": ["Me"]}


def test_merge_unifies_names_and_drops_cross_channel_duplicates() -> None:
    merged, report = merge_chats([WHATSAPP, SMS], people=PEOPLE, report=True)
    got = [
        (t.strftime("%H:%M:%S"), s, x, src)
        for t, s, x, src in zip(
            merged["timestamp"], merged["sender"], merged["text"], merged["source"], strict=True
        )
    ]
    assert got == [
        ("10:00:00", "Sam", "lunch?", "whatsapp"),
        ("10:01:00", "Alex", "sure, where?", "whatsapp"),
        ("10:02:00", "Sam", "see you at 6", "whatsapp"),
        ("10:03:00", "Alex", "👍", "whatsapp"),
        ("10:30:00", "Sam", "running late", "sms"),
        ("10:31:00", "Alex", "no worries", "sms"),
    ]
    assert str(merged["timestamp"].dt.tz) == "Europe/Berlin"
    assert set(merged["chat_id"]) == {"Sam & Alex"}
    assert list(merged["is_me"]) == [False, True, False, True, False, True]
    assert list(merged["source_order"]) == [1, 2, 3, 4, 5, 6]
    # the SMS reply to the dropped SMS copy of "see you at 6" now points at the kept WhatsApp row
    assert list(merged["reply_to"].fillna("-")) == [
        "-",
        "whatsapp:Sam R:1",
        "-",
        "-",
        "whatsapp:Sam R:3",
        "sms:+15550100:s3",
    ]
    assert report == MergeReport(
        chat_id="Sam & Alex",
        rows_in=8,
        rows_out=6,
        duplicates=2,
        duplicates_by_source={"sms": 2},
        renamed={"Sam R": "Sam", "+1 555 0100": "Sam", "+15550100": "Sam", "Me": "Alex"},
        unmatched=(),
    )
    schema.validate_messages(merged)


def test_merge_warns_with_the_duplicate_count_when_no_report_is_asked() -> None:
    with pytest.warns(ReciprocalWarning, match=r"dropped 2 message\(s\).*sms: 2"):
        merged = merge_chats([WHATSAPP, SMS], people=PEOPLE)
    assert len(merged) == 6


def test_merge_keeps_repeats_inside_one_frame() -> None:
    a = schema.make_messages(
        {
            "timestamp": ["2024-01-01 10:00:05", "2024-01-01 10:00:40"],
            "sender": ["Sam", "Sam"],
            "text": ["ok", "ok"],
        },
        source="signal",
        chat_id="s",
    )
    b = schema.make_messages(
        {"timestamp": ["2024-01-01 10:00:00"], "sender": ["Sam"], "text": ["ok"]},
        source="whatsapp",
        chat_id="w",
    )
    merged, report = merge_chats([a, b], people={"Sam": []}, report=True)
    # one "ok" of b matches the first "ok" of a; a's second "ok" is a real repeat and stays
    assert report.duplicates == 1
    assert list(merged["source"]) == ["signal", "signal"]


def test_merge_precision_controls_the_duplicate_window() -> None:
    a = schema.make_messages(
        {"timestamp": ["2024-01-01 10:00:00"], "sender": ["Sam"], "text": ["hi"]},
        source="whatsapp",
        chat_id="w",
    )
    b = schema.make_messages(
        {"timestamp": ["2024-01-01 10:00:30"], "sender": ["Sam"], "text": ["hi"]}, source="sms", chat_id="s"
    )
    assert merge_chats([a, b], report=True)[1].duplicates == 1
    assert merge_chats([a, b], precision="1s", report=True)[1].duplicates == 0


def test_merge_converts_to_the_requested_zone_and_names_the_chat() -> None:
    merged = merge_chats([SMS], tz="America/New_York", chat_id="sam")
    assert merged["timestamp"].iloc[0].isoformat() == "2024-05-01T04:02:41.500000-04:00"
    assert set(merged["chat_id"]) == {"sam"}
    # without people= nothing is renamed and the chat is named after its inputs
    assert merge_chats([WHATSAPP, SMS], report=True)[1].chat_id == "Sam R + +15550100"


def test_merge_matches_a_phone_number_without_country_code() -> None:
    a = schema.make_messages(
        {"timestamp": ["2024-01-01 10:00"], "sender": ["0044 20 7946 0018"], "text": ["a"]},
        source="sms",
        chat_id="x",
    )
    b = schema.make_messages(
        {"timestamp": ["2024-01-01 11:00"], "sender": ["x"], "sender_id": ["207 946 0018"], "text": ["b"]},
        source="signal",
        chat_id="y",
    )
    merged = merge_chats([a, b], people={"Kim": ["+44 20 7946 0018"]})
    assert list(merged["sender"]) == ["Kim", "Kim"]


def test_merge_rejects_an_alias_given_to_two_people_and_empty_input() -> None:
    with pytest.raises(ConfigError, match="'me' to both 'Sam' and 'Alex'"):
        merge_chats([SMS], people={"Sam": ["Me"], "Alex": ["me"]})
    with pytest.raises(ConfigError):
        merge_chats([])
    with pytest.raises(ConfigError, match="precision"):
        merge_chats([SMS], precision="soon")


def test_merge_does_not_mutate_its_inputs() -> None:
    before_a, before_b = WHATSAPP.copy(), SMS.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReciprocalWarning)
        merge_chats([WHATSAPP, SMS], people=PEOPLE)
    pd.testing.assert_frame_equal(WHATSAPP, before_a)
    pd.testing.assert_frame_equal(SMS, before_b)


def test_merge_is_analysed_like_the_hand_merged_chat() -> None:
    import reciprocal

    analyze = getattr(reciprocal, "analyze", None)
    if analyze is None:
        pytest.skip("analyze() not on this branch yet")
    merged, _ = merge_chats([WHATSAPP, SMS], people=PEOPLE, report=True)
    by_hand = schema.make_messages(
        {
            "timestamp": [
                "2024-05-01 10:00",
                "2024-05-01 10:01",
                "2024-05-01 10:02",
                "2024-05-01 10:03",
                "2024-05-01 10:30",
                "2024-05-01 10:31",
            ],
            "sender": ["Sam", "Alex", "Sam", "Alex", "Sam", "Alex"],
            "is_me": [False, True, False, True, False, True],
            "text": ["lunch?", "sure, where?", "see you at 6", "👍", "running late", "no worries"],
        },
        tz="Europe/Berlin",
        source="hand",
        chat_id="Sam & Alex",
    )
    a = analyze(merged, bootstrap=50, seed=1)
    b = analyze(by_hand, bootstrap=50, seed=1)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.dyads, b.dyads)


_texts = st.sampled_from(["hi", "ok", "lol", "see you", "👍"])
_people = st.sampled_from(["Sam", "Alex"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), _people, _texts), min_size=1, max_size=30))
def test_merging_a_frame_with_a_copy_of_itself_drops_exactly_the_copy(
    rows: list[tuple[int, str, str]],
) -> None:
    frame = schema.make_messages(
        {
            "timestamp": [
                pd.Timestamp("2024-01-01 00:00", tz="UTC") + pd.Timedelta(seconds=s) for s, _, _ in rows
            ],
            "sender": [p for _, p, _ in rows],
            "text": [t for _, _, t in rows],
        },
        source="csv",
        chat_id="c",
    )
    copy = frame.assign(source=pd.array(["sms"] * len(frame), dtype=schema.STRING))
    merged, report = merge_chats([frame, copy], report=True)
    assert report.duplicates == len(frame)
    assert len(merged) == len(frame)
    assert set(merged["source"]) == {"csv"}
    expected = schema.sort_messages(frame)
    assert list(merged["text"]) == list(expected["text"])
    assert list(merged["timestamp"]) == list(expected["timestamp"])


def test_read_chat_merges_a_folder_of_several_formats_with_people(tmp_path) -> None:
    import json

    import reciprocal as rc

    # Telegram (absolute times) and a CSV from an SMS tool (epoch ms) for the same two people;
    # "on my way" is in both exports.
    telegram = {
        "name": "Sam",
        "type": "personal_chat",
        "id": 1,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date_unixtime": "1714550400",
                "from": "Sam R",
                "from_id": "user2",
                "text": "on my way",
            },
            {
                "id": 2,
                "type": "message",
                "date_unixtime": "1714550460",
                "from": "Alex E",
                "from_id": "user1",
                "text": "great",
                "reply_to_message_id": 1,
            },
        ],
    }
    (tmp_path / "result.json").write_text(json.dumps(telegram), encoding="utf-8")
    (tmp_path / "sms.csv").write_text(
        "timestamp,sender,text,direction\n"
        "1714550410000,+1 555 0100,on my way,in\n"
        "1714554000000,Me,home now,out\n",
        encoding="utf-8",
    )
    people = {"Sam": ["Sam R", "+15550100"], "Alex": ["Alex E", "Me"]}
    with pytest.warns(
        rc.ParseWarning, match=r"1 message\(s\) present in more than one export were kept once"
    ):
        df, report = rc.read_chat(tmp_path, tz="UTC", people=people, me="Alex", report=True)
    assert [
        (t.strftime("%H:%M:%S"), s, x, src)
        for t, s, x, src in zip(df["timestamp"], df["sender"], df["text"], df["source"], strict=True)
    ] == [
        ("08:00:00", "Sam", "on my way", "telegram"),
        ("08:01:00", "Alex", "great", "telegram"),
        ("09:00:00", "Alex", "home now", "csv"),
    ]
    assert set(df["chat_id"]) == {"Sam & Alex"}
    assert list(df["is_me"]) == [False, True, True]
    assert df["reply_to"].iloc[1] == "telegram:Sam:1"
    assert report.counts["merged_duplicates"] == 1
