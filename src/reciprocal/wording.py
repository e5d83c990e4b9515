"""Descriptive wording for metrics: labels, units and sentences with their intervals and n.

One table (:data:`METRICS`) says how each metric reads to a person; the HTML report, the notebook
display and the CLI table all word numbers through it, so a metric reads the same everywhere.
Sentences describe what the data show ("Sam started 68% of conversations [61–74%], 214
conversations"); they never diagnose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = [
    "METRICS",
    "SECTIONS",
    "MetricInfo",
    "Phrase",
    "Section",
    "display_note",
    "format_duration",
    "format_interval",
    "format_n",
    "format_value",
    "metric_info",
    "phrase",
    "section_of",
    "sentence",
]


@dataclass(frozen=True)
class MetricInfo:
    """How one metric reads.

    Args:
        label: Short name for tables ("Conversations started").
        kind: How values are formatted: ``share`` / ``rate`` (0–1, shown as %), ``seconds``
            (a duration), ``count``, ``score`` (0–100), ``index`` (0–1, two decimals), ``lift``
            (a difference of probabilities, shown in percentage points).
        phrase: Sentence after the person's name, with ``{v}`` for the formatted value.
        unit: What ``n`` counts ("conversations", "replies").
    """

    label: str
    kind: str
    phrase: str
    unit: str = "observations"


METRICS: dict[str, MetricInfo] = {
    # Who reaches out first?
    "initiation_share": MetricInfo(
        "Conversations started", "share", "started {v} of conversations", "conversations"
    ),
    "daily_first_contact_share": MetricInfo(
        "First message of the day", "share", "sent the first message on {v} of active days", "days"
    ),
    "emotional_initiation_share": MetricInfo(
        "Emotional conversations started",
        "share",
        "started {v} of the conversations that opened with something personal",
        "conversations",
    ),
    # Who answers, and how fast?
    "response_rate": MetricInfo("Turns answered", "rate", "answered {v} of the other's turns", "turns"),
    "latency_median": MetricInfo("Median reply time", "seconds", "took {v} to reply (median)", "replies"),
    "latency_awake_median": MetricInfo(
        "Median reply time (awake)",
        "seconds",
        "took {v} to reply, not counting their usual quiet hours (median)",
        "replies",
    ),
    "latency_iqr": MetricInfo(
        "Spread of reply times (IQR)", "seconds", "had a spread of {v} in reply times (IQR)", "replies"
    ),
    "latency_geomean": MetricInfo(
        "Typical reply time (geometric mean)", "seconds", "took {v} to reply (geometric mean)", "replies"
    ),
    "latency_awake_iqr": MetricInfo(
        "Spread of awake reply times (IQR)",
        "seconds",
        "had a spread of {v} in reply times not counting quiet hours (IQR)",
        "replies",
    ),
    "reply_within_5min": MetricInfo(
        "Replies within 5 min", "rate", "replied within 5 minutes {v} of the time", "replies"
    ),
    "reply_within_1h": MetricInfo(
        "Replies within 1 h", "rate", "replied within an hour {v} of the time", "replies"
    ),
    # If I stop reaching out, does the other step up?
    "unanswered_turns": MetricInfo(
        "Unanswered turns", "count", "had {v} turns that ended a conversation unanswered", "turns"
    ),
    "unanswered_turn_rate": MetricInfo(
        "Turns left unanswered", "rate", "saw {v} of their turns end a conversation unanswered", "turns"
    ),
    "double_initiation_rate": MetricInfo(
        "Reached out again after no answer",
        "rate",
        "reached out again after going unanswered {v} of the time",
        "unanswered turns",
    ),
    "step_up_rate": MetricInfo(
        "Stepped up",
        "rate",
        "started the next conversation after the other went unanswered {v} of the time",
        "times the other went unanswered",
    ),
    "step_up_share": MetricInfo("Share of step-ups", "share", "made {v} of the step-ups", "step-ups"),
    # Volume (not effort: verbosity is not effort)
    "messages": MetricInfo("Messages", "count", "sent {v} messages", "conversations"),
    "words": MetricInfo("Words", "count", "wrote {v} words", "conversations"),
    "turns": MetricInfo("Turns", "count", "took {v} turns", "conversations"),
    "message_share": MetricInfo("Share of messages", "share", "sent {v} of the messages", "messages"),
    "word_share": MetricInfo("Share of words", "share", "wrote {v} of the words", "words"),
    "turn_share": MetricInfo("Share of turns", "share", "took {v} of the turns", "turns"),
    "give_receive_ratio": MetricInfo(
        "Give/receive ratio", "number", "gave {v} times as many replies as they received", "replies"
    ),
    "latency_log2_ratio": MetricInfo(
        "Reply-time contrast (log2)",
        "number",
        "differ in median reply time by a log2 ratio of {v}",
        "conversations",
    ),
    # Who opens up?
    "disclosure_rate": MetricInfo(
        "Turns that open up", "rate", "shared something personal in {v} of turns", "turns"
    ),
    "disclosure_rate_emotional": MetricInfo(
        "Turns sharing feelings", "rate", "shared feelings in {v} of turns", "turns"
    ),
    "disclosure_rate_informational": MetricInfo(
        "Turns sharing personal facts", "rate", "shared personal facts in {v} of turns", "turns"
    ),
    "disclosure_share": MetricInfo(
        "Share of disclosures", "share", "made {v} of the personal disclosures", "disclosures"
    ),
    "disclosure_reciprocity_lift": MetricInfo(
        "Disclosure reciprocity",
        "lift",
        "'s chance of opening up right after the other did differed from usual by {v}",
        "disclosures",
    ),
    # When I share a joy or a pain, am I met?
    "support_rate": MetricInfo(
        "Support given", "rate", "answered the other's difficult news with support {v} of the time", "bids"
    ),
    "celebration_rate": MetricInfo(
        "Good news celebrated",
        "rate",
        "met the other's good news with enthusiasm and interest {v} of the time",
        "bids",
    ),
    "unanswered_bid_rate": MetricInfo(
        "Bids left unanswered", "rate", "saw {v} of their emotional bids go unanswered", "bids"
    ),
    "bid_latency_median": MetricInfo(
        "Median time to answer a bid",
        "seconds",
        "took {v} (median) to answer the other's emotional bids",
        "bids",
    ),
    "support_share": MetricInfo("Share of the support", "share", "gave {v} of the support to bids", "bids"),
    # Do they ask about me / my needs?
    "question_rate": MetricInfo("Turns with a question", "rate", "asked a question in {v} of turns", "turns"),
    "question_share": MetricInfo("Share of questions", "share", "asked {v} of the questions", "questions"),
    "needs_question_rate": MetricInfo(
        "Questions about needs", "rate", "asked about the other's needs in {v} of turns", "turns"
    ),
    # Gratitude and appreciation
    "gratitude_rate": MetricInfo("Thanks", "rate", "said thanks in {v} of turns", "turns"),
    "appreciation_rate": MetricInfo(
        "Appreciation", "rate", "expressed appreciation in {v} of turns", "turns"
    ),
    # Daily check-ins
    "checkin_rate": MetricInfo("Check-ins", "rate", "checked in on {v} of the days", "days"),
    "checkin_share": MetricInfo("Share of check-ins", "share", "did {v} of the checking in", "check-ins"),
    "daily_checkin_days": MetricInfo("Days with a check-in", "count", "checked in on {v} days", "days"),
    # "We should catch up"
    "vague_plan_count": MetricInfo(
        "Vague plans", "count", "proposed {v} vague plans (“we should catch up”)", "conversations"
    ),
    "plan_share": MetricInfo("Share of plans", "share", "proposed {v} of the plans", "plans"),
    "plan_follow_through_rate": MetricInfo(
        "Plans followed through",
        "rate",
        "saw {v} of their vague plans followed by a concrete time or place within 14 days",
        "plans",
    ),
    # Who repairs after friction or silence?
    "repair_share": MetricInfo(
        "Repair attempts", "share", "made {v} of the repair attempts", "repair attempts"
    ),
    "time_to_repair_median": MetricInfo(
        "Median time to repair", "seconds", "reached out {v} (median) after friction or silence", "repairs"
    ),
    # Do we talk alike?
    "lsm": MetricInfo("Language style matching", "index", "matched each other's style at {v} (0–1)", "words"),
    "rlsm": MetricInfo(
        "Turn-by-turn style matching", "index", "matched style turn by turn at {v} (0–1)", "turns"
    ),
    # Is one person carrying the load? / In one number
    "effort_share": MetricInfo(
        "Share of the effort", "share", "carried {v} of the effort (effort share)", "conversations"
    ),
    "overfunctioning_index": MetricInfo(
        "Overfunctioning index", "share", "carried {v} of the effort (overfunctioning index)", "conversations"
    ),
    "reciprocity_score": MetricInfo(
        "Reciprocity score", "score", "scored {v} out of 100 on reciprocity", "conversations"
    ),
}


@dataclass(frozen=True)
class Section:
    """One of the user's questions (METRICS.md), in the order the report answers them."""

    key: str
    question: str
    metrics: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "reach-out",
        "Who reaches out first?",
        ("initiation_share", "daily_first_contact_share", "emotional_initiation_share"),
    ),
    Section(
        "answers",
        "Who answers, and how fast?",
        (
            "response_rate",
            "latency_median",
            "latency_awake_median",
            "reply_within_5min",
            "reply_within_1h",
            "latency_log2_ratio",
        ),
    ),
    Section(
        "step-up",
        "If one stops reaching out, does the other step up?",
        (
            "unanswered_turns",
            "unanswered_turn_rate",
            "double_initiation_rate",
            "step_up_rate",
            "step_up_share",
        ),
    ),
    Section(
        "opens-up", "Who opens up?", ("disclosure_rate", "disclosure_share", "disclosure_reciprocity_lift")
    ),
    Section(
        "met",
        "When one shares a joy or a pain, is it met?",
        ("support_rate", "celebration_rate", "unanswered_bid_rate", "bid_latency_median", "support_share"),
    ),
    Section(
        "asks",
        "Do they ask about each other and each other's needs?",
        ("question_rate", "needs_question_rate", "question_share"),
    ),
    Section("gratitude", "Gratitude and appreciation", ("gratitude_rate", "appreciation_rate")),
    Section("checkins", "Daily check-ins", ("checkin_rate", "daily_checkin_days", "checkin_share")),
    Section("plans", "“We should catch up”", ("vague_plan_count", "plan_follow_through_rate", "plan_share")),
    Section("repair", "Who repairs after friction or silence?", ("repair_share", "time_to_repair_median")),
    Section("style", "Do they talk alike?", ("lsm", "rlsm")),
    # overfunctioning_index is the same number as effort_share (METRICS.md); it is listed once.
    Section("load", "Is one person carrying the load?", ("effort_share",)),
    Section("one-number", "In one number: how two-way is it?", ("reciprocity_score",)),
)


def metric_info(metric: str) -> MetricInfo:
    """Return the wording of ``metric``; variants (``disclosure_rate_emotional``) use their base's.

    Args:
        metric: A metric name as it appears in the Report.

    Returns:
        The :class:`MetricInfo`; an unknown metric gets a neutral label made from its name.
    """
    if metric in METRICS:
        return METRICS[metric]
    base = _base_metric(metric)
    if base is not None:
        info = METRICS[base]
        variant = metric[len(base) + 1 :].replace("_", " ")
        return MetricInfo(f"{info.label} ({variant})", info.kind, info.phrase + f" ({variant})", info.unit)
    label = metric.replace("_", " ").capitalize()
    kind = "share" if metric.endswith("_share") else "rate" if metric.endswith("_rate") else "number"
    if metric.endswith(("_balance", "_imbalance", "_gini", "_min_max_ratio")):
        kind = "index"  # balance indices of METRICS.md, all on 0–1
    elif metric.endswith(("_seconds", "_median")) and ("latency" in metric or "time" in metric):
        kind = "seconds"
    return MetricInfo(label, kind, f"{label.lower()}: {{v}}")


#: Suffixes that make a variant of a known metric (``disclosure_rate_emotional``).
_VARIANTS = ("emotional", "informational", "positive", "negative", "ask", "conversation", "turn")


def _base_metric(metric: str) -> str | None:
    for name in METRICS:
        if metric.startswith(name + "_") and metric[len(name) + 1 :] in _VARIANTS:
            return name
    return None


def section_of(metric: str) -> str | None:
    """Return the key of the section answering ``metric`` (or a variant of one of its metrics), or None."""
    for sec in SECTIONS:
        if any(metric == name or metric.startswith(name + "_") for name in sec.metrics):
            return sec.key
    return None


def _missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    if isinstance(x, str):
        return False
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def is_missing(x: Any) -> bool:
    """True for None, NaN and pd.NA (strings are never missing)."""
    return _missing(x)


def display_note(note: Any, value: Any) -> str:
    """The note worth showing beside a value: none for a missing value (the sentence says why) or for
    notes that only restate the interval method."""
    if _missing(note) or _missing(value) or str(note).startswith("Jeffreys"):
        return ""
    return str(note)


def format_duration(seconds: float) -> str:
    """Format a duration in seconds as a short human reading ("45 s", "12 min", "3.5 h", "2.1 d")."""
    s = float(seconds)
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min" if s >= 600 else f"{s / 60:.1f} min"
    if s < 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def format_value(value: Any, kind: str) -> str:
    """Format one value of a metric of the given ``kind``; missing values read "–".

    Args:
        value: The number (NaN, None or pd.NA for missing).
        kind: A :class:`MetricInfo` kind.

    Returns:
        The formatted number with its unit ("68%", "12 min", "72", "0.84").
    """
    if _missing(value):
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if kind in ("share", "rate"):
        return f"{v * 100:.0f}%"
    if kind == "lift":
        return f"{v * 100:+.0f} percentage points"
    if kind == "seconds":
        return format_duration(v)
    if kind == "count":
        return f"{v:,.0f}" if v == round(v) else f"{v:,.1f}"
    if kind == "score":
        return f"{v:.0f}"
    if kind == "index":
        return f"{v:.2f}"
    return f"{v:.3g}"


def format_interval(low: Any, high: Any, kind: str) -> str:
    """Format a 95% interval as "[61–74%]" (empty string when either end is missing)."""
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError):
        return ""
    if math.isnan(lo) or math.isnan(hi):
        return ""
    if kind in ("share", "rate"):
        return f"[{lo * 100:.0f}–{hi * 100:.0f}%]"
    if kind == "lift":
        return f"[{lo * 100:+.0f} to {hi * 100:+.0f}]"
    if kind == "seconds":
        return f"[{format_duration(lo)} – {format_duration(hi)}]"
    if kind in ("score", "count"):
        return f"[{lo:.0f}–{hi:.0f}]"
    if kind == "index":
        return f"[{lo:.2f}–{hi:.2f}]"
    return f"[{lo:.3g} to {hi:.3g}]"


def format_n(n: Any, unit: str) -> str:
    """Format the data a number rests on ("214 conversations"); empty when n is missing."""
    try:
        k = int(float(n))
    except (TypeError, ValueError):
        return ""
    return f"{k:,} {unit}"


@dataclass(frozen=True)
class Phrase:
    """A worded number in three parts, so HTML can keep the interval on one line.

    Attributes:
        main: Who and what ("Sam started 68% of conversations").
        ci: The 95% interval ("[61–74%]"), or "".
        rest: The data it rests on ("214 conversations"), or "".
    """

    main: str
    ci: str = ""
    rest: str = ""

    def __str__(self) -> str:
        text = self.main
        if self.ci:
            text += f" {self.ci}"
        if self.rest:
            text += f", {self.rest}"
        return text


def phrase(who: str, metric: str, value: Any, low: Any, high: Any, n: Any, note: Any = None) -> Phrase:
    """Word one number: who, what, the value, its 95% interval and the n it rests on.

    Args:
        who: The person (or "Sam and Alex" for a pair).
        metric: The metric name.
        value: Point estimate (missing → the note explains why).
        low: Lower end of the 95% interval.
        high: Upper end of the 95% interval.
        n: How much data the number rests on.
        note: Why the value is missing, or a caveat.

    Returns:
        The :class:`Phrase` (plain text; the caller escapes it).
    """
    info = metric_info(metric)
    if _missing(value):
        why = note.removeprefix("NA:").strip() if isinstance(note, str) else ""
        reason = f": {why}" if why else ""
        return Phrase(f"{who}: {info.label.lower()} not estimated{reason}")
    text = info.phrase.format(v=format_value(value, info.kind))
    main = f"{who}{text}" if text.startswith("'s ") else f"{who} {text}"
    return Phrase(main, format_interval(low, high, info.kind), format_n(n, info.unit))


def sentence(who: str, metric: str, value: Any, low: Any, high: Any, n: Any, note: Any = None) -> str:
    """Word one number as one line of text (see :func:`phrase`).

    Returns:
        Plain text (the caller escapes it).

    Example:
        >>> sentence("Sam", "initiation_share", 0.68, 0.61, 0.74, 214)
        'Sam started 68% of conversations [61–74%], 214 conversations'
    """
    return str(phrase(who, metric, value, low, high, n, note))
