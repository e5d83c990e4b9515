"""Rule-based text detectors: disclosure, bids, support-response codes and maintenance behaviours.

Every detector combines *cues* (phrase lists per label in the pattern files, matched by one spaCy
``PhraseMatcher``) with a few positional rules, sentence by sentence. Each distinct text is scored once.
The rules are approximate: their precision / recall on labelled corpora is in ``docs/accuracy.md``.
"""

from __future__ import annotations

import gc
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
    if not spans:
        return []
    return [s for s in spans if s[0] >= lo and s[1] <= hi]


def _overlaps(span: tuple[int, int], blockers: list[tuple[int, int]] | None) -> bool:
    return bool(blockers) and any(b[0] < span[1] and span[0] < b[1] for b in blockers or ())


def _cue_text(text: str, idx: np.ndarray, length: np.ndarray, spans: Iterable[tuple[int, int]]) -> str:
    # Keep maximal spans only ("are you ok", not also "you ok"), in text order, without repeats.
    uniq = sorted(set(spans))
    keep = [s for s in uniq if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in uniq)]
    return ",".join(
        dict.fromkeys(text[int(idx[a]) : int(idx[b - 1] + length[b - 1])].lower() for a, b in keep)
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

    __slots__ = ("cues", "lens", "offs", "owner", "table")

    def __init__(
        self,
        table: np.ndarray,
        owner: np.ndarray,
        lens: np.ndarray,
        offs: np.ndarray,
        cues: list[dict[str, list[tuple[int, int]]]],
    ) -> None:
        self.table, self.owner, self.lens, self.offs, self.cues = table, owner, lens, offs, cues


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
        self.sent_punct_arr = np.array(sorted(self.sent_punct), dtype="uint64")
        self.quote_arr = np.array(sorted(self.h[q] for q in _QUOTES), dtype="uint64")
        self.minimal_arr = np.array(sorted(self.minimal_words), dtype="uint64")
        self.stop_arr = np.array(sorted(self.stop), dtype="uint64")

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
                sup = self.support_model is not None
                gate = [
                    j
                    for j, c in enumerate(cues)
                    if tab.lens[j] >= _MODEL_MIN_WORDS and (sup or "self_ref" in c)
                ]
                probs = np.zeros((len(chunk), len(self.classifier.labels)))
                if gate:
                    gated = np.zeros(len(chunk), dtype=bool)
                    gated[gate] = True
                    orth = tab.table[gated[tab.owner], _ORTH_COL]
                    probs[gate] = self.classifier.predict_orth(orth, tab.lens[gate])
            toks = self._token_table(tab, lo, out)
            for j, text in enumerate(chunk):
                p = None if probs is None else probs[j]
                self._score_doc(lo + j, tab, text, float(sent[lo + j]), p, cues[j], toks, j, out)
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
        label_of = self.patterns.label_of
        joined = [j for j, t in enumerate(chunk) if t and not t[0].isspace() and not t[-1].isspace()]
        arrays: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        if joined:
            parts = [chunk[j] for j in joined]
            big = tokenizer("\n".join(parts))
            arr = big.to_array(self.attrs)
            lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            starts = np.zeros(len(parts), dtype=np.int64)
            np.cumsum(lens[:-1] + 1, out=starts[1:])
            idx = arr[:, _IDX_COL].astype(np.int64)
            part = np.searchsorted(starts, idx, side="right") - 1
            keep = idx < starts[part] + lens[part]  # False only for the separator tokens
            first = np.searchsorted(part, np.arange(len(parts)), side="left")
            where = np.asarray(joined, dtype=np.int64)
            kept = arr[keep]
            kept[:, _IDX_COL] = (idx[keep] - starts[part[keep]]).astype(np.uint64)
            arrays.append(kept)
            owners.append(where[part[keep]])
            matches = self.patterns.matcher(big)
            if matches:
                keys, a_big, b_big = zip(*matches, strict=True)
                a = np.asarray(a_big, dtype=np.int64)
                k = part[a]
                shift = first[k]
                owner_l = where[k].tolist()
                a_l = (a - shift).tolist()
                b_l = (np.asarray(b_big, dtype=np.int64) - shift).tolist()
                for j, key, lo, hi in zip(owner_l, keys, a_l, b_l, strict=True):
                    c = cues[j]
                    label = label_of[key]
                    if label in c:
                        c[label].append((lo, hi))
                    else:
                        c[label] = [(lo, hi)]
        if len(joined) < m:
            alone = set(range(m)).difference(joined)
            for j in sorted(alone):
                doc = tokenizer(chunk[j])
                cues[j] = _cue_spans(doc, self.patterns)
                if len(doc):
                    arrays.append(doc.to_array(self.attrs))
                    owners.append(np.full(len(doc), j, dtype=np.int64))
        if arrays:
            table = np.concatenate(arrays)
            owner = np.concatenate(owners)
            if len(joined) < m:
                order = np.argsort(owner, kind="stable")
                table, owner = table[order], owner[order]
        else:
            table = np.zeros((0, len(self.attrs)), dtype="uint64")
            owner = np.zeros(0, dtype=np.int64)
        lens_all = np.bincount(owner, minlength=m)
        offs = np.concatenate([[0], np.cumsum(lens_all)])
        return _Tokens(table, owner, lens_all, offs, cues)

    def _token_table(self, tab: _Tokens, lo: int, out: dict[str, Any]) -> dict[str, Any]:
        """Token attributes of a chunk of texts as one array, with per-text summaries (vectorised)."""
        big, owner, lens, offs = tab.table, tab.owner, tab.lens, tab.offs
        lower = big[:, 0]
        is_word = (big[:, 1] == 0) & (big[:, 2] == 0)
        n = len(lens)
        words = np.bincount(owner, weights=is_word, minlength=n).astype(np.int64)
        out["words"][lo : lo + n] = words
        # Function words per category (sorted-hash lookup).
        wl, wo = lower[is_word], owner[is_word]
        if len(wl):
            pos = np.searchsorted(self.fw_keys, wl).clip(0, len(self.fw_keys) - 1)
            hit = self.fw_keys[pos] == wl
            np.add.at(out["fw"], lo + wo[hit], self.fw_member[pos[hit]])
        last = np.zeros(len(lower), dtype=bool)
        last[offs[1:][lens > 0] - 1] = True
        inner = np.bincount(owner, weights=np.isin(lower, self.sent_punct_arr) & ~last, minlength=n) > 0
        has_q = np.bincount(owner, weights=lower == self.h["?"], minlength=n) > 0
        # A token is an acknowledgement if it is not a word, a minimal word, or neither letters nor digits.
        ack = ~is_word | np.isin(lower, self.minimal_arr) | ((big[:, 3] == 0) & (big[:, 4] == 0))
        all_ack = np.bincount(owner, weights=~ack, minlength=n) == 0
        content = (big[:, 3] == 1) & (big[:, 5] > 2) & ~np.isin(lower, self.stop_arr)
        # Per-text values as Python lists: _score_doc reads them one text at a time.
        return {
            "lower": lower,
            "offs": offs.tolist(),
            "idx": big[:, 6].astype(np.int64),
            "length": big[:, 5].astype(np.int64),
            "words": words.tolist(),
            "inner": inner.tolist(),
            "has_q": has_q.tolist(),
            "all_ack": all_ack.tolist(),
            "content": content,
        }

    def _score_doc(
        self,
        i: int,
        tab: _Tokens,
        text: str,
        compound: float,
        probs: np.ndarray | None,
        cues: dict[str, list[tuple[int, int]]],
        toks: dict[str, Any],
        j: int,
        out: dict[str, Any],
    ) -> None:
        o0, o1 = toks["offs"][j], toks["offs"][j + 1]
        lower = toks["lower"][o0:o1]
        idx, length = toks["idx"][o0:o1], toks["length"][o0:o1]
        h = self.h
        ev: list[str] = []

        def fire(col: str, spans: Iterable[tuple[int, int]]) -> None:
            out[col][i] = True
            ev.append(f"{col}:" + _cue_text(text, idx, length, spans))

        # Sentences: the rule sentencizer only matters when there is inner sentence punctuation.
        n_tok = o1 - o0
        if toks["inner"][j]:
            starts = self._sentence_starts(tab.table[o0:o1])
            bounds = list(zip(starts, [*starts[1:], n_tok], strict=True))
        else:
            bounds = [(0, n_tok)]
        quoted = None if _QUOTES.isdisjoint(text) else self._quoted(lower.tolist())
        self_spans = [s for s in cues.get("self_ref", ()) if quoted is None or not quoted[s[0]]]
        out["self_ref"][i] = bool(self_spans)
        out["repair_marker"][i] = bool(
            cues.get("affection") or cues.get("humour") or cues.get("repair_phrase")
        )
        qmark = h["?"]
        emo_level = info_level = 0
        any_q = False
        neg_emotion = pos_emotion = False
        emo_ev: list[tuple[int, int]] = []
        info_ev: list[tuple[int, int]] = []
        q_sent: list[tuple[int, int]] = []
        for lo, hi in bounds:
            has_q = toks["has_q"][j] if len(bounds) == 1 else bool((lower[lo:hi] == qmark).any())
            is_q = has_q or self._opens_question(cues, lower, lo)
            if is_q:
                any_q = True
                q_sent.append((lo, hi))
            selfs = _in(self_spans, lo, hi)
            if not selfs:
                continue
            partner_q = is_q and bool(_in(cues.get("second_person"), lo, hi))
            if partner_q:
                continue
            emos = [s for lab in _EMOTION for s in _in(cues.get(lab), lo, hi)]
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
                    neg_emotion |= bool(_in(cues.get("emotion_neg"), lo, hi))
                    pos_emotion |= bool(_in(cues.get("emotion_pos"), lo, hi))
            info = _in(cues.get("life_event"), lo, hi) + _in(cues.get("info_high"), lo, hi)
            poss_ends = {s[1] for s in _in(cues.get("self_possessive"), lo, hi)}
            info += [
                s for s in _in(cues.get("life_domain"), lo, hi) if s[0] in poss_ends or s[0] - 1 in poss_ends
            ]
            if info and not (hypos and min(h[0] for h in hypos) < min(s[0] for s in info)):
                lvl = 2 if _in(cues.get("info_high"), lo, hi) or _in(cues.get("bad_news"), lo, hi) else 1
                info_level = max(info_level, lvl)
                info_ev.extend(info)
        er_spans = cues.get("sympathy", []) + cues.get("celebration", [])
        model_emo = model_info = False
        if (
            probs is not None
            and self_spans
            and not (any_q and cues.get("second_person"))
            and toks["words"][j] >= _MODEL_MIN_WORDS
        ):
            # The classifier catches implicit feelings / facts the phrase lists miss (self-reference kept).
            model_emo = not emo_level and probs[0] >= self.thresholds[0] and not er_spans
            model_info = not info_level and probs[1] >= self.thresholds[1]
        if emo_level or model_emo:
            out["disclosure_emotional"][i] = emo_level or 1
            cue = _cue_text(text, idx, length, emo_ev) if emo_level else f"classifier p={probs[0]:.2f}"  # type: ignore[index]
            ev.append("disclosure_emotional:" + cue)
        if info_level or model_info:
            out["disclosure_informational"][i] = info_level or 1
            cue = _cue_text(text, idx, length, info_ev) if info_level else f"classifier p={probs[1]:.2f}"  # type: ignore[index]
            ev.append("disclosure_informational:" + cue)

        # Bids: explicit asks first, then negative / positive disclosures.
        bad = [s for s in cues.get("bad_news", ()) if self_spans]
        good = [s for s in cues.get("good_news", ()) if self_spans]
        out["bad_news"][i] = bool(bad)
        # A reply's sympathy ("my heart goes out to you") carries feeling words but is not a bid.
        own = (bool(emo_level) and any(not _overlaps(s, er_spans) for s in emo_ev)) or model_emo
        if cues.get("ask"):
            out["bid"][i] = 3
            ev.append("bid:ask")
        elif (own and (compound <= -0.05 or neg_emotion)) or (bad and compound < 0.05):
            out["bid"][i] = 1
            ev.append("bid:negative")
        elif (good and (compound >= 0.05 or "!" in text) and compound > -0.05) or (
            own and pos_emotion and compound >= 0.05
        ):
            out["bid"][i] = 2
            ev.append("bid:positive")

        # Response codes.
        er = cues.get("sympathy", []) + cues.get("celebration", [])
        if er:
            fire("emotional_reaction", er)
        kinds = self._question_kinds(cues, lower, bounds, q_sent)
        interp = self._interpretation(cues, lower, tab.table[o0:o1, 1], bounds, kinds)
        if interp:
            fire("interpretation", interp)
        explo = self._exploration(cues, lower, bounds, kinds)
        if explo:
            fire("exploration", explo)
        advice = self._advice(cues, lower, bounds, kinds)
        if advice:
            fire("advice", advice)
        valid = _validation(cues, bounds, kinds)
        if valid:
            fire("validation", valid)
        if cues.get("offer"):
            fire("offer", cues["offer"])
        # `question` = asking the partner something: a question sentence that is not a request or
        # suggestion phrased as a question ("could you ...?", "how about ...?"), or a needs question.
        if any_q and (
            cues.get("needs_question") or any(not self._request_q(cues, lower, lo, hi) for lo, hi in q_sent)
        ):
            fire("question", [])
        if any_q and cues.get("needs_question"):
            fire("needs_question", cues["needs_question"])
        grat = [s for s in cues.get("gratitude", ()) if not _overlaps(s, cues.get("not_gratitude"))]
        if grat:
            fire("gratitude", grat)
        appr = cues.get("appreciation", []) + (cues.get("appreciation_weak", []) if compound >= 0.05 else [])
        if appr:
            fire("appreciation", appr)
        # Apology: blocked by sympathy / negation / "sorry but you..." cues, and not in quoted speech.
        apol = [
            s
            for s in cues.get("apology", []) + cues.get("apology_weak", [])
            if not _overlaps(s, cues.get("not_apology")) and (quoted is None or not quoted[s[0]])
        ]
        if apol:
            fire("apology", apol)
        if cues.get("checkin"):
            fire("checkin", cues["checkin"])
        self._plans(text, cues, bounds, fire)
        confl = cues.get("conflict", []) + (cues.get("conflict_weak", []) if compound <= -0.05 else [])
        if confl:
            fire("conflict", confl)
        n_words = toks["words"][j]
        model_code = self._classifier_support(i, probs, n_words, any_q, cues, out)
        if model_code is not None:
            out[model_code[0]][i] = True
            ev.append(f"{model_code[0]}:classifier p={model_code[1]:.2f}")
        # Minimal: an acknowledgement-only or very short reply that carries nothing else.
        quiet = not ev or all(e.startswith(("gratitude", "emotional_reaction")) for e in ev)
        # (A short request or suggestion, "shall we go?", is a question sentence: not minimal.)
        if quiet and n_words and (toks["all_ack"][j] or (not ev and not any_q and n_words <= 3)):
            fire("minimal", [])
        out["evidence"][i] = "; ".join(ev)
        if self_spans or out["bid"][i]:
            # Content words are only compared for bids and first-person replies (self_shift).
            out["content"][i] = frozenset(lower[toks["content"][o0:o1]].tolist())

    def _question_kinds(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: np.ndarray,
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

    def _drops_aux(self, lower: np.ndarray, b: int, hi: int) -> bool:
        """Whether "you" + the token at ``b`` is a question without its auxiliary ("you coming?", "u ok?")."""
        if b >= hi or int(lower[b]) in self.sent_punct:
            return True
        word = self.nlp.vocab.strings[int(lower[b])]
        return word in _ELLIPTIC or (word.endswith("ing") and len(word) > 4)

    def _interpretation(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: np.ndarray,
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

    def _wished(self, lower: np.ndarray, lo: int, a: int) -> bool:
        """Whether the cue at ``a`` follows a wish or gladness ("I hope (that) you're feeling better",
        "glad you are feeling better"): a well-wish, not a reflection."""
        k = a - 1
        if k > lo and int(lower[k]) == self.that:
            k -= 1
        return k >= lo and int(lower[k]) in self.wish_words

    def _so_at_start(self, a: int, lower: np.ndarray, lo: int) -> bool:
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
        self, cues: dict[str, list[tuple[int, int]]], lower: np.ndarray, punct: np.ndarray, lo: int, hi: int
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

    def _exploration(
        self,
        cues: dict[str, list[tuple[int, int]]],
        lower: np.ndarray,
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
                first = lo + 1 if lo + 1 < hi and int(lower[lo]) in self.imp_lead else lo
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
        lower: np.ndarray,
        bounds: list[tuple[int, int]],
        kinds: list[tuple[str, int]],
    ) -> list[tuple[int, int]]:
        """Suggestions: advice cues and imperative openers in statements, suggesting questions anywhere.

        In an open question only the forms that propose an action count ("have you tried ...?", "why
        not ...?"): "do you have someone to talk to?" asks. A suggestion with a question mark but the
        word order of a statement ("maybe ask her?", "you could try yoga?") is a tentative suggestion.
        """
        spans = _suggests(cues, 0, len(lower))
        imp = cues.get("imperative")
        to_me = {a for a, _ in cues.get("self_ref", ())}
        wishes = cues.get("validation", []) + cues.get("sympathy", [])
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
                if not _inside(s, cues.get("interpretation")) and not _within(s, longer)
            ]
            spans += self._hedged(cues, lower, lo, hi)
            if imp and not kind:
                # A sentence that opens with a verb ("talk to her", "just be honest") suggests an action;
                # "leave me alone", "tell me": a request for oneself; "don't worry", "take care": reassurance
                # and well-wishes.
                first = lo + 1 if lo + 1 < hi and int(lower[lo]) in self.imp_lead else lo
                spans += [s for s in imp if s[0] == first and s[1] not in to_me and not _overlaps(s, wishes)]
        return spans

    def _hedged(
        self, cues: dict[str, list[tuple[int, int]]], lower: np.ndarray, lo: int, hi: int
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
        if any(out[c][i] for c in _NAMED_ACTS):
            return None
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

    def _request_q(self, cues: dict[str, list[tuple[int, int]]], lower: np.ndarray, lo: int, hi: int) -> bool:
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

    def _max_valence(self, lower: np.ndarray, spans: list[tuple[int, int]]) -> float:
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
        self, text: str, cues: dict[str, list[tuple[int, int]]], bounds: list[tuple[int, int]], fire: Any
    ) -> None:
        props = cues.get("plan_proposal")
        acts = cues.get("plan_activity")
        if cues.get("confirm"):
            fire("concrete_plan", cues["confirm"])
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

    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    index = s.index
    values = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    ctx: np.ndarray | None = None
    if context is not None:
        c = context if isinstance(context, pd.Series) else pd.Series(list(context), dtype=object)
        if len(c) != len(s):
            raise ConfigError(
                f"context has {len(c)} values but texts has {len(s)}; pass one context per text"
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
