"""WhatsApp through the public API: read_chat, zip exports, errors, the parse report, conformance."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal import schema
from reciprocal.errors import FormatError, ParseError, ParseWarning
from reciprocal.importers import ReadContext, Source, get_importer
from reciprocal.importers.whatsapp import EXAMPLE, read_whatsapp
from reciprocal.samples import sample_path
from reciprocal.testing import check_importer

ANDROID = (
    "1/15/24, 9:00\u202fPM - Ana: hi\n"
    "1/15/24, 9:02\u202fPM - Bo: IMG-20240115-WA0001.jpg (file attached)\n"
    "the view\n"
    "1/15/24, 9:03\u202fPM - Bo: hello\n"
)
IOS = (
    "[05/01/2024, 21:00:00] Ana: hi\n"
    "\u200e[05/01/2024, 21:02:00] Bo: \u200e<attached: 00000002-PHOTO-2024-01-05-21-02-00.jpg>\n"
    "[13/01/2024, 08:00:00] Bo: morning\n"
)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_conformance() -> None:
    frame = check_importer("whatsapp")
    assert frame["kind"].tolist() == ["system", "text", "text", "media", "text"]


def test_read_chat_txt(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Bo.txt"
    path.write_text(ANDROID, encoding="utf-8")
    frame = rc.read_chat(path, tz="Europe/Berlin")
    assert frame["chat_id"].unique().tolist() == ["Bo"]
    assert frame["message_id"].tolist() == ["1", "2", "3"]
    assert frame["source_order"].tolist() == [1, 2, 4]
    assert str(frame["timestamp"].dt.tz) == "Europe/Berlin"
    assert frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-01-15 21:00",
        "2024-01-15 21:02",
        "2024-01-15 21:03",
    ]
    assert frame["attachment"].tolist()[1] == "IMG-20240115-WA0001.jpg"
    assert frame["text"].tolist()[1] == "the view"
    assert (frame["source"] == "whatsapp").all()


def test_android_zip_with_media(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "WhatsApp Chat with Bo.zip",
        {
            "WhatsApp Chat with Bo.txt": ANDROID.encode(),
            "IMG-20240115-WA0001.jpg": b"\xff\xd8\xff\xe0" + bytes(2000),
        },
    )
    frame = rc.read_chat(path, tz="UTC")
    assert len(frame) == 3
    assert frame["chat_id"].unique().tolist() == ["Bo"]
    assert frame["kind"].tolist() == ["text", "media", "text"]


def test_ios_zip_with_media(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "WhatsApp Chat - Ana Souza.zip",
        {
            "_chat.txt": IOS.encode(),
            "00000002-PHOTO-2024-01-05-21-02-00.jpg": b"\xff\xd8\xff\xe0" + bytes(5000),
            "00000003-AUDIO-2024-01-05-21-03-00.opus": bytes(3000),
        },
    )
    frame = rc.read_chat(path, tz="UTC")
    assert frame["chat_id"].unique().tolist() == ["Ana Souza"]
    assert frame["sender"].tolist() == ["Ana", "Bo", "Bo"]
    assert frame["attachment"].tolist()[1] == "00000002-PHOTO-2024-01-05-21-02-00.jpg"
    assert frame["timestamp"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-05", "2024-01-13"]


def test_binary_stream_and_bytes() -> None:
    frame = rc.read_chat(io.BytesIO(IOS.encode()), tz="UTC", format="whatsapp")
    assert len(frame) == 3
    assert len(rc.read_chat(IOS.encode(), tz="UTC")) == 3


def test_bundled_sample() -> None:
    frame = rc.read_chat(sample_path("whatsapp"), tz="America/New_York")
    assert len(frame) == 305
    assert frame["kind"].value_counts().to_dict() == {
        "text": 296,
        "media": 6,
        "system": 2,
        "deleted": 1,
        **{k: 0 for k in ("sticker", "call", "location", "contact", "poll", "reaction")},
    }
    assert frame["sender"].value_counts().to_dict() == {"Maya": 157, "Jonah": 146}
    assert int(frame["edited"].sum()) == 1
    assert frame["text"].str.contains("\n\n", regex=False).sum() == 1


def test_not_a_chat_and_empty_are_format_errors(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("Sample User: no dates here\nTestBot: still none\n", encoding="utf-8")
    with pytest.raises(FormatError, match="notes.txt"):
        rc.read_chat(junk, tz="UTC")
    with pytest.raises(FormatError, match="notes.txt"):
        rc.read_chat(junk, tz="UTC", format="whatsapp")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(FormatError, match="blank.txt"):
        rc.read_chat(blank, tz="UTC", format="whatsapp")


def test_junk_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("exported by a tool\n" + ANDROID, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame, report = rc.read_chat(path, tz="UTC", report=True)
    assert len(frame) == 3
    assert [(s.line, s.reason) for s in report.skipped] == [(1, "text before the first message header")]
    assert any(issubclass(w.category, ParseWarning) for w in caught)
    with pytest.raises(ParseError, match=r"chat.txt:1"):
        rc.read_chat(path, tz="UTC", errors="raise")


def test_impossible_time_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("1/5/24, 9:00 PM - Ana: hi\n1/5/24, 23:59 PM - Bo: late\n", encoding="utf-8")
    with pytest.warns(ParseWarning):
        frame, report = rc.read_chat(path, tz="UTC", report=True)
    assert frame["timestamp"].dt.strftime("%H:%M").tolist() == ["21:00", "23:59"]
    assert [n.line for n in report.notes] == [2]


def test_dayfirst_override(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("01/02/24, 10:00 - A: x\n03/02/24, 10:00 - B: y\n", encoding="utf-8")
    first = rc.read_chat(path, tz="UTC", dayfirst=True)["timestamp"].dt.strftime("%m-%d").tolist()
    second = rc.read_chat(path, tz="UTC", dayfirst=False)["timestamp"].dt.strftime("%m-%d").tolist()
    assert first == ["02-01", "02-03"]
    assert second == ["01-02", "03-02"]


def test_invalid_utf8_is_kept_and_noted() -> None:
    data = b"1/15/24, 9:00 PM - Ana: caf" + b"\xe9\n" + b"1/15/24, 9:01 PM - Bo: ok\n"
    ctx = ReadContext(tz="UTC")
    frame = read_whatsapp(Source.from_bytes(data, "chat.txt"), ctx)
    assert frame["text"].tolist() == ["caf\ufffd", "ok"]
    assert [n.line for n in ctx.report.notes] == [1]


def test_out_of_order_export_is_sorted_with_source_order() -> None:
    data = b"1/15/24, 9:05 PM - Ana: b\n1/15/24, 9:00 PM - Bo: a\n1/15/24, 9:05 PM - Bo: c\n"
    frame = rc.read_chat(data, tz="UTC")
    assert frame["text"].tolist() == ["a", "b", "c"]
    assert frame["source_order"].tolist() == [2, 1, 3]


def test_input_is_not_mutated() -> None:
    data = bytearray(ANDROID.encode())
    before = bytes(data)
    rc.read_chat(bytes(data), tz="UTC")
    assert bytes(data) == before


def test_sniffer_scores() -> None:
    spec = get_importer("whatsapp")
    assert spec.score(Source.from_bytes(EXAMPLE.encode(), "chat.txt")) >= 0.5
    assert spec.score(Source.from_bytes(IOS.encode(), "_chat.txt")) >= 0.5
    assert spec.score(Source.from_bytes(b"Sample User: hi\nTestBot: nope\n", "x.txt")) == 0.0
    signal_md = b"[2022-08-10 19:33] Me: Test message  \n[2022-08-10 19:34] Me: again  \n"
    assert spec.score(Source.from_bytes(signal_md, "chat.md")) < 0.5


def test_frame_validates_and_has_exact_dtypes() -> None:
    frame = read_whatsapp(Source.from_bytes(EXAMPLE.encode(), "x.txt"), ReadContext(tz="UTC"))
    schema.validate_messages(schema.sort_messages(frame))
    assert frame["is_me"].isna().all()
    assert frame["reply_to"].isna().all() and frame["sender_id"].isna().all()
    assert isinstance(frame["timestamp"].dtype, pd.DatetimeTZDtype)
