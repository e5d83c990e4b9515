"""DiscordChatExporter JSON: golden files, replies, system types, reactions."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reciprocal as rc
from reciprocal.errors import FormatError, ParseError

from ._golden import check_golden

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("path", sorted((GOLDEN / "discord").glob("*.json")), ids=lambda p: p.stem)
def testcheck_golden(path: Path) -> None:
    check_golden(path, "discord")


def test_replies_system_rows_and_reactions() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        df = rc.read_chat(GOLDEN / "discord" / "group_dm.json", tz="UTC")
    assert set(df["source"]) == {"discord"}
    by_id = df.set_index("message_id")
    # a reply into the same channel links; a reply into another channel does not
    assert by_id.loc["300000000000000003", "reply_to"] == "300000000000000002"
    assert pd.isna(by_id.loc["300000000000000004", "reply_to"])
    system = df[df["kind"] == "system"]
    assert list(system["text"]) == [
        "Alex: RecipientAdd: Added Kim to the group.",
        "Kim: ChannelNameChange: trip crew",
        "Alex: ChannelPinnedMessage",
        "Kim: RecipientRemove",
    ]
    assert system["sender"].isna().all()
    reactions = df[df["kind"] == "reaction"]
    assert list(reactions["sender"]) == ["Sam", "Kim"]
    assert set(reactions["reply_to"]) == {"300000000000000002"}
    assert bool(by_id.loc["300000000000000003", "edited"]) is True


def test_timestamp_offsets_are_absolute() -> None:
    df = rc.read_chat(GOLDEN / "discord" / "guild_channel.json", tz="Europe/London")
    assert [t.isoformat() for t in df["timestamp"]] == [
        "2020-01-01T00:00:00+00:00",
        "2020-01-01T00:00:30.500000+00:00",
        "2020-01-01T06:00:00+00:00",
    ]
    assert set(df["chat_id"]) == {"Synth Club #general"}


def test_broken_record_is_reported_with_its_record_number() -> None:
    with pytest.raises(ParseError) as info:
        rc.read_chat(GOLDEN / "discord" / "group_dm.json", format="discord", tz="UTC", errors="raise")
    assert info.value.line == 12


@pytest.mark.parametrize("content", [b'{"messages": []}', b"{oops", b'{"guild": {}, "channel": {}}'])
def test_non_discord_json_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "channel.json"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=r"channel.json"):
        rc.read_chat(path, format="discord", tz="UTC")


def test_conformance() -> None:
    from reciprocal.testing import check_importer

    check_importer("discord")


@pytest.mark.parametrize("path", sorted((GOLDEN / "discord").glob("*.json")), ids=lambda p: p.stem)
def test_conformance_on_golden_files(path: Path) -> None:
    from reciprocal.testing import check_importer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        check_importer("discord", path, tz="Europe/Berlin")


def _json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**40), 2**45)
        | st.text(max_size=12)
        | st.sampled_from(
            ["Default", "Reply", "Call", "RecipientAdd", "2024-01-01T10:00:00+02:00", "Direct Messages"]
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
            "guild",
            "channel",
            "messages",
            "id",
            "type",
            "name",
            "timestamp",
            "timestampEdited",
            "content",
            "author",
            "nickname",
            "attachments",
            "fileName",
            "stickers",
            "reactions",
            "emoji",
            "count",
            "users",
            "reference",
            "messageId",
            "channelId",
        ]
    )
)
def test_arbitrary_json_gives_a_valid_frame_or_a_reciprocal_error(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "channel.json"
    path.write_text(
        json.dumps(
            {
                "guild": doc,
                "channel": {"id": "1", "name": "c"},
                "messages": [
                    doc,
                    {
                        "id": "5",
                        "type": "Default",
                        "timestamp": "2024-01-01T10:00:00+00:00",
                        "author": {"id": "1", "name": "a"},
                        "content": "x",
                        "reactions": doc,
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = rc.read_chat(path, format="discord", tz="UTC")
    except rc.ReciprocalError as exc:
        # read_chat turns an importer crash into a ParseError saying so: that must never happen.
        assert "bug in the importer" not in str(exc)
        return
    rc.validate_messages(df)


def test_unattributed_reactions_are_counted_in_the_report() -> None:
    # 🚆 has count 3 with 2 users listed; the custom emoji has count 1 and no users: 2 reactions
    # cannot be given to a person and are counted instead of becoming rows.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ParseWarning)
        df, report = rc.read_chat(GOLDEN / "discord" / "group_dm.json", tz="UTC", report=True)
    assert report.counts["discord_reactions_without_user"] == 2
    assert int((df["kind"] == "reaction").sum()) == 2
    assert [(s.line, s.reason) for s in report.skipped] == [(12, "message has no readable 'timestamp'")]
