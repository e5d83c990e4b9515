"""Generic guards in the shared reading code: JSON loading, recursion, importer hooks."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pandas as pd
import pytest

import reciprocal as rc
from reciprocal import schema
from reciprocal.importers import ReadContext, Source, register_importer, unregister_importer
from reciprocal.importers._source import load_json


def test_load_json_reads_valid_documents():
    assert load_json('{"a": [1, 2, {"b": null}]}', name="x.json") == {"a": [1, 2, {"b": None}]}
    assert load_json(b'["\\u00e9"]', name="x.json") == ["é"]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (
            '{"messages": [\n  {"text": "secret"},\n  oops\n]}',
            rc.FormatError,
            r"x\.json:3: not valid JSON \(Expecting value\); use JSON",
        ),
        (
            "[" * 100_000 + "]" * 100_000,
            rc.InputLimitError,
            r"x\.json: the JSON is nested too deeply to read; use JSON",
        ),
        ('{"a": ' * 50_000, rc.InputLimitError, "nested too deeply"),
        ('{"n": ' + "7" * 5000 + "}", rc.InputLimitError, "a number too long to read"),
        (b'{"t": "\xff\xfe"}', rc.FormatError, "not UTF-8 JSON"),
    ],
)
def test_load_json_turns_every_failure_into_a_reciprocal_error(text, error, message):
    with pytest.raises(error, match=message) as info:
        load_json(text, name="x.json", hint="use JSON")
    assert "secret" not in str(info.value)


def test_source_read_json_keeps_decoding_notes():
    ctx = ReadContext(tz="UTC")
    src = Source.from_bytes(b'{"t": "caf\xe9"}', "chat.json")
    assert src.read_json(ctx) == {"t": "caf\ufffd"}
    assert [(n.source, n.line) for n in ctx.report.notes] == [("chat.json", 1)]


def _frame(source: Source) -> pd.DataFrame:
    return schema.make_messages(
        {"timestamp": ["2024-01-01 10:00"], "sender": ["A"], "text": ["hi"]},
        tz="UTC",
        source="guard",
        chat_id=source.filename,
    )


@pytest.fixture
def guard_format() -> Iterator[dict]:
    """A toy importer whose reader and select hook misbehave on demand."""
    behaviour: dict = {"read": None, "select": None}

    def read(source: Source, ctx: ReadContext) -> pd.DataFrame:
        if behaviour["read"] == "recurse":

            def down(n: int) -> int:
                return down(n + 1)

            down(0)
        if behaviour["read"] == "typeerror":
            raise TypeError("importer bug quoting 'secret chat text'")
        return _frame(source)

    def select(sources):
        if behaviour["select"] == "boom":
            raise KeyError("boom")
        return sources

    register_importer("guard", suffixes=(".guard",), description="toy", example="GUARD\n", select=select)(
        read
    )
    from reciprocal.importers import get_importer

    get_importer("guard").sniff = lambda s: 1.0 if s.head(5) == b"GUARD" else 0.0
    yield behaviour
    unregister_importer("guard")


def test_unbounded_recursion_in_an_importer_is_an_input_limit_error(guard_format):
    guard_format["read"] = "recurse"
    with pytest.raises(
        rc.InputLimitError, match=r"a\.guard: the input is nested too deeply to read as guard"
    ):
        rc.read_chat(_named(b"GUARD\n", "a.guard"), tz="UTC")


def test_other_importer_exceptions_are_wrapped_without_their_text(guard_format):
    guard_format["read"] = "typeerror"
    with pytest.raises(rc.ParseError, match="unexpected TypeError while reading as guard") as info:
        rc.read_chat(_named(b"GUARD\n", "a.guard"), tz="UTC")
    assert "secret" not in str(info.value)


def test_a_failing_select_hook_is_reported_as_an_importer_bug(guard_format):
    guard_format["select"] = "boom"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.guard", "GUARD\n")
        zf.writestr("b.guard", "GUARD\n")
    with pytest.raises(rc.ParseError, match="unexpected KeyError in the guard importer's file selection"):
        rc.read_chat(buf.getvalue(), tz="UTC")
    guard_format["select"] = None
    assert len(rc.read_chat(buf.getvalue(), tz="UTC")) == 2


def _named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name  # type: ignore[attr-defined]
    return stream


def test_json_round_trip_of_the_error_fields():
    with pytest.raises(rc.FormatError) as info:
        load_json("[1,", name="x.json")
    assert json.loads(json.dumps({"path": info.value.path, "line": info.value.line})) == {
        "path": "x.json",
        "line": 1,
    }


def test_a_number_too_long_for_int_is_an_input_limit_error(guard_format, monkeypatch):
    import json as _json

    def read(source: Source, ctx: ReadContext) -> pd.DataFrame:
        _json.loads("7" * 10_000)  # what every json.loads-based importer does with such a file
        return _frame(source)

    from reciprocal.importers import get_importer

    monkeypatch.setattr(get_importer("guard"), "read", read)
    with pytest.raises(rc.InputLimitError, match=r"a\.guard: the input holds a number too long to read"):
        rc.read_chat(_named(b"GUARD\n", "a.guard"), tz="UTC")


def test_other_value_errors_stay_importer_bugs(guard_format, monkeypatch):
    def read(source: Source, ctx: ReadContext) -> pd.DataFrame:
        raise ValueError("something else")

    from reciprocal.importers import get_importer

    monkeypatch.setattr(get_importer("guard"), "read", read)
    with pytest.raises(rc.ParseError, match="unexpected ValueError while reading as guard; this is a bug"):
        rc.read_chat(_named(b"GUARD\n", "a.guard"), tz="UTC")
