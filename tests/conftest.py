"""Shared fixtures: the path to ../shared (skipped cleanly when absent) and a toy importer.

No network, ever: pyproject's ``addopts`` passes ``--disable-socket --allow-unix-socket`` to
pytest-socket, so any test that creates an internet socket fails with ``SocketBlockedError``.
Unix-domain sockets stay allowed: asyncio's event loop (Dask, Playwright, Jupyter kernels) needs a
local socketpair, and they cannot reach another machine.

A test that starts a local cluster (the Dask ``LocalCluster`` of the batch tests) marks itself
``@pytest.mark.allow_loopback``: sockets can then be created, but ``connect()`` is allowed to
127.0.0.1 and ::1 only (pytest-socket's ``allow_hosts``). Start the cluster on
``host="127.0.0.1"``. Nothing else may use the marker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from reciprocal import schema
from reciprocal.importers import ReadContext, Source, register_importer, unregister_importer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


LOOPBACK = ["127.0.0.1", "::1"]

# urllib3 probes IPv6 support when imported by binding a socket to ::1 (spaCy imports it through
# requests for `spacy download`). Import it once here, before any test disables sockets, so the
# probe is not reported as a blocked socket in whichever test first imports spaCy; a real
# network attempt during a test still is.
with contextlib.suppress(ImportError):  # only a dependency of spaCy's CLI
    import urllib3  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Turn ``@pytest.mark.allow_loopback`` into pytest-socket's loopback-only ``allow_hosts``."""
    for item in items:
        if item.get_closest_marker("allow_loopback") is not None:
            item.add_marker(pytest.mark.allow_hosts(LOOPBACK))


@pytest.fixture
def shared() -> Path:
    """The ../shared folder beside the checkout (fixtures, eval corpora, tools)."""
    if not (SHARED / "fixtures").is_dir():
        pytest.skip("../shared is not present beside the checkout")
    return SHARED


def _read_pipe(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """Toy format for dispatch tests: ``PIPE`` first line, then ``ISO time|sender|text`` lines."""
    lines = source.read_text(ctx).split("\n")
    if not lines or lines[0].strip() != "PIPE":
        from reciprocal.errors import FormatError

        raise FormatError("not a pipe chat", path=source.name)
    ts, senders, texts, order = [], [], [], []
    for i, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        parts = line.split("|", 2)
        if len(parts) != 3:
            ctx.skip(source, i, "line is not time|sender|text")
            continue
        ts.append(parts[0])
        senders.append(parts[1])
        texts.append(parts[2])
        order.append(i)
    chat = source.filename.rsplit(".", 1)[0]
    return schema.make_messages(
        {"timestamp": ts, "sender": senders, "text": texts, "source_order": order},
        tz=ctx.tz,
        source="pipe",
        chat_id=chat,
    )


@pytest.fixture
def pipe_format() -> Iterator[str]:
    """Register the toy ``pipe`` importer for one test."""
    fn = register_importer(
        "pipe", suffixes=(".pipe",), description="toy test format", example="PIPE\n2024-01-01T10:00|A|hi\n"
    )(_read_pipe)
    fn.sniffer(lambda s: 1.0 if s.head_text(16).startswith("PIPE") else 0.0)  # type: ignore[attr-defined]
    yield "pipe"
    unregister_importer("pipe")
