"""The shared blank spaCy pipeline (tokenizer + rule sentencizer), built once per language.

spaCy is imported here, lazily, so ``import reciprocal`` stays light.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["get_nlp"]

#: Languages with a bundled pattern file (``data/patterns_<lang>.jsonl``).
SUPPORTED_LANGS: tuple[str, ...] = ("en",)


@lru_cache(maxsize=8)
def get_nlp(lang: str = "en") -> Language:
    """Return the cached blank pipeline for ``lang`` with a rule-based sentencizer.

    No trained model is needed or loaded: only spaCy's rule tokenizer for the language.

    Args:
        lang: ISO 639-1 code of a language spaCy ships a tokenizer for.

    Returns:
        A ``spacy.Language`` whose only pipe is ``sentencizer``.

    Raises:
        ConfigError: spaCy has no tokenizer for ``lang``.
    """
    import spacy

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as exc:
        raise ConfigError(
            f"spaCy has no tokenizer for language {lang!r}; use an ISO code such as 'en'"
        ) from exc
    nlp.add_pipe("sentencizer")
    return nlp
