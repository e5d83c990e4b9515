"""The batched tokenization of the tagger gives what spaCy gives text by text.

The tagger tokenizes a chunk of texts as one newline-joined Doc, computes sentence starts from the token
table and scores the classifier from ORTH arrays; each is compared here with the Doc-by-Doc reference.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocal.features import tagger

from ._texts import TEXTS, scorer

TRICKY = [
    "",
    " ",
    "\n",
    "ok",
    " leading space",
    "trailing space ",
    "trailing newline\n",
    "\nleading newline",
    "two  spaces. and a\nnew line? yes!",
    "I'm so sad :( really... can we talk?",
    "I’m fine!! thanks",
    '"I love you" she said. I hate it!',
    "how are you? I got the job!!! :)",
    "dinner friday at 7pm?",
    "e-mail me at a.b@example.com or https://example.com/x?y=1",
    "😂😂 lol",
    "no.",
    "?!",
    "can't won't don't",
    "i\tfeel\t\tsad",
    # Neighbours that would form phrases ("thank you", "are you ok") if the join let them touch.
    "thank",
    "you",
    "are",
    "you ok",
]


def _check_chunk(texts: list[str]) -> None:
    sc = scorer()
    tab = sc._tokenize(texts)
    for j, text in enumerate(texts):
        doc = sc.nlp.tokenizer(text)
        rows = tab.table[tab.offs[j] : tab.offs[j + 1]]
        expected = doc.to_array(sc.attrs) if len(doc) else np.zeros((0, len(sc.attrs)), dtype="uint64")
        np.testing.assert_array_equal(rows, expected.reshape(-1, len(sc.attrs)), err_msg=repr(text))
        assert tab.cues[j] == tagger._cue_spans(doc, sc.patterns), text
        if len(doc):
            sc.sentencizer(doc)
            starts = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
            assert sc._sentence_starts(rows) == starts, text


def test_joined_tokens_cues_and_sentences_match_doc_by_doc() -> None:
    _check_chunk(TRICKY)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=12))
def test_joined_tokens_match_doc_by_doc_property(texts: list[str]) -> None:
    _check_chunk(texts)


def test_classifier_from_orth_arrays_equals_doc_predict() -> None:
    sc = scorer()
    clf = sc.classifier
    assert clf is not None
    texts = [t for t in TRICKY if t.strip()] + ["I feel so alone since my dad died", "x"]
    docs = [sc.nlp.make_doc(t) for t in texts]
    orth = np.concatenate([d.to_array(sc.attrs)[:, tagger._ORTH_COL] for d in docs])
    lengths = np.array([len(d) for d in docs])
    np.testing.assert_array_equal(clf.predict_orth(orth, lengths), clf.predict(docs))
    # Texts without tokens score 0, wherever they are in the batch.
    got = clf.predict_orth(orth[:0], np.array([0, 0]))
    np.testing.assert_array_equal(got, np.zeros((2, len(clf.labels))))
