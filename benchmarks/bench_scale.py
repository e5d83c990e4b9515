"""Single measurements for ``run_all.py``; each runs in its own fresh process and prints one JSON line.

Usage (normally called by ``run_all.py``)::

    PYTHONPATH=src python benchmarks/bench_scale.py read FILE
    PYTHONPATH=src python benchmarks/bench_scale.py analyze FILE [--bootstrap 1000] [--features auto]
    PYTHONPATH=src python benchmarks/bench_scale.py vader FILE
    PYTHONPATH=src python benchmarks/bench_scale.py text FILE [--cpu 0]
    PYTHONPATH=src python benchmarks/bench_scale.py batch FOLDER --executor none|dask|process [--workers 2]
    PYTHONPATH=src python benchmarks/bench_scale.py import

Every record holds wall seconds of the measured step (imports excluded unless stated), the process CPU
seconds of that step, the peak RSS of the whole process (MB) and the CPU pressure (PSI some avg10)
when the process started. Benchmarks are not tests: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _psi() -> float | None:
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return None
    return float(first.split()[1].split("=")[1])


def _peak_mb() -> float:
    # VmHWM is the peak RSS of this program's address space only; ru_maxrss would also carry the
    # parent's peak over fork + exec (the harness may have been large while generating data).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Timer:
    def __enter__(self) -> _Timer:
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0


def _read(path: str) -> Any:
    import reciprocal

    return reciprocal.read_chat(path, tz="UTC")


def bench_read(args: argparse.Namespace) -> dict[str, Any]:
    import reciprocal  # noqa: F401  (imports are not part of the parse time)

    walls, cpus, rows = [], [], 0
    for _ in range(args.repeat):
        with _Timer() as t:
            frame = _read(args.path)
        walls.append(t.wall)
        cpus.append(t.cpu)
        rows = len(frame)
        del frame  # peak memory is that of one read
    return {
        "rows": rows,
        "wall_s": min(walls),
        "cpu_s": min(cpus),
        "repeat": args.repeat,
        "first_wall_s": walls[0],  # includes loading the importers on first use
        "first_cpu_s": cpus[0],
    }


def _analyze_fn() -> Any:
    import reciprocal

    fn = getattr(reciprocal, "analyze", None)
    if fn is None:
        from reciprocal.analysis import analyze as fn
    return fn


def bench_analyze(args: argparse.Namespace) -> dict[str, Any]:
    analyze = _analyze_fn()
    frame = _read(args.path)
    read_peak = _peak_mb()
    opts: dict[str, Any] = {"bootstrap": args.bootstrap, "seed": 0}
    if args.features != "default":
        opts["features"] = args.features if args.features != "none" else ()
    walls, cpus = [], []
    for _ in range(args.repeat):
        with _Timer() as t:
            report = analyze(frame, **opts)
        walls.append(t.wall)
        cpus.append(t.cpu)
    return {
        "rows": len(frame),
        "wall_s": min(walls),
        "cpu_s": min(cpus),
        "repeat": args.repeat,
        "bootstrap": args.bootstrap,
        "features": args.features,
        "scores": len(report.scores),
        "peak_after_read_mb": read_peak,
    }


def bench_vader(args: argparse.Namespace) -> dict[str, Any]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    frame = _read(args.path)
    texts = frame.loc[frame["kind"] == "text", "text"].dropna().tolist()
    sia = SentimentIntensityAnalyzer()
    distinct = list(dict.fromkeys(texts))
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        with _Timer() as t:
            for text in texts:
                sia.polarity_scores(text)
        with _Timer() as d:
            for text in distinct:
                sia.polarity_scores(text)
        for key, value in (("wall_s", t.wall), ("cpu_s", t.cpu), ("distinct_wall_s", d.wall)):
            best[key] = min(best.get(key, value), value)
    return {"texts": len(texts), "distinct": len(distinct), "repeat": args.repeat, **best}


def bench_text(args: argparse.Namespace) -> dict[str, Any]:
    from reciprocal.features import tag_texts

    frame = _read(args.path)
    texts = frame.loc[frame["kind"] == "text", "text"].dropna().tolist()
    with _Timer() as s:
        tag_texts(["warm up the pipeline"])
    with _Timer() as t:
        tag_texts(texts)  # first full run: the distinct-text caches start empty, as in analyze()
    return {
        "texts": len(texts),
        "distinct": len(set(texts)),
        "setup_s": s.wall,
        "wall_s": t.wall,
        "cpu_s": t.cpu,
        "msgs_per_s": len(texts) / t.wall,
        "msgs_per_cpu_s": len(texts) / t.cpu,
    }


def bench_batch(args: argparse.Namespace) -> dict[str, Any]:
    import reciprocal
    from reciprocal.batch import batch

    del reciprocal
    opts: dict[str, Any] = {"tz": "UTC", "bootstrap": args.bootstrap, "seed": 0}
    out: dict[str, Any] = {"executor": args.executor, "workers": args.workers}
    if args.executor == "none":
        with _Timer() as t:
            table = batch(args.path, **opts)
        out.update(wall_s=t.wall, cpu_s=t.cpu, startup_s=0.0)
    elif args.executor == "process":
        from concurrent.futures import ProcessPoolExecutor

        with _Timer() as t, ProcessPoolExecutor(args.workers) as pool:
            table = batch(args.path, executor=pool, **opts)
        out.update(wall_s=t.wall, startup_s=None)
    else:
        import dask
        from dask.distributed import Client, LocalCluster

        from reciprocal.batch import LOCAL_CLUSTER_CONFIG

        # The cluster open_executor("dask") starts, built here so its start-up is timed apart.
        with _Timer() as s, dask.config.set(LOCAL_CLUSTER_CONFIG):
            cluster = LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
            # Same imports as this process has before its timed run (modules themselves do not pickle).
            client.run(lambda: __import__("reciprocal.batch") is not None)
        with _Timer() as t:
            table = batch(args.path, executor=client.get_executor(), **opts)
        client.close()
        cluster.close()
        out.update(wall_s=t.wall, startup_s=s.wall)
    out["rows"] = len(table)
    out["failed"] = int((table["status"] == "error").sum())
    out["chats"] = int(table["source"].nunique())
    if args.save:
        table.to_parquet(args.save)
    return out


def _toplevel(code: str) -> dict[str, int]:
    """Top-level entries of ``python -X importtime -c code``: name -> cumulative microseconds."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    out: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        # "import time: self | cumulative | name": nested imports are indented by 2+ spaces.
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            out[parts[2].strip()] = int(parts[1])
    return out


def bench_import(args: argparse.Namespace) -> dict[str, Any]:
    """Import cost from ``python -X importtime``: modules a bare interpreter does not load, best of 5."""
    baseline = set(_toplevel("pass"))
    out: dict[str, Any] = {}
    for key, code in (
        ("import_reciprocal_s", "import reciprocal"),
        ("import_pandas_s", "import pandas"),
        ("first_attribute_s", "import reciprocal; reciprocal.read_chat"),
    ):
        runs = []
        for _ in range(5):
            entries = _toplevel(code)
            runs.append(sum(v for k, v in entries.items() if k not in baseline) / 1e6)
        out[key] = min(runs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["read", "analyze", "vader", "text", "batch", "import"])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs in this process")
    ap.add_argument("--features", default="default")
    ap.add_argument("--executor", default="none", choices=["none", "dask", "process"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--save", help="batch: write the result table here (to compare executors)")
    ap.add_argument(
        "--cpu", type=int, help="pin this process to one CPU (a per-core figure without migrations)"
    )
    args = ap.parse_args(argv)
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    psi = _psi()
    fn = globals()[f"bench_{args.what}"]
    record = {
        "bench": args.what,
        "input": args.path,
        "psi_start": psi,
        "cpu": args.cpu,
        **fn(args),
        "peak_rss_mb": _peak_mb(),
    }
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
