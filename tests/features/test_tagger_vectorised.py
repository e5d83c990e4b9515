"""The tagger's chunk-wise helpers give what the straightforward per-text computation gives.

The tagger builds token flags from a lexeme table, per-text summaries with numpy over a chunk, sentence
bounds and questions only for the texts that need the sentencizer, cue groups with one sort and evidence
with a single-span fast path. Each is compared here with a plain per-text version written from the rules'
definitions; the last test checks that scoring a batch equals scoring each text alone.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal.features import tagger
from reciprocal.nlp import vader

from ._texts import TEXTS, scorer

TRICKY = [
    "",
    " ",
    "ok",
    "so how was it? I got the job. are you ok?",
    "hey are you ok",
    'She said "I hate you". I feel sad',
    "just call her. tell me",
    "I'm so sad :( really... can we talk?",
    "thank you thank you",
    "dinner friday at 7pm?",
    "ok ok lol 😂",
    "I love my job and my mom",
]


def _per_text_summaries(sc: tagger._Scorer, rows: np.ndarray) -> dict[str, object]:
    """Per-text summaries straight from the token attributes (the definitions the tagger vectorises)."""
    lower, punct, space, alpha, num, length = (rows[:, k] for k in range(6))
    minimal = {int(x) for x in sc.minimal_arr}
    stop = {int(x) for x in sc.stop_arr}
    sent_punct = {int(x) for x in sc.sent_punct_arr}
    fw_rows = {int(k): r for r, k in enumerate(sc.fw_keys)}
    words = 0
    fw = np.zeros(sc.fw_member.shape[1], dtype=np.int64)
    all_ack = True
    content = []
    for k in range(len(rows)):
        low = int(lower[k])
        is_word = punct[k] == 0 and space[k] == 0
        words += bool(is_word)
        if is_word and low in fw_rows:
            fw += sc.fw_member[fw_rows[low]]
        if is_word and low not in minimal and (alpha[k] or num[k]):
            all_ack = False
        if alpha[k] == 1 and length[k] > 2 and low not in stop:
            content.append(low)
    n = len(rows)
    return {
        "words": words,
        "fw": fw.tolist(),
        "inner": any(int(lower[k]) in sent_punct for k in range(n - 1)),
        "has_q": sc.h["?"] in lower.tolist(),
        "all_ack": all_ack,
        "content": content,
        "minimal_row": words > 0 and (all_ack or words <= 3),
    }


def _per_text_sentences(
    sc: tagger._Scorer, rows: np.ndarray, cues: dict[str, list[tuple[int, int]]], inner: bool
) -> tuple[list[tuple[int, int]], list[bool]]:
    """Sentences (spaCy's sentencizer rule when there is inner sentence punctuation, else one) and
    which are questions ("?" in it or an opener)."""
    starts = sc._sentence_starts(rows) if inner else [0]
    bounds = list(zip(starts, [*starts[1:], len(rows)], strict=True))
    lower = rows[:, 0].tolist()
    is_q = [sc.h["?"] in lower[a:b] or sc._opens_question(cues, lower, a) for a, b in bounds]
    return bounds, is_q


def _chunk(texts: list[str]) -> tuple[tagger._Scorer, tagger._Tokens, dict, dict, tagger._Chunk]:
    """Tokenize ``texts`` as one chunk and split it into sentences, as ``_score_chunk`` starts.

    Returns the scorer, the tokens, the token table's per-text summaries, the count arrays it filled
    (words, function words) and the chunk.
    """
    sc = scorer()
    tab = sc._tokenize(texts)
    out = {"words": np.zeros(len(texts), dtype="int32"), "fw": np.zeros((len(texts), 9), dtype="int32")}
    toks = sc._token_table(tab, 0, out)
    chunk = tagger._Chunk(texts, tab, toks, [0.0] * len(texts))
    sc._sentences(chunk, tab, toks)
    return sc, tab, toks, out, chunk


def _check(texts: list[str]) -> None:
    sc, tab, toks, out, chunk = _chunk(texts)
    for j, text in enumerate(texts):
        rows = tab.table[tab.offs[j] : tab.offs[j + 1]]
        want = _per_text_summaries(sc, rows)
        assert out["words"][j] == want["words"], text
        assert out["fw"][j].tolist() == want["fw"], text
        assert toks["inner"][j] == want["inner"], text
        assert toks["has_q"][j] == want["has_q"], text
        assert toks["all_ack"][j] == want["all_ack"], text
        c0, c1 = toks["content_offs"][j], toks["content_offs"][j + 1]
        assert toks["content_words"][c0:c1] == want["content"], text
        assert (j in toks["minimal_rows"]) == want["minimal_row"], text
        bounds, is_q = _per_text_sentences(sc, rows, tab.cues[j], bool(want["inner"]))
        assert chunk.bounds[j] == bounds, text
        assert chunk.is_q[j] == is_q, text
        assert chunk.any_q[j] == any(is_q), text
        assert chunk.q_sent[j] == [b for b, q in zip(bounds, is_q, strict=True) if q], text
    # The label index lists exactly the texts with a cue of each label, in ascending order.
    want_has: dict[str, list[int]] = {}
    for j, cues in enumerate(tab.cues):
        for label in cues:
            want_has.setdefault(label, []).append(j)
    assert chunk.has == want_has


def test_chunk_helpers_match_per_text_on_tricky_texts() -> None:
    _check(TRICKY)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=12))
def test_chunk_helpers_match_per_text_property(texts: list[str]) -> None:
    _check(texts)


def test_lexeme_table_flags_match_token_attributes() -> None:
    sc = scorer()
    tab = sc._tokenize(TRICKY)
    lex = sc.lexemes
    for k, row in enumerate(tab.table.tolist()):
        lower, punct, space, alpha, _num, length = row[:6]
        r = tab.lex[k]
        assert lex.keys[r] == row[tagger._ORTH_COL]
        assert lex.attrs[r].tolist() == row[:6]
        is_word = punct == 0 and space == 0
        assert lex.is_word[r] == is_word
        assert lex.content[r] == (alpha == 1 and length > 2 and lower not in set(sc.stop_arr.tolist()))
        assert lex.qmark[r] == (lower == sc.h["?"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 4)), max_size=5), st.text(max_size=30))
def test_cue_text_single_span_fast_path(pairs: list[tuple[int, int]], text: str) -> None:
    idx = list(range(0, 80, 2))
    length = [1] * 40
    text = text.ljust(80, "x")
    spans = [(a, a + w) for a, w in pairs]
    got = tagger._cue_text(text, idx, length, spans)
    # The general path (a tuple skips the list fast path).
    assert got == tagger._cue_text(text, idx, length, tuple(spans))


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=10, unique=True))
def test_batch_scores_equal_text_by_text(texts: list[str]) -> None:
    """Chunk-wise rules never mix texts: a batch scores each text as it scores alone."""
    batch = tagger.score_texts(texts)
    for j, text in enumerate(texts):
        alone = tagger.score_texts([text])
        for key, col in batch.items():
            a, b = col[j], alone[key][0]
            if isinstance(a, np.ndarray):
                assert a.tolist() == b.tolist(), (text, key)
            else:
                assert a == b, (text, key)


def test_vader_token_cache_gives_the_same_scores_cold_and_warm() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = ["I LOVE it!!", "not bad at all", "kind of sad", "no love", "😂 so funny", "the table is brown"]
    vader._TOKEN.clear()
    cold = [vader.compound(t) for t in texts]
    warm = [vader.compound(t) for t in texts]
    assert cold == warm
    assert cold == [SentimentIntensityAnalyzer().polarity_scores(t)["compound"] for t in texts]
    assert cold[-1] == 0.0


def test_warming_the_tokenizer_cache_keeps_the_tokens() -> None:
    """Tokens of a joined Doc are the same with spaCy's span cache cold or warmed word by word."""
    import spacy

    text = "\n".join(
        ["I'm ok, thanks!", "ok, I'm... fine :)", "(don't) e.g. 7pm?", "it's 5p.m. ok.", "a.b@c.de lol,"] * 3
    )
    cold = [(t.text, t.idx) for t in spacy.blank("en").tokenizer(text)]
    warmed = spacy.blank("en").tokenizer
    for word in sorted(set(text.split())):
        warmed(word)
    assert [(t.text, t.idx) for t in warmed(text)] == cold
    sc = scorer()
    sc._warm_tokenizer_cache(text)
    assert [(t.text, t.idx) for t in sc.nlp.tokenizer(text)] == cold


RULE_TEXTS = [
    *TRICKY,
    "you must be exhausted",
    "maybe call her",
    "so you feel left out?",
    "you ok?",
    "I hope you're feeling better",
    "you're so strong",
    "have you tried yoga?",
    "what happened? tell me more",
    "talk to her. she'll listen",
    "is he good to you",
    "can you help me?",
    "you coming tonight?",
    "take care",
    "that sounds really hard",
    "I think maybe you could ask her",
    "maybe talking to her helps",
    "ok maybe writing it down first",
    "I got the job",
    "my mom is sick and I feel so sad",
    "I love my job",
    "it might help, perhaps you should talk to him",
    "you're not alone, I'm sure you'll find one",
]
_RULE_VOCAB = (
    "you your I me maybe just call talk her tell so feel sad strong must be exhausted ? . "
    "have tried what happened how about sure hope can help ok is he my job mom got lost "
    "feeling kinda down tired not u ur let's see get over it love honestly , fault own"
)
RULE_WORDS = st.sampled_from(_RULE_VOCAB.split(" "))
RULE_TEXTS_ST = st.lists(RULE_WORDS, max_size=9).map(" ".join)


def _check_visits(texts: list[str]) -> None:
    sc, _, _, _, c = _chunk(texts)
    sc._self_refs(c, {"self_ref": np.zeros(len(texts), bool), "repair_marker": np.zeros(len(texts), bool)}, 0)
    visits = sc._visits(c)
    disclosing = set(tagger._union(c.has, tagger._DISCLOSURE_CUES))
    for j, text in enumerate(texts):
        if c.self_spans[j] and j not in disclosing:
            sc._disclosure_rules(c, j)  # the phrase rules find no disclosure without their cues
            assert (c.emo_level[j], c.info_level[j]) == (0, 0), text
        cues, low, bounds, kinds = c.cues[j], c.low(j), c.bounds[j], sc._kinds_of(c, j)
        punct = c.table[c.offs[j] : c.offs[j + 1], 1]
        found = {
            "interpretation": sc._interpretation(cues, low, punct, bounds, kinds),
            "exploration": sc._exploration(cues, low, bounds, kinds),
            "advice": sc._advice(cues, low, bounds, kinds),
            "validation": tagger._validation(cues, bounds, kinds),
        }
        for rule, spans in found.items():
            if j not in visits[rule]:
                assert spans == [], (text, rule)


def test_rules_find_nothing_in_texts_they_do_not_visit() -> None:
    _check_visits(RULE_TEXTS)


@settings(max_examples=80, deadline=None)
@given(st.lists(RULE_TEXTS_ST, min_size=1, max_size=10))
def test_rules_find_nothing_in_texts_they_do_not_visit_property(texts: list[str]) -> None:
    _check_visits(texts)


_IMPLIED_VOCAB = "just so ugh , . ! ? feeling got had mom tired love it you not really the day my I"


def _check_implied_prefilter(texts: list[str]) -> None:
    sc, _, _, _, c = _chunk(texts)
    for j in c.has.get("implied_self", ()):
        # _self_refs skips these texts without calling _implied_self: it must find nothing in them.
        if c.cues[j]["implied_self"][0][0] > 2 and len(c.bounds[j]) == 1:
            assert sc._implied_self(c, j) == [], texts[j]


def test_implied_self_prefilter_skips_only_texts_without_an_opener() -> None:
    _check_implied_prefilter(["just so ugh feeling down", "ugh , tired", "the day I got home", "mom"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_IMPLIED_VOCAB.split(" ")), max_size=8).map(" ".join), min_size=1))
def test_implied_self_prefilter_property(texts: list[str]) -> None:
    _check_implied_prefilter(texts)
