"""LSM on two short texts, computed by hand."""

from __future__ import annotations

import math

import pytest

from reciprocal.features.tagger import score_texts
from reciprocal.nlp import LSM_CATEGORIES, function_words, lsm_from_counts


def test_lexicon_has_nine_categories_and_negations() -> None:
    fw = function_words("en")
    assert len(LSM_CATEGORIES) == 9
    assert {LSM_CATEGORIES[i] for i in fw["not"]} == {"negate"}
    assert {LSM_CATEGORIES[i] for i in fw["the"]} == {"article"}
    assert {LSM_CATEGORIES[i] for i in fw["n't"]} == {"negate"}


def test_lsm_of_two_texts_by_hand() -> None:
    a = "I went to the shop and it was not open"  # 10 words
    b = "we love the sea"  # 4 words
    cols = score_texts([a, b])
    assert cols["words"].tolist() == [10, 4]
    ca = dict(zip(LSM_CATEGORIES, cols["fw"][0].tolist(), strict=True))
    cb = dict(zip(LSM_CATEGORIES, cols["fw"][1].tolist(), strict=True))
    # A: ppron {I}, ipron {it}, article {the}, conj {and}, prep {to}, auxverb {was}, negate {not}.
    assert ca == {
        "ppron": 1,
        "ipron": 1,
        "article": 1,
        "conj": 1,
        "prep": 1,
        "auxverb": 1,
        "adverb": 0,
        "negate": 1,
        "quant": 0,
    }
    assert cb == {
        "ppron": 1,
        "ipron": 0,
        "article": 1,
        "conj": 0,
        "prep": 0,
        "auxverb": 0,
        "adverb": 0,
        "negate": 0,
        "quant": 0,
    }
    # Percentages: A 10% in each of 7 categories; B 25% ppron and article.
    # ppron, article: 1 - 15/35.0001; ipron, conj, prep, auxverb, negate: 1 - 10/10.0001 (≈ 0);
    # adverb, quant: 1 - 0/0.0001 = 1.
    per = [1 - 15 / 35.0001] * 2 + [1 - 10 / 10.0001] * 5 + [1.0] * 2
    expected = sum(per) / 9
    got = lsm_from_counts(ca, 10, cb, 4)
    assert got == pytest.approx(expected, abs=1e-12)
    assert got == pytest.approx(0.349212, abs=1e-6)


def test_lsm_identical_texts_is_one_and_empty_is_nan() -> None:
    counts = [1, 2, 0, 0, 1, 1, 0, 0, 0]
    assert lsm_from_counts(counts, 8, counts, 8) == pytest.approx(1.0)
    assert math.isnan(lsm_from_counts(counts, 0, counts, 8))
