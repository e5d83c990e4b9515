"""Helpers for the in-process hardening tests (reading bytes as a named file, classifying errors)."""

from __future__ import annotations

import io
import warnings
from typing import Any

import pandas as pd

import reciprocal as rc
from reciprocal.errors import ReciprocalError
from reciprocal.importers import ImporterSpec, ParseReport, importers

from . import hostile


def specs() -> list[ImporterSpec]:
    """Every registered importer that has an example, by name."""
    return [s for _, s in sorted(importers().items()) if s.example is not None]


def spec_params() -> list[Any]:
    import pytest

    found = specs()
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no importer registered yet"))]
    return [pytest.param(s, id=s.name) for s in found]


def is_bug(exc: BaseException) -> bool:
    """An unexpected exception inside an importer, wrapped by read_chat (not an error on purpose)."""
    cause = exc.__cause__
    return (
        isinstance(exc, ReciprocalError)
        and cause is not None
        and not isinstance(cause, ReciprocalError)
        and "bug in the importer" in str(exc)
    )


def bug_text(exc: BaseException) -> str:
    """Where an importer bug happened: innermost reciprocal frame of the original exception."""
    import traceback

    cause = exc.__cause__ or exc
    frames = [f for f in traceback.extract_tb(cause.__traceback__) if "reciprocal" in f.filename]
    where = f"{frames[-1].filename.split('src/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(cause).__name__}: {str(cause)[:200]} at {where}"


def read(
    spec: ImporterSpec, data: bytes, *, name: str | None = None, fmt: str | None = None, **kw: Any
) -> tuple[pd.DataFrame, ParseReport, list[warnings.WarningMessage]]:
    """read_chat ``data`` as a file called ``name`` (default: the example's name)."""
    stream = io.BytesIO(data)
    stream.name = name or hostile.example_name(spec)  # type: ignore[attr-defined]
    kw.setdefault("tz", "UTC")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame, report = rc.read_chat(stream, format=fmt or spec.name, report=True, **kw)
    return frame, report, caught


def outcome(spec: ImporterSpec, data: bytes, **kw: Any) -> tuple[str, Any]:
    """("ok", (frame, report, warnings)) | ("error", exc); importer bugs fail the calling test."""
    try:
        return "ok", read(spec, data, **kw)
    except ReciprocalError as exc:
        if is_bug(exc):
            raise AssertionError(f"{spec.name}: importer bug: {bug_text(exc)}") from exc
        return "error", exc
