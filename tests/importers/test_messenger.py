"""Messenger / Instagram DYI JSON: golden files, thread folders, mojibake repair, sniffing."""

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
from reciprocal.importers.messenger import fix_mojibake

from ._golden import check_golden

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (GOLDEN / "messenger" / "inbox" / "jorgeperez_8731", "messenger"),
        (GOLDEN / "messenger" / "correct_utf8.json", "messenger"),
        (GOLDEN / "messenger" / "e2ee_secure_storage.json", "messenger"),
        (GOLDEN / "instagram" / "inbox" / "sam.sample_1784", "instagram"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def testcheck_golden(path: Path, fmt: str) -> None:
    check_golden(path, fmt)


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("J\u00e2\u009d\u00a4\u00ef\u00b8\u008fhn", "J❤️hn"),
        ("Jorge P\u00c3\u00a9rez", "Jorge Pérez"),
        ("plain ascii", "plain ascii"),
        ("café", "café"),  # correct Latin-1 range text that is not UTF-8 bytes: kept
        ("\u201ccaf\u00c3\u00a9\u201d", "\u201ccaf\u00c3\u00a9\u201d"),  # a code point >= 256: kept
        ("\u00c3", "\u00c3"),  # a lone lead byte does not decode: kept
        ("", ""),
    ],
)
def test_mojibake_repair_is_guarded(raw: str, fixed: str) -> None:
    assert fix_mojibake(raw) == fixed


def test_thread_parts_share_the_chat_id_and_never_collide() -> None:
    folder = GOLDEN / "messenger" / "inbox" / "jorgeperez_8731"
    parts = [rc.read_chat(folder / f"message_{n}.json", format="messenger", tz="UTC") for n in (1, 2, 3)]
    assert {c for p in parts for c in p["chat_id"]} == {"jorgeperez_8731"}
    ids = [i for p in parts for i in p["message_id"]]
    assert len(ids) == len(set(ids)) == 15
    # message_1.json starts with a UTF-8 BOM and is the newest part
    assert parts[0]["timestamp"].min() > parts[1]["timestamp"].max() > parts[2]["timestamp"].max()


def test_thread_folder_is_sorted_oldest_first_and_repaired() -> None:
    df = rc.read_chat(GOLDEN / "messenger" / "inbox" / "jorgeperez_8731", tz="UTC")
    assert df["timestamp"].is_monotonic_increasing
    assert set(df["source"]) == {"messenger"}
    assert df["text"].iloc[0] == "¡Hola! ¿Qué tal?"
    assert sorted(set(df["sender"].dropna())) == ["Alex Example", "Jorge Pérez"]
    kinds = df["kind"].astype(str).value_counts().to_dict()
    assert kinds == {"text": 4, "media": 4, "reaction": 3, "call": 1, "deleted": 1, "sticker": 1, "system": 1}


def test_instagram_folder_is_detected_as_instagram() -> None:
    df = rc.read_chat(GOLDEN / "instagram" / "inbox" / "sam.sample_1784", tz="UTC")
    assert set(df["source"]) == {"instagram"}


@pytest.mark.parametrize("content", [b'{"messages": 3}', b"{broken", b"[]"])
def test_non_meta_json_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "message_1.json"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=r"message_1.json"):
        rc.read_chat(path, format="messenger", tz="UTC")


@pytest.mark.parametrize("name", ["messenger", "instagram"])
def test_conformance(name: str) -> None:
    from reciprocal.testing import check_importer

    check_importer(name)


@pytest.mark.parametrize(
    ("path", "name"),
    [(p, "messenger") for p in sorted((GOLDEN / "messenger").rglob("*.json"))]
    + [(p, "instagram") for p in sorted((GOLDEN / "instagram").rglob("*.json"))],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_conformance_on_golden_files(path: Path, name: str) -> None:
    from reciprocal.testing import check_importer

    check_importer(name, path, tz="Europe/Berlin")


def test_thread_inside_a_zip_archive_reads_like_the_folder(tmp_path: Path) -> None:
    import zipfile

    folder = GOLDEN / "messenger" / "inbox" / "jorgeperez_8731"
    archive = tmp_path / "facebook-alex.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(folder.glob("message_*.json")):
            zf.write(part, f"your_facebook_activity/messages/inbox/jorgeperez_8731/{part.name}")
    from_zip = rc.read_chat(archive, tz="UTC")
    from_folder = rc.read_chat(folder, tz="UTC")
    pd.testing.assert_frame_equal(from_zip, from_folder)


def _json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**40), 2**45)
        | st.text(max_size=12)
        | st.sampled_from(
            [
                "Generic",
                "Call",
                "Subscribe",
                "J\\u00c3\\u00a9",
                "Liked a message",
                "Reacted \\u2764 to your message",
            ]
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
            "participants",
            "title",
            "thread_path",
            "sender_name",
            "timestamp_ms",
            "content",
            "type",
            "is_unsent",
            "photos",
            "videos",
            "audio_files",
            "files",
            "gifs",
            "sticker",
            "uri",
            "reactions",
            "reaction",
            "actor",
            "timestamp",
            "call_duration",
            "users",
            "share",
            "link",
            "senderName",
            "text",
            "media",
            "threadName",
        ]
    )
)
def test_arbitrary_json_gives_a_valid_frame_or_a_reciprocal_error(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "message_1.json"
    path.write_text(
        json.dumps(
            {
                "messages": [doc, {"sender_name": "A", "timestamp_ms": 1700000000000, "content": doc}],
                "title": doc,
            }
        ),
        encoding="utf-8",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = rc.read_chat(path, format="messenger", tz="UTC")
    except rc.ReciprocalError as exc:
        # read_chat turns an importer crash into a ParseError saying so: that must never happen.
        assert "bug in the importer" not in str(exc)
        return
    rc.validate_messages(df)


def test_mojibake_repairs_are_counted_not_warned() -> None:
    folder = GOLDEN / "messenger" / "inbox" / "jorgeperez_8731"
    with warnings.catch_warnings():
        warnings.simplefilter("error", rc.ParseWarning)
        _, report = rc.read_chat(folder, format="messenger", tz="UTC", report=True)
    # names, contents and reaction emoji that were written byte by byte: 6 + 2 + 7 strings
    assert report.counts["messenger_mojibake_repaired"] == 15
    assert not report.skipped


def test_damaged_part_keeps_its_readable_messages(tmp_path: Path) -> None:
    # message_2.json holds, newest first: share, sticker, audio, unsent. Break the sticker's timestamp
    # and cut the file inside the unsent record (a truncated download).
    good = (GOLDEN / "messenger" / "inbox" / "jorgeperez_8731" / "message_2.json").read_bytes()
    lines = good.split(b"\n")
    broken = next(i for i, line in enumerate(lines) if b"1700003720000" in line)
    lines[broken] = lines[broken].replace(b"1700003720000", b"17000037x0000")
    cut = next(i for i, line in enumerate(lines) if b"1700003600000" in line)
    path = tmp_path / "jorgeperez_8731" / "message_2.json"
    path.parent.mkdir()
    path.write_bytes(b"\n".join(lines[: cut + 1]))
    with pytest.warns(rc.ParseWarning, match="damaged"):
        df, report = rc.read_chat(path, format="messenger", tz="UTC", report=True)
    assert list(df["kind"].astype(str)) == ["media", "text"]  # audio, share (oldest first)
    # every line of the two unreadable records is reported: the sticker's 7 lines (its "{" is the line
    # before the broken one, 0-based index broken - 1) and the 3 lines left of the cut-off record
    first = broken - 1  # 1-based number of the sticker record's opening line
    assert [s.line for s in report.skipped] == [*range(first, first + 7), cut - 1, cut, cut + 1]
    assert {s.reason for s in report.skipped} == {"part of a message record that is not valid JSON"}
    assert set(df["chat_id"]) == {"jorgeperez_8731"}
    with pytest.raises(ParseError) as info:
        rc.read_chat(path, format="messenger", tz="UTC", errors="raise")
    assert info.value.line == first
