"""Text strategies and the scorer shared by the tagger's batching / vectorisation tests."""

from __future__ import annotations

from hypothesis import strategies as st

from reciprocal.features import tagger

WORDS = st.sampled_from(
    [
        "i",
        "I'm",
        "you",
        "feel",
        "sad",
        "so",
        "thanks",
        "can",
        "we",
        "talk",
        "ok",
        "my",
        "job",
        "lol",
        "😂",
        "how",
        "are",
        "did",
        "just",
        "call",
        "her",
        "dinner",
        "friday",
        "at",
        "7pm",
        '"',
        "“",
        "sorry",
        "GREAT",
        "not",
        "the",
        "and",
        "2",
        "...",
    ]
)
SEPS = st.sampled_from([" ", "  ", "\n", ". ", "? ", "! ", "...", " :) ", ",", "\t", " \n ", "?! "])
TEXTS = st.lists(st.tuples(WORDS, SEPS), max_size=10).map(lambda xs: "".join(w + s for w, s in xs))


def scorer() -> tagger._Scorer:
    """The cached English scorer with the bundled classifier (what ``tag_texts`` uses)."""
    return tagger._scorer("en", (), True)
