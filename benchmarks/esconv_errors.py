"""Error analysis of the four ESConv support codes (development aid; prints corpus text, writes nothing).

Usage::

    PYTHONPATH=src python benchmarks/esconv_errors.py [--eval-dir ../shared/eval] [--code advice]
        [--rules-only] [--show fp|fn|none] [--limit 40] [--seed 0]

For each code: P / R / F1, the gold strategies of its false positives (confusion against ESConv's
other strategies), precision per cue (from the ``evidence`` column) and per evidence source
(rule vs ``classifier p=``), and random samples of false positives / negatives. ESConv is CC BY-NC:
use it to study errors, never to train anything.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from reciprocal.features import tag_texts

SUPPORT = ("emotional_reaction", "interpretation", "exploration", "advice", "validation", "offer")
GOLD = {
    "exploration": ("Questions",),
    "interpretation": ("Restatement or Paraphrasing", "Reflection of feelings"),
    "validation": ("Affirmation and Reassurance",),
    "advice": ("Providing Suggestions",),
}


def cues_of(evidence: str, code: str) -> list[str]:
    for part in evidence.split("; "):
        if part.startswith(code + ":"):
            body = part[len(code) + 1 :]
            return ["<classifier>"] if body.startswith("classifier") else body.split(",")
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=Path("/work/shared/eval"))
    ap.add_argument("--code", choices=sorted(GOLD), action="append")
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--show", choices=("fp", "fn", "both", "none"), default="none")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--min-count", type=int, default=3, help="cues fired at least this often")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    es = pd.read_csv(args.eval_dir / "esconv" / "dev_supporter_turns.csv")
    texts = es["response"].astype(str).tolist()
    strat = es["strategy"].to_numpy()
    tags = tag_texts(texts, classifier=not args.rules_only)
    ev = tags["evidence"].to_numpy(dtype=object, na_value="")
    for code in args.code or sorted(GOLD):
        gold = np.isin(strat, GOLD[code])
        pred = tags[code].to_numpy(dtype=bool)
        tp, fp, fn = int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f = 0 if p + r == 0 else 2 * p * r / (p + r)
        print(f"\n=== {code}: P {p:.3f} R {r:.3f} F1 {f:.3f}  (tp {tp} fp {fp} fn {fn})")
        print("  FP by gold strategy:", dict(Counter(strat[pred & ~gold]).most_common()))
        fn_codes: Counter[str] = Counter()
        for k in np.flatnonzero(~pred & gold):
            fired = [c for c in SUPPORT if tags[c].iat[k]]
            fn_codes.update(fired or ["(no support code)"])
        print("  FN: support codes fired instead:", dict(fn_codes.most_common()))
        per: dict[str, list[int]] = {}
        for k in np.flatnonzero(pred):
            found = set(cues_of(ev[k], code))
            for c in found:
                row = per.setdefault(c, [0, 0, 0, 0])
                row[int(gold[k])] += 1
                if len(found) == 1:  # the turn's only cue for this code: what dropping it would cost
                    row[2 + int(gold[k])] += 1
        rows = sorted(per.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
        print(f"  cue precision (n>={args.min_count}): cue  tp/n  prec | as the only cue: tp/n")
        for c, (nf, nt, sf, st) in rows:
            if nf + nt >= args.min_count:
                print(f"    {c!r:40} {nt}/{nf + nt}  {nt / (nf + nt):.2f} | {st}/{sf + st}")
        rng = random.Random(args.seed)
        for what, mask in (("FP", pred & ~gold), ("FN", ~pred & gold)):
            if args.show not in (what.lower(), "both"):
                continue
            idx = list(np.flatnonzero(mask))
            rng.shuffle(idx)
            print(f"  --- {what} sample ({len(idx)} total)")
            for k in idx[: args.limit]:
                print(f"    [{strat[k]}] {texts[k]!r}\n        ev: {ev[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
