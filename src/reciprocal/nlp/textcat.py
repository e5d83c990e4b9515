"""The small bundled bag-of-words classifier for the disclosure and support detectors.

Trained by ``benchmarks/train_textcat.py`` on CL-Aff OffMyChest (CC BY 4.0); ``meta.json`` next to the
weights records the labels (emotional, informational, support, info_support, emo_support), data, split,
seed and decision thresholds. Loaded lazily, once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DisclosureClassifier", "load_classifier"]


@dataclass(frozen=True)
class DisclosureClassifier:
    """A spaCy ``textcat_multilabel`` component with its labels and thresholds.

    Attributes:
        component: The trained pipe (``predict(docs)`` → scores, one column per label).
        labels: Label names in score-column order.
        thresholds: Label → decision threshold chosen on held-out threads.
    """

    component: Any
    labels: tuple[str, ...]
    thresholds: dict[str, float]

    def predict(self, docs: list[Any]) -> np.ndarray:
        """Return an ``(len(docs), len(labels))`` float array of probabilities."""
        out = np.zeros((len(docs), len(self.labels)))
        # thinc's n-gram extraction fails on empty docs; they score 0.
        keep = [i for i, d in enumerate(docs) if len(d)]
        if keep:
            scores = self.component.predict([docs[i] for i in keep])
            out[keep] = np.asarray(scores.get() if hasattr(scores, "get") else scores, dtype="float64")
        return out

    def predict_orth(self, orth: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Like :meth:`predict`, for texts given as their concatenated ORTH ids and token counts.

        Computes the model's n-gram features for the whole batch at once (the same sorted unique
        unigram and bigram keys with counts per text that spaCy's ``extract_ngrams`` builds Doc by
        Doc), then runs the model's remaining layers, so the probabilities are the same.

        Args:
            orth: uint64 ORTH ids of every token, text after text.
            lengths: Tokens per text (texts with no token score 0).

        Returns:
            An ``(len(lengths), len(labels))`` float array of probabilities.
        """
        out = np.zeros((len(lengths), len(self.labels)))
        keep = np.flatnonzero(lengths > 0)
        if not len(keep):
            return out
        model = self.component.model
        ops = model.ops
        lens = np.asarray(lengths, dtype=np.int64)[keep]
        ends = np.cumsum(lens)
        text = np.repeat(np.arange(len(lens)), lens)
        bigrams = ops.ngrams(2, orth) if len(orth) > 1 else np.zeros(0, dtype=orth.dtype)
        # Drop the bigrams that straddle two texts (they start at a text's last token).
        inside = np.ones(len(bigrams), dtype=bool)
        inside[(ends - 1)[ends - 1 < len(bigrams)]] = False
        keys = np.concatenate([orth, bigrams[inside]])
        owner = np.concatenate([text, text[: len(bigrams)][inside]])
        # Sort by (text, key): keys first, then a stable sort by text (a radix sort on int16 text
        # numbers); same arrays as np.lexsort((keys, owner)), about 3x faster.
        by_key = np.argsort(keys)
        small = owner[by_key].astype(np.int16 if len(lens) < 2**15 else np.int64)
        order = by_key[np.argsort(small, kind="stable")]
        keys, owner = keys[order], owner[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(keys)))
        features = (
            keys[starts],
            ops.asarray(counts, dtype="f"),
            ops.asarray(np.bincount(owner[starts], minlength=len(lens)), dtype="int32"),
        )
        # Layers: with_cpu(extract_ngrams >> resizable(sparse_linear)) >> with_cpu(logistic).
        linear = model.layers[0].layers[0].layers[1]
        scores = model.layers[1].predict(linear.predict(features))
        out[keep] = np.asarray(scores.get() if hasattr(scores, "get") else scores, dtype="float64")
        return out


@lru_cache(maxsize=4)
def load_classifier(lang: str = "en") -> DisclosureClassifier | None:
    """Return the bundled classifier for ``lang``, or None when none is shipped."""
    root = Path(str(resources.files("reciprocal.nlp") / "data" / f"textcat_{lang}"))
    if not (root / "meta.json").is_file():
        return None
    import spacy

    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    nlp = spacy.blank(lang)
    pipe: Any = nlp.add_pipe("textcat_multilabel", config={"model": meta["model"]})
    for label in meta["labels"]:
        pipe.add_label(label)
    nlp.initialize()
    pipe.from_disk(root / "model", exclude=["vocab"])
    return DisclosureClassifier(pipe, tuple(meta["labels"]), dict(meta["thresholds"]))
