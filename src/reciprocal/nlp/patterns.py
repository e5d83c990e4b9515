"""Pattern files: phrase lists per cue label, loaded into one spaCy ``PhraseMatcher``.

A pattern file is JSON Lines, one object per line::

    {"lang": "en", "label": "gratitude", "patterns": ["thank you", "thanks"], "note": "why"}

``lang`` selects the language, ``label`` is one of :data:`LABELS` (the cues the detectors combine),
``patterns`` are phrases matched case-insensitively on spaCy tokens (so "i'm" also matches "I'm" and
"I’m"). Users add their own files with ``tag_texts(..., patterns=[path])``; their phrases extend the
bundled ones. Lines starting with ``#`` and blank lines are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .pipeline import get_nlp

__all__ = ["LABELS", "PatternSet", "bundled_pattern_file", "load_patterns", "read_pattern_file"]

#: Cue labels the detectors understand (see ``reciprocal.features.tagger`` for how they combine).
LABELS: tuple[str, ...] = (
    "self_ref",
    "self_possessive",
    "implied_self",
    "second_person",
    "hypothetical",
    "feeling_frame",
    "emotion_neg",
    "emotion_pos",
    "emotion_strong",
    "feeling_state",
    "intensifier",
    "life_domain",
    "life_event",
    "info_high",
    "good_news",
    "bad_news",
    "ask",
    "sympathy",
    "celebration",
    "interpretation",
    "exploration",
    "advice",
    "imperative",
    "advice_question",
    "hedge",
    "validation",
    "validation_weak",
    "offer",
    "minimal",
    "question_opener",
    "needs_question",
    "request_question",
    "request_weak",
    "not_request",
    "gratitude",
    "not_gratitude",
    "appreciation",
    "appreciation_weak",
    "apology",
    "apology_weak",
    "not_apology",
    "checkin",
    "plan_proposal",
    "plan_activity",
    "time_concrete",
    "confirm",
    "vague_time",
    "conflict",
    "conflict_weak",
    "affection",
    "humour",
    "repair_phrase",
)


def bundled_pattern_file(lang: str = "en") -> Path:
    """Return the path of the pattern file shipped for ``lang``.

    Raises:
        ConfigError: No bundled patterns for ``lang``.
    """
    path = Path(str(resources.files("reciprocal.nlp") / "data" / f"patterns_{lang}.jsonl"))
    if not path.is_file():
        raise ConfigError(f"no bundled text patterns for language {lang!r}; bundled: 'en'")
    return path


def read_pattern_file(path: str | Path, *, lang: str = "en") -> dict[str, list[str]]:
    """Read one pattern file and return ``label -> phrases`` for ``lang``.

    Args:
        path: A JSON Lines pattern file.
        lang: Keep only lines whose ``lang`` equals this.

    Returns:
        Phrases per label, in file order (lower-cased, stripped, without duplicates).

    Raises:
        ConfigError: The file cannot be read, a line is not valid JSON, or it has an unknown label,
            a missing ``lang`` or a ``patterns`` value that is not a list of strings (file:line named).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read pattern file: {exc.strerror}", path=p) from exc
    out: dict[str, list[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            obj: Any = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not a JSON object: {exc.msg}", path=p, line=lineno) from exc
        _check_entry(obj, p, lineno)
        if obj["lang"] != lang:
            continue
        phrases = obj["patterns"] if "patterns" in obj else [obj["pattern"]]
        bucket = out.setdefault(obj["label"], [])
        for phrase in phrases:
            norm = " ".join(phrase.lower().split())
            if norm and norm not in bucket:
                bucket.append(norm)
    return out


def _check_entry(obj: Any, path: Path, lineno: int) -> None:
    if not isinstance(obj, dict):
        raise ConfigError(
            "each line must be a JSON object with lang, label and patterns", path=path, line=lineno
        )
    if not isinstance(obj.get("lang"), str):
        raise ConfigError('missing "lang" (an ISO code such as "en")', path=path, line=lineno)
    label = obj.get("label")
    if label not in LABELS:
        raise ConfigError(
            f"unknown label {label!r}; known labels: {', '.join(LABELS)}", path=path, line=lineno
        )
    phrases = obj.get("patterns", [obj["pattern"]] if "pattern" in obj else None)
    if not isinstance(phrases, list) or not all(isinstance(x, str) for x in phrases):
        raise ConfigError('"patterns" must be a list of strings', path=path, line=lineno)


@dataclass(frozen=True)
class PatternSet:
    """Compiled cue patterns for one language.

    Attributes:
        lang: Language code.
        phrases: ``label -> phrases`` as loaded (bundled plus extra files).
        matcher: spaCy ``PhraseMatcher`` on lower-cased tokens, one match key per label.
        label_of: Match key (string hash) → label.
    """

    lang: str
    phrases: dict[str, list[str]]
    matcher: Any = field(repr=False)
    label_of: dict[int, str] = field(repr=False)


# Chat spellings of the second person: a phrase with these words also matches with the short form.
_SHORT_YOU = {"you": "u", "your": "ur", "you're": "ur", "youre": "ur"}


def _chat_spellings(phrase: str) -> list[str]:
    """The phrase, its chat spelling ("proud of you" → "proud of u"), each also with ’ for '."""
    out = [phrase]
    words = phrase.split(" ")
    if any(w in _SHORT_YOU for w in words):
        out.append(" ".join(_SHORT_YOU.get(w, w) for w in words))
    # Phones type the typographic apostrophe; match both spellings.
    return out + [v.replace("'", "\u2019") for v in out if "'" in v]


def load_patterns(*, lang: str = "en", extra: Iterable[str | Path] = ()) -> PatternSet:
    """Load the bundled patterns for ``lang`` plus user pattern files, compiled and cached.

    Args:
        lang: Language code.
        extra: Further pattern files; their phrases are added to the bundled ones.

    Returns:
        The compiled :class:`PatternSet` (cached per ``lang`` and file list).

    Raises:
        ConfigError: A file is missing or malformed.
    """
    return _load_cached(lang, tuple(str(Path(p).resolve()) for p in extra))


@lru_cache(maxsize=16)
def _load_cached(lang: str, extra: Sequence[str]) -> PatternSet:
    from spacy.matcher import PhraseMatcher

    merged: dict[str, list[str]] = {}
    paths: list[str | Path] = [bundled_pattern_file(lang), *extra]
    for path in paths:
        for label, phrases in read_pattern_file(path, lang=lang).items():
            bucket = merged.setdefault(label, [])
            bucket.extend(x for x in phrases if x not in bucket)
    nlp = get_nlp(lang)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    label_of: dict[int, str] = {}
    for label, phrases in merged.items():
        # Each spelling once, in file order.
        variants = dict.fromkeys(v for phrase in phrases for v in _chat_spellings(phrase))
        matcher.add(label, [nlp.make_doc(v) for v in variants])
        label_of[nlp.vocab.strings[label]] = label
    return PatternSet(lang=lang, phrases=merged, matcher=matcher, label_of=label_of)
