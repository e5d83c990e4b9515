"""A faster evaluation of VADER's compound score (Hutto & Gilbert 2014), same rules and lexicon.

vaderSentiment spends most of its time re-lower-casing the whole token list for every lexicon word and
rebuilding the text character by character for emoji. This module applies the same rules (lexicon valence,
"no" handling, ALL-CAPS emphasis, boosters / dampeners up to 3 words back with distance decay, negation,
"never so/this", "without doubt", special-case idioms, "least", the "but" shift, "!" / "?" emphasis and
the x/sqrt(x²+15) normalisation) with each distinct token stripped and lower-cased once (a module cache),
returning 0 at once for texts without a scored lexicon word. The lexicon, emoji descriptions and the
booster / negation lists are read from the installed vaderSentiment package, so scores stay in step with it;
``tests/nlp/test_vader.py`` checks equality with ``SentimentIntensityAnalyzer`` on tricky sentences.
"""

from __future__ import annotations

import itertools
import math
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

__all__ = ["compound", "compounds"]

_PUNCT = string.punctuation
_N_SCALAR = -0.74
_C_INCR = 0.733


@lru_cache(maxsize=1)
def _resources() -> dict[str, Any]:
    from vaderSentiment import vaderSentiment as vs

    sia = vs.SentimentIntensityAnalyzer()
    return {
        "lexicon": sia.lexicon,
        "emojis": sia.emojis,
        # VADER matches emoji one character at a time, so only one-character keys ever apply.
        "emoji_table": {ord(k): " " + v for k, v in sia.emojis.items() if len(k) == 1},
        "booster": vs.BOOSTER_DICT,
        "negate": frozenset(vs.NEGATE),
        "special": vs.SPECIAL_CASES,
        "modifiers": _modifiers(vs.BOOSTER_DICT, vs.NEGATE, vs.SPECIAL_CASES),
        # Every word of a special case or a multi-word booster: an idiom can only match among them.
        "idiom_words": frozenset(
            w for k in [*vs.SPECIAL_CASES, *(b for b in vs.BOOSTER_DICT if " " in b)] for w in k.split()
        ),
    }


def _modifiers(booster: dict[str, float], negate: list[str], special: dict[str, float]) -> frozenset[str]:
    """Words that can change a neighbour's valence (every word :func:`_valence` compares with).

    A lexicon word with none of them from 3 words before to 2 after it keeps its lexicon valence
    (plus the ALL-CAPS emphasis): no "no", booster, negation, "never so/this", "without doubt",
    "least", idiom or multi-word booster can apply.
    """
    words = {
        "no",
        "or",
        "nor",
        "never",
        "so",
        "this",
        "without",
        "doubt",
        "least",
        "at",
        "very",
        "kind",
        "of",
    }
    for phrase in [*booster, *negate, *special]:
        words.update(phrase.split())
    return frozenset(words)


def _is_negation(word: str, negate: frozenset[str]) -> bool:
    return word in negate or "n't" in word


def _replace_emoji(text: str, table: dict[int, str]) -> str:
    """Replace each emoji character by its description, as VADER does (``table``: see _resources).

    VADER walks the text character by character and puts a space before a description unless the
    previous character was a space; here every description gets one (``str.translate``, one C call).
    Only the whitespace differs, and it does not matter: the scorer reads the text's whitespace-split
    tokens and its counts of "!" and "?", which are the same.
    """
    return text.translate(table)


def _idioms(
    valence: float, low: Sequence[str], i: int, special: dict[str, float], booster: dict[str, float]
) -> float:
    w = low
    onezero = f"{w[i - 1]} {w[i]}"
    twoonezero = f"{w[i - 2]} {w[i - 1]} {w[i]}"
    twoone = f"{w[i - 2]} {w[i - 1]}"
    threetwoone = f"{w[i - 3]} {w[i - 2]} {w[i - 1]}"
    threetwo = f"{w[i - 3]} {w[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in special:
            valence = special[seq]
            break
    if len(w) - 1 > i:
        seq = f"{w[i]} {w[i + 1]}"
        if seq in special:
            valence = special[seq]
    if len(w) - 1 > i + 1:
        seq = f"{w[i]} {w[i + 1]} {w[i + 2]}"
        if seq in special:
            valence = special[seq]
    for seq in (threetwoone, threetwo, twoone):
        if seq in booster:
            valence += booster[seq]
    return valence


def _valence(i: int, words: Sequence[str], low: Sequence[str], cap_diff: bool, r: dict[str, Any]) -> float:
    lexicon, booster, negate = r["lexicon"], r["booster"], r["negate"]
    item = low[i]
    valence = lexicon[item]
    n = len(words)
    if item == "no" and i != n - 1 and low[i + 1] in lexicon:
        valence = 0.0
    if (
        (i > 0 and low[i - 1] == "no")
        or (i > 1 and low[i - 2] == "no")
        or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))
    ):
        valence = lexicon[item] * _N_SCALAR
    if cap_diff and words[i].isupper():
        valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
    for back in range(3):
        if i <= back:
            continue
        prev = low[i - back - 1]
        if prev in lexicon:
            continue
        scalar = 0.0
        if prev in booster:
            scalar = booster[prev] * (-1 if valence < 0 else 1)
            if cap_diff and words[i - back - 1].isupper():
                scalar = scalar + _C_INCR if valence > 0 else scalar - _C_INCR
        if back == 1 and scalar != 0:
            scalar *= 0.95
        elif back == 2 and scalar != 0:
            scalar *= 0.9
        valence += scalar
        if back == 0:
            if _is_negation(low[i - 1], negate):
                valence *= _N_SCALAR
        elif back == 1:
            if low[i - 2] == "never" and low[i - 1] in ("so", "this"):
                valence *= 1.25
            elif low[i - 2] == "without" and low[i - 1] == "doubt":
                pass
            elif _is_negation(low[i - 2], negate):
                valence *= _N_SCALAR
        else:
            if (low[i - 3] == "never" and low[i - 2] in ("so", "this")) or low[i - 1] in ("so", "this"):
                valence *= 1.25
            elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
                pass
            elif _is_negation(low[i - 3], negate):
                valence *= _N_SCALAR
            # _idioms only compares sequences of the words low[i - 3 : i + 3] (i >= 3 here).
            if not r["idiom_words"].isdisjoint(low[i - 3 : i + 3]):
                valence = _idioms(valence, low, i, r["special"], booster)
    # "least" before the word negates it, except in "at least" / "very least".
    if i > 1 and low[i - 1] not in lexicon and low[i - 1] == "least":
        if low[i - 2] not in ("at", "very"):
            valence *= _N_SCALAR
    elif i > 0 and low[i - 1] not in lexicon and low[i - 1] == "least":
        valence *= _N_SCALAR
    return valence


def _but_shift(low: Sequence[str], sentiments: list[float]) -> list[float]:
    if "but" not in low:
        return sentiments
    bi = low.index("but")
    # VADER locates each value by its first occurrence in the list it is rewriting; doing the same
    # keeps scores identical when a sentence repeats a valence.
    out = list(sentiments)
    for value in list(out):
        si = out.index(value)
        if si < bi:
            out[si] = value * 0.5
        elif si > bi:
            out[si] = value * 1.5
    return out


# Raw whitespace token -> (VADER token: punctuation stripped unless that leaves <= 2 characters, its
# lower case, whether it is ALL CAPS, whether it is a lexicon word that is not a booster, whether it
# can modify a neighbour's valence). Chats repeat a small vocabulary, so each distinct token is
# analysed once.
_TOKEN: dict[str, tuple[str, str, bool, bool, bool]] = {}
_TOKEN_MAX = 1_000_000
# Raw tokens whose entry says "scored" (a property of the token alone, so never stale). Every token
# of a text passes through _token or is in _TOKEN; both are cleared together, between calls only.
_SCORED: set[str] = set()


def _token(tok: str, r: dict[str, Any]) -> tuple[str, str, bool, bool, bool]:
    stripped = tok.strip(_PUNCT)
    word = tok if len(stripped) <= 2 else stripped
    low = word.lower()
    scored = low in r["lexicon"] and low not in r["booster"]
    modifier = low in r["modifiers"] or "n't" in low
    entry = _TOKEN[tok] = (word, low, word.isupper(), scored, modifier)
    if scored:
        _SCORED.add(tok)
    return entry


def compound(text: str) -> float:
    """Return VADER's compound score of ``text`` (rounded to 4 decimals like vaderSentiment)."""
    return compounds([text])[0]


def compounds(texts: Iterable[str]) -> list[float]:
    """Return :func:`compound` of each text (one loop: the per-call lookups are done once)."""
    r = _resources()
    if len(_TOKEN) > _TOKEN_MAX:
        _TOKEN.clear()
        _SCORED.clear()
    get = _TOKEN.get
    no_scored = _SCORED.isdisjoint
    emoji_table = r["emoji_table"]
    out: list[float] = []
    for text in texts:
        if not text.isascii():
            text = _replace_emoji(text, emoji_table)
        toks = text.split()
        entries = [get(tok) or _token(tok, r) for tok in toks]
        # Texts without a scored lexicon word score 0 (boosters and "kind of" score 0 themselves).
        out.append(0.0 if no_scored(toks) else _score(text, entries, r))
    return out


def _score(text: str, entries: list[tuple[str, str, bool, bool, bool]], r: dict[str, Any]) -> float:
    words, low, upper, scored, modifier = zip(*entries, strict=True)
    cap_diff = True in upper and False in upper  # some words ALL CAPS, not all
    sentiments = [0.0] * len(low)
    last = len(low) - 1
    lexicon = r["lexicon"]
    for i in itertools.compress(range(len(scored)), scored):  # the scored positions only
        if not (i < last and low[i] == "kind" and low[i + 1] == "of"):
            if True in modifier[i - 3 if i > 3 else 0 : i + 3]:
                sentiments[i] = _valence(i, words, low, cap_diff, r)
            else:
                # Nothing around it modifies it: its lexicon valence, with the ALL-CAPS emphasis.
                valence = lexicon[low[i]]
                if cap_diff and upper[i]:
                    valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
                sentiments[i] = valence
    sentiments = _but_shift(low, sentiments)
    total = float(sum(sentiments))
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    emphasis = ep + ((qm * 0.18 if qm <= 3 else 0.96) if qm > 1 else 0.0)
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    score = total / math.sqrt(total * total + 15)
    return round(max(-1.0, min(1.0, score)), 4)
