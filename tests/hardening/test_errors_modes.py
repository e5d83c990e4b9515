"""``errors="raise" | "warn" | "ignore"`` behave the same in every registered importer.

Broken variants of each importer's example are generated (a line's digits replaced by ``x`` or
``9``, or the line replaced by junk). For every variant the three modes must agree:

- ``warn`` returns a frame and a report; a ParseWarning is emitted exactly when the report has
  problems, and names the skipped lines;
- ``ignore`` returns the same frame and the same report, and emits no ParseWarning;
- ``raise`` raises ParseError at the first skipped record (same file and line as ``warn``
  reported) and otherwise returns the same frame;
- when ``warn`` raises a ReciprocalError (the whole file is unreadable), so do the others.

Each importer must also have at least one variant that skips a record while keeping the rest,
otherwise the ``errors=`` paths are not exercised for it.
"""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest

from reciprocal.errors import ParseError, ParseWarning, ReciprocalError
from reciprocal.importers import ImporterSpec

from . import hostile
from .common import bug_text, is_bug, read, spec_params


def broken_variants(raw: bytes, *, max_lines: int = 6) -> list[tuple[str, bytes]]:
    """Break one line at a time; lines with digits (headers, timestamps) first, a few of them."""
    lines = raw.split(b"\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    ranked = sorted(filled, key=lambda i: (not re.search(rb"\d", lines[i]), i))[:max_lines]
    out = []
    for i in sorted(ranked):
        line = lines[i]
        edits = {
            "digits-x": re.sub(rb"\d", b"x", line),
            "digits-9": re.sub(rb"\d", b"9", line),
            "junk": b"\x01\x02 not a record \x03",
        }
        for what, new in edits.items():
            if new != line:
                out.append((f"line {i + 1} {what}", b"\n".join([*lines[:i], new, *lines[i + 1 :]])))
    return out


def _records(node: object) -> list:
    """The longest list of objects in a JSON document (the messages, in every JSON export we know)."""
    best: list = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            stack.extend(cur.values())
        elif isinstance(cur, list):
            if sum(isinstance(x, dict) for x in cur) > sum(isinstance(x, dict) for x in best):
                best = cur
            stack.extend(cur)
    return best


def json_variants(raw: bytes, *, max_records: int = 2) -> list[tuple[str, bytes]]:
    """Break one record of a JSON export: wrong type, empty, a field of the wrong type or null."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return []
    out = []
    n = len(_records(doc))
    for i in range(min(n, max_records)):
        edits: dict[str, object] = {"record=42": 42, "record={}": {}}
        rec = _records(doc)[i]
        for key, value in rec.items() if isinstance(rec, dict) else ():
            if isinstance(value, str | int) and not isinstance(value, bool):
                edits[f"{key}=null"] = (key, None)
                edits[f"{key}=list"] = (key, [])
                edits[f"{key}='not a value'"] = (key, "not a value")
        for what, new in edits.items():
            copy = json.loads(raw)
            records = _records(copy)
            if isinstance(new, tuple):
                records[i][new[0]] = new[1]
            else:
                records[i] = new
            out.append((f"record {i + 1} {what}", json.dumps(copy, indent=1).encode()))
    return out


class Bug(Exception):
    """An importer bug met while reading a variant (reported; the variant is not compared)."""


def _run(spec: ImporterSpec, data: bytes, errors: str):
    try:
        return read(spec, data, errors=errors)
    except ReciprocalError as exc:
        if is_bug(exc):
            raise Bug(f"importer bug with errors={errors!r}: {bug_text(exc)}") from exc
        return exc


@pytest.mark.parametrize("spec", spec_params())
def test_errors_modes_agree_on_broken_variants(spec: ImporterSpec) -> None:
    skipping = 0
    failures: list[str] = []
    raw = hostile.example_bytes(spec)
    for what, data in broken_variants(raw) + json_variants(raw):
        label = f"{spec.name} / {what}"
        try:
            warn, ignore, raise_ = (_run(spec, data, e) for e in ("warn", "ignore", "raise"))
        except Bug as exc:
            failures.append(f"{label}: {exc}")
            continue
        if isinstance(warn, ReciprocalError):
            if not isinstance(ignore, ReciprocalError) or type(ignore) is not type(warn):
                failures.append(
                    f"{label}: warn raised {type(warn).__name__}, ignore gave {type(ignore).__name__}"
                )
            if not isinstance(raise_, ReciprocalError):
                failures.append(f"{label}: warn raised {type(warn).__name__}, raise returned a frame")
            continue
        if isinstance(ignore, ReciprocalError):
            failures.append(f"{label}: ignore raised {ignore!r} but warn returned a frame")
            continue
        (wf, wr, ww), (jf, jr, jw) = warn, ignore
        try:
            pd.testing.assert_frame_equal(wf, jf)
        except AssertionError:
            failures.append(f"{label}: warn and ignore give different frames")
        if wr.to_dict() != jr.to_dict():
            failures.append(f"{label}: warn and ignore give different reports")
        if any(issubclass(w.category, ParseWarning) for w in jw):
            failures.append(f"{label}: errors='ignore' emitted a ParseWarning")
        pw = [str(w.message) for w in ww if issubclass(w.category, ParseWarning)]
        if wr.has_problems and len(pw) != 1:
            failures.append(f"{label}: {len(pw)} ParseWarnings for a report with problems (expected 1)")
        if not wr.has_problems and pw:
            failures.append(f"{label}: ParseWarning without anything in the report")
        if wr.skipped:
            skipping += 1
            first = wr.skipped[0]
            if first.line is not None and pw and f":{first.line}" not in pw[0]:
                failures.append(f"{label}: the warning does not name line {first.line}")
            if not isinstance(raise_, ParseError):
                failures.append(f"{label}: {len(wr.skipped)} skipped with warn, but raise gave {raise_!r}")
            elif (raise_.path, raise_.line) != (first.source, first.line):
                failures.append(
                    f"{label}: raise points at {raise_.path}:{raise_.line}, warn skipped "
                    f"{first.source}:{first.line} first"
                )
        elif isinstance(raise_, ReciprocalError):
            failures.append(f"{label}: nothing skipped with warn, but raise raised {raise_!r}")
        else:
            try:
                pd.testing.assert_frame_equal(wf, raise_[0])
            except AssertionError:
                failures.append(f"{label}: warn and raise give different frames")
    assert not failures, "\n".join(failures)
    assert skipping, f"{spec.name}: no broken variant made it skip a record; errors= is not exercised"


def test_unknown_errors_value_is_a_config_error() -> None:
    import reciprocal as rc

    with pytest.raises(rc.ConfigError, match="errors='loud' is not one of 'raise', 'warn', 'ignore'"):
        rc.read_chat(b"whatever", errors="loud")  # type: ignore[call-overload]


def test_warnings_module_filters_still_apply() -> None:
    # Users silence ParseWarning with the warnings module; nothing else is needed.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ParseWarning)
        warnings.warn(ParseWarning("x"), stacklevel=1)
