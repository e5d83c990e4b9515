"""read_chat dispatch: files, archives, folders, streams; errors=; me=; limits. Uses the toy 'pipe' format."""

from __future__ import annotations

import io
import warnings
import zipfile

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal.importers import Limits

CHAT = "PIPE\n2024-01-01T10:00|Ana|hi\n2024-01-01T10:05|Ben|hello: there\n2024-01-01T09:00|Ana|earlier\n"


def test_single_file_is_sniffed_sorted_and_validated(tmp_path, pipe_format):
    p = tmp_path / "ana.pipe"
    p.write_text(CHAT, encoding="utf-8")
    df = rc.read_chat(p, tz="UTC")
    assert df["text"].tolist() == ["earlier", "hi", "hello: there"]
    assert df["source_order"].tolist() == [4, 2, 3]
    assert df["chat_id"].unique().tolist() == ["ana"]
    assert df["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 09:00", tz="UTC")


def test_bytes_stream_and_zip_give_the_same_frame(tmp_path, pipe_format):
    p = tmp_path / "ana.pipe"
    p.write_text(CHAT, encoding="utf-8")
    from_path = rc.read_chat(p, tz="UTC")
    with open(p, "rb") as fh:
        from_stream = rc.read_chat(fh, tz="UTC")
    pd.testing.assert_frame_equal(from_path, from_stream)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ana.pipe", CHAT)
        zf.writestr("IMG-0001.jpg", b"\xff\xd8\xff")
    from_zip = rc.read_chat(buf.getvalue(), tz="UTC")
    assert from_zip["text"].tolist() == from_path["text"].tolist()
    assert from_zip["chat_id"].unique().tolist() == ["ana"]


def test_folder_reads_each_chat_and_notes_foreign_files(tmp_path, pipe_format):
    (tmp_path / "a.pipe").write_text(CHAT, encoding="utf-8")
    (tmp_path / "b.pipe").write_text("PIPE\n2024-02-01T10:00|Cy|yo\n", encoding="utf-8")
    (tmp_path / "notes.pipe").write_text("just some notes\n", encoding="utf-8")
    with pytest.warns(rc.ParseWarning, match="notes.pipe: not a chat export"):
        df, report = rc.read_chat(tmp_path, tz="UTC", report=True)
    assert df.groupby("chat_id").size().to_dict() == {"a": 3, "b": 1}
    assert [n.message for n in report.notes] == ["not a chat export of a known format; ignored"]
    assert report.rows == 4


def test_same_chat_id_from_two_files_is_kept_apart(tmp_path, pipe_format):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "sam.pipe").write_text(CHAT, encoding="utf-8")
    (tmp_path / "y" / "sam.pipe").write_text(CHAT, encoding="utf-8")
    with pytest.warns(rc.ParseWarning, match="a second chat with this id"):
        df = rc.read_chat(tmp_path, tz="UTC")
    assert sorted(df["chat_id"].unique().tolist()) == ["sam", "sam (2)"]


def test_not_a_chat_and_empty_file_raise_format_error_naming_the_file(tmp_path, pipe_format):
    bad = tmp_path / "bad.txt"
    bad.write_text("Alice: hello\nBob: hi\n", encoding="utf-8")
    with pytest.raises(
        rc.FormatError, match="bad.txt: not a chat export of any known format; known formats: "
    ):
        rc.read_chat(bad, tz="UTC")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(rc.FormatError, match="empty.txt: the file is empty"):
        rc.read_chat(empty, tz="UTC")


def test_missing_path_and_unknown_format_and_bad_tz(tmp_path, pipe_format):
    with pytest.raises(rc.SourceError, match="nope.txt: no such file or folder"):
        rc.read_chat(tmp_path / "nope.txt")
    with pytest.raises(rc.ConfigError, match="unknown format 'wa'; known formats: .*pipe"):
        rc.read_chat(tmp_path / "nope.txt", format="wa")
    with pytest.raises(rc.ConfigError, match="not a known IANA time zone"):
        rc.read_chat(tmp_path, tz="Mars/Olympus")
    with pytest.raises(rc.ConfigError, match="errors='loud'"):
        rc.read_chat(tmp_path, tz="UTC", errors="loud")  # type: ignore[arg-type]


def test_errors_modes_for_a_broken_record(tmp_path, pipe_format):
    p = tmp_path / "c.pipe"
    p.write_text(CHAT + "garbage line\n", encoding="utf-8")
    with pytest.warns(rc.ParseWarning, match=r"1 record\(s\) skipped\n  skipped .*c.pipe:5: line is not"):
        df = rc.read_chat(p, tz="UTC")
    assert len(df) == 3
    with pytest.raises(rc.ParseError, match=r"c.pipe:5: line is not time\|sender\|text"):
        rc.read_chat(p, tz="UTC", errors="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df, report = rc.read_chat(p, tz="UTC", errors="ignore", report=True)
    assert [(s.line, s.reason) for s in report.skipped] == [(5, "line is not time|sender|text")]


def test_invalid_utf8_keeps_the_message_and_warns_with_line_numbers(tmp_path, pipe_format):
    p = tmp_path / "u.pipe"
    p.write_bytes(b"PIPE\n2024-01-01T10:00|Ana|caf\xe9\n2024-01-01T10:01|Ben|ok\n")
    with pytest.warns(rc.ParseWarning, match=r"1 line\(s\) hold bytes that are not valid UTF-8 \(lines 2\)"):
        df = rc.read_chat(p, tz="UTC")
    assert df["text"].tolist() == ["caf\ufffd", "ok"]


def test_me_marks_direction_and_warns_when_unmatched(tmp_path, pipe_format):
    p = tmp_path / "c.pipe"
    p.write_text(CHAT, encoding="utf-8")
    df = rc.read_chat(p, tz="UTC", me="Ben")
    assert df["is_me"].tolist() == [False, False, True]
    with pytest.warns(rc.ReciprocalWarning, match="me='Benn' matches no sender"):
        rc.read_chat(p, tz="UTC", me="Benn")


def test_unused_option_warns(tmp_path, pipe_format):
    p = tmp_path / "c.pipe"
    p.write_text(CHAT, encoding="utf-8")
    with pytest.warns(rc.ReciprocalWarning, match="option\\(s\\) colums were not used"):
        rc.read_chat(p, tz="UTC", colums={"a": "b"})


def _zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_is_refused_without_unpacking(pipe_format):
    bomb = _zip_bytes({"chat.pipe": b"PIPE\n" + b"0" * (50 << 20)})
    assert len(bomb) < 100_000
    with pytest.raises(rc.InputLimitError, match="compression ratio"):
        rc.read_chat(bomb, tz="UTC")


def test_zip_member_count_limit(pipe_format):
    data = _zip_bytes({f"m{i}.jpg": b"x" for i in range(30)}, zipfile.ZIP_STORED)
    with pytest.raises(rc.InputLimitError, match="lists 30 members, more than the limit of 20"):
        rc.read_chat(data, tz="UTC", limits=Limits(max_members=20))


def test_zip_member_with_unsafe_path_is_not_read(pipe_format):
    data = _zip_bytes({"../evil.pipe": CHAT.encode(), "ok.pipe": CHAT.encode()})
    with pytest.warns(rc.ParseWarning, match="unsafe path"):
        df, report = rc.read_chat(data, tz="UTC", report=True)
    assert df["chat_id"].unique().tolist() == ["ok"]
    assert "unsafe path" in report.notes[0].message


def test_zip_without_chat_is_a_format_error(pipe_format):
    data = _zip_bytes({"IMG-1.jpg": b"\xff\xd8"})
    with pytest.raises(rc.FormatError, match="<bytes>: the archive holds no chat export"):
        rc.read_chat(data, tz="UTC")
    with pytest.raises(rc.FormatError, match="not a readable zip archive"):
        rc.read_chat(b"PK\x03\x04garbage", tz="UTC")


def test_text_mode_stream_is_a_config_error(pipe_format):
    with pytest.raises(rc.ConfigError, match="binary mode"):
        rc.read_chat(io.StringIO(CHAT), tz="UTC")


def test_select_hook_drops_redundant_files(tmp_path, pipe_format):
    from reciprocal.importers import get_importer

    spec = get_importer("pipe")
    spec.select = lambda sources: [s for s in sources if s.filename != "dup.pipe"]
    (tmp_path / "a.pipe").write_text(CHAT, encoding="utf-8")
    (tmp_path / "dup.pipe").write_text(CHAT, encoding="utf-8")
    with pytest.warns(rc.ParseWarning, match="this one was not read"):
        df, report = rc.read_chat(tmp_path, tz="UTC", report=True)
    assert df["chat_id"].unique().tolist() == ["a"]
    assert report.notes[0].message == "another file holds the same pipe chat; this one was not read"


def test_importer_bug_surfaces_as_parse_error(tmp_path, pipe_format):
    from reciprocal.importers import get_importer

    spec = get_importer("pipe")

    def broken(source, ctx):
        raise KeyError("boom")

    spec.read = broken
    p = tmp_path / "c.pipe"
    p.write_text(CHAT, encoding="utf-8")
    with pytest.raises(rc.ParseError, match="c.pipe: unexpected KeyError while reading as pipe"):
        rc.read_chat(p, tz="UTC")


def test_check_importer_passes_for_the_toy_format(pipe_format):
    from reciprocal.testing import check_importer

    df = check_importer("pipe")
    assert df["text"].tolist() == ["hi"]
