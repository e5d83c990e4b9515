"""Signal importer: golden files for every variant, conformance, sniffing, folder exports, errors."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal.importers import ReadContext, Source, get_importer
from reciprocal.importers.signal import chat_id_for, read_signal
from reciprocal.testing import check_importer

from ._golden import records

GOLDEN = Path(__file__).parent / "golden" / "signal"
FILES = sorted(p for p in GOLDEN.rglob("*") if p.suffix in (".md", ".json", ".txt"))
CASES = [p for p in FILES if p.parent == GOLDEN] + [GOLDEN / "folder"]


def _check_golden(path: Path, frame: pd.DataFrame) -> None:
    expected_path = path.with_name(path.name + ".expected.jsonl")
    got = records(frame)
    if os.environ.get("RECIPROCAL_UPDATE_GOLDEN"):
        expected_path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got), encoding="utf-8"
        )
    expected = [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines()]
    assert got == expected


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = rc.read_chat(path, tz="UTC")
    _check_golden(path, frame)


def test_conformance() -> None:
    frame = check_importer("signal", tz="Europe/Berlin")
    assert list(frame["kind"]) == ["text", "text", "reaction", "media"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_is_sniffed_as_signal(path: Path) -> None:
    assert rc.importers.detect(Source.from_path(path)) == "signal"


def test_folder_yields_one_chat_per_subfolder_and_skips_duplicate_data_json() -> None:
    frame, report = rc.read_chat(GOLDEN / "folder", tz="UTC", report=True)
    assert sorted(frame["chat_id"].unique()) == ["Aya Kim", "Group Trip"]
    assert [Path(n).name for n in report.formats] == ["chat.md", "data.json"]
    assert any("not read" in n.message and n.source.endswith("Aya Kim/data.json") for n in report.notes)


def test_quote_of_a_quote_links_each_reply_to_its_own_target() -> None:
    frame = rc.read_chat(GOLDEN / "folder" / "Aya Kim" / "chat.md", tz="UTC")
    by_id = frame.set_index("message_id")
    assert by_id.loc["2", "reply_to"] == "1"  # "yes, 12:30" quotes the question
    assert by_id.loc["5", "reply_to"] == "2"  # which is quoted in turn
    assert by_id.loc["5", "text"] == "great, see you there\nbring the map"
    assert not frame["text"].fillna("").str.contains("> ").any()


def test_unresolved_quote_is_counted_and_kept_out_of_text() -> None:
    _, report = rc.read_chat(GOLDEN / "folder" / "Aya Kim" / "chat.md", tz="UTC", report=True)
    assert report.counts["signal_quotes_unresolved"] == 1


def test_me_renames_the_exporter_and_keeps_direction() -> None:
    frame = rc.read_chat(GOLDEN / "md_2022.md", tz="UTC", me="Kim")
    assert list(frame["sender"]) == ["Kim", "Bo", "Kim", "Bo"]
    assert list(frame["is_me"]) == [True, False, True, False]


def test_exporttxt_direction_comes_from_me_only() -> None:
    path = GOLDEN / "Aya Kim (_id3).txt"
    assert rc.read_chat(path, tz="UTC")["is_me"].isna().all()
    frame = rc.read_chat(path, tz="UTC", me="Sam")
    mine = frame.loc[frame["kind"] != "system", "is_me"].tolist()
    assert mine == [False, True, False, True, True, False, True, False, True]


def test_wall_clock_times_are_localised_in_tz() -> None:
    frame = rc.read_chat(GOLDEN / "md_2019.md", tz="America/New_York")
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2019-05-29 15:04", tz="America/New_York")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("export.zip:Aya Kim/chat.md", "Aya Kim"),
        ("export.zip:Aya Kim/data.json", "Aya Kim"),
        ("chat.md", "chat"),
        ("Aya Kim (_id3).txt", "Aya Kim (_id3)"),
        ("/home/u/sig/Group Trip/chat.md", "Group Trip"),
    ],
)
def test_chat_id_for(name: str, expected: str) -> None:
    assert chat_id_for(Source.from_bytes(b"x", name)) == expected


def test_not_signal_is_a_format_error_naming_the_file() -> None:
    with pytest.raises(rc.FormatError, match=r"notes\.md"):
        read_signal(Source.from_bytes(b"just some notes\n", "notes.md"), ReadContext(tz="UTC"))


def test_impossible_date_is_skipped_with_its_line() -> None:
    data = b"[2024-13-01 10:00:00] Aya: bad month  \n\n[2024-06-01 10:00:00] Aya: fine  \n"
    ctx = ReadContext(tz="UTC")
    frame = read_signal(Source.from_bytes(data, "chat.md"), ctx)
    assert list(frame["text"]) == ["fine"]
    assert [(s.line, "impossible date" in s.reason) for s in ctx.report.skipped] == [(1, True)]
    with pytest.raises(rc.ParseError, match=r"chat\.md:1"):
        read_signal(Source.from_bytes(data, "chat.md"), ReadContext(tz="UTC", errors="raise"))


def test_broken_json_line_is_skipped() -> None:
    good = '{"date": "2024-07-01T10:00:00", "sender": "Cam", "body": "hi  ", "quote": ""}'
    ctx = ReadContext(tz="UTC")
    frame = read_signal(Source.from_bytes(f"{good}\n{{not json\n{good}\n".encode(), "data.json"), ctx)
    assert len(frame) == 2
    assert [s.line for s in ctx.report.skipped] == [2]


def test_sniffer_leaves_whatsapp_like_txt_alone() -> None:
    # Some WhatsApp locales write "[2019-12-24 12:23:45] Name: text" too; without signal-export's
    # marks a .txt file is not claimed.
    spec = get_importer("signal")
    plain = Source.from_bytes(
        b"[2019-12-24 12:23:45] Jane: Hello\n[2019-12-24 12:24:00] John: Hi\n", "chat.txt"
    )
    assert spec.score(plain) < 0.5
    assert spec.score(Source.from_bytes(b"<smses count='0'></smses>", "sms.xml")) == 0.0


def test_data_json_with_a_first_record_longer_than_the_sniffed_head() -> None:
    line = '{"date": "2024-07-01T10:00:00", "sender": "Cam", "body": "' + "x" * 70_000 + '  ", "quote": ""}\n'
    src = Source.from_bytes(line.encode(), "Cam/data.json")
    assert rc.importers.detect(src) == "signal"
    frame = read_signal(src, ReadContext(tz="UTC"))
    assert frame["text"].str.len().tolist() == [70_000]
    assert frame["chat_id"].tolist() == ["Cam"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("[Jul 10, 2023 01:23:45]", "2023-07-10 01:23:45"),
        ("[Mär 05, 2023 21:00:00]", "2023-03-05 21:00:00"),
        ("[déc. 24, 2022 08:05:09]", "2022-12-24 08:05:09"),
        ("[2023-07-10 01:23]", "2023-07-10 01:23:00"),
    ],
)
def test_exporttxt_dates_in_several_locales(header: str, expected: str) -> None:
    data = f"{header} <Aya> hi\n".encode()
    frame = read_signal(Source.from_bytes(data, "Aya (_id1).txt"), ReadContext(tz="UTC"))
    assert frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [expected]


def test_exporttxt_unknown_month_is_skipped_not_guessed() -> None:
    data = b"[Xyz 10, 2023 01:23:45] <Aya> hi\n[Jul 10, 2023 01:24:00] <Aya> there\n"
    ctx = ReadContext(tz="UTC")
    frame = read_signal(Source.from_bytes(data, "Aya (_id1).txt"), ctx)
    assert frame["text"].tolist() == ["there"]
    assert [s.line for s in ctx.report.skipped] == [1]


def test_quote_with_backticks_finds_the_body_they_were_stripped_from() -> None:
    data = (
        "[2024-06-01 10:00:00] Aya: run make test  \n\n"
        "[2024-06-01 10:01:00] Me: \n\n> run `make test`\n\ndone  \n\n"
    )
    frame = read_signal(Source.from_bytes(data.encode(), "chat.md"), ReadContext(tz="UTC"))
    assert frame["reply_to"].tolist()[1] == "1"
