"""Language resources: the blank spaCy pipeline, pattern files, VADER sentiment and the LSM lexicon.

Nothing heavy is imported here: spaCy and vaderSentiment load on first use.
"""

from __future__ import annotations

from typing import Any

from .lsm import LSM_CATEGORIES, function_words, lsm_from_counts, lsm_per_category
from .patterns import LABELS, PatternSet, bundled_pattern_file, load_patterns, read_pattern_file
from .pipeline import get_nlp
from .sentiment import sentiment_scores


def tag_texts(texts: Any, **options: Any) -> Any:
    """Tag texts with the text detectors; see :func:`reciprocal.features.tag_texts`."""
    from ..features.tagger import tag_texts as _tag

    return _tag(texts, **options)


__all__ = [
    "LABELS",
    "LSM_CATEGORIES",
    "PatternSet",
    "bundled_pattern_file",
    "function_words",
    "get_nlp",
    "load_patterns",
    "lsm_from_counts",
    "lsm_per_category",
    "read_pattern_file",
    "sentiment_scores",
    "tag_texts",
]
