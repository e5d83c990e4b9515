"""How far a well-tuned linear bag-of-words model gets on the CL-Aff rows of ``docs/accuracy.md``.

Usage (needs scikit-learn, which reciprocal does not depend on)::

    python -m pip install scikit-learn
    PYTHONPATH=src python benchmarks/linear_ceiling.py [--eval-dir ../shared/eval]

The issue allows a bag-of-words ``TextCategorizer`` where rules fall short. This script measures how
much better the best linear bag-of-words model of the usual kind does than the shipped one, on the same
thread split (train on the 80 % training threads, score the 20 % held-out threads that
``benchmarks/detectors.py`` reports): TF-IDF of word unigrams + bigrams and of character 2-5-grams,
L2 logistic regression with balanced class weights, C in {1, 4}. Each label's F1 is given twice:

- **CV threshold**: the threshold with the best F1 of out-of-fold probabilities over five thread folds
  of the training threads (how the shipped model's thresholds are picked);
- **best threshold on the test threads**: an optimistic ceiling (the threshold is fitted to the very
  threads it is scored on).

Next to them: the shipped classifier alone (its own thresholds) and the tagger's column (rules +
classifier) as ``detectors.py`` reports it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detectors import DEFAULT_EVAL, load_tasks, prf
from train_textcat import LABELS, bucket, load_claff

# Table row (detectors.py) -> (CL-Aff label, shipped classifier output).
ROWS = {
    "disclosure_emotional": ("Emotional_disclosure", "emotional"),
    "disclosure_informational": ("Information_disclosure", "informational"),
    "supportive (any of 6 codes)": ("Support", "support"),
    "advice": ("Info_support", "info_support"),
}
GRID = np.round(np.arange(0.05, 0.95, 0.01), 2)


def best_f1(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """Return (threshold, F1) with the best F1 over GRID (ties: the lower threshold)."""
    f1s = [prf(scores >= t, gold)[2] for t in GRID]
    k = int(np.argmax(f1s))
    return float(GRID[k]), float(f1s[k])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    args = ap.parse_args(argv)
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from reciprocal.nlp.textcat import load_classifier

    df = load_claff(args.eval_dir)
    train = df[df["part"] == "train"].reset_index(drop=True)
    test = df[df["part"] == "test"].reset_index(drop=True)
    fold = train["id"].astype(str).map(bucket).to_numpy() % 5

    def features(fit_texts: list[str], *apply: list[str]) -> list:
        vecs = [
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True),
        ]
        fitted = hstack([v.fit_transform(fit_texts) for v in vecs]).tocsr()
        return [fitted, *(hstack([v.transform(t) for v in vecs]).tocsr() for t in apply)]

    x_train, x_test = features(train["text"].tolist(), test["text"].tolist())
    folds = []
    for f in range(5):
        rest, held = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        xr, xh = features(train["text"].iloc[rest].tolist(), train["text"].iloc[held].tolist())
        folds.append((rest, held, xr, xh))

    clf = load_classifier("en")
    assert clf is not None
    import spacy

    make_doc = spacy.blank("en").make_doc
    shipped = clf.predict([make_doc(t) for t in test["text"]])
    tagger = _tagger_f1(args.eval_dir)

    print(
        "| row | CL-Aff label | tagger (rules + classifier) | shipped classifier alone "
        "| linear model, CV threshold | linear model, best threshold on the test threads |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for row, (label, out) in ROWS.items():
        gold_tr = train[label].to_numpy() == 1
        gold_te = test[label].to_numpy() == 1
        k = list(LABELS).index(out)
        ship_f1 = prf(shipped[:, k] >= clf.thresholds[out], gold_te)[2]
        best = None
        for c in (1.0, 4.0):
            oof = np.zeros(len(train))
            for rest, held, xr, xh in folds:
                m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(xr, gold_tr[rest])
                oof[held] = m.predict_proba(xh)[:, 1]
            t_cv, f_oof = best_f1(oof, gold_tr)
            m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x_train, gold_tr)
            p = m.predict_proba(x_test)[:, 1]
            cand = (f_oof, c, prf(p >= t_cv, gold_te)[2], best_f1(p, gold_te)[1])
            if best is None or cand[0] > best[0]:
                best = cand
        assert best is not None
        _, c, f_cv, f_best = best
        print(
            f"| {row} | {label} | {tagger[row]:.3f} | {ship_f1:.3f} | {f_cv:.3f} (C={c:g}) | {f_best:.3f} |"
        )
    return 0


def _tagger_f1(root: Path) -> dict[str, float]:
    """F1 of the tagger's column on each CL-Aff row of detectors.py (its first row of each name)."""
    from reciprocal.features import tag_texts

    out: dict[str, float] = {}
    tags = None
    for task in load_tasks(root):
        if task.corpus != "CL-Aff" or task.detector in out:
            continue
        if tags is None:
            tags = tag_texts(task.texts)
        out[task.detector] = prf(task.predict(tags), task.gold)[2]
    return out


if __name__ == "__main__":
    sys.exit(main())
