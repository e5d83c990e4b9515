"""Property-based fuzzing of every registered importer (hypothesis).

- arbitrary bytes, under every suffix, read as the format and with sniffing: a valid frame or a
  ReciprocalError, never anything else (and never an importer bug wrapped by read_chat);
- mutated examples (bytes flipped, deleted, inserted, duplicated, truncated): the same;
- valid exports with random line edits (canary lines inserted, lines deleted, duplicated,
  swapped) lose no line: each inserted line ends up in a row, or the parse report names its line,
  or the read fails loudly with a ReciprocalError.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reciprocal import schema
from reciprocal.errors import ReciprocalError
from reciprocal.importers import ImporterSpec

from . import hostile
from .common import bug_text, is_bug, read, spec_params

# Deterministic by default (the same examples on every run, so CI does not flake); set
# RECIPROCAL_FUZZ_EXAMPLES=500 for a deeper, randomised search on a workstation.
_DEEP = os.environ.get("RECIPROCAL_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_DEEP or 20),
    derandomize=_DEEP is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _must_be_clean(spec: ImporterSpec, data: bytes, **kw) -> tuple | None:
    try:
        frame, report, _ = read(spec, data, **kw)
    except ReciprocalError as exc:
        assert not is_bug(exc), f"{spec.name}: importer bug on fuzzed input: {bug_text(exc)}"
        return None
    schema.validate_messages(frame)
    return frame, report


@pytest.mark.parametrize("spec", spec_params())
@FUZZ
@given(data=st.binary(max_size=4096), pick=st.integers(0, 10), auto=st.booleans())
def test_arbitrary_bytes(spec: ImporterSpec, data: bytes, pick: int, auto: bool) -> None:
    suffix = spec.suffixes[pick % len(spec.suffixes)]
    _must_be_clean(spec, data, name=f"fuzz{suffix}", fmt="auto" if auto else spec.name)


@pytest.mark.parametrize("spec", spec_params())
@FUZZ
@given(data=st.binary(min_size=1, max_size=512), at=st.floats(0, 1))
def test_arbitrary_bytes_inside_an_example(spec: ImporterSpec, data: bytes, at: float) -> None:
    raw = hostile.example_bytes(spec)
    i = int(at * len(raw))
    _must_be_clean(spec, raw[:i] + data + raw[i:])


MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.sampled_from(
            [
                b"\n",
                b"\r",
                b"\x00",
                b"{",
                b"}",
                b'"',
                b"<",
                b">",
                b"&",
                b"[",
                b"]",
                b",",
                b":",
                b"\\",
                b"\xff",
                b"\xe2\x80\x8e",
                b"-",
            ]
        ),
    ),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)


def mutate(raw: bytes, ops: list[tuple]) -> bytes:
    data = bytearray(raw)
    for op, at, arg in ops:
        i = min(int(at * len(data)), max(len(data) - 1, 0))
        if op == "flip" and data:
            data[i] = arg
        elif op == "delete":
            del data[i : i + arg]
        elif op == "insert":
            data[i:i] = arg
        elif op == "duplicate":
            data[i:i] = data[i : i + arg]
        elif op == "truncate":
            del data[i:]
    return bytes(data)


@pytest.mark.parametrize("spec", spec_params())
@FUZZ
@given(ops=st.lists(MUTATION, min_size=1, max_size=6))
def test_mutated_examples(spec: ImporterSpec, ops: list[tuple]) -> None:
    _must_be_clean(spec, mutate(hostile.example_bytes(spec), ops))


LINE_EDIT = st.one_of(
    st.tuples(st.just("canary"), st.floats(0, 1)),
    st.tuples(st.just("delete"), st.floats(0, 1)),
    st.tuples(st.just("duplicate"), st.floats(0, 1)),
    st.tuples(st.just("swap"), st.floats(0, 1)),
)
CANARY = re.compile(r"zqcanary(\d+)x")


def edit_lines(raw: bytes, edits: list[tuple]) -> tuple[bytes, dict[str, int]]:
    """Apply line edits; return the bytes and each surviving canary's 1-based line number."""
    lines = raw.split(b"\n")
    k = 0
    for op, at in edits:
        i = min(int(at * len(lines)), len(lines) - 1)
        if op == "canary":
            lines.insert(i, f"zqcanary{k}x said hello".encode())
            k += 1
        elif op == "delete" and len(lines) > 1 and not CANARY.search(lines[i].decode("utf-8", "replace")):
            del lines[i]
        elif op == "duplicate" and not CANARY.search(lines[i].decode("utf-8", "replace")):
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    where = {}
    for n, line in enumerate(lines, start=1):
        for m in CANARY.finditer(line.decode("utf-8", "replace")):
            where[m.group()] = n
    return b"\n".join(lines), where


@pytest.mark.parametrize("spec", spec_params())
@FUZZ
@given(edits=st.lists(LINE_EDIT, min_size=1, max_size=5).filter(lambda e: any(op == "canary" for op, _ in e)))
def test_line_edits_lose_no_line(spec: ImporterSpec, edits: list[tuple]) -> None:
    data, canaries = edit_lines(hostile.example_bytes(spec), edits)
    got = _must_be_clean(spec, data)
    if got is None:
        return  # the read failed loudly: nothing was lost silently
    frame, report = got
    cells = hostile.all_cells(frame)
    reported = {r.line for r in report.skipped} | {n.line for n in report.notes}
    lost = [f"{c} (line {n})" for c, n in canaries.items() if c not in cells and n not in reported]
    assert not lost, f"{spec.name}: inserted line(s) neither in a row nor in the report: {lost}"
