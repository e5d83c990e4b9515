"""Analyse many chat exports into one tidy table, in-process or on any ``concurrent.futures`` executor.

The default runs everything in the calling process (deterministic, notebook-friendly, no sockets).
Pass an executor to spread the work: ``ProcessPoolExecutor`` on one machine, or Dask's
``Client(address).get_executor()`` for a local or remote cluster. reciprocal never imports Dask
itself. Exports are sent out in chunks (several exports per task) because per-chat work is small
and scheduling one task per chat costs more than it saves. The results do not depend on the
executor, the chunk size or the completion order: every export is read and analysed on its own,
with the same options and seed, and rows come back in input order.

A failing export (unreadable, not a chat, nothing to analyse) never stops the batch: it gets one
row with ``status="error"`` and the error (type and message, never chat text) in ``error``; the
others complete. See :func:`batch` for the columns.

Workers read the export paths themselves, so with a remote cluster the files must be on storage
every worker can see, and reciprocal must be installed at the same version on every worker.
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schema
from ._version import __version__
from .errors import ConfigError, ReciprocalError, ReciprocalWarning
from .timezones import resolve_tz

__all__ = [
    "EXECUTORS",
    "RESULT_COLUMNS",
    "BatchWarning",
    "batch",
    "expand_sources",
    "open_executor",
    "report_rows",
]

PathLike = str | os.PathLike[str]
Scorer = Callable[[pd.DataFrame, Mapping[str, Any]], pd.DataFrame]

#: Columns of the table :func:`batch` returns, in order (analysis columns beyond these follow them).
RESULT_COLUMNS: tuple[str, ...] = (
    "source",
    "chat_id",
    "person",
    "partner",
    "metric",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "note",
    "status",
    "error",
)
_DTYPES: dict[str, Any] = {
    "source": schema.STRING,
    "chat_id": schema.STRING,
    "person": schema.STRING,
    "partner": schema.STRING,
    "metric": schema.STRING,
    "value": np.dtype("float64"),
    "ci_low": np.dtype("float64"),
    "ci_high": np.dtype("float64"),
    "n": pd.Int64Dtype(),  # nullable: error rows have no n
    "note": schema.STRING,
    "status": schema.STRING,
    "error": schema.STRING,
}
_GLOB_CHARS = frozenset("*?[")
#: Names :func:`open_executor` (and ``reciprocal batch --executor``) accept.
EXECUTORS: tuple[str, ...] = ("none", "process", "dask")


class BatchWarning(ReciprocalWarning):
    """Some exports of a batch failed (they are in the result with ``status="error"``) or warned."""


@dataclass(frozen=True)
class _Task:
    """One chunk of exports plus everything a worker needs to process it (picklable)."""

    index: int
    sources: tuple[str, ...]
    read_options: Mapping[str, Any]
    analyze_options: Mapping[str, Any]
    errors: str
    scorer: Scorer | None = None
    key: bytes | None = None


@dataclass
class _ChunkResult:
    index: int
    frame: pd.DataFrame
    warned: dict[str, list[str]] = field(default_factory=dict)  # source -> warning messages
    failed: list[tuple[str, BaseException]] = field(default_factory=list)


def batch(
    sources: PathLike | Iterable[PathLike],
    *,
    executor: Executor | None = None,
    out: PathLike | None = None,
    chunk_size: int | None = None,
    tz: str | None = None,
    people: Mapping[str, str | Iterable[str]] | None = None,
    me: str | None = None,
    format: str = "auto",
    errors: Literal["raise", "warn", "ignore"] = "warn",
    progress: bool | Callable[[int, int], object] | None = None,
    pseudonymise: bytes | str | None = None,
    **analyze_options: Any,
) -> pd.DataFrame:
    """Read and analyse many chat exports into one tidy scores table.

    Each export (a file, a ``.zip``, or a folder holding one multi-file export) is read with
    :func:`reciprocal.read_chat` and analysed with :func:`reciprocal.analyze` on its own.

    Args:
        sources: Paths, glob patterns (``"exports/**/*.txt"``) or folders, or an iterable of them.
            A folder given here is a *collection*: each entry in it (file, ``.zip`` or sub-folder;
            hidden names skipped) is one export. Duplicates are read once.
        executor: Where to run: ``None`` (default) in this process; any
            :class:`concurrent.futures.Executor`, e.g. ``ProcessPoolExecutor(2)`` or
            ``dask.distributed.Client(address).get_executor()``. The caller owns (and shuts down)
            the executor.
        out: A folder to append the results to as a Parquet dataset (one zstd part file per chunk,
            written atomically by this process; see :func:`reciprocal.io.write_results`). Query it
            with pandas, pyarrow or DuckDB (``examples/duckdb_results.py``).
        chunk_size: Exports per task. Default: about 16 tasks for the batch, 1–64 exports each.
        tz: Time zone passed to :func:`reciprocal.read_chat` (default: this machine's zone, resolved
            here so that every worker uses the same one).
        people: Person → aliases, passed to :func:`reciprocal.read_chat` (one name per person).
        me: Your name in the exports, passed to :func:`reciprocal.read_chat`.
        format: Export format for every source (default ``"auto"``: sniffed per export).
        errors: ``"warn"`` (default): failed exports become ``status="error"`` rows and one
            :class:`BatchWarning` lists them; ``"ignore"``: the same rows, no warning;
            ``"raise"``: the first failure is raised (records that cannot be parsed also raise).
        progress: ``True`` for a ``tqdm.auto`` bar over exports, or a callable
            ``progress(done, total)`` called after each chunk.
        pseudonymise: A key: each export's names, sender ids and chat ids are replaced by keyed
            pseudonyms (:func:`reciprocal.privacy.pseudonymise`) on the worker, before analysis,
            so no real name reaches the results.
        **analyze_options: Passed to :func:`reciprocal.analyze` (``gap=``, ``bootstrap=``,
            ``seed=``, ...).

    Returns:
        A frame with the columns :data:`RESULT_COLUMNS`: ``source`` (the export's path); the
        analysis numbers ``chat_id, person, partner, metric, value, ci_low, ci_high, n, note`` —
        one row per chat × person × metric from ``Report.scores`` (``partner`` empty), then one
        per chat × pair × metric from ``Report.dyads`` (e.g. ``reciprocity_score``; ``person`` and
        ``partner`` are the pair); then ``status`` (``"ok"`` or ``"error"``) and ``error`` (for a
        failed export: one row with ``"ErrorType: message"`` and empty score columns). Rows follow
        the input order, whatever the executor.

    Raises:
        ConfigError: Invalid ``errors``, ``chunk_size`` or ``executor``.
        ReciprocalError: With ``errors="raise"``, the first export that failed.

    Example:
        >>> from concurrent.futures import ProcessPoolExecutor
        >>> import reciprocal as rc
        >>> with ProcessPoolExecutor(2) as pool:  # doctest: +SKIP
        ...     scores = rc.batch("exports/*.txt", executor=pool, out="results/", tz="UTC")
    """
    return _batch(
        sources,
        executor=executor,
        out=out,
        chunk_size=chunk_size,
        tz=tz,
        people=people,
        me=me,
        format=format,
        errors=errors,
        progress=progress,
        analyze_options=analyze_options,
        scorer=None,
        key=None if pseudonymise is None else _checked_key(pseudonymise),
    )


def _batch(
    sources: PathLike | Iterable[PathLike],
    *,
    executor: Executor | None,
    out: PathLike | None,
    chunk_size: int | None,
    tz: str | None,
    people: Mapping[str, str | Iterable[str]] | None,
    errors: str,
    progress: bool | Callable[[int, int], object] | None,
    analyze_options: Mapping[str, Any],
    scorer: Scorer | None,
    me: str | None = None,
    format: str = "auto",
    key: bytes | None = None,
) -> pd.DataFrame:
    if errors not in ("raise", "warn", "ignore"):
        raise ConfigError(f"errors must be 'raise', 'warn' or 'ignore', not {errors!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ConfigError(f"chunk_size must be a positive integer, not {chunk_size!r}")
    if executor is not None and not isinstance(executor, Executor):
        raise ConfigError(
            f"executor must be a concurrent.futures.Executor (e.g. ProcessPoolExecutor, or "
            f"dask.distributed.Client(...).get_executor()), not {type(executor).__name__}"
        )
    # Resolve the zone here, not on the workers: a remote worker's local zone may differ.
    tz = resolve_tz(tz)
    paths = expand_sources(sources)
    read_options: dict[str, Any] = {"tz": tz, "errors": errors, "format": format}
    if people is not None:
        read_options["people"] = {k: v if isinstance(v, str) else list(v) for k, v in people.items()}
    if me is not None:
        read_options["me"] = me
    size = chunk_size or _default_chunk_size(len(paths))
    tasks = [
        _Task(
            index=i,
            sources=tuple(paths[start : start + size]),
            read_options=read_options,
            analyze_options=dict(analyze_options),
            errors=errors,
            scorer=scorer,
            key=key,
        )
        for i, start in enumerate(range(0, len(paths), size))
    ]
    total = len(paths)
    tick = _progress(progress, total)
    results: dict[int, _ChunkResult] = {}
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    meta = {"reciprocal_version": __version__, "tz": tz, **{k: repr(v) for k, v in analyze_options.items()}}
    try:
        for res in _run(tasks, executor):
            if res.failed and errors == "raise":
                raise res.failed[0][1]
            results[res.index] = res
            if out is not None:
                from .io import write_results

                write_results(res.frame, out, prefix=f"part-{stamp}-{res.index:05d}", metadata=meta)
            tick(len(tasks[res.index].sources))
    finally:
        tick(None)
    table = _concat([results[i].frame for i in sorted(results)])
    if errors == "warn":
        _warn(table, results)
    return table


#: Dask settings of the LocalCluster that :func:`open_executor` starts:
#:
#: - there is no dashboard, so no use for the workers' statistical profiler, which samples the running
#:   task's stack every 10 ms and slows CPU-bound pure-Python work (100 synthetic chats on 2 workers:
#:   17.5 s with it, 16.4 s without);
#: - the worker processes get Dask's default environment (one BLAS / OpenMP thread) except
#:   ``MALLOC_TRIM_THRESHOLD_=65536``: that setting makes glibc hand freed memory back to the system at
#:   once, and the many short-lived pandas arrays of an analysis then page-fault back in (40 synthetic
#:   chats analysed in one process: 5 times the minor page faults, 0.97 s of system time instead of
#:   0.27 s). A worker keeps at most a few hundred MB either way.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ": {
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    },
}


@contextlib.contextmanager
def open_executor(
    kind: str = "none", *, address: str | None = None, workers: int | None = None
) -> Iterator[Executor | None]:
    """Open the executor a batch runs on, by name, and shut it down afterwards.

    Args:
        kind: ``"none"`` (yields ``None``: run in this process), ``"process"`` (a local
            ``ProcessPoolExecutor``) or ``"dask"`` (needs the ``dask`` extra).
        address: Dask scheduler address (``tcp://host:8786``). Default: ``$DASK_SCHEDULER_ADDRESS``,
            else a local cluster of worker processes on 127.0.0.1 (its scratch space in a private
            temporary folder, removed afterwards).
        workers: Worker processes for ``"process"`` or a local Dask cluster (default: CPU count).

    Yields:
        The executor to pass to :func:`batch`.

    Raises:
        ConfigError: Unknown ``kind``, Dask not installed, or the scheduler cannot be reached.

    Example:
        >>> from reciprocal.batch import open_executor
        >>> with open_executor("none") as ex:
        ...     print(ex)
        None
    """
    if kind not in EXECUTORS:
        raise ConfigError(f"executor {kind!r} is not one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be at least 1, not {workers}")
    if kind == "none":
        yield None
        return
    if kind == "process":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            yield pool
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError("executor 'dask' needs Dask: pip install 'reciprocal[dask]'") from exc
    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address:
        try:
            client = Client(address, timeout="10s")
        except OSError as exc:  # includes timeouts
            raise ConfigError(f"cannot reach the Dask scheduler at {address} ({exc})") from exc
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    import dask

    scratch = tempfile.mkdtemp(prefix="reciprocal-dask-")  # 0700: chat data may spill here
    try:
        with (
            dask.config.set(LOCAL_CLUSTER_CONFIG),
            LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                local_directory=scratch,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client.get_executor()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def expand_sources(sources: PathLike | Iterable[PathLike]) -> list[str]:
    """Turn paths, globs and collection folders into the list of exports to read.

    Args:
        sources: A path, glob or folder, or an iterable of them.

    Returns:
        Export paths in input order without duplicates: folders expanded to their sorted,
        non-hidden entries, globs to their sorted matches. An input that neither exists nor
        matches a file is kept as given, so that it is reported as a failed export.
    """
    items: list[PathLike] = [sources] if isinstance(sources, str | os.PathLike) else list(sources)
    seen: dict[str, None] = {}
    for item in items:
        text = os.fspath(item)
        path = Path(text).expanduser()
        if path.is_dir():
            found = [str(p) for p in sorted(path.iterdir()) if not p.name.startswith(".")]
        elif not path.exists() and _GLOB_CHARS & set(text):
            found = sorted(glob.glob(str(path), recursive=True)) or [text]
        else:
            found = [str(path)]
        for f in found:
            seen.setdefault(f, None)
    return list(seen)


def _checked_key(key: bytes | str) -> bytes:
    from .privacy import as_key

    return as_key(key)


def _default_chunk_size(n: int) -> int:
    # ~16 tasks keep 2–8 workers busy to the end while each task carries enough work to pay for
    # its scheduling (eco.md §4: one task per small chat costs more than it saves).
    return max(1, min(64, math.ceil(n / 16)))


def _run(tasks: list[_Task], executor: Executor | None) -> Iterator[_ChunkResult]:
    if executor is None:
        for task in tasks:
            yield _run_chunk(task)
        return
    futures: list[Future[_ChunkResult]] = [executor.submit(_run_chunk, task) for task in tasks]
    try:
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        for fut in futures:
            fut.cancel()


def _run_chunk(task: _Task) -> _ChunkResult:
    """Read and analyse each export of one chunk (runs on a worker; must not raise for one export)."""
    frames: list[pd.DataFrame] = []
    warned: dict[str, list[str]] = {}
    failed: list[tuple[str, BaseException]] = []
    with _private_tempdir(), _one_blas_thread():
        for src in task.sources:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    frames.append(_process_one(src, task))
                except (MemoryError, KeyboardInterrupt):
                    raise
                except Exception as exc:
                    failed.append((src, _picklable(exc)))
                    frames.append(_error_frame(src, exc))
            messages = [str(w.message) for w in caught if issubclass(w.category, ReciprocalWarning)]
            if messages:
                warned[src] = messages
    return _ChunkResult(task.index, _concat(frames), warned, failed)


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS / OpenMP to one thread while a chunk of chats is analysed.

    A batch runs one chunk per worker process, one worker per core. On chats of a few thousand
    messages the bootstrap's matrix product is too small to gain from threads: with the default
    thread pools a 100-chat batch took 29.6 s wall and 39.8 CPU-s in process, against 28.0 s and
    28.0 CPU-s with one thread, and on 2 Dask workers each worker's idle BLAS threads competed for
    the other worker's core.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _process_one(src: str, task: _Task) -> pd.DataFrame:
    from .api import read_chat

    messages = read_chat(src, **task.read_options)
    if task.key is not None:
        from .privacy import pseudonymise

        messages = pseudonymise(messages, key=task.key)
    scores = _score(messages, task)
    return scores.assign(source=src, status="ok", error=None)


def _score(messages: pd.DataFrame, task: _Task) -> pd.DataFrame:
    if task.scorer is not None:
        return task.scorer(messages, task.analyze_options)
    import reciprocal

    report = reciprocal.analyze(messages, **task.analyze_options)
    return report_rows(report)


def report_rows(report: Any) -> pd.DataFrame:
    """One long table of a Report: per-person ``scores`` rows, then per-pair ``dyads`` rows.

    Per-pair rows (``reciprocity_score``, balance indices, ...) put ``person_a`` in ``person`` and
    ``person_b`` in ``partner``; per-person rows have no ``partner``.
    """
    scores: pd.DataFrame = report.scores.assign(partner=None)
    dyads = getattr(report, "dyads", None)
    if dyads is None or not len(dyads):
        return scores
    pairs = dyads.rename(columns={"person_a": "person", "person_b": "partner"})
    return pd.concat([scores, pairs], ignore_index=True) if len(scores) else pairs


def _error_frame(src: str, exc: BaseException) -> pd.DataFrame:
    return pd.DataFrame({"source": [src], "status": ["error"], "error": [_describe(exc)]})


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ReciprocalError):
        return f"{type(exc).__name__}: {exc.message}"  # the path is already in ``source``
    # Unexpected errors: the type only; their message could quote chat text.
    return f"{type(exc).__name__} (unexpected; please report it)"


def _picklable(exc: BaseException) -> BaseException:
    # Results travel back from worker processes; an exception that does not pickle would turn a
    # reported failure into a lost chunk.
    import pickle

    try:
        pickle.dumps(exc)
    except Exception:
        return ReciprocalError(_describe(exc))
    return exc


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    coerced = [_coerce(f) for f in frames]
    if not coerced:
        return _coerce(pd.DataFrame())
    non_empty = [f for f in coerced if len(f)] or coerced[:1]
    return pd.concat(non_empty, ignore_index=True) if len(non_empty) > 1 else non_empty[0]


def _coerce(frame: pd.DataFrame) -> pd.DataFrame:
    data = {}
    for col in RESULT_COLUMNS:
        if col in frame.columns:
            data[col] = frame[col].astype(_DTYPES[col])
        else:
            data[col] = pd.Series(None, index=frame.index, dtype=_DTYPES[col])
    extra = [c for c in frame.columns if c not in RESULT_COLUMNS]
    out = pd.DataFrame(data, index=frame.index)
    if extra:
        out = pd.concat([out, frame[extra]], axis=1)
    return out.reset_index(drop=True)


def _warn(table: pd.DataFrame, results: Mapping[int, _ChunkResult]) -> None:
    failed = table.loc[table["status"] == "error", ["source", "error"]]
    if len(failed):
        lines = [f"  {s}: {e}" for s, e in failed.head(10).itertuples(index=False)]
        more = f"\n  ... and {len(failed) - 10} more" if len(failed) > 10 else ""
        warnings.warn(
            BatchWarning(
                f"{len(failed)} export(s) failed and were skipped (rows with status='error'):\n"
                + "\n".join(lines)
                + more
            ),
            stacklevel=3,
        )
    warned = {s: m for i in sorted(results) for s, m in results[i].warned.items()}
    if warned:
        first = list(warned.items())[:5]
        lines = [f"  {s}: {m[0]}" + (f" (+{len(m) - 1} more)" if len(m) > 1 else "") for s, m in first]
        more = f"\n  ... and {len(warned) - 5} more export(s)" if len(warned) > 5 else ""
        warnings.warn(
            BatchWarning(f"{len(warned)} export(s) were read with warnings:\n" + "\n".join(lines) + more),
            stacklevel=3,
        )


def _progress(
    progress: bool | Callable[[int, int], object] | None, total: int
) -> Callable[[int | None], None]:
    if not progress:
        return lambda n: None
    if callable(progress) and progress is not True:
        done = 0
        fn = progress

        def call(n: int | None) -> None:
            nonlocal done
            if n is not None:
                done += n
                fn(done, total)

        return call
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="chat", desc="batch")

    def update(n: int | None) -> None:
        if n is None:
            bar.close()
        else:
            bar.update(n)

    return update


_TMP_LOCK = threading.Lock()
_TMP_STATE: dict[str, Any] = {"users": 0, "dir": None, "saved": None}


@contextlib.contextmanager
def _private_tempdir() -> Iterator[None]:
    """Route temporary files of this process to a private (0700) folder while chunks run.

    Chat content must not land in a shared, world-listable temp folder on a worker. The folder is
    shared by the chunks running concurrently in one process (threads) and removed when the last
    one finishes.
    """
    with _TMP_LOCK:
        if _TMP_STATE["users"] == 0:
            _TMP_STATE["saved"] = tempfile.tempdir
            _TMP_STATE["dir"] = tempfile.mkdtemp(prefix="reciprocal-")  # mode 0700
            tempfile.tempdir = _TMP_STATE["dir"]
        _TMP_STATE["users"] += 1
    try:
        yield
    finally:
        with _TMP_LOCK:
            _TMP_STATE["users"] -= 1
            if _TMP_STATE["users"] == 0:
                tempfile.tempdir = _TMP_STATE["saved"]
                shutil.rmtree(_TMP_STATE["dir"], ignore_errors=True)
                _TMP_STATE["dir"] = None
