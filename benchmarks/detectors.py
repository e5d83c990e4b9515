"""Precision / recall / F1 of the text detectors on the labelled development corpora.

Usage::

    PYTHONPATH=src python benchmarks/detectors.py [--eval-dir ../shared/eval] [--out docs/accuracy.md]

Each detector is compared with a naive keyword baseline computed on the same texts. The corpora are
not shipped (licences: see the eval README); the script reads them from ``--eval-dir``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reciprocal.features import tag_texts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_textcat import load_claff

DEFAULT_EVAL = Path("/work/shared/eval")


@dataclass
class Task:
    detector: str  # name in the table
    corpus: str
    gold_desc: str
    texts: list[str]
    gold: np.ndarray
    predict: Callable[[pd.DataFrame], np.ndarray]
    baseline_desc: str
    baseline: Callable[[list[str]], np.ndarray]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def _kw(words: set[str]) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: np.array([bool(_words(t) & words) for t in texts])


def _sub(needle: str) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: np.array([needle in t.lower() for t in texts])


def _col(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda df: (
        df[name].to_numpy() > 0 if df[name].dtype.kind in "iu" else df[name].to_numpy(dtype=bool)
    )


def _any(*names: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda df: np.logical_or.reduce([df[n].to_numpy(dtype=bool) for n in names])


def _remorse_like(df: pd.DataFrame) -> np.ndarray:
    # apology OR an emotional reaction whose cue is a sympathy "sorry" ("sorry to hear", "sorry you ...").
    def sympathy_sorry(ev: str) -> bool:
        return any(p.startswith("emotional_reaction:") and "sorry" in p for p in ev.split("; "))

    ev = df["evidence"].to_numpy(dtype=object, na_value="")
    return df["apology"].to_numpy(dtype=bool) | np.array([sympathy_sorry(e) for e in ev], dtype=bool)


SUPPORT = ("emotional_reaction", "interpretation", "exploration", "advice", "validation", "offer")


def load_tasks(root: Path) -> list[Task]:
    tasks: list[Task] = []
    # Held-out threads only: the bundled classifier was trained on the other CL-Aff threads.
    claff = load_claff(root)
    claff = claff[claff["part"] == "test"].reset_index(drop=True)
    ctext = claff["text"].tolist()
    tasks += [
        Task(
            "disclosure_emotional",
            "CL-Aff",
            "Emotional_disclosure",
            ctext,
            claff["Emotional_disclosure"].to_numpy() == 1,
            _col("disclosure_emotional"),
            "any of feel/felt/love/hate/sad/happy/angry/scared",
            _kw({"feel", "felt", "love", "hate", "sad", "happy", "angry", "scared"}),
        ),
        Task(
            "disclosure_informational",
            "CL-Aff",
            "Information_disclosure",
            ctext,
            claff["Information_disclosure"].to_numpy() == 1,
            _col("disclosure_informational"),
            "contains 'my'",
            _kw({"my"}),
        ),
        Task(
            "supportive (any of 6 codes)",
            "CL-Aff",
            "Support",
            ctext,
            claff["Support"].to_numpy() == 1,
            _any(*SUPPORT),
            "contains 'you'",
            _kw({"you"}),
        ),
        Task(
            "advice",
            "CL-Aff",
            "Info_support",
            ctext,
            claff["Info_support"].to_numpy() == 1,
            _col("advice"),
            "contains 'should'",
            _kw({"should"}),
        ),
    ]
    go = pd.read_csv(
        root / "goemotions" / "dev.tsv",
        sep="\t",
        header=None,
        names=["text", "labels", "id"],
        dtype=str,
    )
    labs = go["labels"].str.split(",")
    gtext = go["text"].astype(str).tolist()

    def has(k: int) -> np.ndarray:
        return labs.map(lambda xs: str(k) in xs).to_numpy()

    tasks += [
        Task(
            "gratitude",
            "GoEmotions",
            "gratitude",
            gtext,
            has(15),
            _col("gratitude"),
            "contains 'thank'",
            _sub("thank"),
        ),
        Task(
            "apology",
            "GoEmotions",
            "remorse",
            gtext,
            has(24),
            _col("apology"),
            "contains 'sorry'",
            _sub("sorry"),
        ),
        Task(
            "apology + sympathy 'sorry' (remorse-like)",
            "GoEmotions",
            "remorse",
            gtext,
            has(24),
            _remorse_like,
            "contains 'sorry'",
            _sub("sorry"),
        ),
    ]
    es = pd.read_csv(root / "esconv" / "dev_supporter_turns.csv")
    etext = es["response"].astype(str).tolist()
    strat = es["strategy"]
    tasks += [
        Task(
            "exploration",
            "ESConv",
            "Questions",
            etext,
            (strat == "Questions").to_numpy(),
            _col("exploration"),
            "contains '?'",
            _sub("?"),
        ),
        Task(
            "interpretation",
            "ESConv",
            "Restatement or Paraphrasing + Reflection of feelings",
            etext,
            strat.isin(["Restatement or Paraphrasing", "Reflection of feelings"]).to_numpy(),
            _col("interpretation"),
            "any of sounds/understand/feel",
            _kw({"sounds", "understand", "feel"}),
        ),
        Task(
            "validation",
            "ESConv",
            "Affirmation and Reassurance",
            etext,
            (strat == "Affirmation and Reassurance").to_numpy(),
            _col("validation"),
            "any of good/great/okay/proud/right",
            _kw({"good", "great", "okay", "proud", "right"}),
        ),
        Task(
            "advice",
            "ESConv",
            "Providing Suggestions",
            etext,
            (strat == "Providing Suggestions").to_numpy(),
            _col("advice"),
            "any of should/try",
            _kw({"should", "try"}),
        ),
    ]
    dd_root = root / "dailydialog" / "validation"
    utts: list[str] = []
    acts: list[int] = []
    for line, act_line in zip(
        (dd_root / "dialogues.txt").read_text(encoding="utf-8").splitlines(),
        (dd_root / "dialogues_act.txt").read_text(encoding="utf-8").splitlines(),
        strict=True,
    ):
        parts = [u.strip() for u in line.split("__eou__")][:-1]
        codes = [int(a) for a in act_line.split()]
        if len(parts) != len(codes):
            continue
        utts += parts
        acts += codes
    tasks.append(
        Task(
            "question",
            "DailyDialog",
            "act = question",
            utts,
            np.array(acts) == 2,
            _col("question"),
            "ends with '?'",
            lambda ts: np.array([t.rstrip().endswith("?") for t in ts]),
        )
    )
    return tasks


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(pred & gold))
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float(gold.sum()), 1.0)
    f = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    return p, r, f


def evaluate(root: Path) -> pd.DataFrame:
    rows = []
    cache: dict[tuple[int, bool], pd.DataFrame] = {}
    for task in load_tasks(root):
        for clf in (True, False):
            if (id(task.texts), clf) not in cache:
                cache[id(task.texts), clf] = tag_texts(task.texts, classifier=clf)
        pred = task.predict(cache[id(task.texts), True])
        p, r, f = prf(pred, task.gold)
        rules_f = prf(task.predict(cache[id(task.texts), False]), task.gold)[2]
        bp, br, bf = prf(task.baseline(task.texts), task.gold)
        rows.append(
            {
                "detector": task.detector,
                "corpus": task.corpus,
                "gold label": task.gold_desc,
                "n": len(task.texts),
                "positives": int(task.gold.sum()),
                "precision": p,
                "recall": r,
                "F1": f,
                "rules-only F1": rules_f,
                "baseline": task.baseline_desc,
                "baseline P": bp,
                "baseline R": br,
                "baseline F1": bf,
            }
        )
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame) -> str:
    lines = [
        "| detector | corpus (gold label) | n | pos | P | R | F1 | rules-only F1 "
        "| keyword baseline | base P | base R | base F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for d in table.to_dict("records"):
        lines.append(
            f"| {d['detector']} | {d['corpus']} ({d['gold label']}) | {d['n']} | {d['positives']} "
            f"| {d['precision']:.2f} | {d['recall']:.2f} | **{d['F1']:.2f}** | {d['rules-only F1']:.2f} "
            f"| {d['baseline']} | {d['baseline P']:.2f} | {d['baseline R']:.2f} | {d['baseline F1']:.2f} |"
        )
    lines.append(
        f"| **mean** | | | | | | **{table['F1'].mean():.2f}** | {table['rules-only F1'].mean():.2f} "
        f"| | | | {table['baseline F1'].mean():.2f} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--out", type=Path, default=None, help="write the markdown table into this docs file")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table = evaluate(args.eval_dir)
    md = to_markdown(table)
    print(md)
    print(f"\n({time.perf_counter() - t0:.1f} s)")
    if args.out is not None:
        write_doc(args.out, md)
    return 0


def write_doc(path: Path, table_md: str) -> None:
    start, end = "<!-- accuracy-table:start -->", "<!-- accuracy-table:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table_md}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
