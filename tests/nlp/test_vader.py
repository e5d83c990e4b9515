"""reciprocal's VADER evaluation gives exactly vaderSentiment's compound score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal.nlp.sentiment import sentiment_scores
from reciprocal.nlp.vader import compound

TRICKY = [
    "I am NOT happy at all!!!",
    "The food was good but the service was terrible",
    "good good but bad bad",
    "not bad, kind of great actually",
    "no problem, no worries",
    "this is the shit",
    "at least it's not the worst",
    "the least helpful answer ever",
    "I'm never so happy as when we talk",
    "without doubt the best day",
    "VERY GOOD day for EVERYONE",
    "sort of sad but mostly ok???",
    "yeah right, sure.",
    "I love you ❤️😭🎉",
    "😀",
    ":) :( :D <3",
    "",
    "   ",
    "won't hurt, can't complain, don't cry",
    "extremely, incredibly, absolutely devastated",
    "kinda meh",
    "no love lost, nor hate",
]


def _assert_matches_vader(text: str) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    assert compound(text) == SentimentIntensityAnalyzer().polarity_scores(text)["compound"], text


@pytest.mark.parametrize("text", TRICKY)
def test_compound_matches_vader_sentiment(text: str) -> None:
    _assert_matches_vader(text)


_WORDS = st.sampled_from(
    [
        "good",
        "bad",
        "not",
        "no",
        "but",
        "never",
        "so",
        "this",
        "very",
        "kind",
        "of",
        "least",
        "at",
        "without",
        "doubt",
        "love",
        "hate",
        "!",
        "?",
        ":)",
        "😭",
        "GREAT",
        "sad",
        "the",
        "a",
        "really",
        "kinda",
        "won't",
        "happy",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=12))
def test_compound_matches_on_random_word_salads(words: list[str]) -> None:
    _assert_matches_vader(" ".join(words))


def test_sentiment_scores_match_vader_sentiment_text_by_text() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    got = sentiment_scores(TRICKY).tolist()
    assert got == [sia.polarity_scores(t)["compound"] for t in TRICKY]
    assert got[TRICKY.index("")] == 0.0


# Lexicon words next to every kind of modifier (idioms, multi-word boosters, negations, "no ... or"):
# the fast path for unmodified words must agree with the full rules.
_NEAR = st.sampled_from(
    [
        "good",
        "GOOD",
        "bad",
        "love",
        "LOVE",
        "sad",
        "death",
        "shit",
        "bomb",
        "the",
        "ass",
        "yeah",
        "right",
        "kiss",
        "of",
        "sort",
        "kind",
        "extremely",
        "barely",
        "isn't",
        "no",
        "or",
        "nor",
        "least",
        "very",
        "at",
        "never",
        "this",
        "so",
        "without",
        "doubt",
        "cut",
        "mustard",
        "okay",
        "dog",
        "I",
        "is",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_NEAR, max_size=10))
def test_compound_matches_next_to_modifiers(words: list[str]) -> None:
    _assert_matches_vader(" ".join(words))


def _replace_emoji_char_by_char(text: str, emojis: dict[str, str]) -> str:
    # VADER's loop: a space before an emoji's description unless the previous character was a space.
    out = ""
    prev_space = True
    for ch in text:
        if ch in emojis:
            out += ("" if prev_space else " ") + emojis[ch]
            prev_space = False
        else:
            out += ch
            prev_space = ch == " "
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(["a", " ", "\n", "😂", "❤", "👍", "🏽", "☺", "\ufe0f", "!", "é"]),
        max_size=20,
    )
)
def test_emoji_replacement_matches_vader_loop(text: str) -> None:
    from reciprocal.nlp import vader

    # The same tokens and "!" / "?" counts (all the scorer reads of the text); whitespace may differ.
    got = vader._replace_emoji(text, vader._resources()["emoji_table"])
    want = _replace_emoji_char_by_char(text, vader._resources()["emojis"])
    assert got.split() == want.split()
    assert (got.count("!"), got.count("?")) == (want.count("!"), want.count("?"))
    _assert_matches_vader(text)


@pytest.mark.parametrize(
    "text",
    [
        "well i think that movie is the bomb",
        "honestly that party was the shit",
        "oh sure and yeah right that went great",
        "that meeting was a kiss of death for us",
        "my mom makes a pie to die for",
        "i have just enough good days",
        "today i am kind of sad",
        "the food there is sort of good",
        "we waited at the bus stop happily",
        "that guy is a bad ass player",
        "so good",
        "kind of good",
        # an idiom three and two words before the scored word ("threetwo" in VADER's rules)
        "it is sort of a good day",
        "we are sort of a happy family",
        "it was the bomb so fun",
    ],
)
def test_idioms_after_the_third_word_match_vader(text: str) -> None:
    # _valence looks for idioms only when one of their words is near; these put one there.
    _assert_matches_vader(text)
