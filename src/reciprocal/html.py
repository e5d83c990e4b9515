"""Render a Report as one self-contained HTML file, and as a compact notebook display.

The page needs nothing from the network and runs no script: CSS is inline, charts are inline SVG
from matplotlib, and a Content-Security-Policy forbids every fetch. Everything that comes from a
chat (names, chat titles, notes) goes through jinja2 autoescaping; the only markup inserted
verbatim is the SVG matplotlib writes (which escapes its own text).

Sections answer the user's questions of METRICS.md in order (:data:`reciprocal.wording.SECTIONS`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import wording
from ._version import __version__

__all__ = ["ACCURACY_URL", "CSP", "render_html", "render_repr_html", "to_html"]

#: Content-Security-Policy of the report: no fetches of any kind, inline styles and data: images only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

#: Where the accuracy table of the text detectors lives (relative to the project's docs).
ACCURACY_URL = "docs/accuracy.md"

_TEXT_SECTIONS = ("opens-up", "met", "asks", "gratitude", "checkins", "plans", "repair", "style")


@dataclass
class _Chart:
    title: str
    svg: Markup
    caption: str


@dataclass
class _Line:
    phrase: wording.Phrase
    note: str = ""


@dataclass
class _Section:
    key: str
    question: str
    lines: list[_Line] = field(default_factory=list)
    charts: list[_Chart] = field(default_factory=list)
    empty: str = ""


@dataclass
class _Chat:
    chat_id: str
    anchor: str
    people: list[str]
    glance: list[wording.Phrase]
    sections: list[_Section]
    flags: list[dict[str, str]]
    numbers: list[dict[str, str]]
    params: list[tuple[str, str]]


def escape_text(text: str) -> str:
    """Escape ``text`` exactly as the templates do (for tests and callers building fragments)."""
    return str(escape(text))


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("reciprocal", "templates"),
        autoescape=True,  # every template, whatever its name: chat data is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _reports(reports: Any) -> list[Any]:
    if isinstance(reports, Sequence) and not isinstance(reports, str | bytes):
        return list(reports)
    return [reports]


def _str(x: Any) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def _chat_ids(report: Any) -> list[str]:
    ids: list[str] = []
    for name in ("scores", "dyads"):
        frame = getattr(report, name, None)
        if frame is not None and len(frame):
            ids += [str(c) for c in frame["chat_id"].dropna()]
    return list(dict.fromkeys(ids))


def _of_chat(frame: pd.DataFrame | None, chat: str) -> pd.DataFrame:
    if frame is None or len(frame) == 0 or "chat_id" not in frame.columns:
        return pd.DataFrame()
    return frame[frame["chat_id"].astype(str) == chat]


def _person_lines(scores: pd.DataFrame, metric: str) -> list[_Line]:
    rows = scores[scores["metric"].astype(str) == metric]
    out = []
    for r in rows.itertuples(index=False):
        text = wording.phrase(_str(r.person), metric, r.value, r.ci_low, r.ci_high, r.n, _str(r.note))
        out.append(_Line(text, _str(r.note) if not wording.is_missing(r.value) else ""))
    return out


def _dyad_lines(dyads: pd.DataFrame, metric: str) -> list[_Line]:
    rows = dyads[dyads["metric"].astype(str) == metric]
    out = []
    for r in rows.itertuples(index=False):
        who = f"{_str(r.person_a)} and {_str(r.person_b)}"
        text = wording.phrase(who, metric, r.value, r.ci_low, r.ci_high, r.n, _str(r.note))
        out.append(_Line(text, _str(r.note) if not wording.is_missing(r.value) else ""))
    return out


def _metrics_of(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Metrics of ``frame`` that belong to ``names`` (exact, or a variant like ``name_emotional``)."""
    if frame.empty:
        return []
    present = list(dict.fromkeys(frame["metric"].astype(str)))
    return [m for name in names for m in present if m == name or m.startswith(name + "_")]


def _chart(fn_name: str, report: Any, chat: str, title: str, caption: str, *, prefix: str) -> _Chart:
    from . import plots

    fig = getattr(plots, fn_name)(report, chat_id=chat)
    svg = plots.figure_to_svg(fig, id_prefix=f"{prefix}-{fn_name.removeprefix('plot_')}-")
    return _Chart(title, Markup(svg), caption)


def _has_text_features(report: Any, scores: pd.DataFrame, dyads: pd.DataFrame) -> bool:
    text_metrics = {m for sec in wording.SECTIONS if sec.key in _TEXT_SECTIONS for m in sec.metrics}
    found = set(_metrics_of(scores, sorted(text_metrics))) | set(_metrics_of(dyads, sorted(text_metrics)))
    return bool(found)


def _sections(
    report: Any, chat: str, scores: pd.DataFrame, dyads: pd.DataFrame, *, prefix: str
) -> list[_Section]:
    text_on = _has_text_features(report, scores, dyads)
    out: list[_Section] = []
    for sec in wording.SECTIONS:
        view = _Section(sec.key, sec.question)
        for m in _metrics_of(scores, sec.metrics):
            view.lines += _person_lines(scores, m)
        for m in _metrics_of(dyads, sec.metrics):
            view.lines += _dyad_lines(dyads, m)
        if sec.key == "reach-out":
            view.charts.append(
                _chart(
                    "plot_initiations",
                    report,
                    chat,
                    "Conversations started per month",
                    "Each bar is one month; its parts show who started the conversations.",
                    prefix=prefix,
                )
            )
        elif sec.key == "answers" and len(_of_chat(getattr(report, "latencies", None), chat)):
            view.charts.append(
                _chart(
                    "plot_latency",
                    report,
                    chat,
                    "Reply times",
                    "How long each person took to answer, on a log scale; dashed lines are the medians.",
                    prefix=prefix,
                )
            )
        elif sec.key == "met" and _metrics_of(scores, ("support_rate",)):
            view.charts.append(
                _chart(
                    "plot_support",
                    report,
                    chat,
                    "Support given and received",
                    "How often each person met the other's difficult news with support, with 95% intervals.",
                    prefix=prefix,
                )
            )
        elif sec.key == "one-number" and not plots_empty(scores):
            view.charts.append(
                _chart(
                    "plot_balance",
                    report,
                    chat,
                    "Balance gauges",
                    "Each share with its 95% interval. Green band: balanced (45–55%); "
                    "amber: leaning (up to 65%); beyond: one-sided.",
                    prefix=prefix,
                )
            )
        if not view.lines and not view.charts:
            view.empty = (
                "Not measured: this analysis ran without the text features."
                if sec.key in _TEXT_SECTIONS and not text_on
                else "Not measured in this analysis."
            )
        out.append(view)
    trend = _Section("trend", "Is it changing?")
    tl = _of_chat(getattr(report, "timeline", None), chat)
    if len(tl):
        trend.charts.append(
            _chart(
                "plot_trend",
                report,
                chat,
                "Month by month",
                "Each person's share per month; the line at 50% is an even split.",
                prefix=prefix,
            )
        )
    if len(_of_chat(getattr(report, "activity", None), chat)):
        trend.charts.append(
            _chart(
                "plot_activity",
                report,
                chat,
                "When messages are sent",
                "Messages per weekday and hour of day (local time), one panel per person.",
                prefix=prefix,
            )
        )
    if not trend.charts:
        trend.empty = "No monthly data."
    out.append(trend)
    return out


def plots_empty(scores: pd.DataFrame) -> bool:
    """True when no share metric has a value (the balance gauges would be empty)."""
    if scores.empty:
        return True
    shares = scores[scores["metric"].astype(str).str.endswith("_share")]
    return bool(shares["value"].isna().all())


def _glance(scores: pd.DataFrame, dyads: pd.DataFrame, flags: pd.DataFrame) -> list[wording.Phrase]:
    lines = [ln.phrase for ln in _dyad_lines(dyads, "reciprocity_score")]
    lines += [ln.phrase for ln in _person_lines(scores, "initiation_share")]
    lines += [ln.phrase for ln in _person_lines(scores, "effort_share")]
    n = len(flags)
    flagged = f"{n} flag{'s' if n != 1 else ''} raised (see “Flags and their evidence”)."
    lines.append(wording.Phrase(flagged if n else "No flags raised."))
    return lines


def _flags(flags: pd.DataFrame) -> list[dict[str, str]]:
    out = []
    for r in flags.itertuples(index=False):
        metric = _str(getattr(r, "metric", ""))
        info = wording.metric_info(metric)
        evidence = f"{info.label}: {wording.format_value(r.value, info.kind)}"
        ci = wording.format_interval(r.ci_low, r.ci_high, info.kind)
        if ci:
            evidence += f" {ci}"
        thr = getattr(r, "threshold", None)
        if thr is not None and pd.notna(thr):
            evidence += f"; threshold {wording.format_value(thr, info.kind)}"
        out.append(
            {
                "person": _str(r.person),
                "flag": _str(r.flag).replace("_", " "),
                "message": _str(r.message),
                "evidence": evidence,
            }
        )
    return out


def _numbers(scores: pd.DataFrame, dyads: pd.DataFrame) -> list[dict[str, str]]:
    rows = []
    for r in scores.itertuples(index=False):
        info = wording.metric_info(str(r.metric))
        rows.append(_number_row(_str(r.person), str(r.metric), info, r))
    for r in dyads.itertuples(index=False):
        info = wording.metric_info(str(r.metric))
        rows.append(_number_row(f"{_str(r.person_a)} · {_str(r.person_b)}", str(r.metric), info, r))
    return rows


def _number_row(who: str, metric: str, info: wording.MetricInfo, r: Any) -> dict[str, str]:
    return {
        "who": who,
        "metric": metric,
        "value": wording.format_value(r.value, info.kind),
        "interval": wording.format_interval(r.ci_low, r.ci_high, info.kind),
        "n": "" if pd.isna(r.n) else f"{int(r.n):,}",
        "note": _str(r.note),
    }


def _params(params: dict[str, Any], chat: str) -> list[tuple[str, str]]:
    out = []
    for key, val in (params or {}).items():
        if isinstance(val, dict) and chat in val:
            val = val[chat]  # per-chat parameter (gap used, ...)
        out.append(
            (str(key), val if isinstance(val, str) else json.dumps(val, default=str, ensure_ascii=False))
        )
    return out


def _anchor(i: int) -> str:
    return f"chat-{i + 1}"


def _chat_views(report: Any, offset: int = 0) -> list[_Chat]:
    views = []
    for i, chat in enumerate(_chat_ids(report)):
        scores = _of_chat(report.scores, chat)
        dyads = _of_chat(getattr(report, "dyads", None), chat)
        flags = _of_chat(getattr(report, "flags", None), chat)
        people = [str(p) for p in dict.fromkeys(scores["person"].dropna())] if len(scores) else []
        views.append(
            _Chat(
                chat_id=chat,
                anchor=_anchor(offset + i),
                people=people,
                glance=_glance(scores, dyads, flags),
                sections=_sections(report, chat, scores, dyads, prefix=_anchor(offset + i)),
                flags=_flags(flags),
                numbers=_numbers(scores, dyads),
                params=_params(getattr(report, "params", {}) or {}, chat),
            )
        )
    return views


def render_html(reports: Any, *, title: str | None = None) -> str:
    """Render one or more Reports as a complete, self-contained HTML page.

    Args:
        reports: A Report, or a sequence of Reports (one section per chat of each).
        title: Page title (default: "Reciprocity report").

    Returns:
        The HTML text.
    """
    chats: list[_Chat] = []
    for rep in _reports(reports):
        chats += _chat_views(rep, offset=len(chats))
    template = _env().get_template("report.html.j2")
    return template.render(
        title=title or "Reciprocity report",
        csp=CSP,
        chats=chats,
        accuracy_url=ACCURACY_URL,
        version=__version__,
    )


def to_html(reports: Any, path: str | PathLike[str] | None = None, *, title: str | None = None) -> str:
    """Render Reports as HTML and write the file when ``path`` is given.

    Args:
        reports: A Report or a sequence of Reports.
        path: Where to write (UTF-8). Nothing is written when None.
        title: Page title.

    Returns:
        The HTML text.
    """
    page = render_html(reports, title=title)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def render_repr_html(report: Any) -> str:
    """Compact notebook display of a Report: headline sentences, key numbers, flags (escaped, no script).

    Args:
        report: A Report.

    Returns:
        An HTML fragment.
    """
    chats = []
    key = ("initiation_share", "response_rate", "latency_median", "effort_share", "support_rate")
    for chat in _chat_ids(report):
        scores = _of_chat(report.scores, chat)
        dyads = _of_chat(getattr(report, "dyads", None), chat)
        flags = _of_chat(getattr(report, "flags", None), chat)
        main = scores[scores["metric"].astype(str).isin(key)] if len(scores) else scores
        chats.append(
            {
                "chat_id": chat,
                "glance": _glance(scores, dyads, flags),
                "numbers": _numbers(main, dyads.iloc[0:0] if len(dyads) else dyads),
                "flags": _flags(flags),
                "n_metrics": int(scores["metric"].nunique()) if len(scores) else 0,
            }
        )
    return _env().get_template("repr.html.j2").render(chats=chats)
