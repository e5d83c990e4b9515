"""Rule-based text detectors: disclosure, bids, support-response codes and maintenance behaviours.

Every detector combines *cues* (phrase lists per label in the pattern files, matched by one spaCy
``PhraseMatcher``) with a few positional rules, sentence by sentence. Each distinct text is scored once.
The rules are approximate: their precision / recall on labelled corpora is in ``docs/accuracy.md``.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..nlp.lsm import LSM_CATEGORIES, function_words
from ..nlp.patterns import PatternSet, load_patterns
from ..nlp.pipeline import get_nlp
from ..nlp.sentiment import sentiment_scores
from ..nlp.textcat import load_classifier

__all__ = ["BID_LEVELS", "FLAG_COLUMNS", "TAG_COLUMNS", "score_texts", "tag_texts"]

#: Boolean detector columns of :func:`tag_texts`, in order.
FLAG_COLUMNS: tuple[str, ...] = (
    "emotional_reaction",
    "interpretation",
    "exploration",
    "advice",
    "validation",
    "offer",
    "self_shift",
    "minimal",
    "question",
    "needs_question",
    "gratitude",
    "appreciation",
    "apology",
    "checkin",
    "vague_plan",
    "concrete_plan",
    "conflict",
)

#: Every column of :func:`tag_texts`, in order.
TAG_COLUMNS: tuple[str, ...] = (
    "disclosure_emotional",
    "disclosure_informational",
    "bid",
    *FLAG_COLUMNS,
    "sentiment",
    "evidence",
)

#: Categories of the ``bid`` column.
BID_LEVELS: tuple[str, ...] = ("none", "negative", "positive", "ask")

#: The six supportive response codes (Supportive = any of them).
SUPPORT_CODES: tuple[str, ...] = (
    "emotional_reaction",
    "interpretation",
    "exploration",
    "advice",
    "validation",
    "offer",
)

_EMOTION = ("emotion_neg", "emotion_pos", "feeling_frame", "emotion_strong")
_CLOCK = re.compile(
    r"\b\d{1,2}(?::\d{2})\s*(?:[ap]\.?m\.?)?\b|\b\d{1,2}\s*[ap]\.?m\.?\b|\b\d{1,2}[/.]\d{1,2}\b", re.I
)
# Words that may precede an imperative verb at the start of a sentence ("just be honest").
_IMP_LEAD = (
    "just",
    "please",
    "so",
    "then",
    "and",
    "also",
    "definitely",
    "seriously",
    "honestly",
    "really",
    "now",
)
# Subjects that make a verb-initial advice cue narration or a description, not a suggestion: "I try
# to", "he might also talk to", "it will take time", "someone to talk to" (but "I'd talk to her" and
# "you could try to" advise); and the words that may stand between such a subject and the verb.
_NARRATOR = (
    *("i", "we", "he", "she", "they", "it", "someone", "somebody", "anyone", "anybody", "nobody"),
    *("people", "person", "everyone", "everybody"),
)
_NARRATOR_GAP = (
    *("just", "really", "also", "usually", "always", "still", "even", "actually", "often", "never"),
    *("sometimes", "then", "only", "do", "does", "did", "will", "'ll", "’ll", "ll", "wo", "ca", "can"),
    *("could", "might", "may", "must", "should", "shall", "not", "n't", "have", "has", "had", "to"),
    *("want", "wanted", "need", "needed", "tried", "going", "gonna", "am", "'m", "’m", "was", "is"),
    *("wants", "needs", "tries", "are", "were", "'s", "’s", "'re", "’re", "'ve", "’ve"),
)
# Modals after "I" / "we" that make the verb a suggestion: counterfactual ("I'd tell her", "I would
# try") or, after "we", inclusive ("we need to focus on", "we should talk to").
_WOULD = ("would", "'d", "’d", "d")
_WE_SHOULD = (*_WOULD, "should", "need", "must", "have", "could", "ought", "gotta")
# "I wouldn't" advises before a verb of action or counsel ("I wouldn't worry", "I wouldn't let him"),
# not before a verb of stance or an adverb ("I wouldn't say", "I wouldn't be surprised", "I wouldn't
# even know"): imperative verbs other than the stance verbs below, and these counsel verbs.
_WOULDNT_STANCE = ("be", "say", "think", "call", "consider", "believe", "love", "see")
_COUNSEL = (
    *("worry", "bother", "stress", "sweat", "risk", "rush", "pursue", "waste", "recommend", "lose"),
    *("count", "rely", "settle", "push", "hesitate"),
)
# Sympathy / celebration cues that are interjections: reactions only where they stand on their own
# ("damn, that sucks", "oh wow!"), not inside a clause ("a damn good point", "give a damn").
_INTERJECTIONS = ("damn", "wow", "omg", "aw", "aww", "awww", "ugh", "yay", "woo", "woohoo")
_CHUNK = 1000
_QUOTES = frozenset('"“”«»')
# Leading tokens that may precede an interrogative opener ("so how was it", "hey are you ok").
_LEAD = frozenset({"so", "and", "but", "hey", "hi", "ok", "okay", "oh", "well", "also", "btw", "babe", ","})
# Tokens that may precede a request opener ("excuse me, could you ...", "by the way, can we ...").
_REQ_LEAD = _LEAD | {
    *("excuse", "me", "sorry", "then", "now", "please", "by", "the", "way", "besides", "just", "actually"),
    *("yes", "yeah", "sure", "sir", "madam", "dear", "honey", "darling", "hun", "sweetie", "guys", "dude"),
}
# In a sentence opened by a weak request opener ("can you ...?"), these make it a request.
_REQ_MARK = ("please", "pls", "plz", "me", "us")

# Words that make a question interrogative when they open it: wh-words ("how old is she?"), auxiliary
# verbs (subject-auxiliary inversion: "has your boss ...?", "isn't it ...?") and elliptic "anything
# else?"; words that may precede them; and clause breaks after which the search restarts.
_WH_WORDS = (
    *("what", "whats", "how", "hows", "why", "where", "when", "who", "whose", "which"),
    *("any", "anything", "anyone", "anybody"),
)
_AUX = (
    *("do", "does", "did", "is", "are", "was", "were", "am", "has", "have", "had", "can", "could"),
    *("would", "will", "should", "shall", "may", "might", "must", "dont", "didnt", "isnt", "arent"),
)
_Q_LEAD = ("hello", "ah", "ahh", "hmm", "um", "uh", "yes", "yeah", "no", "right", "alright", "or", "then")
_Q_BREAK = (",", "..", "...", ";", ":", "-", "and", "but", "or")
# Words that stop a "you ... <feeling>" reflection: future / ability modals and negations (reassurance:
# "you'll be happy", "you're not alone") and causatives ("you make her sad").
_NO_STATE_GAP = (
    *("'ll", "’ll", "ll", "will", "wo", "would", "'d", "’d", "can", "could", "should", "shall"),
    *("make", "makes", "made", "making", "gonna", "going", "want", "wanna", "not", "n't", "never"),
)
# Words before a "you ..." interpretation cue (optionally + "that") that make it a well-wish: "I hope
# you're feeling better", "so glad that you feel better".
_WISH_WORDS = ("hope", "hoping", "glad", "happy", "wish", "pleased", "relieved")
# Words after a sentence-initial "you" that show a dropped auxiliary ("you free tonight?").
_ELLIPTIC = frozenset(
    {"ok", "okay", "alright", "there", "up", "home", "free", "ready", "awake", "busy", "around", "good"}
    | {"sure", "done", "back", "serious", "kidding", "still", "guys", "too", "alone", "out"}
)
# Words before "you" that make it an object or a dependent clause, not a reflection: "it makes you
# feel better", "don't let it get you down", "I hope you feel better", "tell her how you feel".
_NOT_BEFORE_YOU = (
    *("make", "makes", "made", "making", "let", "lets", "help", "helps", "how", "hope", "glad"),
    *("get", "gets", "got", "getting", "bring", "brings", "put", "puts", "keep", "keeps", "leave"),
)


def _cue_spans(doc: Any, patterns: PatternSet) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    label_of = patterns.label_of
    for key, start, end in patterns.matcher(doc):
        spans.setdefault(label_of[key], []).append((start, end))
    return spans


def _in(spans: list[tuple[int, int]] | None, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans inside ``[lo, hi)``, as a new list."""
    if not spans:
        return []
    if len(spans) == 1:  # the common case, without building a comprehension
        s = spans[0]
        return [s] if s[0] >= lo and s[1] <= hi else []
    return [s for s in spans if s[0] >= lo and s[1] <= hi]


def _follows(lower: Sequence[int], a: int, lo: int, words: frozenset[int], gap: frozenset[int]) -> bool:
    """Whether token ``a`` comes after one of ``words``, past at most two ``gap`` words, within the
    sentence that starts at ``lo`` ("feeling kinda down": "down" follows "feeling" past "kinda")."""
    k = a - 1
    while k >= max(lo, a - 3) and int(lower[k]) in gap:
        k -= 1
    return k >= lo and int(lower[k]) in words


def _overlaps(span: tuple[int, int], blockers: list[tuple[int, int]] | None) -> bool:
    return bool(blockers) and any(b[0] < span[1] and span[0] < b[1] for b in blockers or ())


def _cue_text(
    text: str, idx: Sequence[int], length: Sequence[int], spans: Iterable[tuple[int, int]], off: int = 0
) -> str:
    """The text of cue spans (token positions of a text whose tokens start at ``off`` in ``idx``)."""
    if isinstance(spans, list) and len(spans) <= 1:  # the common cases, same result as below
        if not spans:
            return ""
        a, b = spans[0]
        return text[idx[off + a] : idx[off + b - 1] + length[off + b - 1]].lower()
    # Keep maximal spans only ("are you ok", not also "you ok"), in text order, without repeats.
    uniq = sorted(set(spans))
    keep = [s for s in uniq if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in uniq)]
    return ",".join(
        dict.fromkeys(text[idx[off + a] : idx[off + b - 1] + length[off + b - 1]].lower() for a, b in keep)
    )


def _suggests(cues: dict[str, list[tuple[int, int]]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Suggesting-question cues in ``[lo, hi)`` not inside an exploration cue ("could you tell me")."""
    return [s for s in _in(cues.get("advice_question"), lo, hi) if not _overlaps(s, cues.get("exploration"))]


def _within(span: tuple[int, int], longer: list[tuple[int, int]] | None) -> bool:
    """Whether ``span`` lies inside a longer span in ``longer``."""
    return any(o[0] <= span[0] and span[1] <= o[1] and o[1] - o[0] > span[1] - span[0] for o in longer or ())


def _inside(span: tuple[int, int], longer: list[tuple[int, int]] | None) -> bool:
    """Whether ``span`` is the start of a longer span in ``longer``."""
    return any(o[0] == span[0] and o[1] > span[1] for o in longer or ())


def _validation(
    cues: dict[str, list[tuple[int, int]]], bounds: list[tuple[int, int]], kinds: list[tuple[str, int]]
) -> list[tuple[int, int]]:
    """Affirmation and reassurance cues, except inside an open question ("what are you making?").

    A weak cue (a trait word or a hopeful assurance: "strong", "I'm sure") counts only in a sentence that
    also addresses the partner ("you're so strong", "I'm sure you'll find one"; not "such strong words",
    "I'm sure there are reasons").
    """
    if "validation" not in cues and "validation_weak" not in cues:
        return []
    out: list[tuple[int, int]] = []
    for (lo, hi), (kind, q) in zip(bounds, kinds, strict=True):
        end = q if kind == "open" else hi
        out += _in(cues.get("validation"), lo, end)
        weak = _in(cues.get("validation_weak"), lo, end)
        if weak:
            you = _in(cues.get("second_person"), lo, hi)
            out += [c for c in weak if any(not _overlaps(y, [c]) for y in you)]
    return out


# Columns of ``_Scorer.attrs`` used by position.
_IDX_COL = 6
_ORTH_COL = 7


class _Tokens:
    """Tokens of a chunk of texts: one attribute table in text order (``offs`` per text) and cues."""

    __slots__ = ("cues", "has", "lens", "lex", "offs", "owner", "table")

    def __init__(
        self,
        table: np.ndarray,
        owner: np.ndarray,
        lens: np.ndarray,
        offs: np.ndarray,
        cues: list[dict[str, list[tuple[int, int]]]],
        lex: np.ndarray,
        has: dict[str, list[int]],
    ) -> None:
        self.table, self.owner, self.lens, self.offs, self.cues = table, owner, lens, offs, cues
        self.lex = lex  # row of each token in the scorer's _Lexemes
        self.has = has  # per cue label, the texts (ascending) that have it


# Cue labels the per-sentence disclosure rules read (keep in step with _disclosure_rules): a text with
# none of them discloses only via the classifier.
_DISCLOSURE_CUES = (*_EMOTION, "life_event", "info_high", "life_domain", "feeling_state")
# Implied first person (see _Scorer._implied_self): the words that may precede an opener, the words
# that may not follow a one-word opener, and the cues that make an opener a reaction to the partner,
# a wish or advice rather than a statement about oneself.
_IMPLIED_LEAD = (
    *("just", "so", "sooo", "really", "honestly", "literally", "ugh", "omg", "lol", "lmao", "man"),
    *("tbh", "ngl", "still", "finally", "actually", "kinda", "ok", "okay", "oh", "well", "yeah"),
    *("also", "and", "but", "today", "now", "sometimes", "very", "super", "totally", "always", "not"),
    ",",
)
# An implied-"I" statement without an emotion word discloses a feeling through an evaluative word:
# one with at least this VADER valence, in a text whose compound reaches the second figure.
_VALENCED_WORD = 2.0
_VALENCED_COMPOUND = 0.4
# Events and facts, whose words are no judgement ("just got fired": VADER scores "fired").
_EVENT_CUES = ("life_event", "info_high", "bad_news", "good_news")
# Words that negate an emotion term that follows ("I'm not sad", "never happy"), and the degree and
# linking words that may stand between them ("not that sad", "don't feel happy").
_NEGATORS = (
    *("not", "n't", "n’t", "nt", "never", "no", "dont", "didnt", "isnt", "wasnt", "aint", "cant"),
    *("wont", "hardly", "barely"),
)
# Degree words between a feeling verb and a state ("feeling kinda down", "felt a bit lost").
_DEGREE_GAP = (
    *("so", "very", "really", "too", "pretty", "quite", "super", "kinda", "kind", "sort", "sorta", "of"),
    *("a", "bit", "little", "lil", "extremely", "totally", "completely", "just", "more", "less"),
)
_NEGATION_GAP = (
    *("so", "very", "really", "too", "that", "even", "as", "super", "particularly", "all"),
    *("feel", "feeling", "felt", "be", "been", "being", "get", "getting", "got"),
)
_IMPLIED_NOT_NEXT = ("it", "that", "this", "ya", "free", "better")
_IMPLIED_BLOCKERS = (
    *("sympathy", "celebration", "interpretation", "advice", "advice_question", "validation"),
    *("offer", "checkin", "gratitude", "appreciation", "affection", "plan_proposal", "conflict"),
)


def _imperative_at_start(imp: list[tuple[int, int]], bounds: list[tuple[int, int]]) -> bool:
    """Whether an imperative cue starts a sentence or its second token (the only ones _advice reads)."""
    starts = {lo for lo, _ in bounds}
    return any(a in starts or a - 1 in starts for a, _ in imp)


def _union(has: dict[str, list[int]], labels: Iterable[str]) -> list[int]:
    """Texts (positions in the chunk, ascending) with a cue of any of ``labels``."""
    rows: set[int] = set()
    for label in labels:
        rows.update(has.get(label, ()))
    return sorted(rows)


class _Chunk:
    """Scoring state of a chunk of texts while the rules run over it (one entry per text).

    ``has[label]`` lists the texts with a cue of that label, so a rule visits only the texts that
    carry its cues; ``fire`` marks a column and appends its evidence to the text's ``ev``.
    """

    def __init__(
        self,
        texts: Sequence[str],
        tab: _Tokens,
        toks: dict[str, Any],
        compound: list[float],
        out: dict[str, Any] | None = None,
        lo: int = 0,
    ) -> None:
        m = len(texts)
        self.texts = texts
        self.table = tab.table
        self.words: list[int] = toks["words"]
        # Output columns (rows lo .. lo + m) that ``fire`` marks; a private set when not given.
        self.out = out if out is not None else {col: np.zeros(m, dtype=bool) for col in FLAG_COLUMNS}
        self.lo = lo if out is not None else 0
        self.cues = tab.cues
        self.compound = compound
        self.has = tab.has
        # Token lower / start / length of the whole chunk as lists; text j has tokens offs[j]:offs[j + 1].
        self.offs: list[int] = toks["offs"]
        self.lower: list[int] = toks["lower"]
        self.idx: list[int] = toks["idx"]
        self.length: list[int] = toks["length"]
        self.bounds: list[list[tuple[int, int]]] = [[]] * m
        self.is_q: list[list[bool]] = [[]] * m
        self.q_sent: list[list[tuple[int, int]]] = [[]] * m
        self.any_q = [False] * m
        self.self_spans: list[list[tuple[int, int]]] = [[]] * m
        self.emo_level = [0] * m
        self.info_level = [0] * m
        self.emo_ev: list[list[tuple[int, int]]] = [[]] * m
        self.info_ev: list[list[tuple[int, int]]] = [[]] * m
        self.neg_emotion = [False] * m
        self.pos_emotion = [False] * m
        self.model_emo = [False] * m
        # Texts whose only first-person references are implied ("feeling down today").
        self.implied_only: set[int] = set()
        self.implied: dict[int, list[tuple[int, int]]] = {}  # the implied references per text
        self.model_info = [False] * m
        self.bad_news = [False] * m
        self.bid = [0] * m
        self.ev: list[list[str]] = [[] for _ in range(m)]
        # Per text, computed when a rule first needs them: quote marks per token (None: no quotes),
        # question kinds per sentence (_Scorer._question_kinds).
        self._quoted: dict[int, list[bool] | None] = {}
        self._kinds: dict[int, list[tuple[str, int]]] = {}

    def low(self, j: int) -> list[int]:
        """LOWER ids of the tokens of text ``j``."""
        return self.lower[self.offs[j] : self.offs[j + 1]]

    def cue_text(self, j: int, spans: Iterable[tuple[int, int]]) -> str:
        return _cue_text(self.texts[j], self.idx, self.length, spans, self.offs[j])

    def fire(self, j: int, col: str, spans: Iterable[tuple[int, int]]) -> None:
        self.out[col][self.lo + j] = True
        self.ev[j].append(f"{col}:" + self.cue_text(j, spans))


class _Lexemes:
    """Attributes of every lexeme seen so far, by ORTH id, for building token tables without spaCy.

    The token-table columns other than IDX are lexeme attributes (the same for every token with
    the same ORTH), so the tagger asks spaCy only for ORTH and IDX per token and looks the rest up
    here by binary search; lexemes not seen before are added with one ``Doc.to_array`` over them.
    Per-lexeme flags used by the per-text summaries (word, acknowledgement, content word,
    sentence punctuation, ``?``, function-word row) are precomputed alongside.
    """

    def __init__(self, scorer: _Scorer) -> None:
        from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, LOWER, ORTH

        self.sc = scorer
        self.lex_attrs = [ORTH, LOWER, IS_PUNCT, IS_SPACE, IS_ALPHA, LIKE_NUM, LENGTH]
        self.keys = np.zeros(0, dtype="uint64")
        self.attrs = np.zeros((0, 6), dtype="uint64")  # LOWER .. LENGTH, as in _Scorer.attrs[:6]
        self.is_word = np.zeros(0, dtype=bool)
        self.ack = np.zeros(0, dtype=bool)
        self.content = np.zeros(0, dtype=bool)
        self.sent_punct = np.zeros(0, dtype=bool)
        self.qmark = np.zeros(0, dtype=bool)
        self.fw_row = np.zeros(0, dtype=np.int64)

    def rows(self, orth: np.ndarray) -> np.ndarray:
        """Row of each ORTH id (adding unseen lexemes)."""
        keys = self.keys
        if len(keys):
            pos = np.searchsorted(keys, orth)
            miss = keys[np.minimum(pos, len(keys) - 1)] != orth
            if not miss.any():
                return pos
            self._add(np.unique(orth[miss]))
        elif len(orth):
            self._add(np.unique(orth))
        return np.searchsorted(self.keys, orth)

    def _add(self, new: np.ndarray) -> None:
        from spacy.tokens import Doc

        sc = self.sc
        strings = sc.nlp.vocab.strings
        words = [strings[int(o)] for o in new]
        arr = Doc(sc.nlp.vocab, words=words, spaces=[False] * len(words)).to_array(self.lex_attrs)
        if not np.array_equal(arr[:, 0], new):
            raise AssertionError("lexeme table: ORTH ids changed on re-lookup")
        attrs = arr[:, 1:]
        lower, punct, space, alpha, num, length = attrs.T
        is_word = (punct == 0) & (space == 0)
        minimal = np.isin(lower, sc.minimal_arr)
        # A token is an acknowledgement if it is not a word, a minimal word, or neither letters nor digits.
        ack = ~is_word | minimal | ((alpha == 0) & (num == 0))
        content = (alpha == 1) & (length > 2) & ~np.isin(lower, sc.stop_arr)
        fw_pos = np.searchsorted(sc.fw_keys, lower).clip(0, len(sc.fw_keys) - 1)
        fw_row = np.where(is_word & (sc.fw_keys[fw_pos] == lower), fw_pos, -1)
        keys = np.concatenate([self.keys, new])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.attrs = np.concatenate([self.attrs, attrs])[order]
        self.is_word = np.concatenate([self.is_word, is_word])[order]
        self.ack = np.concatenate([self.ack, ack])[order]
        self.content = np.concatenate([self.content, content])[order]
        self.sent_punct = np.concatenate([self.sent_punct, np.isin(lower, sc.sent_punct_arr)])[order]
        self.qmark = np.concatenate([self.qmark, lower == sc.h["?"]])[order]
        self.fw_row = np.concatenate([self.fw_row, fw_row])[order]


class _Scorer:
    """Holds the compiled resources for one language and scores distinct texts."""

    def __init__(self, lang: str, extra: Sequence[str | Path], use_classifier: bool = True) -> None:
        self.nlp = get_nlp(lang)
        self.patterns = load_patterns(lang=lang, extra=extra)
        self.sentencizer = self.nlp.get_pipe("sentencizer")
        sentencizer: Any = self.sentencizer
        self.sent_end_orth = frozenset(self.nlp.vocab.strings.add(c) for c in sentencizer.punct_chars)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.valence: dict[str, float] = SentimentIntensityAnalyzer().lexicon
        self.classifier = load_classifier(lang) if use_classifier else None
        if self.classifier is not None:
            self.thresholds = tuple(self.classifier.thresholds[k] for k in ("emotional", "informational"))
        self.support_model = _support_model(self.classifier)
        strings = self.nlp.vocab.strings
        self.h = {x: strings.add(x) for x in ("?", "!", ".", *_QUOTES)}
        self.wh = frozenset(strings.add(x) for x in (*_WH_WORDS, *_AUX))
        self.q_lead = frozenset(strings.add(x) for x in (*_LEAD, *_Q_LEAD))
        self.q_break = frozenset(strings.add(x) for x in _Q_BREAK)
        self.q_punct = frozenset(strings.add(x) for x in _Q_BREAK if not x.isalpha())
        self.wh_word = frozenset(strings.add(x) for x in _WH_WORDS)
        self.inverted = frozenset(
            strings.add(x) for x in (*_WH_WORDS[:10], "is", "are", "was", "were", "did", "does", "has")
        )
        self.so = strings.add("so")
        self.that = strings.add("that")
        self.wish_words = frozenset(strings.add(x) for x in _WISH_WORDS)
        self.you_subj = frozenset(strings.add(x) for x in ("you", "u", "ya", "ur", "yall"))
        self.you_ask = self.you_subj | {strings.add("yourself")}
        self.no_state_gap = frozenset(strings.add(x) for x in _NO_STATE_GAP)
        self.not_before_you = frozenset(strings.add(x) for x in _NOT_BEFORE_YOU)
        self.sent_punct = frozenset(strings.add(x) for x in (".", "!", "?", "...", "!!", "??", "?!"))
        self.lead = frozenset(strings.add(x) for x in _LEAD)
        self.imp_lead = frozenset(strings.add(x) for x in _IMP_LEAD)
        self.implied_lead = frozenset(strings.add(x) for x in _IMPLIED_LEAD)
        self.implied_not_next = frozenset(strings.add(x) for x in _IMPLIED_NOT_NEXT)
        self.negators = frozenset(strings.add(x) for x in _NEGATORS)
        self.feel_verbs = frozenset(strings.add(x) for x in ("feel", "feels", "feeling", "felt"))
        self.degree_gap = frozenset(strings.add(x) for x in _DEGREE_GAP)
        self.negation_gap = frozenset(strings.add(x) for x in _NEGATION_GAP)
        self.imp_object = frozenset(strings.add(x) for x in ("you", "u", "ya", "yall", "'s", "’s", "s"))
        self.narrator = frozenset(strings.add(x) for x in _NARRATOR)
        self.narrator_gap = frozenset(strings.add(x) for x in (*_NARRATOR_GAP, *_WE_SHOULD))
        self.would = frozenset(strings.add(x) for x in _WOULD)
        self.we_should = frozenset(strings.add(x) for x in _WE_SHOULD)
        self.i_we = (strings.add("i"), strings.add("we"))
        self.wouldnt = frozenset(strings.add(x) for x in ("wouldnt", "n't", "’t", "not"))
        self.wouldnt_stance = frozenset(strings.add(x) for x in _WOULDNT_STANCE)
        self.counsel = frozenset(strings.add(x) for x in _COUNSEL)
        self.deal, self.with_ = strings.add("deal"), strings.add("with")
        self.take, self.of = strings.add("take"), strings.add("of")
        self.interjection = frozenset(strings.add(x) for x in _INTERJECTIONS)
        self.repair = frozenset(strings.add(x) for x in ("sorry", "pardon", "huh", "eh", "come", "excuse"))
        self.coord = frozenset(strings.add(x) for x in ("and", "or", "then"))
        self.req_lead = frozenset(strings.add(x) for x in _REQ_LEAD)
        self.req_mark = frozenset(strings.add(x) for x in _REQ_MARK)
        self.stop = frozenset(strings.add(x) for x in self.nlp.Defaults.stop_words)
        self.minimal_words = frozenset(strings.add(x) for x in self.patterns.phrases.get("minimal", ()))
        # Function words as a sorted hash table → category membership rows (vectorised counting).
        fw = function_words(lang)
        keys = np.array([strings.add(w) for w in fw], dtype="uint64")
        member = np.zeros((len(fw), len(LSM_CATEGORIES)), dtype="int32")
        for row, cats in enumerate(fw.values()):
            member[row, list(cats)] = 1
        order = np.argsort(keys)
        self.fw_keys, self.fw_member = keys[order], member[order]
        from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, LOWER, ORTH

        self.attrs = [LOWER, IS_PUNCT, IS_SPACE, IS_ALPHA, LIKE_NUM, LENGTH, IDX, ORTH]
        self.orth_idx = [ORTH, IDX]
        self.sent_punct_arr = np.array(sorted(self.sent_punct), dtype="uint64")
        self.quote_arr = np.array(sorted(self.h[q] for q in _QUOTES), dtype="uint64")
        self.minimal_arr = np.array(sorted(self.minimal_words), dtype="uint64")
        self.stop_arr = np.array(sorted(self.stop), dtype="uint64")
        self.lexemes = _Lexemes(self)
        self.tokenized_words: set[str] = set()  # see _warm_tokenizer_cache
        # Match keys of the phrase matcher, sorted, and their labels (vectorised cue grouping).
        match_keys = sorted(self.patterns.label_of)
        self.match_keys = np.array(match_keys, dtype="uint64")
        self.match_labels = [self.patterns.label_of[key] for key in match_keys]

    def score(self, texts: Sequence[str]) -> dict[str, Any]:
        # Scoring allocates millions of small acyclic objects (match tuples, span lists, token
        # strings); with the cyclic collector on, its repeated passes over the large live heap cost
        # ~20 % of the run. Nothing here creates reference cycles, so pause it for the call.
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._score(texts)
        finally:
            if paused:
                gc.enable()

    def _score(self, texts: Sequence[str]) -> dict[str, Any]:
        n = len(texts)
        sent = sentiment_scores(texts)
        out: dict[str, Any] = {
            "disclosure_emotional": np.zeros(n, dtype="int8"),
            "disclosure_informational": np.zeros(n, dtype="int8"),
            "bid": np.zeros(n, dtype="int8"),
            **{c: np.zeros(n, dtype=bool) for c in FLAG_COLUMNS},
            "sentiment": sent,
            "evidence": [""] * n,
            "self_ref": np.zeros(n, dtype=bool),
            "repair_marker": np.zeros(n, dtype=bool),
            "bad_news": np.zeros(n, dtype=bool),
            "words": np.zeros(n, dtype="int32"),
            "fw": np.zeros((n, len(LSM_CATEGORIES)), dtype="int32"),
            "content": [frozenset()] * n,
        }
        for lo in range(0, n, _CHUNK):
            chunk = texts[lo : lo + _CHUNK]
            tab = self._tokenize(chunk)
            cues = tab.cues
            probs = None
            if self.classifier is not None:
                # Texts of a few words (see _MODEL_MIN_WORDS; tokens >= words); the disclosure outputs
                # only matter for texts with a first-person reference, the support outputs for any.
                gated = tab.lens >= _MODEL_MIN_WORDS
                if self.support_model is None:
                    gated &= np.array(["self_ref" in c for c in cues], dtype=bool)
                probs = np.zeros((len(chunk), len(self.classifier.labels)))
                if gated.any():
                    orth = tab.table[:, _ORTH_COL][gated[tab.owner]]
                    probs[gated] = self.classifier.predict_orth(orth, tab.lens[gated])
            self._score_chunk(lo, chunk, tab, sent, probs, out)
        return out

    def _tokenize(self, chunk: Sequence[str]) -> _Tokens:
        """Tokenize a chunk of texts and find their cues, with one spaCy call for most of them.

        spaCy splits on whitespace before anything else, so texts that neither start nor end with
        whitespace can be joined with a newline (which becomes one token of its own) and tokenized as
        one Doc: every text gets exactly the tokens it gets alone, and no phrase pattern (patterns have
        no whitespace tokens) can match across the newline. This avoids building one Doc per text,
        which costs more than the tokenization itself. Other texts are tokenized alone.
        """
        tokenizer: Any = self.nlp.tokenizer
        m = len(chunk)
        cues: list[dict[str, list[tuple[int, int]]]] = [{} for _ in range(m)]
        has: dict[str, list[int]] = {}  # texts (ascending) with a cue of each label
        joined = [j for j, t in enumerate(chunk) if t and not t[0].isspace() and not t[-1].isspace()]
        arrays: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        if joined:
            parts = [chunk[j] for j in joined]
            joined_text = "\n".join(parts)
            self._warm_tokenizer_cache(joined_text)
            big = tokenizer(joined_text)
            arr = big.to_array(self.orth_idx)
            lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            starts = np.zeros(len(parts), dtype=np.int64)
            np.cumsum(lens[:-1] + 1, out=starts[1:])
            idx = arr[:, 1].astype(np.int64)
            part = np.searchsorted(starts, idx, side="right") - 1
            keep = idx < starts[part] + lens[part]  # False only for the separator tokens
            first = np.searchsorted(part, np.arange(len(parts)), side="left")
            where = np.asarray(joined, dtype=np.int64)
            kept = arr[keep]
            kept[:, 1] = (idx[keep] - starts[part[keep]]).astype(np.uint64)
            arrays.append(kept)
            owners.append(where[part[keep]])
            matches = self.patterns.matcher(big)
            if matches:
                keys, a_big, b_big = zip(*matches, strict=True)
                a = np.asarray(a_big, dtype=np.int64)
                k = part[a]
                shift = first[k]
                # Group the matches by (text, label), keeping the matcher's order inside a group.
                label = np.searchsorted(self.match_keys, np.asarray(keys, dtype="uint64"))
                order = np.argsort(where[k] * len(self.match_keys) + label, kind="stable")
                owner_s, label_s = where[k][order], label[order]
                spans = list(
                    zip(
                        (a - shift)[order].tolist(),
                        (np.asarray(b_big, dtype=np.int64) - shift)[order].tolist(),
                        strict=True,
                    )
                )
                brk = np.flatnonzero((owner_s[1:] != owner_s[:-1]) | (label_s[1:] != label_s[:-1])) + 1
                g0 = [0, *brk.tolist()]
                groups = [spans[s0:s1] for s0, s1 in zip(g0, [*g0[1:], len(spans)], strict=True)]
                g_owner, g_label = owner_s[g0], label_s[g0]
                names = self.match_labels
                labels = [names[lab] for lab in g_label.tolist()]
                # One dict per text (its groups are consecutive), and per label the texts that have it.
                t0 = [0, *(np.flatnonzero(g_owner[1:] != g_owner[:-1]) + 1).tolist()]
                for j, u0, u1 in zip(g_owner[t0].tolist(), t0, [*t0[1:], len(groups)], strict=True):
                    cues[j] = dict(zip(labels[u0:u1], groups[u0:u1], strict=True))
                by_label = np.argsort(g_label, kind="stable")
                l_sorted = g_label[by_label]
                l0 = [0, *(np.flatnonzero(l_sorted[1:] != l_sorted[:-1]) + 1).tolist()]
                rows = g_owner[by_label].tolist()
                for lab, u0, u1 in zip(l_sorted[l0].tolist(), l0, [*l0[1:], len(rows)], strict=True):
                    has[names[lab]] = rows[u0:u1]
        if len(joined) < m:
            alone = set(range(m)).difference(joined)
            for j in sorted(alone):
                doc = tokenizer(chunk[j])
                cues[j] = _cue_spans(doc, self.patterns)
                for name in cues[j]:
                    bisect.insort(has.setdefault(name, []), j)
                if len(doc):
                    arrays.append(doc.to_array(self.orth_idx))
                    owners.append(np.full(len(doc), j, dtype=np.int64))
        if arrays:
            pairs = np.concatenate(arrays)
            owner = np.concatenate(owners)
            if len(joined) < m:
                order = np.argsort(owner, kind="stable")
                pairs, owner = pairs[order], owner[order]
        else:
            pairs = np.zeros((0, 2), dtype="uint64")
            owner = np.zeros(0, dtype=np.int64)
        # The other columns are lexeme attributes: look them up by ORTH.
        lex = self.lexemes.rows(pairs[:, 0])
        table = np.empty((len(pairs), len(self.attrs)), dtype="uint64")
        table[:, :_IDX_COL] = self.lexemes.attrs[lex]
        table[:, _IDX_COL] = pairs[:, 1]
        table[:, _ORTH_COL] = pairs[:, 0]
        lens_all = np.bincount(owner, minlength=m)
        offs = np.concatenate([[0], np.cumsum(lens_all)])
        return _Tokens(table, owner, lens_all, offs, cues, lex, has)

    def _warm_tokenizer_cache(self, text: str) -> None:
        """Tokenize each whitespace-separated word of ``text`` not seen before on its own.

        spaCy's tokenizer memoises the tokens of each whitespace-separated span, but within one call
        it stops saving new spans after the first special case ("I'm", ":)"), so in a Doc of 1,000
        joined texts most new spans would be split with the affix regexes again in every chunk. A
        call per new word saves them (a word involving a special case is not saved, as before); the
        tokens are the same, cached or not.
        """
        new = set(text.split()).difference(self.tokenized_words)
        if new:
            self.tokenized_words.update(new)
            tokenizer: Any = self.nlp.tokenizer
            for word in sorted(new):
                tokenizer(word)

    def _token_table(self, tab: _Tokens, lo: int, out: dict[str, Any]) -> dict[str, Any]:
        """Token attributes of a chunk of texts as one array, with per-text summaries (vectorised).

        The per-token flags come from the lexeme table (one gather per flag); see ``_Lexemes._add``
        for their definitions.
        """
        big, owner, lens, offs, lex = tab.table, tab.owner, tab.lens, tab.offs, tab.lex
        lexemes = self.lexemes
        lower = big[:, 0]
        n = len(lens)
        words = np.bincount(owner, weights=lexemes.is_word[lex], minlength=n).astype(np.int64)
        out["words"][lo : lo + n] = words
        # Function words per category (rows of the sorted function-word table).
        fw_row = lexemes.fw_row[lex]
        hit = fw_row >= 0
        if hit.any():
            rows, member = owner[hit], self.fw_member[fw_row[hit]]
            fw = out["fw"][lo : lo + n]
            # One count over (text, category) cells: a 0/1 membership matrix, so nonzero = memberships.
            tok, cat = np.nonzero(member)
            k = member.shape[1]
            fw += np.bincount(rows[tok] * k + cat, minlength=n * k).reshape(n, k).astype(fw.dtype)
        last = np.zeros(len(lower), dtype=bool)
        last[offs[1:][lens > 0] - 1] = True
        inner = np.bincount(owner, weights=lexemes.sent_punct[lex] & ~last, minlength=n) > 0
        has_q = np.bincount(owner, weights=lexemes.qmark[lex], minlength=n) > 0
        all_ack = np.bincount(owner, weights=~lexemes.ack[lex], minlength=n) == 0
        content = lexemes.content[lex]
        content_offs = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner[content], minlength=n), out=content_offs[1:])
        # Python lists: the rules read them one text at a time.
        return {
            "lower": lower.tolist(),
            "offs": offs.tolist(),
            "idx": big[:, _IDX_COL].tolist(),
            "length": big[:, 5].tolist(),
            "lens": lens.tolist(),
            "words": words.tolist(),
            "inner": inner.tolist(),
            "inner_rows": np.flatnonzero(inner).tolist(),
            # Texts that may be minimal (words, and only acknowledgements or at most 3 words).
            "minimal_rows": np.flatnonzero((words > 0) & (all_ack | (words <= 3))).tolist(),
            "has_q": has_q.tolist(),
            "all_ack": all_ack.tolist(),
            "content_words": lower[content].tolist(),  # per text: content_offs[j]:content_offs[j + 1]
            "content_offs": content_offs.tolist(),
        }

    def _score_chunk(
        self,
        lo: int,
        chunk: Sequence[str],
        tab: _Tokens,
        sent: np.ndarray,
        probs: np.ndarray | None,
        out: dict[str, Any],
    ) -> None:
        """Apply the rules to a chunk of texts, rule by rule, each over the texts with the cues it needs.

        The steps below run in the order of the evidence string ("disclosure_emotional:...;
        disclosure_informational:...; bid:...; emotional_reaction:...; ..."): each appends to the
        evidence of the texts it fires on. A text without any cue of a rule is never visited by it.
        """
        toks = self._token_table(tab, lo, out)
        c = _Chunk(chunk, tab, toks, sent[lo : lo + len(chunk)].tolist(), out, lo)
        self._sentences(c, tab, toks)
        self._self_refs(c, out, lo)
        self._disclosures(c, probs)
        self._bids(c)
        self._responses(c)
        n = len(chunk)
        out["disclosure_emotional"][lo : lo + n] = [
            lvl or m for lvl, m in zip(c.emo_level, c.model_emo, strict=True)
        ]
        out["disclosure_informational"][lo : lo + n] = [
            lvl or m for lvl, m in zip(c.info_level, c.model_info, strict=True)
        ]
        self._classifier_codes(c, probs)  # reads the rule columns written above
        self._minimal(c, toks)
        # Write the chunk's remaining columns.
        out["bid"][lo : lo + n] = c.bid
        out["bad_news"][lo : lo + n] = c.bad_news
        evidence = out["evidence"]
        for j, ev in enumerate(c.ev):
            if ev:
                evidence[lo + j] = "; ".join(ev)
        # Content words are only compared for bids and first-person replies (self_shift).
        content_out = out["content"]
        words, owner_offs = toks["content_words"], toks["content_offs"]
        for j in range(n):
            if c.self_spans[j] or c.bid[j]:
                content_out[lo + j] = frozenset(words[owner_offs[j] : owner_offs[j + 1]])

    # -- Step 1: sentences and questions ---------------------------------------------------------------
    def _sentences(self, c: _Chunk, tab: _Tokens, toks: dict[str, Any]) -> None:
        """Sentence bounds of each text and which sentences are questions (``?`` or an opener)."""
        qmark = self.h["?"]
        has_q, offs, lower, cues = toks["has_q"], c.offs, c.lower, c.cues
        # Most texts are one sentence without a question opener: one sentence, a question if it has "?".
        c.bounds = [[(0, n)] for n in toks["lens"]]
        c.is_q = [[q] for q in has_q]
        c.any_q = list(has_q)
        c.q_sent = [[b[0]] if q else [] for b, q in zip(c.bounds, has_q, strict=True)]
        # The others (inner sentence punctuation, or an opener) sentence by sentence.
        openers = c.has.get("question_opener", [])
        for j in sorted(set(toks["inner_rows"]).union(openers)):
            o0, o1 = offs[j], offs[j + 1]
            # The rule sentencizer only matters when there is inner sentence punctuation.
            if toks["inner"][j]:
                starts = self._sentence_starts(tab.table[o0:o1])
                bounds = list(zip(starts, [*starts[1:], o1 - o0], strict=True))
            else:
                bounds = [(0, o1 - o0)]
            if len(bounds) == 1:
                is_q = [has_q[j] or (j in openers and self._opens_question(cues[j], lower[o0:o1], 0))]
            else:
                low = lower[o0:o1]
                is_q = [
                    qmark in low[a:b] or (j in openers and self._opens_question(cues[j], low, a))
                    for a, b in bounds
                ]
            c.bounds[j] = bounds
            c.is_q[j] = is_q
            c.any_q[j] = any(is_q)
            c.q_sent[j] = [s for s, q in zip(bounds, is_q, strict=True) if q]

    # -- Step 2: first-person references ---------------------------------------------------------------
    def _self_refs(self, c: _Chunk, out: dict[str, Any], lo: int) -> None:
        """First-person cues outside quotes ("self_ref" helper column) and the repair-marker column."""
        no_quotes, texts, cues_of = _QUOTES.isdisjoint, c.texts, c.cues
        found = []
        for j in c.has.get("self_ref", ()):
            spans = cues_of[j]["self_ref"]
            if not no_quotes(texts[j]):
                quoted = self._quotes(c, j)
                if quoted is not None:
                    spans = [s for s in spans if not quoted[s[0]]]
            c.self_spans[j] = spans
            if spans:
                found.append(lo + j)
        out["self_ref"][found] = True
        # Chat drops the subject "I" ("feeling down today", "so tired"): an implied first-person
        # reference where such a statement opens.
        implied = []
        bounds_of = c.bounds
        for j in c.has.get("implied_self", ()):
            # (Cue spans are sorted: a one-sentence text whose first cue lies past its lead words has none.)
            if cues_of[j]["implied_self"][0][0] > 2 and len(bounds_of[j]) == 1:
                continue
            spans = self._implied_self(c, j)
            if spans:
                c.implied[j] = spans
                if not c.self_spans[j]:
                    c.implied_only.add(j)
                c.self_spans[j] = sorted(c.self_spans[j] + spans)
                out["self_ref"][lo + j] = True
                implied.append(j)
        if implied:
            c.has["self_ref"] = sorted(set(c.has.get("self_ref", ())).union(implied))
        for label in ("affection", "humour", "repair_phrase"):
            for j in c.has.get(label, ()):
                out["repair_marker"][lo + j] = True

    def _implied_self(self, c: _Chunk, j: int) -> list[tuple[int, int]]:
        """Spans that stand for a dropped "I" at the opening of a statement of text ``j``.

        A sentence that is not a question (a question drops "you": "feeling better?") and has no
        second-person word, opening past at most two lead words ("just", "so", "honestly", "ugh ,")
        with an ``implied_self`` cue ("feeling down today", "had the worst day", "got the job!!",
        "can't sleep", "so tired"); not where the opener is part of a reaction, wish, advice or
        affection cue ("feel better soon", "love you"), nor a one-word opener before "it" / "that" /
        "this" ("got it", "love that"), nor one that ends its sentence unless it names a state
        ("tired.", not "ok love").
        """
        cues = c.cues[j]
        low = c.low(j)
        openers = {s[0]: s for s in cues.get("implied_self", ())}
        blockers: list[tuple[int, int]] | None = None
        quoted: list[bool] | None = None
        spans: list[tuple[int, int]] = []
        for (lo, hi), is_q in zip(c.bounds[j], c.is_q[j], strict=True):
            if is_q:
                continue
            first = lo
            span = openers.get(first)
            while span is None and first < hi - 1 and first < lo + 2 and int(low[first]) in self.implied_lead:
                first += 1
                span = openers.get(first)
            if span is None:
                continue
            if blockers is None:  # (built once, for the first opener found)
                blockers = [s for lab in _IMPLIED_BLOCKERS for s in cues.get(lab, ())]
                quoted = self._quotes(c, j)
            if (
                _overlaps(span, blockers)
                or (quoted is not None and quoted[first])
                or (span[1] - span[0] == 1 and span[1] < hi and int(low[span[1]]) in self.implied_not_next)
                or _in(cues.get("second_person"), lo, hi)
            ):
                continue
            # A one-token opener with nothing but punctuation after it stands for "I" only as a state
            # ("tired.", "exhausted"), not as a verb or a term of endearment ("love", "ok love", "miss").
            o = c.offs[j]
            if (
                span[1] - span[0] == 1
                and c.table[o + span[1] : o + hi, 1].all()
                and not _overlaps(span, cues.get("feeling_state"))
            ):
                continue
            spans.append(span)
        return spans

    def _quotes(self, c: _Chunk, j: int) -> list[bool] | None:
        """Whether each token of text ``j`` is inside quotes (or a quote mark); None without quotes."""
        if j not in c._quoted:
            c._quoted[j] = None if _QUOTES.isdisjoint(c.texts[j]) else self._quoted(c.low(j))
        return c._quoted[j]

    def _echo_reaction(self, c: _Chunk, j: int) -> bool:
        """Whether the questions of text ``j`` are only short echoes that the text goes on to answer.

        "Really? I didn't expect that.", "Yoga? It sounds interesting.", "The station? Go down this
        street.": an echo of one to three words (no interrogative opener, no exploration cue) followed
        by a statement reacts to what the partner said or checks it in passing; it does not ask the
        partner something. "Really?" alone, "you ok? I saw your post", "What? I missed that" and a
        request to repeat ("sorry? didn't catch that", "pardon? say again") ask.
        """
        qs, bounds = c.q_sent[j], c.bounds[j]
        if len(bounds) < 2 or bounds[-1] in qs or any(hi - lo > 4 for lo, hi in qs):
            return False
        expl = c.cues[j].get("exploration")
        kinds = dict(zip(bounds, self._kinds_of(c, j), strict=True))
        lower = c.low(j)
        return all(
            kinds[s][0] == "echo" and not _in(expl, *s) and int(lower[s[0]]) not in self.repair for s in qs
        )

    def _reacts(
        self,
        span: tuple[int, int],
        spans: list[tuple[int, int]],
        lower: Sequence[int],
        punct: np.ndarray,
        bounds: list[tuple[int, int]],
    ) -> bool:
        """Whether a sympathy / celebration cue is a reaction, not a word used otherwise.

        An interjection ("damn", "wow", "omg") reacts where it stands on its own, at the start of a
        sentence or after punctuation or a lead word ("Damn, that's rough", "oh wow!", "that's huge,
        wow"), not inside a clause ("a damn good point", "I don't give a damn", "a wow moment").
        "take care" is a well-wish, but "take care of your parents" is not (unless a longer cue, "take
        care of yourself", holds it).
        """
        a, b = span
        x = int(lower[a])
        if b - a == 1 and x in self.interjection:
            # It stands on its own: after the start of its sentence, punctuation or a lead word ("oh wow").
            return (
                a == 0
                or bool(punct[a - 1])
                or int(lower[a - 1]) in self.q_lead
                or any(lo == a for lo, _ in bounds)
            )
        if b - a == 2 and x == self.take and b < len(lower) and int(lower[b]) == self.of:
            return _within(span, spans)
        return True

    def _kinds_of(self, c: _Chunk, j: int) -> list[tuple[str, int]]:
        if j not in c._kinds:
            c._kinds[j] = self._question_kinds(c.cues[j], c.low(j), c.bounds[j], c.q_sent[j])
        return c._kinds[j]

    # -- Step 3: disclosures -----------------------------------------------------------------------------
    def _disclosures(self, c: _Chunk, prob_arr: np.ndarray | None) -> None:
        """Emotional / informational disclosure levels: phrase rules per sentence, or the classifier."""
        cues_of = c.cues
        rules = [j for j in _union(c.has, _DISCLOSURE_CUES) if c.self_spans[j]]
        # (An implied-"I" statement may disclose through an evaluative word alone, see _valenced.)
        extra = [j for j in c.implied if abs(c.compound[j]) >= _VALENCED_COMPOUND]
        if extra:
            rules = sorted(set(rules).union(extra))
        for j in rules:
            self._disclosure_rules(c, j)
        # Texts a rule found a disclosure in, or whose classifier probability reaches a threshold.
        todo = set(rules)
        probs: list[list[float]] | None = None
        if prob_arr is not None:
            probs = prob_arr.tolist()
            over = (prob_arr[:, 0] >= self.thresholds[0]) | (prob_arr[:, 1] >= self.thresholds[1])
            todo.update(j for j in np.flatnonzero(over).tolist() if c.self_spans[j])
        for j in sorted(todo):
            cues = cues_of[j]
            er_spans = cues.get("sympathy", []) + cues.get("celebration", [])
            # (Replies and rituals: an offer, a check-in or well-wish is no disclosure of the writer's.)
            ritual = bool(cues.get("offer") or cues.get("checkin"))
            model_emo = model_info = False
            p = probs[j] if probs is not None else [0.0, 0.0]
            if (
                probs is not None
                and c.self_spans[j]
                and not (c.any_q[j] and cues.get("second_person"))
                and c.words[j] >= _MODEL_MIN_WORDS
            ):
                # The classifier catches implicit feelings / facts the phrase lists miss (self-ref kept).
                model_emo = not c.emo_level[j] and p[0] >= self.thresholds[0] and not er_spans and not ritual
                # (Not on an implied "I" alone: short chat statements look informational to a model
                # trained on Reddit sentences, "feeling really down today" p=0.41.)
                model_info = (
                    not c.info_level[j]
                    and p[1] >= self.thresholds[1]
                    and j not in c.implied_only
                    and not ritual
                )
            c.model_emo[j] = bool(model_emo)
            c.model_info[j] = bool(model_info)
            if c.emo_level[j] or model_emo:
                cue = c.cue_text(j, c.emo_ev[j]) if c.emo_level[j] else f"classifier p={p[0]:.2f}"
                c.ev[j].append("disclosure_emotional:" + cue)
            if c.info_level[j] or model_info:
                cue = c.cue_text(j, c.info_ev[j]) if c.info_level[j] else f"classifier p={p[1]:.2f}"
                c.ev[j].append("disclosure_informational:" + cue)

    def _disclosure_rules(self, c: _Chunk, j: int) -> None:
        """Phrase rules of one text with first-person references, sentence by sentence."""
        cues = c.cues[j]
        self_spans = c.self_spans[j]
        lower = c.lower[c.offs[j] : c.offs[j + 1]]
        emo_level = info_level = 0
        neg_emotion = pos_emotion = False
        emo_ev: list[tuple[int, int]] = []
        info_ev: list[tuple[int, int]] = []
        emotion = [cues[lab] for lab in _EMOTION if lab in cues]
        implied = c.implied.get(j)
        feeling_states = cues.get("feeling_state")
        for (lo, hi), is_q in zip(c.bounds[j], c.is_q[j], strict=True):
            selfs = _in(self_spans, lo, hi)
            if not selfs:
                continue
            partner_q = is_q and bool(_in(cues.get("second_person"), lo, hi))
            if partner_q:
                continue
            emos = [s for spans in emotion for s in spans if s[0] >= lo and s[1] <= hi]
            states = _in(feeling_states, lo, hi)
            felt = self._felt_states(states, emos, lower, lo) if states else []
            emos += felt
            valenced: list[tuple[int, int]] = []
            if not emos and implied and all(x in implied for x in selfs):
                # A statement whose "I" is implied judges one's own experience with an evaluative
                # word and no emotion word ("today was awful", "had the worst day", "got a great
                # deal"): the judgement is the feeling, with the polarity of the text's sentiment.
                events = [s for lab in _EVENT_CUES for s in _in(cues.get(lab), lo, hi)]
                valenced = [
                    s for s in self._valenced(lower, lo, hi, c.compound[j]) if not _overlaps(s, events)
                ]
                emos += valenced
            hypos = _in(cues.get("hypothetical"), lo, hi)
            if emos:
                first = min(s[0] for s in emos)
                if not any(h[0] < first for h in hypos):
                    lvl = 1
                    strong = _in(cues.get("emotion_strong"), lo, hi)
                    intens = {s[1] for s in _in(cues.get("intensifier"), lo, hi)}
                    if strong or any(s[0] in intens for s in emos) or self._max_valence(lower, emos) >= 2.5:
                        lvl = 2
                    emo_level = max(emo_level, lvl)
                    emo_ev.extend(emos)
                    # The polarity of a negated emotion is left to VADER ("I'm not sad" is no
                    # negative emotion, "not happy" no positive one); the disclosure stays.
                    neg = _in(cues.get("emotion_neg"), lo, hi) + felt
                    pos = _in(cues.get("emotion_pos"), lo, hi)
                    (neg if c.compound[j] < 0 else pos).extend(valenced)
                    neg_emotion |= self._asserted(neg, lower, lo)
                    pos_emotion |= self._asserted(pos, lower, lo)
            info = _in(cues.get("life_event"), lo, hi) + _in(cues.get("info_high"), lo, hi)
            poss_ends = {s[1] for s in _in(cues.get("self_possessive"), lo, hi)}
            # A kinship word standing for "my ..." ("mom's in the hospital") introduces itself.
            kin = {s[0] for s in _in(implied, lo, hi)}
            info += [
                s
                for s in _in(cues.get("life_domain"), lo, hi)
                if s[0] in poss_ends or s[0] - 1 in poss_ends or s[0] in kin
            ]
            if info and not (hypos and min(h[0] for h in hypos) < min(s[0] for s in info)):
                lvl = 2 if _in(cues.get("info_high"), lo, hi) or _in(cues.get("bad_news"), lo, hi) else 1
                info_level = max(info_level, lvl)
                info_ev.extend(info)
        c.emo_level[j], c.info_level[j] = emo_level, info_level
        c.emo_ev[j], c.info_ev[j] = emo_ev, info_ev
        c.neg_emotion[j], c.pos_emotion[j] = neg_emotion, pos_emotion

    def _felt_states(
        self, states: list[tuple[int, int]], emos: list[tuple[int, int]], lower: Sequence[int], lo: int
    ) -> list[tuple[int, int]]:
        """States that are not emotion words but follow a feeling verb: "feeling kinda down", "I feel
        stuck", "felt so left out" (a negative emotion: the positive states are emotion words)."""
        feel = self.feel_verbs
        return [
            s
            for s in states
            if int(lower[s[0]]) not in feel
            and not _overlaps(s, emos)
            and _follows(lower, s[0], lo, feel, self.degree_gap)
        ]

    def _asserted(self, spans: list[tuple[int, int]], lower: Sequence[int], lo: int) -> bool:
        """Whether any span is not negated: no negator right before it, past at most two degree or
        linking words ("not sad", "don't feel happy", "never so angry"; not "can't stop crying")."""
        return any(not _follows(lower, a, lo, self.negators, self.negation_gap) for a, _ in spans)

    # -- Step 4: bids ----------------------------------------------------------------------------------
    def _bids(self, c: _Chunk) -> None:
        """Bids: explicit asks first, then negative / positive disclosures."""
        cand = set(_union(c.has, ("ask", "bad_news", "good_news")))
        cand.update(j for j in c.has.get("self_ref", ()) if c.emo_level[j] or c.model_emo[j])
        for j in sorted(cand):
            cues, text, compound = c.cues[j], c.texts[j], c.compound[j]
            self_spans = c.self_spans[j]
            emo_level, emo_ev = c.emo_level[j], c.emo_ev[j]
            bad = cues.get("bad_news", ()) if self_spans else ()
            good = cues.get("good_news", ()) if self_spans else ()
            c.bad_news[j] = bool(bad)
            # A reply's sympathy ("my heart goes out to you") and a check-in ("I miss you", "I hope work
            # was ok") carry feeling words but are not bids.
            er_spans = cues.get("sympathy", []) + cues.get("celebration", []) + cues.get("checkin", [])
            own = (bool(emo_level) and any(not _overlaps(s, er_spans) for s in emo_ev)) or c.model_emo[j]
            # "call me" asks, unless the text makes it an offer ("call me if you need anything").
            asks = cues.get("ask")
            if asks and len(offers := cues.get("offer", ())) > 1:
                asks = [s for s in asks if s not in offers]
            if asks:
                c.bid[j] = 3
                c.ev[j].append("bid:ask")
            elif (own and (compound <= -0.05 or c.neg_emotion[j])) or (bad and compound < 0.05):
                c.bid[j] = 1
                c.ev[j].append("bid:negative")
            elif (good and (compound >= 0.05 or "!" in text) and compound > -0.05) or (
                own and c.pos_emotion[j] and compound >= 0.05
            ):
                c.bid[j] = 2
                c.ev[j].append("bid:positive")

    # -- Step 5: response codes and maintenance behaviours, one block each (in evidence order) ---------
    def _visits(self, c: _Chunk) -> dict[str, list[int]]:
        """Texts each sentence-level response rule is applied to: every text whose cues can make it fire.

        When a rule starts reading another cue label, add the label here;
        ``tests/features/test_tagger_vectorised.py`` checks that the rule finds nothing elsewhere.
        """
        has, cues_of = c.has, c.cues
        # Without an interpretation cue, interpretation needs "you" and a feeling state or a question.
        you = [j for j in has.get("second_person", ()) if c.any_q[j] or "feeling_state" in cues_of[j]]
        # Only imperatives: _advice reads them where a sentence (or its second word) starts.
        cued = set(_union(has, ("advice_question", "advice", "hedge")))
        imp = [
            j
            for j in has.get("imperative", ())
            if _imperative_at_start(cues_of[j]["imperative"], c.bounds[j])
        ]

        # Without an exploration cue, exploration needs "you" in a question or in a sentence that opens
        # with an inverted auxiliary ("is he good to you").
        def opens_inverted(j: int) -> bool:
            low = c.low(j)
            return any(
                (first := self._opening(low, lo, hi)) < hi and low[first] in self.inverted
                for lo, hi in c.bounds[j]
            )

        explore = [j for j in has.get("second_person", ()) if c.any_q[j] or opens_inverted(j)]
        return {
            "interpretation": sorted(set(has.get("interpretation", ())).union(you)),
            "exploration": sorted(set(has.get("exploration", ())).union(explore)),
            "advice": sorted(cued.union(imp)),
            "validation": _union(has, ("validation", "validation_weak")),
        }

    def _responses(self, c: _Chunk) -> None:
        has, cues_of, fire = c.has, c.cues, c.fire
        visits = self._visits(c)
        hostile = set(has.get("conflict", ()))

        def support(j: int, col: str, spans: list[tuple[int, int]]) -> None:
            # A support cue inside a friction marker is no support: "what did you expect" does not
            # explore, "get over it" does not advise.
            if j in hostile:
                spans = [s for s in spans if not _overlaps(s, cues_of[j]["conflict"])]
            if spans:
                c.fire(j, col, spans)

        # emotional_reaction
        for j in _union(has, ("sympathy", "celebration")):
            cues = cues_of[j]
            spans = cues.get("sympathy", []) + cues.get("celebration", [])
            o0, o1 = c.offs[j], c.offs[j + 1]
            reacts = [x for x in spans if self._reacts(x, spans, c.low(j), c.table[o0:o1, 1], c.bounds[j])]
            support(j, "emotional_reaction", reacts)
        # interpretation (interpretation cues, "you + feeling" frames, echo questions about "you")
        for j in visits["interpretation"]:
            o0, o1 = c.offs[j], c.offs[j + 1]
            interp = self._interpretation(
                cues_of[j], c.low(j), c.table[o0:o1, 1], c.bounds[j], self._kinds_of(c, j)
            )
            support(j, "interpretation", interp)
        # exploration
        for j in visits["exploration"]:
            explo = self._exploration(cues_of[j], c.low(j), c.bounds[j], self._kinds_of(c, j))
            support(j, "exploration", explo)
        # advice
        for j in visits["advice"]:
            advice = self._advice(cues_of[j], c.low(j), c.bounds[j], self._kinds_of(c, j), c.implied.get(j))
            support(j, "advice", advice)
        # validation
        for j in visits["validation"]:
            valid = _validation(cues_of[j], c.bounds[j], self._kinds_of(c, j))
            support(j, "validation", valid)
        # offer
        for j in has.get("offer", ()):
            support(j, "offer", cues_of[j]["offer"])
        # question = asking the partner something: a question sentence that is not a request or
        # suggestion phrased as a question ("could you ...?", "how about ...?"), or a needs question.
        requests = set(_union(has, ("request_question", "request_weak")))
        for j in itertools.compress(range(len(c.any_q)), c.any_q):
            if (
                j not in requests  # (_request_q is False without request cues)
                or cues_of[j].get("needs_question")
                or any(not self._request_q(cues_of[j], c.low(j), lo, hi) for lo, hi in c.q_sent[j])
            ) and not (len(c.bounds[j]) > 1 and self._echo_reaction(c, j)):
                fire(j, "question", [])
        # needs_question
        for j in has.get("needs_question", ()):
            if c.any_q[j]:
                fire(j, "needs_question", cues_of[j]["needs_question"])
        # gratitude
        for j in has.get("gratitude", ()):
            cues = cues_of[j]
            grat = [s for s in cues["gratitude"] if not _overlaps(s, cues.get("not_gratitude"))]
            if grat:
                fire(j, "gratitude", grat)
        # appreciation
        for j in _union(has, ("appreciation", "appreciation_weak")):
            cues = cues_of[j]
            appr = cues.get("appreciation", []) + (
                cues.get("appreciation_weak", []) if c.compound[j] >= 0.05 else []
            )
            if appr:
                fire(j, "appreciation", appr)
        # apology: blocked by sympathy / negation / "sorry but you..." cues, and not in quoted speech.
        for j in _union(has, ("apology", "apology_weak")):
            cues = cues_of[j]
            quoted = self._quotes(c, j)
            apol = [
                s
                for s in cues.get("apology", []) + cues.get("apology_weak", [])
                if not _overlaps(s, cues.get("not_apology")) and (quoted is None or not quoted[s[0]])
            ]
            if apol:
                fire(j, "apology", apol)
        # checkin
        for j in has.get("checkin", ()):
            fire(j, "checkin", cues_of[j]["checkin"])
        # vague_plan / concrete_plan
        for j in _union(has, ("confirm", "plan_activity")):
            self._plans(c.texts[j], cues_of[j], c.low(j), c.bounds[j], functools.partial(fire, j))
        # conflict
        for j in _union(has, ("conflict", "conflict_weak")):
            cues = cues_of[j]
            confl = cues.get("conflict", []) + (
                cues.get("conflict_weak", []) if c.compound[j] <= -0.05 else []
            )
            if confl:
                fire(j, "conflict", confl)

    def _classifier_codes(self, c: _Chunk, probs: np.ndarray | None) -> None:
        """The classifier's support code (after every rule column is set), see _classifier_support."""
        if probs is None or self.support_model is None:
            return
        (k_sup, _, _), threshold = self.support_model
        for j in np.flatnonzero(probs[:, k_sup] >= threshold).tolist():
            i = c.lo + j
            code = self._classifier_support(i, probs[j], c.words[j], c.any_q[j], c.cues[j], c.out)
            if code is not None:
                c.out[code[0]][i] = True
                c.ev[j].append(f"{code[0]}:classifier p={code[1]:.2f}")

    def _minimal(self, c: _Chunk, toks: dict[str, Any]) -> None:
        """Minimal: an acknowledgement-only or very short reply that carries nothing else."""
        words, all_ack = toks["words"], toks["all_ack"]
        for j in toks["minimal_rows"]:
            ev = c.ev[j]
            quiet = not ev or all(e.startswith(("gratitude", "emotional_reaction")) for e in ev)
            # (A short request or suggestion, "shall we go?", is a question sentence: not minimal.)
            if quiet and words[j] and (all_ack[j] or (not ev and not c.any_q[j] and words[j] <= 3)):
                c.fire(j, "minimal", [])

    def _question_kinds(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        bounds: list[tuple[int, int]],
        q_sent: list[tuple[int, int]],
    ) -> list[tuple[str, int]]:
        """Kind of each sentence and where its question starts: ("open", k), ("echo", hi) or ("", hi).

        An interrogative ("open") question has a question opener ("what happened", "do you", "is she")
        or a wh-word or auxiliary verb at its start, after lead words ("so", "ok"), or after a comma;
        after "and" / "but" / "or" only a wh-word or an opener phrase counts ("... and might lose
        touch?" is not inverted). A question with "?" but the word order of a statement ("so you're
        moving out?", "your boss said that?") echoes what the partner said to check it, and so does a
        statement with a tag ("you're working hard, is that right?"): a restatement, not an open question.
        A chat question that drops its auxiliary ("you coming tonight?", "and you?") is open.
        """
        if not q_sent:
            return [("", hi) for _, hi in bounds]
        openers = {
            s[0] for lab in ("question_opener", "exploration", "advice_question") for s in cues.get(lab, ())
        }
        tags = {s[0] for s in cues.get("interpretation", ())}
        kinds: list[tuple[str, int]] = []
        for lo, hi in bounds:
            if (lo, hi) not in q_sent:
                kinds.append(("", hi))
                continue
            kind = ("echo", hi)
            at_start = 2  # 2: any opener may follow, 1: only wh-words and opener phrases, 0: none
            for a in range(lo, hi):
                x = int(lower[a])
                if (at_start and a in openers) or (x in self.wh and (at_start == 2 or x in self.wh_word)):
                    kind = ("echo", hi) if a in tags else ("open", a)
                    break
                if at_start and x in self.you_ask and self._drops_aux(lower, a + 1, hi):
                    kind = ("open", a)
                    break
                if x in self.q_break:
                    at_start = 2 if x in self.q_punct else 1
                elif not (at_start and x in self.q_lead):
                    at_start = 0
            kinds.append(kind)
        return kinds

    def _drops_aux(self, lower: Sequence[int], b: int, hi: int) -> bool:
        """Whether "you" + the token at ``b`` is a question without its auxiliary ("you coming?", "u ok?")."""
        if b >= hi or int(lower[b]) in self.sent_punct:
            return True
        word = self.nlp.vocab.strings[int(lower[b])]
        return word in _ELLIPTIC or (word.endswith("ing") and len(word) > 4)

    def _interpretation(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        punct: np.ndarray,
        bounds: list[tuple[int, int]],
        kinds: list[tuple[str, int]],
    ) -> list[tuple[int, int]]:
        """Reflections: interpretation cues and "you + feeling" frames outside open questions.

        "how do you feel?" asks (exploration); "so you feel left out?" and "you're really stressed."
        reflect. An echo question with a second-person reference ("your boss said that?") restates,
        unless it asks ("you ok?") or suggests ("you could ask her?"). Agreeing to a plan ("sounds
        like a plan", "sounds good") is not a reflection.
        """
        spans: list[tuple[int, int]] = []
        for (lo, hi), (kind, q) in zip(bounds, kinds, strict=True):
            # In an open question only what precedes the question counts ("it sounds hard, what happened?").
            end = q if kind == "open" else hi
            cue = [
                c
                for c in _in(cues.get("interpretation"), lo, end)
                if self._so_at_start(c[0], lower, lo)
                and not _overlaps(c, cues.get("confirm"))
                and not self._wished(lower, lo, c[0])
            ] + self._you_feel(cues, lower, punct, lo, end)
            if not cue and kind == "echo" and not self._proposes(cues, lo, hi):
                cue = _in(cues.get("second_person"), lo, hi)
            spans += cue
        return spans

    def _wished(self, lower: Sequence[int], lo: int, a: int) -> bool:
        """Whether the cue at ``a`` follows a wish or gladness ("I hope (that) you're feeling better",
        "glad you are feeling better"): a well-wish, not a reflection."""
        k = a - 1
        if k > lo and int(lower[k]) == self.that:
            k -= 1
        return k >= lo and int(lower[k]) in self.wish_words

    def _so_at_start(self, a: int, lower: Sequence[int], lo: int) -> bool:
        """A cue that starts with "so" ("so you're", "so basically") sums up only at the sentence start."""
        if int(lower[a]) != self.so:
            return True
        return all(int(x) in self.q_lead or int(x) in self.q_break for x in lower[lo:a])

    @staticmethod
    def _proposes(cues: dict[str, list[tuple[int, int]]], lo: int, hi: int) -> bool:
        return bool(
            _in(cues.get("exploration"), lo, hi)
            or _in(cues.get("advice"), lo, hi)
            or _in(cues.get("hedge"), lo, hi)
            or _suggests(cues, lo, hi)
        )

    def _you_feel(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        punct: np.ndarray,
        lo: int,
        hi: int,
    ) -> list[tuple[int, int]]:
        """ "you (are | must be | seem so | ...) <feeling state>" in one sentence: a reflection of feeling.

        At most four words between, none of them punctuation, a first-person word ("you made me
        sad"), a future / ability modal or a negation ("you'll be happy", "you're not alone":
        reassurance); not
        after a hypothetical ("if you are sad, call me") or a word that makes "you" an object or a
        dependent clause ("it makes you feel", "tell her how you feel").
        """
        states = _in(cues.get("feeling_state"), lo, hi)
        if not states:
            return []
        hypo = [h[0] for h in _in(cues.get("hypothetical"), lo, hi)]
        selfs = {a for s in _in(cues.get("self_ref"), lo, hi) for a in range(s[0], s[1])}
        out: list[tuple[int, int]] = []
        for a, _ in _in(cues.get("second_person"), lo, hi):
            if (
                int(lower[a]) not in self.you_subj
                or any(h < a for h in hypo)
                or (a > lo and int(lower[a - 1]) in self.not_before_you)
                or self._wished(lower, lo, a)
            ):
                continue
            for b, e in states:
                gap = range(a + 1, b)
                if 0 <= b - a - 1 <= 4 and not any(
                    punct[k] or k in selfs or int(lower[k]) in self.no_state_gap for k in gap
                ):
                    if e < hi and e in selfs:
                        continue  # "you hurt me"
                    out.append((a, e))
                    break
        return out

    def _opening(self, lower: Sequence[int], lo: int, hi: int) -> int:
        """Where sentence ``[lo, hi)`` really opens: past one lead word ("please tell me", "just try")."""
        return lo + 1 if lo + 1 < hi and int(lower[lo]) in self.imp_lead else lo

    def _exploration(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        bounds: list[tuple[int, int]],
        kinds: list[tuple[str, int]],
    ) -> list[tuple[int, int]]:
        """Open questions and requests about the partner's experience.

        An exploration cue in any question ("what happened", "you ok?") or opening a statement ("tell
        me more", "please tell me what happened"), or a second-person reference in an open question
        ("did you ...?"), also one typed without "?" ("what else do you enjoy", "is he good to
        you"). A question that proposes an action ("have you tried ...?", "how about ...?") is advice.
        """
        spans: list[tuple[int, int]] = []
        for (lo, hi), (kind, _) in zip(bounds, kinds, strict=True):
            if not kind:
                first = self._opening(lower, lo, hi)
                spans += [s for s in _in(cues.get("exploration"), lo, hi) if s[0] == first]
                if first < hi and int(lower[first]) in self.inverted and not _suggests(cues, lo, hi):
                    spans += _in(cues.get("second_person"), lo, hi)
                continue
            if _suggests(cues, lo, hi):
                continue
            cue = _in(cues.get("exploration"), lo, hi)
            if not cue and kind == "open":
                cue = _in(cues.get("second_person"), lo, hi)
            spans += cue
        return spans

    def _advice(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        bounds: list[tuple[int, int]],
        kinds: list[tuple[str, int]],
        implied: list[tuple[int, int]] | None = None,
    ) -> list[tuple[int, int]]:
        """Suggestions: advice cues and imperative openers in statements, suggesting questions anywhere.

        ``implied``: the text's implied first-person openers; a verb read as "I ..." ("think so", "don't
        know") is no imperative.

        In an open question only the forms that propose an action count ("have you tried ...?", "why
        not ...?"): "do you have someone to talk to?" asks. A suggestion with a question mark but the
        word order of a statement ("maybe ask her?", "you could try yoga?") is a tentative suggestion.
        """
        spans = _suggests(cues, 0, len(lower))
        imp = cues.get("imperative")
        to_me = {a for a, _ in cues.get("self_ref", ())}
        wishes = cues.get("validation", []) + cues.get("sympathy", []) + cues.get("checkin", [])
        longer = wishes + cues.get("offer", [])
        for (lo, hi), (kind, _) in zip(bounds, kinds, strict=True):
            if kind == "open":
                continue
            # "you must" advises, "you must be exhausted" infers (an interpretation cue that extends it);
            # "you should be proud" affirms, "you can talk to me" offers, "talk to you soon" closes (an
            # advice cue inside a longer validation, offer or sympathy cue).
            spans += [
                s
                for s in _in(cues.get("advice"), lo, hi)
                if not _inside(s, cues.get("interpretation"))
                and not _within(s, longer)
                and not (imp and self._narrated(s[0], lower, lo, imp))
                and not self._stance_wouldnt(s, lower, hi, imp)
            ]
            spans += self._hedged(cues, lower, lo, hi)
            if imp and not kind:
                # A sentence that opens with a verb ("talk to her", "just be honest") suggests an action;
                # "leave me alone", "tell me": a request for oneself; "don't worry", "take care": reassurance
                # and well-wishes; "see you saturday", "call you later" (the speaker acts on the partner)
                # and "let's grab coffee" (a proposal): no suggestion to the partner.
                first = self._opening(lower, lo, hi)
                spans += [
                    s
                    for s in imp
                    if s[0] == first
                    and s[1] not in to_me
                    and not (s[1] < hi and int(lower[s[1]]) in self.imp_object)
                    and not _overlaps(s, wishes)
                    and not (implied and any(x[0] == first for x in implied))
                ]
        return spans

    def _narrated(self, a: int, lower: Sequence[int], lo: int, imp: list[tuple[int, int]]) -> bool:
        """Whether the advice cue at ``a`` is a verb narrated or described with another subject.

        A cue that starts with a verb ("talk to", "try to", "take time") suggests an action when it
        opens a sentence or follows "you ...", "I would" or "we need to"; after "I" / "we" / "he" /
        "it" / "someone" (optionally with auxiliaries and adverbs between) it tells what someone does
        or did: "I try to keep busy", "he might also talk to her", "it will take time", "someone to
        talk to", also as a coordinated verb ("I just talk to him and try to ..."; but "talk to him and
        try to ...", "you could call and talk to her" advise).
        """
        if not any(b == a for b, _ in imp):
            return False
        k = a - 1
        while k >= lo and int(lower[k]) in self.narrator_gap:
            k -= 1
        if k >= lo and int(lower[k]) in self.coord:
            # A coordinated verb shares the subject of its clause: "I talk to him and try to ...".
            while k >= lo and int(lower[k]) not in self.narrator and int(lower[k]) not in self.you_subj:
                k -= 1
        if k < lo or int(lower[k]) not in self.narrator:
            return False
        subject = int(lower[k])
        suggests = self.would if subject == self.i_we[0] else self.we_should
        return subject not in self.i_we or not any(int(x) in suggests for x in lower[k + 1 : a])

    def _stance_wouldnt(
        self, s: tuple[int, int], lower: Sequence[int], hi: int, imp: list[tuple[int, int]] | None
    ) -> bool:
        """Whether the cue ``s`` is "I wouldn't" before anything but a verb of action or counsel.

        "I wouldn't worry", "I wouldn't let him", "I wouldn't risk it" advise; "I wouldn't say that",
        "I wouldn't be surprised", "I wouldn't mind", "I wouldn't even know" give a stance.
        """
        a, b = s
        if int(lower[a]) != self.i_we[0] or int(lower[b - 1]) not in self.wouldnt:
            return False
        if b >= hi:
            return True
        x = int(lower[b])
        verbs = {k for k, _ in imp or ()}
        return x in self.wouldnt_stance or not (b in verbs or x in self.counsel)

    def _hedged(
        self, cues: dict[str, list[tuple[int, int]]], lower: Sequence[int], lo: int, hi: int
    ) -> list[tuple[int, int]]:
        """ "maybe" / "perhaps" that soften a suggestion: before "you", an imperative verb or an -ing form.

        "maybe call her", "perhaps you could ask", "maybe talking to her helps" suggest; "maybe he'll
        come around", "maybe they were busy" speculate. Adverbs such as "just" may come between.
        """
        hedges = _in(cues.get("hedge"), lo, hi)
        if not hedges:
            return []
        out: list[tuple[int, int]] = []
        you = {a for a, _ in _in(cues.get("second_person"), lo, hi)}
        verbs = {a for a, _ in _in(cues.get("imperative"), lo, hi)}
        strings = self.nlp.vocab.strings
        for a, b in hedges:
            k = b
            while k < hi and int(lower[k]) in self.imp_lead:
                k += 1
            if k >= hi:
                continue
            word = strings[int(lower[k])]
            if k in you or k in verbs or (word.endswith("ing") and len(word) > 4):
                out.append((a, b))
        return out

    def _classifier_support(
        self,
        i: int,
        probs: np.ndarray | None,
        n_words: int,
        any_q: bool,
        cues: dict[str, list[tuple[int, int]]],
        out: dict[str, Any],
    ) -> tuple[str, float] | None:
        """The support code the classifier adds to text ``i``, with its support probability, or None.

        Called after every rule column of text ``i`` is set. Only for statements of at least
        ``_MODEL_MIN_WORDS`` words that the rules do not already name: not questions (their codes come
        from the rules), not thanks, apologies, check-ins or plans ("Thank you for your time" is not
        support in CL-Aff's guidelines), and not a disclosure without a second-person reference
        ("I got fired today" is a bid, not support).
        """
        model = self.support_model
        if probs is None or model is None or any_q or n_words < _MODEL_MIN_WORDS:
            return None
        if any(out[c][i] for c in _NAMED_ACTS) or cues.get("conflict"):
            return None  # (a friction marker: "it's your own fault" is no support, whatever its words)
        (k_sup, k_info, k_emo), threshold = model
        p = float(probs[k_sup])
        if p < threshold:
            return None
        discloses = bool(out["disclosure_emotional"][i] or out["disclosure_informational"][i])
        if discloses and not cues.get("second_person"):
            return None
        col = "advice" if probs[k_info] >= _ADVICE_OVER_EMO * probs[k_emo] else "emotional_reaction"
        return None if out[col][i] else (col, p)

    def _sentence_starts(self, rows: np.ndarray) -> list[int]:
        """First token of each sentence, as spaCy's ``Sentencizer`` marks them on a Doc of these tokens.

        A sentence starts at the first token and at every token that is neither punctuation nor a
        sentence-final character and follows one of the sentencizer's ``punct_chars``.
        """
        ends = self.sent_end_orth
        starts = [0]
        seen = False
        for i, (orth, punct) in enumerate(rows[:, [_ORTH_COL, 1]].tolist()):
            is_end = orth in ends
            if seen and not punct and not is_end:
                starts.append(i)
                seen = False
            elif is_end:
                seen = True
        return starts

    def _opens_question(self, cues: dict[str, list[tuple[int, int]]], lower: list[int], lo: int) -> bool:
        starts = {s[0] for s in cues.get("question_opener", ())}
        if lo in starts:
            return True
        return lo + 1 in starts and int(lower[lo]) in self.lead

    def _request_q(
        self, cues: dict[str, list[tuple[int, int]]], lower: Sequence[int], lo: int, hi: int
    ) -> bool:
        """Whether sentence ``lo:hi`` opens (after lead words) with a request or suggestion form."""
        strong = {a for a, _ in _in(cues.get("request_question"), lo, hi)}
        weak = {a: b for a, b in _in(cues.get("request_weak"), lo, hi)}
        if not strong and not weak:
            return False
        k = lo
        while k < hi and k not in strong and k not in weak and int(lower[k]) in self.req_lead:
            k += 1
        if any(a == k for a, _ in _in(cues.get("not_request"), lo, hi)):
            return False
        if k in strong:
            return True
        # "can you help me?", "can we have the bill, please?" ask for something; "can you swim?" asks.
        return k in weak and any(int(x) in self.req_mark for x in lower[weak[k] : hi])

    def _valenced(self, lower: Sequence[int], lo: int, hi: int, compound: float) -> list[tuple[int, int]]:
        """Tokens of ``[lo, hi)`` with a VADER valence of at least 2 in the direction of ``compound``,
        when the text's compound is at least 0.4 either way (else none)."""
        if abs(compound) < _VALENCED_COMPOUND:
            return []
        strings, valence = self.nlp.vocab.strings, self.valence
        out = []
        for k in range(lo, hi):
            v = valence.get(strings[int(lower[k])], 0.0)
            if abs(v) >= _VALENCED_WORD and (v < 0) == (compound < 0):
                out.append((k, k + 1))
        return out

    def _max_valence(self, lower: Sequence[int], spans: list[tuple[int, int]]) -> float:
        strings = self.nlp.vocab.strings
        return max(
            (abs(self.valence.get(strings[int(lower[k])], 0.0)) for a, b in spans for k in range(a, b)),
            default=0.0,
        )

    def _quoted(self, lower: list[int]) -> list[bool]:
        quotes = {self.h[q] for q in _QUOTES}
        inside = False
        marks: list[bool] = []
        for x in lower:
            if x in quotes:
                inside = not inside
                marks.append(True)
            else:
                marks.append(inside)
        return marks

    def _plans(
        self,
        text: str,
        cues: dict[str, list[tuple[int, int]]],
        lower: Sequence[int],
        bounds: list[tuple[int, int]],
        fire: Any,
    ) -> None:
        props = cues.get("plan_proposal")
        acts = cues.get("plan_activity")
        # A bare "deal" confirms only as its own sentence ("deal!", "ok, deal"), not "deal with it" or
        # "no big deal"; and an arrival ("I'm here") is no confirmation inside an offer of presence
        # ("I'm here for you", "I'm here if you need me").
        offers = cues.get("offer")
        confirms = [
            s
            for s in cues.get("confirm", ())
            if not _overlaps(s, [o for o in offers or () if o != s])
            and (
                int(lower[s[0]]) != self.deal
                or s[1] - s[0] > 1
                or (
                    any(
                        lo <= s[0] < hi and all(int(x) in self.q_lead for x in lower[lo : s[0]])
                        for lo, hi in bounds
                    )
                    and not (s[1] < len(lower) and int(lower[s[1]]) == self.with_)
                )
            )
        ]
        if confirms:
            fire("concrete_plan", confirms)
            return
        if not acts:
            return
        # Only texts with a plan activity need the clock regex.
        timed = bool(cues.get("time_concrete")) or bool(_CLOCK.search(text))
        for lo, hi in bounds:
            p = _in(props, lo, hi)
            a = _in(acts, lo, hi)
            if p and a and min(x[0] for x in p) < max(x[0] for x in a):
                fire("concrete_plan" if timed else "vague_plan", p + a)
                return
        if timed:
            # An activity with a concrete time ("dinner friday at 7?") is a concrete plan.
            fire("concrete_plan", acts)


# --- Classifier-based support codes (CL-Aff Support / Info_support / Emo_support) ---------------------
# A statement the bundled classifier scores as supportive (P(Support) >= its tuned threshold) gets one
# support code: ``advice`` when informational support ("offering specific information, practical advice,
# or suggesting a course of action") is clearly the more probable type, else ``emotional_reaction``
# (emotional support: "sympathy, caring or encouragement", EPITOME's emotional reactions: warmth,
# compassion, concern). "Clearly": P(Info_support) >= 2 x P(Emo_support), so that a supportive sentence
# the classifier cannot type stays an emotional reaction rather than a suggestion: ESConv's Information
# and Affirmation turns look informational to a CL-Aff model (ESConv Providing Suggestions F1 with the
# model trained on all training threads: 0.513 at 1.5, 0.522 at 2, 0.521 without the classifier's codes;
# on CL-Aff, out-of-fold advice vs Info_support F1 0.408 at 1.5, 0.405 at 2).
_ADVICE_OVER_EMO = 2.0
# The classifier learned from Reddit sentences (median 15 tokens); on a message of one to three words
# ("I know", "me too", "fine, sir.") its probability is mostly the prior, so neither its disclosures
# nor its support codes are used there.
_MODEL_MIN_WORDS = 4
# Acts the rules name, which the classifier's support codes leave alone.
_NAMED_ACTS = ("gratitude", "apology", "checkin", "vague_plan", "concrete_plan")


def _support_model(classifier: Any) -> tuple[tuple[int, int, int], float] | None:
    """Score columns of support / info_support / emo_support and the support threshold, if trained."""
    names = ("support", "info_support", "emo_support")
    if classifier is None or not set(names) <= set(classifier.labels):
        return None
    cols = tuple(classifier.labels.index(k) for k in names)
    return (cols[0], cols[1], cols[2]), float(classifier.thresholds["support"])


_SCORERS: dict[tuple[str, tuple[str, ...], bool], _Scorer] = {}


def _scorer(lang: str, extra: Sequence[str | Path], classifier: bool) -> _Scorer:
    key = (lang, tuple(str(p) for p in extra), classifier)
    if key not in _SCORERS:
        _SCORERS[key] = _Scorer(lang, extra, classifier)
    return _SCORERS[key]


def score_texts(
    texts: Sequence[str], *, lang: str = "en", patterns: Sequence[str | Path] = (), classifier: bool = True
) -> dict[str, Any]:
    """Score distinct texts; return column arrays (tags plus internal helper columns).

    Internal building block of :func:`tag_texts` and ``extract_features``: callers deduplicate first.
    Helper keys besides :data:`TAG_COLUMNS`: ``self_ref``, ``bad_news``, ``repair_marker`` (affection,
    humour or an explicit repair phrase) (bool), ``words`` (int),
    ``fw`` (n × 9 function-word counts), ``content`` (content-word sets, for topic overlap).
    """
    return _scorer(lang, patterns, classifier).score(texts)


def _frame(cols: dict[str, Any], take: np.ndarray, index: pd.Index) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for c in TAG_COLUMNS:
        arr = cols[c]
        if c == "bid":
            data[c] = pd.Categorical.from_codes(arr[take], dtype=pd.CategoricalDtype(list(BID_LEVELS)))
        elif c == "evidence":
            data[c] = pd.array(np.asarray(arr, dtype=object)[take], dtype=pd.StringDtype("pyarrow"))
        else:
            data[c] = arr[take]
    return pd.DataFrame(data, index=index)


def tag_texts(
    texts: Iterable[str | None] | pd.Series,
    *,
    context: Iterable[str | None] | pd.Series | None = None,
    lang: str = "en",
    patterns: Sequence[str | Path] = (),
    classifier: bool = True,
) -> pd.DataFrame:
    """Tag each text with the rule detectors (each distinct text is scored once).

    Args:
        texts: Message texts; missing values are treated as empty text.
        context: The text each one answers (same length), when known. It refines ``self_shift``
            (a reply about oneself with no word in common with the context and no support code) and
            ``apology`` (a bare "sorry" answering bad news is sympathy, not an apology).
        lang: Language of the bundled patterns.
        patterns: Extra JSON Lines pattern files (see ``reciprocal.nlp.patterns``).
        classifier: Also use the bundled bag-of-words classifier (texts of four words or more):
            for the two disclosure columns (rule OR classifier, on texts with a first-person
            reference), and to add one support code (``advice`` or ``emotional_reaction``, evidence
            ``classifier p=…``) to a supportive statement the phrase lists miss; False = rules only.

    Returns:
        One row per text (index kept from a Series input), columns :data:`TAG_COLUMNS`:
        ``disclosure_emotional`` / ``disclosure_informational`` (int8: 0 none, 1 low, 2 high), ``bid``
        (categorical none / negative / positive / ask), the boolean response and behaviour codes,
        ``sentiment`` (VADER compound) and ``evidence`` ("detector:cue,cue; ...": which patterns fired).

    Raises:
        ConfigError: ``context`` has a different length, or a pattern file is malformed.

    Example:
        >>> tag_texts(["no thanks", "thank you so much!"])["gratitude"].tolist()
        [False, True]
    """
    from ..errors import ConfigError

    values: np.ndarray
    if isinstance(texts, list) and all(type(t) is str for t in texts):  # the common case, no copies
        index: pd.Index = pd.RangeIndex(len(texts))
        values = np.empty(len(texts), dtype=object)
        values[:] = texts
    else:
        s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
        index = s.index
        values = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    ctx: np.ndarray | None = None
    if context is not None:
        c = context if isinstance(context, pd.Series) else pd.Series(list(context), dtype=object)
        if len(c) != len(values):
            raise ConfigError(
                f"context has {len(c)} values but texts has {len(values)}; pass one context per text"
            )
        ctx = c.astype(object).where(c.notna(), "").astype(str).to_numpy(dtype=object)
    pool = values if ctx is None else np.concatenate([values, ctx])
    codes, uniques = pd.factorize(pool)
    cols = score_texts(list(uniques), lang=lang, patterns=patterns, classifier=classifier)
    take = codes[: len(values)]
    frame = _frame(cols, take, index)
    if ctx is not None:
        ctake = codes[len(values) :]
        has_ctx = ctx != ""
        frame = apply_context(frame, cols, take, ctake, has_ctx)
    return frame


def apply_context(
    frame: pd.DataFrame, cols: dict[str, Any], take: np.ndarray, ctake: np.ndarray, has_ctx: np.ndarray
) -> pd.DataFrame:
    """Refine ``self_shift`` and ``apology`` of replies given the scored text each one answers.

    Args:
        frame: Tags of the replies (from the columns ``cols`` taken at ``take``).
        cols: Output of :func:`score_texts` over replies and contexts.
        take: Row → index of its text in ``cols``.
        ctake: Row → index of its context in ``cols``.
        has_ctx: Row has a context.

    Returns:
        A new frame with ``self_shift``, ``apology`` and ``emotional_reaction`` adjusted.
    """
    out = frame.copy()
    # "sorry" answering the partner's bad news is sympathy, not an apology.
    ctx_bad = has_ctx & (cols["bid"][ctake] == 1)
    weak_only = np.array([only_weak_sorry(e) for e in frame["evidence"].to_numpy(dtype=object)], dtype=bool)
    fix = ctx_bad & weak_only
    out["apology"] = frame["apology"].to_numpy(dtype=bool) & ~fix
    out["emotional_reaction"] = frame["emotional_reaction"].to_numpy(dtype=bool) | fix
    support = np.zeros(len(frame), dtype=bool)
    for c in SUPPORT_CODES:
        support |= out[c].to_numpy(dtype=bool)
    content = cols["content"]
    overlap = np.fromiter(
        (bool(content[a] & content[b]) for a, b in zip(take, ctake, strict=True)), dtype=bool, count=len(take)
    )
    shift = (
        has_ctx
        & cols["self_ref"][take]
        & ~support
        & ~frame["minimal"].to_numpy(dtype=bool)
        & ~frame["question"].to_numpy(dtype=bool)
        & ~out["apology"].to_numpy(dtype=bool)
        & ~frame["gratitude"].to_numpy(dtype=bool)
        & ~overlap
    )
    out["self_shift"] = shift
    ev = out["evidence"].to_numpy(dtype=object, na_value="").copy()
    for k in np.flatnonzero(fix | shift):
        extra = "emotional_reaction:sorry (answers bad news)" if fix[k] else "self_shift:no shared topic word"
        ev[k] = f"{ev[k]}; {extra}" if ev[k] else extra
    out["evidence"] = pd.array(ev, dtype=pd.StringDtype("pyarrow"))
    return out


_WEAK_SORRY = frozenset(
    {
        *("sorry", "i'm sorry", "im sorry", "i am sorry", "i’m sorry", "so sorry"),
        *("sry", "soz", "srry", "sory", "sowwy", "sorryy"),
    }
)


def only_weak_sorry(evidence: str) -> bool:
    """Whether the apology cues in ``evidence`` are only bare 'sorry' forms."""
    for part in evidence.split("; "):
        if part.startswith("apology:"):
            return all(x in _WEAK_SORRY for x in part[len("apology:") :].split(","))
    return False
