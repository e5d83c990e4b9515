"""Newlines, BOMs and invalid bytes inside otherwise valid chats, for every registered importer."""

from __future__ import annotations

import pandas as pd
import pytest

from reciprocal.errors import ParseWarning
from reciprocal.importers import ImporterSpec

from . import hostile
from .common import outcome, read, spec_params

COMPARED = ["chat_id", "timestamp", "sender", "sender_id", "is_me", "text", "kind", "attachment", "edited"]


def _same_messages(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    # A newline *inside* a body (a quoted CSV cell) may keep the file's CRLF: bodies are kept as
    # exported. A stray CR at the end of a body or a name is what this guards against.
    b = b.assign(text=b["text"].str.replace("\r\n", "\n", regex=False))
    pd.testing.assert_frame_equal(
        a[COMPARED].reset_index(drop=True), b[COMPARED].reset_index(drop=True), obj=what
    )


@pytest.mark.parametrize("spec", spec_params())
def test_crlf_and_mixed_newlines_read_like_lf(spec: ImporterSpec) -> None:
    raw = hostile.example_bytes(spec)
    assert b"\r" not in raw, "examples are written with LF newlines"
    lf, _, _ = read(spec, raw)
    crlf, _, _ = read(spec, raw.replace(b"\n", b"\r\n"))
    _same_messages(lf, crlf, f"{spec.name}: CRLF vs LF")
    lines = raw.split(b"\n")
    mixed = b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines[:-1])) + lines[-1]
    mixed_frame, _, _ = read(spec, mixed)
    _same_messages(lf, mixed_frame, f"{spec.name}: mixed LF/CRLF vs LF")


@pytest.mark.parametrize("spec", spec_params())
def test_bare_cr_newlines_give_a_result_or_a_clean_error(spec: ImporterSpec) -> None:
    raw = hostile.example_bytes(spec)
    kind, got = outcome(spec, raw.replace(b"\n", b"\r"))
    if kind == "ok":
        assert len(got[0]) > 0 or got[1].has_problems


@pytest.mark.parametrize("spec", spec_params())
def test_utf8_bom_is_ignored(spec: ImporterSpec) -> None:
    raw = hostile.example_bytes(spec)
    plain, _, _ = read(spec, raw)
    bom, _, _ = read(spec, b"\xef\xbb\xbf" + raw)
    _same_messages(plain, bom, f"{spec.name}: UTF-8 BOM")


@pytest.mark.parametrize("spec", spec_params())
def test_invalid_utf8_in_a_message_keeps_it_and_warns_with_the_line(spec: ImporterSpec) -> None:
    span = hostile.text_span(spec)
    if span is None:
        pytest.skip(f"{spec.name}: no message text of the example is found verbatim in its bytes")
    raw = hostile.example_bytes(spec)
    mid = (span[0] + span[1]) // 2
    bad = raw[:mid] + b"\xff\xc3(" + raw[mid:]
    line = raw[:mid].count(b"\n") + 1
    good, _, _ = read(spec, raw)
    frame, report, caught = read(spec, bad)
    assert len(frame) == len(good), f"{spec.name}: a message was lost to invalid UTF-8"
    assert frame["text"].str.contains("\ufffd", regex=False).fillna(False).sum() == 1
    notes = [n for n in report.notes if "UTF-8" in n.message]
    assert [n.line for n in notes] == [line], f"{spec.name}: expected one note for line {line}: {notes}"
    parse_warnings = [str(w.message) for w in caught if issubclass(w.category, ParseWarning)]
    assert len(parse_warnings) == 1
    assert f":{line}" in parse_warnings[0]


@pytest.mark.parametrize("spec", spec_params())
@pytest.mark.parametrize("data", [b"", b"\n\n\n", b"   \t ", b"\xef\xbb\xbf", b"\x00" * 64])
def test_empty_and_blank_inputs_give_a_clean_error_or_nothing(spec: ImporterSpec, data: bytes) -> None:
    kind, got = outcome(spec, data)
    if kind == "ok":
        assert len(got[0]) == 0, f"{spec.name}: rows out of a blank input"
