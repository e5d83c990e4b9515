"""VADER sentiment (Hutto & Gilbert 2014): the compound score of each text.

Scores come from :func:`reciprocal.nlp.vader.compounds`, which applies VADER's rules and lexicon (read
from the installed vaderSentiment package) about three times faster than ``polarity_scores`` and returns
the same compound values. vaderSentiment is imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .vader import compounds

__all__ = ["sentiment_scores"]


def sentiment_scores(texts: Sequence[str]) -> np.ndarray:
    """Return VADER's compound score (−1..1) for each text; 0.0 for empty texts.

    Args:
        texts: Texts (each scored independently; callers pass distinct texts).

    Returns:
        float64 array aligned with ``texts``.
    """
    return np.array(compounds(texts), dtype="float64")
