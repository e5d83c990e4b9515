"""Per-message text features on a message frame (each distinct text scored once)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..nlp.lsm import LSM_CATEGORIES
from .registry import register_feature
from .tagger import TAG_COLUMNS, _frame, score_texts

__all__ = ["FW_COLUMNS", "MESSAGE_FEATURE_COLUMNS", "extract_features", "text_feature_columns"]

#: Function-word count columns (one per LSM category).
FW_COLUMNS: tuple[str, ...] = tuple(f"fw_{c}" for c in LSM_CATEGORIES)
#: Every column :func:`extract_features` adds.
MESSAGE_FEATURE_COLUMNS: tuple[str, ...] = (*TAG_COLUMNS, "words", *FW_COLUMNS)


def text_feature_columns(
    messages: pd.DataFrame,
    *,
    lang: str = "en",
    patterns: Sequence[str | Path] = (),
    classifier: bool = True,
) -> tuple[pd.DataFrame, dict[str, Any], np.ndarray]:
    """Score the text rows of a message frame.

    Only rows with ``kind == "text"`` and a sender are scored; other rows get empty tags.

    Returns:
        ``(columns, scored, take)``: the feature columns (index of ``messages``), the raw output of
        :func:`reciprocal.features.tagger.score_texts` over the distinct texts, and each row's index into
        it (-1 for rows not scored).
    """
    text = messages[schema.TEXT]
    ok = (messages[schema.KIND] == "text").to_numpy(dtype=bool) & messages[schema.SENDER].notna().to_numpy(
        dtype=bool
    )
    values = text.to_numpy(dtype=object, na_value="")
    codes, uniques = pd.factorize(values[ok])
    # The empty text goes last so unscored rows can point at it.
    scored = score_texts([*map(str, uniques), ""], lang=lang, patterns=patterns, classifier=classifier)
    take = np.full(len(messages), len(uniques), dtype=np.int64)
    take[ok] = codes
    cols = _frame(scored, take, messages.index)
    cols["words"] = scored["words"][take]
    fw = scored["fw"][take]
    for j, name in enumerate(FW_COLUMNS):
        cols[name] = fw[:, j]
    take_out = np.where(ok, take, -1)
    return cols, scored, take_out


@register_feature("text", reads=(schema.TEXT, schema.KIND, schema.SENDER), writes=MESSAGE_FEATURE_COLUMNS)
def _text_feature(frame: pd.DataFrame) -> pd.DataFrame:
    return text_feature_columns(frame)[0]


def extract_features(
    messages: pd.DataFrame,
    *,
    lang: str = "en",
    patterns: Sequence[str | Path] = (),
    classifier: bool = True,
) -> pd.DataFrame:
    """Return the message frame with the per-message text features appended (input not modified).

    Args:
        messages: A message frame.
        lang: Language of the patterns.
        patterns: Extra pattern files.
        classifier: Use the bundled disclosure classifier (see :func:`reciprocal.features.tag_texts`).

    Returns:
        ``messages``' columns, then :data:`MESSAGE_FEATURE_COLUMNS`: the tag columns of ``tag_texts``,
        ``words`` (word tokens) and ``fw_<category>`` function-word counts. Rows that are not text
        messages (media, reactions, system rows) get empty tags and zero counts.
    """
    cols = text_feature_columns(messages, lang=lang, patterns=patterns, classifier=classifier)[0]
    return pd.concat([messages, cols], axis=1)
