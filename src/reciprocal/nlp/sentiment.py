"""VADER sentiment (Hutto & Gilbert 2014) with a cheap exact pre-filter.

VADER's compound score is 0 for any text without a lexicon word or emoji (its valences come only
from lexicon entries), so those texts skip the analyzer: chats are full of such short texts.
vaderSentiment is imported lazily.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["sentiment_scores"]

_PUNCT = string.punctuation


@lru_cache(maxsize=1)
def _analyzer() -> tuple[Any, frozenset[str], frozenset[str]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    return sia, frozenset(sia.lexicon), frozenset(sia.emojis)


def _may_score(text: str, lexicon: frozenset[str], emojis: frozenset[str]) -> bool:
    for word in text.lower().split():
        if word in lexicon or word.strip(_PUNCT) in lexicon:
            return True
    # Emoji are translated to words by VADER before scoring; any non-ASCII char may be one.
    return not text.isascii() and any(ch in emojis for ch in text)


def sentiment_scores(texts: Sequence[str]) -> np.ndarray:
    """Return VADER's compound score (−1..1) for each text; 0.0 for empty texts.

    Args:
        texts: Texts (each scored independently; callers pass distinct texts).

    Returns:
        float64 array aligned with ``texts``.
    """
    sia, lexicon, emojis = _analyzer()
    out = np.zeros(len(texts), dtype="float64")
    for i, text in enumerate(texts):
        if text and _may_score(text, lexicon, emojis):
            out[i] = sia.polarity_scores(text)["compound"]
    return out
