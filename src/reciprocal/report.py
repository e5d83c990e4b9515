"""The Report returned by :func:`reciprocal.analyze`: tidy frames plus the parameters that made them.

Frames (columns fixed, see the team contract):

- ``scores``: chat_id, person, metric, value, ci_low, ci_high, n, note (one row per chat × person × metric)
- ``dyads``: chat_id, person_a, person_b, metric, value, ci_low, ci_high, n, note
- ``timeline``: chat_id, month (naive month start), person, metric, value, n
- ``flags``: chat_id, person, flag, metric, value, ci_low, ci_high, threshold, message
- ``latencies``: chat_id, conversation_id, responder, prompt_person, response_start, latency_seconds,
  latency_awake_seconds
- ``activity``: chat_id, person, weekday (0 = Monday), hour, messages
- ``interactions``: chat_id, source_person, target_person, metric, value (directed: source answers target)
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ACTIVITY_COLUMNS",
    "DYAD_COLUMNS",
    "FLAG_COLUMNS",
    "INTERACTION_COLUMNS",
    "LATENCY_COLUMNS",
    "SCORE_COLUMNS",
    "TIMELINE_COLUMNS",
    "Report",
]

SCORE_COLUMNS = ["chat_id", "person", "metric", "value", "ci_low", "ci_high", "n", "note"]
DYAD_COLUMNS = ["chat_id", "person_a", "person_b", "metric", "value", "ci_low", "ci_high", "n", "note"]
TIMELINE_COLUMNS = ["chat_id", "month", "person", "metric", "value", "n"]
FLAG_COLUMNS = ["chat_id", "person", "flag", "metric", "value", "ci_low", "ci_high", "threshold", "message"]
LATENCY_COLUMNS = [
    "chat_id",
    "conversation_id",
    "responder",
    "prompt_person",
    "response_start",
    "latency_seconds",
    "latency_awake_seconds",
]
ACTIVITY_COLUMNS = ["chat_id", "person", "weekday", "hour", "messages"]
INTERACTION_COLUMNS = ["chat_id", "source_person", "target_person", "metric", "value"]

# Metrics shown first in summaries, in this order.
_HEADLINE = (
    "effort_share",
    "initiation_share",
    "daily_first_contact_share",
    "response_rate",
    "latency_median",
    "latency_awake_median",
    "reply_within_1h",
    "step_up_rate",
    "double_initiation_rate",
    "unanswered_turns",
    "messages",
    "words",
)
_PERCENT = {
    "effort_share",
    "overfunctioning_index",
    "initiation_share",
    "daily_first_contact_share",
    "response_rate",
    "reply_within_5min",
    "reply_within_1h",
    "step_up_rate",
    "step_up_share",
    "double_initiation_rate",
    "unanswered_turn_rate",
    "message_share",
    "word_share",
    "turn_share",
}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass(frozen=True)
class Report:
    """Result of :func:`reciprocal.analyze` (see the module docstring for every frame's columns).

    Attributes:
        scores: Per chat × person × metric values with 95% intervals, n and a note (NA reasons).
        dyads: Per chat × pair × metric (reciprocity_score, pairwise effort_share, balance indices, ...).
        timeline: Monthly values per chat × person × metric.
        flags: Flags raised (only when the whole interval lies past the threshold).
        params: Every parameter (gap per chat, bootstrap, seed, version, indicators, tz, sensitivity, ...).
        latencies: One row per response, for plots.
        activity: Messages per chat × person × weekday × hour, for the heatmap.
        interactions: Directed person → person matrices in long form (who answers whom).
    """

    scores: pd.DataFrame
    dyads: pd.DataFrame
    timeline: pd.DataFrame
    flags: pd.DataFrame
    params: dict[str, Any]
    latencies: pd.DataFrame = field(default_factory=lambda: _empty(LATENCY_COLUMNS))
    activity: pd.DataFrame = field(default_factory=lambda: _empty(ACTIVITY_COLUMNS))
    interactions: pd.DataFrame = field(default_factory=lambda: _empty(INTERACTION_COLUMNS))

    def to_frame(self) -> pd.DataFrame:
        """Return the per-person table: one row per (chat_id, person), one column per metric (values).

        Returns:
            A wide frame indexed by ``(chat_id, person)``; metric columns in registry order.
        """
        if self.scores.empty:
            return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["chat_id", "person"]))
        order = list(dict.fromkeys(self.scores["metric"].astype(object)))
        wide = self.scores.pivot_table(
            index=["chat_id", "person"], columns="metric", values="value", aggfunc="first", dropna=False
        )
        wide = wide.reindex(columns=order)
        wide.columns.name = None
        return wide

    def to_json(self, path: str | Path | None = None, *, indent: int | None = None) -> str:
        """Serialise every frame (records) and the params to JSON; NaN becomes null.

        Args:
            path: Also write the JSON to this file (UTF-8).
            indent: Passed to :func:`json.dumps`.

        Returns:
            The JSON text.
        """
        doc: dict[str, Any] = {"params": _jsonable(self.params)}
        for name in ("scores", "dyads", "timeline", "flags", "latencies", "activity", "interactions"):
            doc[name] = _records(getattr(self, name))
        text = json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def __repr__(self) -> str:
        chats = self.scores["chat_id"].nunique() if len(self.scores) else 0
        people = self.scores["person"].nunique() if len(self.scores) else 0
        return (
            f"<Report: {chats} chat(s), {people} people, {len(self.scores)} person rows, "
            f"{len(self.dyads)} pair rows, {len(self.flags)} flag(s); "
            f"bootstrap={self.params.get('bootstrap')} seed={self.params.get('seed')}>"
        )

    def _repr_html_(self) -> str:
        """Compact Jupyter view of the HTML report: headline sentences, flags, per-person table (escaped)."""
        from .html import render_repr_html

        return render_repr_html(self)

    def to_html(self, path: str | Path | None = None, *, title: str | None = None) -> str:
        """Render the self-contained HTML report (inline SVG charts, no scripts, no network).

        Args:
            path: Also write it to this file (UTF-8).
            title: Page title.

        Returns:
            The HTML text.
        """
        from .html import to_html

        return to_html(self, path, title=title)

    def plot_initiations(self, *, chat_id: str | None = None) -> Any:
        """Conversations started per month, stacked by person (a matplotlib Figure)."""
        from .plots import plot_initiations

        return plot_initiations(self, chat_id=chat_id)

    def plot_latency(self, *, chat_id: str | None = None, awake: bool = False) -> Any:
        """Distribution of reply times per person (a matplotlib Figure)."""
        from .plots import plot_latency

        return plot_latency(self, chat_id=chat_id, awake=awake)

    def plot_support(self, *, chat_id: str | None = None) -> Any:
        """Support given vs received per person, with intervals (a matplotlib Figure)."""
        from .plots import plot_support

        return plot_support(self, chat_id=chat_id)

    def plot_balance(self, *, chat_id: str | None = None) -> Any:
        """One balance gauge per share metric with its 95% interval (a matplotlib Figure)."""
        from .plots import plot_balance

        return plot_balance(self, chat_id=chat_id)

    def plot_trend(self, *, chat_id: str | None = None, metric: str | None = None) -> Any:
        """Monthly shares per person (a matplotlib Figure)."""
        from .plots import plot_trend

        return plot_trend(self, chat_id=chat_id, metric=metric)

    def plot_activity(self, *, chat_id: str | None = None) -> Any:
        """Weekday × hour heatmap of messages per person (a matplotlib Figure)."""
        from .plots import plot_activity

        return plot_activity(self, chat_id=chat_id)

    def headline(self, chat_id: str) -> str:
        """One descriptive sentence about a chat's effort balance (never a diagnosis)."""
        s = self.scores
        eff = s[(s["chat_id"] == chat_id) & (s["metric"] == "initiation_share")]
        bits = []
        for person, v, lo, hi in zip(eff["person"], eff["value"], eff["ci_low"], eff["ci_high"], strict=True):
            if math.isfinite(float(v)):
                ci = ""
                if math.isfinite(float(lo)) and math.isfinite(float(hi)):
                    ci = f" [{float(lo):.0%}-{float(hi):.0%}]"
                bits.append(f"{person} started {float(v):.0%}{ci} of conversations")
        d = self.dyads
        rec = d[(d["chat_id"] == chat_id) & (d["metric"] == "reciprocity_score")] if len(d) else d
        for a, b, v in zip(rec["person_a"], rec["person_b"], rec["value"], strict=True):
            if math.isfinite(float(v)):
                bits.append(f"reciprocity score {a}-{b}: {float(v):.0f}/100")
        return "; ".join(bits) + "." if bits else "Not enough data for the headline metrics."


def _fmt(metric: str, v: Any) -> str:
    if not isinstance(v, float | int | np.floating) or not math.isfinite(float(v)):
        return "NA"
    if metric in _PERCENT:
        return f"{float(v):.0%}"
    if "latency" in metric and "ratio" not in metric:
        return _duration(float(v))
    return f"{float(v):,.2f}" if float(v) % 1 else f"{float(v):,.0f}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _table(scores: pd.DataFrame) -> str:
    persons = list(dict.fromkeys(scores["person"].astype(object)))
    metrics = list(dict.fromkeys(scores["metric"].astype(object)))
    metrics = [m for m in _HEADLINE if m in metrics] + [m for m in metrics if m not in _HEADLINE]
    head = "".join(f"<th>{html.escape(str(p))}</th>" for p in persons)
    rows = []
    idx = {(r.metric, r.person): r for r in scores.itertuples(index=False)}
    for m in metrics:
        cells = []
        for p in persons:
            r = idx.get((m, p))
            if r is None:
                cells.append("<td></td>")
                continue
            text = _fmt(m, r.value)
            if text != "NA" and isinstance(r.ci_low, float) and math.isfinite(r.ci_low):
                text += f" [{_fmt(m, r.ci_low)}–{_fmt(m, r.ci_high)}]"
            title = html.escape(str(r.note or ""), quote=True)
            cells.append(f'<td title="{title}">{html.escape(text)}</td>')
        rows.append(f"<tr><th>{html.escape(m)}</th>{''.join(cells)}</tr>")
    return f"<table><thead><tr><th>metric</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # pandas' C JSON writer (latencies has a row per response): NaN/NA -> null, timestamps ISO 8601 (UTC).
    text = frame.to_json(
        orient="records", date_format="iso", date_unit="s", force_ascii=False, double_precision=15
    )
    records: list[dict[str, Any]] = json.loads(text)
    return records


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(float(v)) else None
    return v
