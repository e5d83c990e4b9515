"""Conformance checks that every importer (built-in or plugin) passes.

Example:
    >>> from reciprocal.testing import check_importer
    >>> frame = check_importer("whatsapp")
    >>> len(frame) > 0
    True
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from . import schema
from .errors import FormatError, ReciprocalError
from .importers import ACCEPT, ReadContext, Source, get_importer, importers

__all__ = ["check_importer"]


def _require(ok: bool, message: str) -> None:
    # Explicit raise: checks must not vanish under ``python -O``.
    if not ok:
        raise AssertionError(message)


def _sample_source(name: str, sample: bytes | str | Path | None) -> tuple[Source, bytes]:
    spec = get_importer(name)
    if sample is None:
        if spec.example is None:
            raise AssertionError(f"importer {name!r} registers no example; pass sample=")
        fname = spec.example_name or f"example{spec.suffixes[0] if spec.suffixes else ''}"
        return Source.from_bytes(spec.example, fname), spec.example
    if isinstance(sample, Path):
        data = sample.read_bytes()
        return Source.from_path(sample), data
    data = sample.encode("utf-8") if isinstance(sample, str) else bytes(sample)
    fname = spec.example_name or f"sample{spec.suffixes[0] if spec.suffixes else ''}"
    return Source.from_bytes(data, fname), data


def check_importer(name: str, sample: bytes | str | Path | None = None, *, tz: str = "UTC") -> pd.DataFrame:
    """Run the importer conformance checks and return the frame read from the sample.

    Checks: the importer's sniffer accepts its sample and scores it above every other importer;
    every other importer's sniffer rejects it, and this sniffer rejects every other importer's
    example; reading gives a frame that passes :func:`~reciprocal.schema.validate_messages`
    after sorting, has rows, uses only known kinds and the requested zone, names its source;
    reading twice gives equal frames (deterministic); the input bytes are unchanged.

    Args:
        name: The registered importer name.
        sample: Sample content (bytes, text, or a path); default: the importer's registered example.
        tz: Zone to read wall-clock times in.

    Raises:
        AssertionError: A check failed; the message says which.
    """
    spec = get_importer(name)
    src, data = _sample_source(name, sample)
    digest = hashlib.sha256(data).hexdigest()
    own = spec.score(src)
    _require(own >= ACCEPT, f"{name}: its sniffer scores its own sample {own:.2f} (< {ACCEPT})")
    for other, ospec in importers().items():
        if other == name:
            continue
        theirs = ospec.score(src)
        _require(
            theirs < ACCEPT or theirs < own,
            (f"{name}: importer {other!r} also claims this sample ({theirs:.2f} vs {own:.2f})"),
        )
        if ospec.example is not None:
            foreign = Source.from_bytes(ospec.example, ospec.example_name or f"example{ospec.suffixes[0]}")
            mine = spec.score(foreign)
            _require(
                mine < ACCEPT or mine < ospec.score(foreign),
                (f"{name}: its sniffer claims the example of {other!r} ({mine:.2f})"),
            )
    frames = []
    for _ in range(2):
        ctx = ReadContext(tz=tz, errors="warn")
        try:
            frame = spec.read(src, ctx)
        except FormatError as exc:
            raise AssertionError(f"{name}: refused its own sample: {exc}") from exc
        frames.append(frame)
    first, second = frames
    _require(isinstance(first, pd.DataFrame), f"{name}: read returned {type(first).__name__}")
    _require(len(first) > 0, f"{name}: no rows from its sample")
    try:
        schema.validate_messages(schema.sort_messages(first))
    except ReciprocalError as exc:
        raise AssertionError(f"{name}: invalid frame: {exc}") from exc
    _require(str(first[schema.TIMESTAMP].dt.tz) == tz, f"{name}: timestamps not in tz={tz!r}")
    _require(bool((first[schema.SOURCE] == name).all()), f"{name}: 'source' column is not {name!r}")
    pd.testing.assert_frame_equal(first, second, obj=f"{name}: two reads of one sample")
    _require(hashlib.sha256(data).hexdigest() == digest, f"{name}: the input was modified")
    if isinstance(sample, Path):
        _require(hashlib.sha256(sample.read_bytes()).hexdigest() == digest, f"{name}: the file was modified")
    return schema.sort_messages(first)
