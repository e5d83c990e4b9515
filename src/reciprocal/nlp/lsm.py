"""Language style matching on an open function-word lexicon (9 categories).

LSM_c = 1 − |p_A − p_B| / (p_A + p_B + 0.0001), with p the percentage of a person's words in category c;
LSM is the mean over the categories (Ireland & Pennebaker 2010). The lexicon is reciprocal's own
("open function-word lexicon"), so scores compare within reciprocal, not with LIWC-based studies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConfigError

__all__ = ["LSM_CATEGORIES", "function_words", "lsm_from_counts", "lsm_per_category"]

#: The 9 categories, in the order used by count arrays and column names (``fw_<category>``).
LSM_CATEGORIES: tuple[str, ...] = (
    "ppron",
    "ipron",
    "article",
    "conj",
    "prep",
    "auxverb",
    "adverb",
    "negate",
    "quant",
)

_EPS = 0.0001


@lru_cache(maxsize=4)
def function_words(lang: str = "en") -> dict[str, tuple[int, ...]]:
    """Return ``word -> category indices`` (into :data:`LSM_CATEGORIES`) of the bundled lexicon.

    Raises:
        ConfigError: No lexicon for ``lang`` or a malformed line.
    """
    path = Path(str(resources.files("reciprocal.nlp") / "data" / f"function_words_{lang}.txt"))
    if not path.is_file():
        raise ConfigError(f"no function-word lexicon for language {lang!r}; bundled: 'en'")
    words: dict[str, set[int]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        name = name.strip()
        if not sep:
            raise ConfigError("expected 'category: words'", path=path, line=lineno)
        if name == "lang":
            continue
        if name not in LSM_CATEGORIES:
            raise ConfigError(
                f"unknown category {name!r}; known: {', '.join(LSM_CATEGORIES)}", path=path, line=lineno
            )
        idx = LSM_CATEGORIES.index(name)
        for word in rest.split():
            words.setdefault(word.lower(), set()).add(idx)
    return {w: tuple(sorted(ix)) for w, ix in words.items()}


def lsm_per_category(
    counts_a: Sequence[float], words_a: float, counts_b: Sequence[float], words_b: float
) -> np.ndarray:
    """Return LSM_c for each category from two people's category counts and word totals.

    Args:
        counts_a: Words of A in each of :data:`LSM_CATEGORIES`.
        words_a: A's total words (> 0).
        counts_b: Same for B.
        words_b: B's total words (> 0).

    Returns:
        float64 array of 9 values in [0, 1].
    """
    pa = 100.0 * np.asarray(counts_a, dtype="float64") / words_a
    pb = 100.0 * np.asarray(counts_b, dtype="float64") / words_b
    return 1.0 - np.abs(pa - pb) / (pa + pb + _EPS)


def lsm_from_counts(
    counts: Mapping[str, float] | Sequence[float],
    words: float,
    other: Mapping[str, float] | Sequence[float],
    other_words: float,
) -> float:
    """Return the LSM score (mean over the 9 categories) of two people.

    Args:
        counts: A's category counts, as a sequence in :data:`LSM_CATEGORIES` order or a mapping
            ``category -> count``.
        words: A's total words.
        other: B's category counts.
        other_words: B's total words.

    Returns:
        LSM in [0, 1]; NaN when either word total is 0.
    """
    if words <= 0 or other_words <= 0:
        return float("nan")
    a = [counts[c] for c in LSM_CATEGORIES] if isinstance(counts, Mapping) else counts
    b = [other[c] for c in LSM_CATEGORIES] if isinstance(other, Mapping) else other
    return float(lsm_per_category(a, words, b, other_words).mean())
