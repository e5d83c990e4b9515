"""The small bundled bag-of-words classifier for the two disclosure detectors.

Trained by ``benchmarks/train_textcat.py`` on CL-Aff OffMyChest (CC BY 4.0); ``meta.json`` next to the
weights records the data, split, seed and decision thresholds. Loaded lazily, once.
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
