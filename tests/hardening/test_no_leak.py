"""Error messages, warnings and parse reports never quote chat text.

Every line of each importer's example is broken in ways that make importers complain (a canary
word put in front, its digits replaced) and the canary, which only ever appears in the chat, must
not appear in any exception, warning or report (they end up in logs, bug reports and CI output).
"""

from __future__ import annotations

import json
import re

import pytest

from reciprocal.errors import ReciprocalError
from reciprocal.importers import ImporterSpec

from . import hostile
from .common import read, spec_params

CANARY = b"Zqx7Secret"


def leaky_variants(spec: ImporterSpec) -> list[tuple[str, bytes]]:
    """Lines that carry message text (not e.g. a CSV header of column names), broken with a canary."""
    raw = hostile.example_bytes(spec)
    frame = hostile.read_example(spec)
    words = {w.encode() for t in frame["text"].dropna() for w in re.findall(r"[A-Za-z]{3,}", str(t))}
    lines = raw.split(b"\n")
    out = []
    filled = [i for i, line in enumerate(lines) if line.strip() and any(w in line for w in words)]
    step = max(1, len(filled) // 12)  # at most ~12 lines per example keeps this fast
    for i in filled[::step]:
        line = lines[i]
        for what, new in {
            "prefixed, digits broken": CANARY + b" " + re.sub(rb"\d", b"x", line),
            "digits broken, canary inside": re.sub(rb"\d", b"x", line)[:12] + CANARY + line[12:],
        }.items():
            out.append((f"line {i + 1} {what}", b"\n".join([*lines[:i], new, *lines[i + 1 :]])))
    return out


@pytest.mark.parametrize("spec", spec_params())
def test_errors_warnings_and_reports_never_quote_the_chat(spec: ImporterSpec) -> None:
    canary = CANARY.decode()
    leaks = []
    for what, data in leaky_variants(spec):
        # errors="raise" raises with the same reason text that "warn" reports (ctx.skip).
        for errors in ("warn",):
            texts: list[str] = []
            try:
                _, report, caught = read(spec, data, errors=errors)
                texts += [str(w.message) for w in caught]
                texts += [report.summary(max_items=1000), json.dumps(report.to_dict())]
            except ReciprocalError as exc:
                texts.append(str(exc))
                if exc.__cause__ is not None:
                    texts.append(str(exc.__cause__))
            leaked = [t for t in texts if canary in t]
            if leaked:
                excerpt = leaked[0][max(0, leaked[0].index(canary) - 80) :][:160]
                leaks.append(f"{what} (errors={errors!r}): ...{excerpt}...")
    assert not leaks, f"{spec.name} quotes chat text:\n" + "\n".join(leaks[:10])
