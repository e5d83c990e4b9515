"""Benchmark ``read_chat`` on synthetic WhatsApp exports, side by side with whatstk and chat-miner.

Every tool runs in a fresh subprocess; the script reports the parse call's wall time (measured
inside the child, imports excluded), the whole child's wall time, and the child's peak RSS. The peers
are never dependencies: they run from a separate virtual environment when it exists::

    python -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install whatstk chat-miner
    python benchmarks/bench_read.py                     # 1M messages, Android and iOS
    python benchmarks/bench_read.py --sizes 100k --repeat 3 --no-peers

Exports come from ``../shared/tools/gen_whatsapp.py`` (deterministic) and are cached in
``benchmarks/data/``. Timings on a shared machine are noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
#: whatstk needs the header format by hand to skip its (slow) auto-detection.
HFORMAT = {"android": "%m/%d/%y, %I:%M %p - %name:", "ios": "[%d/%m/%Y, %H:%M:%S] %name:"}

_CHILD = r"""
import json, resource, sys, time
tool, path, fmt = sys.argv[1], sys.argv[2], sys.argv[3]
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t0 = time.perf_counter()
if tool == "reciprocal":
    import reciprocal as rc
    import reciprocal.api  # "import reciprocal" is lazy: load pandas & co. outside the timing, like the peers
    t1, c1 = time.perf_counter(), cpu()
    df = rc.read_chat(path, tz="UTC", format="auto")
elif tool == "whatstk":
    from whatstk import df_from_whatsapp
    t1, c1 = time.perf_counter(), cpu()
    df = df_from_whatsapp(path, hformat=sys.argv[4], max_size=None)
elif tool == "chat-miner":
    from chatminer.chatparsers import WhatsAppParser
    t1, c1 = time.perf_counter(), cpu()
    parser = WhatsAppParser(path)
    parser.parse_file()
    df = parser.parsed_messages.get_df(as_pandas=True)
else:
    raise SystemExit(f"unknown tool {tool}")
t2, c2 = time.perf_counter(), cpu()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"import_s": t1 - t0, "parse_s": t2 - t1, "cpu_s": c2 - c1, "rows": len(df), "peak_rss_mb": rss}
print(json.dumps(out))
"""


def _gen_tool() -> Path:
    env = os.environ.get("RECIPROCAL_GEN_WHATSAPP")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        candidate = parent / "shared" / "tools" / "gen_whatsapp.py"
        if candidate.exists():
            return candidate
    raise SystemExit("gen_whatsapp.py not found: set RECIPROCAL_GEN_WHATSAPP")


def ensure_export(data_dir: Path, size: str, fmt: str) -> Path:
    """Generate (once) the synthetic 2-person export of ``size`` messages in ``fmt``."""
    path = data_dir / f"wa_{fmt}_2p_{size}.txt"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(_gen_tool()), "-n", str(SIZES[size]), "--format", fmt, "--people", "2"]
        subprocess.run([*cmd, "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def run_tool(tool: str, python: str, path: Path, fmt: str) -> dict[str, Any]:
    """Run one tool on one export in a fresh process; return its measurements."""
    env = dict(os.environ)
    if tool == "reciprocal":
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [python, "-c", _CHILD, tool, str(path), fmt, HFORMAT[fmt]]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        return {"error": tail[0][:120]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["1m"], choices=sorted(SIZES))
    ap.add_argument("--formats", nargs="+", default=["android", "ios"], choices=["android", "ios"])
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool (median reported)")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks" / "data")
    ap.add_argument("--peers-venv", type=Path, default=ROOT / "benchmarks" / ".venv-peers")
    ap.add_argument("--no-peers", action="store_true", help="measure reciprocal only")
    ap.add_argument(
        "--tools", nargs="+", default=["reciprocal", "whatstk", "chat-miner"], help="subset of tools to run"
    )
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    args = ap.parse_args(argv)

    peer_python = args.peers_venv / "bin" / "python"
    tools = [("reciprocal", sys.executable)]
    if not args.no_peers:
        if peer_python.exists():
            tools += [("whatstk", str(peer_python)), ("chat-miner", str(peer_python))]
        else:
            print(f"(peers skipped: {peer_python} not found; see the module docstring)")
    tools = [t for t in tools if t[0] in args.tools]
    results = []
    for size in args.sizes:
        for fmt in args.formats:
            path = ensure_export(args.data_dir, size, fmt)
            for tool, python in tools:
                runs = [run_tool(tool, python, path, fmt) for _ in range(args.repeat)]
                ok = [r for r in runs if "error" not in r]
                row: dict[str, Any] = {"size": size, "format": fmt, "tool": tool}
                if not ok:
                    row["error"] = runs[0]["error"]
                else:
                    for key in ("parse_s", "cpu_s", "wall_s", "peak_rss_mb", "rows"):
                        row[key] = statistics.median(r[key] for r in ok)
                results.append(row)
                print(_line(row), flush=True)
    print()
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def _line(row: dict[str, Any]) -> str:
    if "error" in row:
        return f"{row['size']:>4} {row['format']:<7} {row['tool']:<10} ERROR {row['error']}"
    return (
        f"{row['size']:>4} {row['format']:<7} {row['tool']:<10} parse {row['parse_s']:.2f} s "
        f"(cpu {row['cpu_s']:.2f} s), "
        f"process {row['wall_s']:.2f} s, peak {row['peak_rss_mb']:.0f} MB, rows {row['rows']}"
    )


def _table(results: list[dict[str, Any]]) -> str:
    head = (
        "| messages | format | tool | parse s | parse CPU s | process s | peak RSS MB | rows "
        "| reciprocal faster by |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    base = {(r["size"], r["format"]): r for r in results if r["tool"] == "reciprocal" and "parse_s" in r}
    for r in results:
        if "error" in r:
            lines.append(f"| {r['size']} | {r['format']} | {r['tool']} | error: {r['error']} | | | | | |")
            continue
        ref = base.get((r["size"], r["format"]))
        ratio = "—"
        if r["tool"] != "reciprocal" and ref:
            ratio = f"{r['parse_s'] / ref['parse_s']:.1f}× (CPU {r['cpu_s'] / ref['cpu_s']:.1f}×)"
        lines.append(
            f"| {r['size']} | {r['format']} | {r['tool']} | {r['parse_s']:.2f} | {r['cpu_s']:.2f} | "
            f"{r['wall_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['rows']} | {ratio} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
