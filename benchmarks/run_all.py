"""Run every performance measurement of reciprocal side by side, in one run, and report the ratios.

Usage::

    PYTHONPATH=src python benchmarks/run_all.py                 # full set (about 10–15 min on 2 cores)
    PYTHONPATH=src python benchmarks/run_all.py --quick         # smaller inputs, a couple of minutes
    PYTHONPATH=src python benchmarks/run_all.py --only batch,import

Inputs are synthetic WhatsApp exports from ``gen_whatsapp.py`` (deterministic; found in
``$RECIPROCAL_SHARED/tools``, ``../shared/tools`` or ``/work/shared/tools``), written once to
``benchmarks/.data/``. Each measurement runs in its own fresh process (``bench_scale.py``) so peak
memory is per step. When ``benchmarks/bench_read.py`` exists (read_chat against the peers), it is run
on the 1M file too and its output kept. Results: ``benchmarks/results/<UTC time>.json`` and a
markdown table on stdout; the scaling plot goes to ``benchmarks/scaling.png``.

Benchmarks are not tests: nothing asserts a time. Other jobs may share the machine: every record keeps
the CPU pressure (PSI) at its start; compare ratios from one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
ALL = ["import", "read", "analyze", "text", "bootstrap", "memory", "batch", "scaling", "peers"]


def find_generator() -> Path:
    candidates = [
        Path(os.environ.get("RECIPROCAL_SHARED", "/nonexistent")) / "tools" / "gen_whatsapp.py",
        ROOT.parent / "shared" / "tools" / "gen_whatsapp.py",
        ROOT.parent.parent / "shared" / "tools" / "gen_whatsapp.py",
        Path("/work/shared/tools/gen_whatsapp.py"),
    ]
    for c in candidates:
        if c.is_file():
            return c
    sys.exit("gen_whatsapp.py not found; set RECIPROCAL_SHARED to the folder holding tools/gen_whatsapp.py")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_whatsapp", find_generator())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chat_file(n: int, *, seed: int = 42, fmt: str = "android") -> Path:
    """The synthetic 2-person export with ``n`` messages (generated on first use)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"wa_{fmt}_2p_{n}_s{seed}.txt"
    if not path.exists():
        # In a child process: generating 1M messages takes ~1 GB, which must not inflate this
        # process (and so what the measurements' fork + exec start from).
        cmd = [sys.executable, str(find_generator()), "-n", str(n), "--format", fmt, "--people", "2"]
        subprocess.run([*cmd, "--seed", str(seed), "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def batch_folder(chats: int, size: int) -> Path:
    """``chats`` exports of ``size`` messages each, seeds 1..chats."""
    folder = DATA / f"batch_{chats}x{size}"
    done = folder / ".complete"
    if not done.exists():
        gen = _generator()
        folder.mkdir(parents=True, exist_ok=True)
        for seed in range(1, chats + 1):
            gen.write_chat(str(folder / f"chat_{seed:05d}.txt"), size, "android", 2, seed)
        done.write_text("ok")
    return folder


def bench(*args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run one ``bench_scale.py`` measurement in a fresh process; return its JSON record."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, str(HERE / "bench_scale.py"), *args]
    print("  $", " ".join(["python benchmarks/bench_scale.py", *args]), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        print("    failed:", " | ".join(tail), flush=True)
        return {"bench": args[0], "error": " | ".join(tail)}
    record: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    print("   ", {k: (round(v, 3) if isinstance(v, float) else v) for k, v in record.items()}, flush=True)
    return record


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        model = [ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")]
        info["cpu"] = model[0].split(":", 1)[1].strip() if model else None
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["ram_gib"] = round(int(mem) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for mod in ("pandas", "pyarrow", "numpy", "spacy", "dask", "distributed", "vaderSentiment"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None
    info["versions"] = versions
    return info


class _Records(dict[str, Any]):
    """Records that are saved to ``path`` after every step (a long run keeps its finished steps)."""

    def __init__(self, out: dict[str, Any], path: Path) -> None:
        super().__init__()
        self.out, self.path = out, path

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.out["records"] = dict(self)
        self.path.parent.mkdir(exist_ok=True)
        self.path.write_text(json.dumps(self.out, indent=2) + "\n", encoding="utf-8")


def run(only: list[str], quick: bool, path: Path, chats: int | None = None) -> dict[str, Any]:
    big = 100_000 if quick else 1_000_000
    mid = 100_000 if not quick else 30_000
    chats = chats or (100 if quick else 1000)
    out: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(),
        "quick": quick,
        "machine": machine(),
    }
    rec: dict[str, Any] = _Records(out, path)
    if "import" in only:
        print("import time", flush=True)
        rec["import"] = bench("import")
    if "read" in only:
        print(f"read_chat on {big:,} messages", flush=True)
        rec["read_big"] = bench("read", str(chat_file(big)))
        rec["read_100k"] = bench("read", str(chat_file(100_000)), "--repeat", "3")
    if "analyze" in only:
        print(f"analyze() on {mid:,} messages vs VADER alone on the same texts", flush=True)
        path = str(chat_file(mid))
        rec["vader_mid"] = bench("vader", path, "--repeat", "3")
        rec["analyze_mid"] = bench("analyze", path, "--repeat", "3")
    if "text" in only:
        # Each run is a fresh process (cold caches, as analyze() meets a chat). "Per core": five runs
        # pinned to one CPU each (alternating), the median kept; one unpinned run for comparison.
        print(f"text features on {mid:,} messages", flush=True)
        path = str(chat_file(mid))
        cpus = sorted(os.sched_getaffinity(0))
        runs = [bench("text", path, "--cpu", str(cpus[k % len(cpus)])) for k in range(5)]
        ok = sorted((x for x in runs if "msgs_per_cpu_s" in x), key=lambda x: x["msgs_per_cpu_s"])
        if ok:
            rec["text_mid"] = dict(ok[len(ok) // 2], runs=[round(x["msgs_per_cpu_s"]) for x in ok])
        rec["text_mid_unpinned"] = bench("text", path)
    if "bootstrap" in only:
        print(f"bootstrap share of analyze() on {mid:,} messages", flush=True)
        path = str(chat_file(mid))
        rec["analyze_mid_b0"] = bench("analyze", path, "--bootstrap", "0", "--repeat", "3")
        rec.setdefault("analyze_mid", bench("analyze", path, "--repeat", "3"))
    if "memory" in only:
        print(f"analyze() on {big:,} messages (time and peak memory)", flush=True)
        rec["analyze_big"] = bench("analyze", str(chat_file(big)))
    if "batch" in only:
        print(f"batch of {chats} chats x 1k messages: in-process vs Dask (2 workers)", flush=True)
        folder = str(batch_folder(chats, 1000))  # seeds 1..chats: a smaller batch is a prefix
        tables = DATA / "batch_tables"
        tables.mkdir(exist_ok=True)
        rec["batch_inproc"] = bench(
            "batch", folder, "--executor", "none", "--save", str(tables / "none.parquet")
        )
        rec["batch_dask"] = bench(
            "batch", folder, "--executor", "dask", "--save", str(tables / "dask.parquet")
        )
        rec["batch_identical"] = _same(tables / "none.parquet", tables / "dask.parquet")
    if "scaling" in only:
        sizes = [10_000, 30_000, 100_000] if quick else [10_000, 30_000, 100_000, 300_000, 1_000_000]
        print(f"scaling: read_chat and analyze() at {sizes}", flush=True)
        rec["scaling"] = [
            {"n": n, "read": bench("read", str(chat_file(n))), "analyze": bench("analyze", str(chat_file(n)))}
            for n in sizes
        ]
        plot(rec["scaling"], HERE / "scaling.png")
    if "peers" in only and (HERE / "bench_read.py").exists():
        size = "100k" if quick else "1m"
        print(
            f"bench_read.py: read_chat vs whatstk / chat-miner on {size} (peers from benchmarks/.venv-peers)"
        )
        peers_json = DATA / "bench_read.json"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        cmd = [sys.executable, str(HERE / "bench_read.py"), "--sizes", size, "--json", str(peers_json)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        rec["peers_output"] = (proc.stdout + proc.stderr).strip()
        if peers_json.exists():
            rec["peers"] = json.loads(peers_json.read_text(encoding="utf-8"))
        print(rec["peers_output"], flush=True)
    out["records"] = rec
    out["finished"] = dt.datetime.now(dt.UTC).isoformat()
    return out


def _same(a: Path, b: Path) -> bool | None:
    try:
        import pandas as pd
    except ImportError:
        return None
    if not (a.exists() and b.exists()):
        return None
    return bool(pd.read_parquet(a).equals(pd.read_parquet(b)))


def plot(points: list[dict[str, Any]], path: Path) -> None:
    """Process CPU seconds vs chat size for read_chat and analyze(), log-log, with linear references.

    CPU seconds, not wall: on a shared machine they track the work done. Each call runs in a fresh
    process, so the smallest sizes include first-use costs (importer modules, spaCy pipeline).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for key, label in (("read", "read_chat()"), ("analyze", "analyze(), all features, bootstrap=1000")):
        pts = [(p["n"], p[key]["cpu_s"]) for p in points if "cpu_s" in p.get(key, {})]
        if not pts:
            continue
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, ys, "o-", label=label)
        ax.plot(xs, [ys[-1] * x / xs[-1] for x in xs], ":", color="grey", linewidth=1)
        ax.annotate(
            f"{ys[-1] / xs[-1] * 1e6:.1f} µs/msg",
            (xs[-1], ys[-1]),
            textcoords="offset points",
            xytext=(-70, 8),
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("messages in the chat (synthetic WhatsApp, 2 people)")
    ax.set_ylabel("process CPU seconds")
    ax.set_title("Cost vs chat size (dotted: proportional to size)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def summary(result: dict[str, Any]) -> str:
    """Markdown lines with each target and the measured figure (wall seconds, CPU seconds in brackets)."""
    r = result["records"]
    lines = ["| what | measured: wall s (process CPU s) | target |", "|---|---|---|"]

    def get(name: str, key: str = "wall_s") -> float | None:
        v = r.get(name, {})
        return v.get(key) if isinstance(v, dict) else None

    def wc(name: str) -> str:
        return f"{get(name):.2f} s ({get(name, 'cpu_s') or float('nan'):.2f})"

    if get("import", "import_reciprocal_s") is not None:
        lines.append(
            f"| `import reciprocal` (-X importtime) | {get('import', 'import_reciprocal_s'):.3f} s; "
            "first use "
            f"(read_chat) {get('import', 'first_attribute_s'):.3f} s; pandas alone "
            f"{get('import', 'import_pandas_s'):.3f} s | < 0.3 s |"
        )
    for name, target in (
        ("read_big", "1M: ≤ 1.0 GB peak; vs peers: bench_read.py"),
        ("read_100k", "≤ 0.5 s"),
    ):
        if get(name) is not None:
            lines.append(
                f"| read_chat, {r[name]['rows']:,} rows | {wc(name)}, "
                f"peak RSS {get(name, 'peak_rss_mb'):.0f} MB | {target} |"
            )
    a, v = get("analyze_mid"), get("vader_mid")
    if a is not None and v is not None:
        ac, vc = get("analyze_mid", "cpu_s") or a, get("vader_mid", "cpu_s") or v
        lines.append(
            f"| analyze() {r['analyze_mid']['rows']:,} msgs vs VADER alone on its "
            f"{r['vader_mid']['texts']:,} texts | {wc('analyze_mid')} vs {wc('vader_mid')} = "
            f"**{a / v:.2f}×** wall, {ac / vc:.2f}× CPU | ≤ 3× |"
        )
    if get("text_mid", "msgs_per_s") is not None:
        runs = ", ".join(f"{x / 1000:.1f}k" for x in get("text_mid", "runs") or [])
        unpinned = get("text_mid_unpinned", "msgs_per_cpu_s")
        lines.append(
            f"| text features (tag_texts), one pinned core | median of 5 runs "
            f"**{get('text_mid', 'msgs_per_cpu_s') or float('nan'):,.0f}** msgs per CPU s ({runs}); "
            f"unpinned run {unpinned or float('nan'):,.0f} | ≥ 30k/s per core |"
        )
    b0 = get("analyze_mid_b0")
    if a is not None and b0 is not None:
        ac, bc = get("analyze_mid", "cpu_s") or a, get("analyze_mid_b0", "cpu_s") or b0
        lines.append(
            f"| bootstrap share (1000 vs 0 resamples) | wall ({a:.2f} − {b0:.2f}) / {a:.2f} = "
            f"**{(a - b0) / a:.0%}**; CPU {(ac - bc) / ac:.0%} | ≤ 10% |"
        )
    if get("analyze_big") is not None:
        lines.append(
            f"| analyze() {r['analyze_big']['rows']:,} msgs | {wc('analyze_big')}, "
            f"peak RSS {get('analyze_big', 'peak_rss_mb'):.0f} MB (read included) | ≤ 60 s, ≤ 3 GB |"
        )
    i, d = get("batch_inproc"), get("batch_dask")
    if i is not None and d is not None:
        s = get("batch_dask", "startup_s") or 0.0
        lines.append(
            f"| batch {r['batch_inproc']['chats']} chats × 1k msgs | in-process {wc('batch_inproc')}, "
            f"Dask 2 workers {d:.1f} s (+{s:.1f} s cluster start) = **{i / d:.2f}×** "
            f"({i / (d + s):.2f}× with start); identical: {r.get('batch_identical')} | ≥ 1.7× |"
        )
    psi = [v.get("psi_start") for v in r.values() if isinstance(v, dict) and v.get("psi_start") is not None]
    if psi:
        lines.append(
            f"\nCPU pressure (PSI some avg10) at the start of each step: {min(psi):.0f}–{max(psi):.0f}%."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller inputs (100k instead of 1M, 100 chats)")
    ap.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {ALL}")
    ap.add_argument("--chats", type=int, help="chats in the batch benchmark (default 1000; --quick 100)")
    ap.add_argument("--replot", type=Path, metavar="JSON", help="only redraw scaling.png from a results file")
    args = ap.parse_args(argv)
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(only) - set(ALL)
    if unknown:
        ap.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {ALL}")
    if args.replot:
        plot(json.loads(args.replot.read_text(encoding="utf-8"))["records"]["scaling"], HERE / "scaling.png")
        return 0
    t0 = time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}{'-quick' if args.quick else ''}.json"
    result = run(only, args.quick, path, args.chats)
    result["total_s"] = time.perf_counter() - t0
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print()
    print(summary(result))
    print(f"\nraw records: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
