"""The ``messages.recip`` pandas accessor: the analysis stages as methods of a message frame.

Registered on ``import reciprocal`` when pandas is already imported, else on first use of any
reciprocal function. Every method returns a new object; the frame is never mutated.
"""

from __future__ import annotations

import importlib
from typing import Any

import pandas as pd

from . import schema

__all__ = ["RecipAccessor"]

_NEEDED = (schema.CHAT_ID, schema.TIMESTAMP, schema.SENDER, schema.KIND)


@pd.api.extensions.register_dataframe_accessor("recip")
class RecipAccessor:
    """``frame.recip.conversations()``, ``.turns()``, ``.responses()``, ``.analyze()``, ``.tag_texts()``.

    Raises:
        AttributeError: The frame is not a message frame (the message names the missing columns).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        missing = [c for c in _NEEDED if c not in frame.columns]
        if missing:
            raise AttributeError(
                f"'.recip' needs a reciprocal message frame; this DataFrame lacks columns {missing}. "
                "Build one with reciprocal.read_chat(path) or reciprocal.schema.make_messages({...})."
            )
        self._frame = frame

    def conversations(self, *, gap: Any = "adaptive") -> pd.DataFrame:
        """Return the messages with ``conversation_id`` (see :func:`reciprocal.structure.conversations`)."""
        from .structure import conversations

        return conversations(self._frame, gap=gap)

    def turns(self, *, gap: Any = "adaptive") -> pd.DataFrame:
        """Return one row per turn (see :func:`reciprocal.structure.turns`)."""
        from .structure import turns

        return turns(self._frame, gap=gap)

    def responses(self, *, gap: Any = "adaptive") -> pd.DataFrame:
        """Return one row per response (see :func:`reciprocal.structure.responses`)."""
        from .structure import responses

        return responses(self._frame, gap=gap)

    def analyze(self, **options: Any) -> Any:
        """Run :func:`reciprocal.analysis.analyze` on the frame and return its Report."""
        from .analysis import analyze

        return analyze(self._frame, **options)

    def tag_texts(self, **options: Any) -> pd.DataFrame:
        """Tag the message texts with the text features (needs the ``reciprocal.nlp`` package)."""
        try:
            nlp = importlib.import_module("reciprocal.nlp")
        except ImportError as exc:
            raise AttributeError("tag_texts needs reciprocal.nlp (the text features), not available") from exc
        tagged: pd.DataFrame = nlp.tag_texts(self._frame[schema.TEXT], **options)
        return tagged
