"""Helpers for test_batch that worker processes must be able to import (no pytest fixtures here).

Importing this module registers a toy ``batchtoy`` importer, so a worker that unpickles
:func:`toy_scorer` (carried in every task) can read ``.btoy`` files too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from reciprocal import schema
from reciprocal.errors import FormatError
from reciprocal.importers import ReadContext, Source, importers, register_importer, unregister_importer

MAGIC = "BATCHTOY"


def _read(source: Source, ctx: ReadContext) -> pd.DataFrame:
    """``BATCHTOY`` first line, then ``ISO time|sender|text`` lines."""
    lines = source.read_text(ctx).split("\n")
    if lines[0].strip() != MAGIC:
        raise FormatError("not a batchtoy chat", path=source.name)
    ts, senders, texts = [], [], []
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
    return schema.make_messages(
        {"timestamp": ts, "sender": senders, "text": texts},
        tz=ctx.tz,
        source="batchtoy",
        chat_id=source.filename.rsplit(".", 1)[0],
    )


def _sniff(source: Source) -> float:
    return 1.0 if source.head_text(16).startswith(MAGIC) else 0.0


def register() -> None:
    """Register the toy importer (idempotent)."""
    if "batchtoy" not in importers():
        register_importer("batchtoy", suffixes=(".btoy",), description="toy", sniff=_sniff, example=MAGIC)(
            _read
        )


def unregister() -> None:
    """Remove the toy importer again (the parent process keeps its registry clean between tests)."""
    unregister_importer("batchtoy")


register()  # on import: worker processes import this module when they unpickle toy_scorer


def toy_scorer(messages: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """Per chat and person: share of messages and mean text length (deterministic, hand-checkable)."""
    if messages.empty:
        from reciprocal.errors import AnalysisError

        raise AnalysisError("no messages")
    g = messages.groupby(["chat_id", "sender"], observed=True)
    counts = g.size()
    share = counts / counts.groupby(level=0).transform("sum")
    length = g["text"].agg(lambda s: float(np.mean(s.str.len())))
    rows = []
    for metric, values in (("message_share", share), ("mean_length", length)):
        for (chat, person), v in values.items():
            rows.append((chat, person, metric, float(v), np.nan, np.nan, int(counts[(chat, person)]), None))
    return pd.DataFrame(
        rows, columns=["chat_id", "person", "metric", "value", "ci_low", "ci_high", "n", "note"]
    )


def write_toy_chat(path: Any, n: int, seed: int) -> None:
    """A toy chat of ``n`` messages between Ana and Ben (Ana writes every ``seed % 3 + 2``-th)."""
    k = seed % 3 + 2
    lines = [MAGIC]
    for i in range(n):
        who = "Ana" if i % k == 0 else "Ben"
        lines.append(
            f"2024-01-{1 + i // 100:02d}T{(i // 60) % 24:02d}:{i % 60:02d}|{who}|msg {i} {'x' * (i % 7)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tempdir_scorer(messages: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """One row whose ``note`` is the permission bits of the temp folder the chunk runs with."""
    import os
    import stat
    import tempfile

    mode = stat.S_IMODE(os.stat(tempfile.gettempdir()).st_mode)
    frame = toy_scorer(messages, options).head(1)
    return frame.assign(note=oct(mode))


def blas_threads_scorer(messages: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """One row whose ``note`` is the largest thread count of any BLAS / OpenMP pool during scoring."""
    from threadpoolctl import threadpool_info

    most = max((int(pool["num_threads"]) for pool in threadpool_info()), default=1)
    return toy_scorer(messages, options).head(1).assign(note=str(most))


def write_csv_chat(path: Any, n: int, seed: int) -> None:
    """A CSV chat (built-in ``csv`` importer) of ``n`` messages in daily sessions; seed sets who starts."""
    import random

    rng = random.Random(seed)
    t = 1_704_067_200  # 2024-01-01T00:00Z
    lines = ["timestamp;sender;text"]
    for i in range(n):
        if i % 8 == 0:
            t += 86_400 + rng.randrange(3_600)  # a new conversation each day
            who = "Ana" if rng.random() < 0.3 + 0.05 * (seed % 8) else "Ben"
        else:
            t += rng.randrange(20, 900)
            who = who if rng.random() < 0.35 else ("Ben" if who == "Ana" else "Ana")
        lines.append(f"{t};{who};message {i} {'ok ' * rng.randrange(4)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
