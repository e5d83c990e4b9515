"""Telegram Desktop result.json: golden files, text joining, chat selection, time rules."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reciprocal as rc
from reciprocal.errors import ConfigError, FormatError, ParseError
from reciprocal.importers.telegram import join_text

from ._golden import check_golden

GOLDEN = Path(__file__).parent / "golden" / "telegram"
CASES = sorted(p for p in GOLDEN.glob("*.json") if not p.name.endswith(".options.json"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def testcheck_golden(path: Path) -> None:
    check_golden(path, "telegram")


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (["a", {"type": "bold", "text": "b"}, " c"], "ab c"),
        (
            [{"type": "bold", "text": "Link:"}, {"type": "link", "text": "https://telegram.org/"}],
            "Link:https://telegram.org/",
        ),
        (
            [
                {"type": "custom_emoji", "text": "🙂", "document_id": "1"},
                "\n",
                {"type": "pre", "text": "x = 1"},
            ],
            "🙂\nx = 1",
        ),
    ],
)
def test_text_parts_are_joined_without_separator(text: Any, joined: str) -> None:
    assert join_text(text) == joined


def test_old_export_reads_date_as_wall_clock_in_tz() -> None:
    path = GOLDEN / "old_no_unixtime.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        berlin = rc.read_chat(path, format="telegram", tz="Europe/Berlin")
        tokyo = rc.read_chat(path, format="telegram", tz="Asia/Tokyo")
    # the same wall clock in two zones; 02:30 on the spring-forward night does not exist in Berlin
    assert berlin["timestamp"].iloc[0].isoformat() == "2021-03-27T23:50:00+01:00"
    assert tokyo["timestamp"].iloc[0].isoformat() == "2021-03-27T23:50:00+09:00"
    assert berlin["timestamp"].iloc[3].isoformat() == "2021-03-28T03:00:00+02:00"


def test_broken_record_is_reported_with_its_record_number() -> None:
    with pytest.raises(ParseError) as info:
        rc.read_chat(GOLDEN / "old_no_unixtime.json", format="telegram", tz="UTC", errors="raise")
    assert info.value.line == 12
    assert "old_no_unixtime.json" in str(info.value)


def test_chat_option_picks_chats_of_a_full_account_export() -> None:
    path = GOLDEN / "full_account.json"
    one = rc.read_chat(path, format="telegram", tz="UTC", chat="Sam Sample")
    assert set(one["chat_id"]) == {"Sam Sample"}
    by_id = rc.read_chat(path, format="telegram", tz="UTC", chat=[7200, "Old team"])
    assert sorted(set(by_id["chat_id"])) == ["Book club (7200)", "Old team"]
    with pytest.raises(ConfigError, match=r"'Nobody'.*'Sam Sample'"):
        rc.read_chat(path, format="telegram", tz="UTC", chat="Nobody")


def test_reaction_time_uses_the_exporting_pcs_offset() -> None:
    # message 2: date 18:03 local, date_unixtime 17:03 UTC -> the PC was at UTC+1; the reaction's
    # recent[].date 18:04 local is 17:04 UTC.
    df = rc.read_chat(GOLDEN / "full_account.json", format="telegram", tz="UTC", chat="Sam Sample")
    reaction = df[df["kind"] == "reaction"].iloc[0]
    assert reaction["timestamp"].isoformat() == "2024-11-02T17:04:00+00:00"
    assert (reaction["sender"], reaction["text"], reaction["reply_to"]) == ("Alex Example", "❤", "2")


@pytest.mark.parametrize("content", [b"[1, 2]", b'{"name": "x"}', b"{not json"])
def test_non_telegram_json_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=r"result.json"):
        rc.read_chat(path, format="telegram", tz="UTC")


def test_conformance() -> None:
    from reciprocal.testing import check_importer

    check_importer("telegram")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_conformance_on_golden_files(path: Path) -> None:
    from reciprocal.testing import check_importer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        check_importer("telegram", path, tz="Europe/Berlin")


def _json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**40), 2**45)
        | st.text(max_size=12)
        | st.sampled_from(
            ["message", "service", "phone_call", "2024-01-01T10:00:00", "1700000000", "sticker", "user1"]
        )
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(keys), inner, max_size=6),
        max_leaves=30,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=_json_values(
        [
            "messages",
            "chats",
            "list",
            "left_chats",
            "name",
            "id",
            "type",
            "date",
            "date_unixtime",
            "from",
            "from_id",
            "text",
            "reply_to_message_id",
            "reactions",
            "recent",
            "emoji",
            "count",
            "action",
            "actor",
            "media_type",
            "photo",
            "file",
            "poll",
            "personal_information",
            "user_id",
            "edited",
            "sticker_emoji",
            "document_id",
        ]
    )
)
def test_arbitrary_json_gives_a_valid_frame_or_a_reciprocal_error(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        json.dumps(
            {
                "messages": [
                    doc,
                    {"id": 1, "type": "message", "date_unixtime": "1700000000", "from": "A", "text": doc},
                ]
            }
        ),
        encoding="utf-8",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = rc.read_chat(path, format="telegram", tz="UTC")
    except rc.ReciprocalError as exc:
        # read_chat turns an importer crash into a ParseError saying so: that must never happen.
        assert "bug in the importer" not in str(exc)
        return
    rc.validate_messages(df)


def test_reactions_without_listed_senders_are_counted_in_the_report() -> None:
    # ❤ count 1 (1 listed), custom emoji count 2 (1 listed), 👍 count 3 (none listed) -> 4 counted
    df, report = rc.read_chat(GOLDEN / "full_account.json", format="telegram", tz="UTC", report=True)
    assert report.counts["telegram_reactions_without_sender"] == 4
    assert int((df["kind"] == "reaction").sum()) == 2
    assert list(df.loc[df["chat_id"] == "Sam Sample", "is_me"]) == [True, False, True, False, False]
