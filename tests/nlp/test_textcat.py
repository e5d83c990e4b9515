"""The bundled bag-of-words classifier: labels, thresholds, size, and what its outputs mean."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import spacy

from reciprocal.nlp.textcat import load_classifier


def test_bundled_classifier_has_five_labels_with_thresholds() -> None:
    clf = load_classifier("en")
    assert clf is not None
    assert clf.labels == ("emotional", "informational", "support", "info_support", "emo_support")
    assert set(clf.thresholds) == set(clf.labels)
    assert all(0.0 < t < 1.0 for t in clf.thresholds.values())


def test_bundled_thresholds_are_the_cross_validated_ones() -> None:
    # Picked by benchmarks/train_textcat.py: best out-of-fold F1 over five CL-Aff thread folds.
    clf = load_classifier("en")
    assert clf is not None
    assert clf.thresholds == {
        "emotional": 0.32,
        "informational": 0.34,
        "support": 0.34,
        "info_support": 0.26,
        "emo_support": 0.28,
    }


def test_bundled_classifier_is_small() -> None:
    root = Path(str(resources.files("reciprocal.nlp") / "data" / "textcat_en"))
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert size < 4_000_000


def test_support_outputs_rank_support_above_a_plain_report() -> None:
    clf = load_classifier("en")
    assert clf is not None
    nlp = spacy.blank("en")
    texts = [
        "Sending lots of love to you and your family.",
        "A break from him may help, or some time apart if the anger is the problem.",
        "We went to the beach last weekend with the kids.",
    ]
    p = clf.predict([nlp.make_doc(t) for t in texts])
    sup, info, emo = (clf.labels.index(k) for k in ("support", "info_support", "emo_support"))
    assert p[0, sup] > p[2, sup] and p[1, sup] > p[2, sup]
    # Emotional support for the first text, informational for the second.
    assert p[0, emo] > p[0, info] and p[1, info] > p[1, emo]
