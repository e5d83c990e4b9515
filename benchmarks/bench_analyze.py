"""Time analyze() (timing metrics only) on a synthetic WhatsApp export, and the cost of the intervals.

Usage:
    python /work/shared/tools/gen_whatsapp.py -n 1000000 --format android --people 2 -o /tmp/wa_1m.txt
    PYTHONPATH=src python benchmarks/bench_analyze.py /tmp/wa_1m.txt [--repeat 1]

The frame is built with a quick regex over the Android export format (header lines only; continuation
lines are ignored, which does not change timing metrics), or with ``reciprocal.read_chat`` when it is
available and ``--read-chat`` is given. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import pandas as pd

from reciprocal import schema, structure
from reciprocal.analysis import analyze
from reciprocal.metrics import engine

_HEADER = r"^(\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s[AP]M) - ([^:]+): (.*)$"


def load_android(path: Path) -> pd.DataFrame:
    """Build a message frame from an Android WhatsApp export with one vectorised regex pass."""
    lines = pd.Series(path.read_text(encoding="utf-8").splitlines(), dtype=schema.STRING)
    parts = lines.str.extract(_HEADER)
    parts = parts[parts[0].notna()]
    ts = pd.to_datetime(parts[0].str.replace("\u202f", " "), format="%m/%d/%y, %I:%M %p")
    text = parts[2]
    kind = text.eq("<Media omitted>").map({True: "media", False: "text"})
    return schema.make_messages(
        {
            "timestamp": ts.to_numpy(),
            "sender": parts[1].to_numpy(),
            "text": text.to_numpy(),
            "kind": kind.to_numpy(),
        },
        tz="UTC",
        source="whatsapp",
        chat_id=path.stem,
    )


def _timed(frame: pd.DataFrame, bootstrap: int) -> float:
    t0 = time.perf_counter()
    analyze(frame, features="timing", bootstrap=bootstrap)
    return time.perf_counter() - t0


def _engine_times(frame: pd.DataFrame, bootstrap: int, repeat: int) -> tuple[float, float]:
    """Time only the per-chat engine (the part the bootstrap changes), best of ``repeat``."""
    st = structure.segment(frame)
    persons = (
        st.turns[["chat_id", "sender"]]
        .drop_duplicates()
        .rename(columns={"sender": "person"})
        .sort_values("person")
    )
    ctx = engine.AnalysisContext(st.messages, st.conversations, st.turns, st.responses, st.quiet, persons)
    counts, values = engine.collect(ctx, {"timing"})
    cols = [c for c in counts.columns if c not in engine.KEYS]
    specs = [
        s for s in engine.metric_specs() if s.group == "timing" and engine.spec_available(s, cols, values)
    ]
    chat = str(persons["chat_id"].iloc[0])
    ppl = tuple(persons["person"].astype(object))
    n_conv = len(st.conversations)

    def run(b: int) -> float:
        t0 = time.perf_counter()
        engine.evaluate_chat(
            chat, ppl, n_conv, counts, values, specs, bootstrap=b, rng=engine.chat_rng(0, chat)
        )
        return time.perf_counter() - t0

    return min(run(0) for _ in range(repeat)), min(run(bootstrap) for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("path", type=Path)
    ap.add_argument("--read-chat", action="store_true", help="use reciprocal.read_chat instead of the regex")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    if args.read_chat:
        from reciprocal import read_chat  # type: ignore[attr-defined]

        frame = read_chat(args.path, tz="UTC")
    else:
        frame = load_android(args.path)
    print(f"frame: {len(frame):,} messages built in {time.perf_counter() - t0:.2f} s")

    t0 = time.perf_counter()
    st = structure.segment(frame)
    t_struct = time.perf_counter() - t0
    print(
        f"structure.segment: {t_struct:.2f} s  ({len(st.conversations):,} conversations, "
        f"{len(st.turns):,} turns, {len(st.responses):,} responses, gap {st.gaps[frame['chat_id'].iloc[0]]})"
    )

    # The machine is shared and noisy: take the best of --repeat runs for each setting.
    t_point = min(_timed(frame, 0) for _ in range(args.repeat))
    t_full = min(_timed(frame, args.bootstrap) for _ in range(args.repeat))
    report = analyze(frame, features="timing", bootstrap=args.bootstrap)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    boot = max(t_full - t_point, 0.0)
    print(f"analyze(features='timing', bootstrap=0): {t_point:.2f} s (best of {args.repeat})")
    print(f"analyze(features='timing', bootstrap={args.bootstrap}): {t_full:.2f} s (best of {args.repeat})")
    print(f"process peak RSS: {peak / 2**20:.0f} MiB")
    print(f"intervals (difference of the two): {boot:.2f} s = {100 * boot / t_full:.1f}% of analyze()")
    t_engine0, t_engine = _engine_times(frame, args.bootstrap, args.repeat)
    extra = max(t_engine - t_engine0, 0.0)
    print(
        f"metric engine alone: {t_engine0:.3f} s without, {t_engine:.3f} s with {args.bootstrap} resamples; "
        f"intervals cost {extra:.3f} s = {100 * extra / t_full:.1f}% of analyze()"
    )
    print(f"bootstrap units: {report.params['bootstrap_units']} (max_units={engine.DEFAULT_MAX_UNITS})")
    cols = ["initiation_share", "latency_median", "response_rate", "effort_share"]
    print(report.to_frame()[cols].to_string())


if __name__ == "__main__":
    main()
