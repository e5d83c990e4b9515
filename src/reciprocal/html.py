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
    skipped: bool = False
    note: str = ""


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
    params_json: str


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


#: Dyad metrics that describe the pair (the dyads frame also holds per-pair copies of person metrics).
DYAD_METRICS = ("reciprocity_score", "lsm", "rlsm", "latency_log2_ratio")


def _shown_note(note: str, value: Any) -> str:
    return wording.display_note(note, value)


def _person_lines(scores: pd.DataFrame, metric: str) -> list[_Line]:
    rows = scores[scores["metric"].astype(str) == metric]
    out = []
    for r in rows.itertuples(index=False):
        text = wording.phrase(_str(r.person), metric, r.value, r.ci_low, r.ci_high, r.n, _str(r.note))
        out.append(_Line(text, _shown_note(_str(r.note), r.value)))
    return out


def _dyad_lines(dyads: pd.DataFrame, metric: str) -> list[_Line]:
    rows = dyads[dyads["metric"].astype(str) == metric]
    out = []
    for r in rows.itertuples(index=False):
        a, b = _str(r.person_a), _str(r.person_b)
        if metric == "latency_log2_ratio":
            text = _ratio_phrase(a, b, r)
        else:
            text = wording.phrase(f"{a} and {b}", metric, r.value, r.ci_low, r.ci_high, r.n, _str(r.note))
        out.append(_Line(text, _shown_note(_str(r.note), r.value)))
    return out


def _ratio_phrase(a: str, b: str, r: Any) -> wording.Phrase:
    """Word log2(median_a / median_b) as "a's median reply time is 4.0 times b's"."""
    if wording.is_missing(r.value):
        return wording.phrase(
            f"{a} and {b}", "latency_log2_ratio", r.value, r.ci_low, r.ci_high, r.n, _str(r.note)
        )
    ci = ""
    if not (wording.is_missing(r.ci_low) or wording.is_missing(r.ci_high)):
        ci = f"[{2 ** float(r.ci_low):.1f}–{2 ** float(r.ci_high):.1f}×]"
    main = f"{a}'s median reply time is {2 ** float(r.value):.1f} times {b}'s"
    return wording.Phrase(main, ci, wording.format_n(r.n, "conversations"))


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


_BALANCE_CAPTION_PAIR = (
    "Each share with its 95% interval. Green band: balanced (45–55%); amber: leaning (up to 65%); "
    "beyond: one-sided."
)
_BALANCE_CAPTION_GROUP = "Each person's share with its 95% interval; the vertical line is an equal split."


def _people(scores: pd.DataFrame) -> list[str]:
    return [str(p) for p in dict.fromkeys(scores["person"].dropna())] if len(scores) else []


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
        for m in _metrics_of(dyads, [d for d in sec.metrics if d in DYAD_METRICS]):
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
                    _BALANCE_CAPTION_PAIR if len(_people(scores)) == 2 else _BALANCE_CAPTION_GROUP,
                    prefix=prefix,
                )
            )
        _hoist_common_note(view)
        if not view.lines and not view.charts:
            view.empty = (
                "These questions need the text features, which did not run in this analysis."
                if sec.key in _TEXT_SECTIONS and not text_on
                else "Not measured in this analysis."
            )
        out.append(view)
    out = _merge_unmeasured(out)
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


def _hoist_common_note(view: _Section) -> None:
    """Say a note shared by every line once, under the section, instead of under each line."""
    notes = {ln.note for ln in view.lines}
    if len(view.lines) > 1 and len(notes) == 1 and "" not in notes:
        view.note = notes.pop()
        for ln in view.lines:
            ln.note = ""


def _merge_unmeasured(sections: list[_Section]) -> list[_Section]:
    """Fold runs of sections the analysis could not answer into one, listing their questions."""
    out: list[_Section] = []
    run: list[_Section] = []

    def flush() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            merged = _Section(run[0].key, "Not measured in this analysis", empty=run[0].empty)
            merged.lines = [_Line(wording.Phrase(s.question)) for s in run]
            merged.skipped = True
            out.append(merged)
        run.clear()

    for sec in sections:
        if sec.empty and not sec.lines and not sec.charts:
            if run and run[-1].empty != sec.empty:
                flush()
            run.append(sec)
        else:
            flush()
            out.append(sec)
    flush()
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
    load = flags[flags["flag"].astype(str) == "carrying_the_load"] if n else flags
    for msg in load["message"].head(3) if len(load) else []:
        lines.append(wording.Phrase(f"Flag: {_str(msg)}"))
    flagged = f"{n} flag{'s' if n != 1 else ''} in all (see “Flags and their evidence”)."
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
    """The parameters a reader needs to judge the numbers, worded; everything else stays in the JSON."""
    out: list[tuple[str, str]] = []
    gap = (params.get("gaps") or {}).get(chat)
    if isinstance(gap, dict) and "seconds" in gap:
        text = f"{wording.format_duration(float(gap['seconds']))} of silence ({gap.get('method', '')})"
        if gap.get("detail"):
            text += f": {gap['detail']}"
        out.append(("conversation gap", text))
    elif "gap" in params:
        out.append(("conversation gap", str(params["gap"])))
    if "bootstrap" in params:
        out.append(
            (
                "intervals",
                f"{params.get('interval', 'bootstrap')}, {params['bootstrap']} resamples, "
                f"seed {params.get('seed')}",
            )
        )
    if params.get("indicators"):
        out.append(("effort indicators", ", ".join(str(i) for i in params["indicators"])))
    if "timing_only" in params or "feature_groups" in params:
        groups = params.get("feature_groups") or []
        text = ", ".join(str(g) for g in groups) if groups else "timing"
        if params.get("timing_only"):
            text += " (timing only: text features did not run)"
        out.append(("features", text))
    quiet = [q for q in params.get("quiet_hours") or [] if isinstance(q, dict) and q.get("chat_id") == chat]
    for q in quiet:
        start, hours = int(q.get("quiet_start", 0)), int(q.get("quiet_hours", 0))
        how = "inferred" if q.get("inferred") else "default"
        out.append(
            (f"quiet hours of {q.get('person')}", f"{start:02d}:00–{(start + hours) % 24:02d}:00 ({how})")
        )
    for key in ("tz", "day_start_hour", "min_conversations", "version"):
        if key in params:
            out.append((key.replace("_", " "), str(params[key])))
    return out


def _params_json(params: dict[str, Any]) -> str:
    return json.dumps(params, indent=1, default=str, ensure_ascii=False, sort_keys=True)


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
                params_json=_params_json(getattr(report, "params", {}) or {}),
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


def _wide(scores: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Per-person table for the notebook view: one row per metric, one column per person."""
    people = [str(p) for p in dict.fromkeys(scores["person"].dropna())]
    cells: dict[tuple[str, str], str] = {}
    for r in scores.itertuples(index=False):
        info = wording.metric_info(str(r.metric))
        text = wording.format_value(r.value, info.kind)
        ci = wording.format_interval(r.ci_low, r.ci_high, info.kind)
        cells[(str(r.metric), _str(r.person))] = f"{text} {ci}".strip()
    metrics = list(dict.fromkeys(scores["metric"].astype(str)))
    # The report's order: metrics of the user's questions first, the rest after.
    ordered = [m for sec in wording.SECTIONS for name in sec.metrics for m in metrics if m == name]
    ordered += [m for m in metrics if m not in ordered]
    rows = [(m, [cells.get((m, p), "") for p in people]) for m in ordered]
    return people, rows


def render_repr_html(report: Any) -> str:
    """Compact notebook display of a Report: headline sentences, flags and a per-person table.

    Static HTML (no script, no chart), every name and note escaped.

    Args:
        report: A Report.

    Returns:
        An HTML fragment.
    """
    chats = []
    for chat in _chat_ids(report):
        scores = _of_chat(report.scores, chat)
        dyads = _of_chat(getattr(report, "dyads", None), chat)
        flags = _of_chat(getattr(report, "flags", None), chat)
        people, rows = _wide(scores) if len(scores) else ([], [])
        chats.append(
            {
                "chat_id": chat,
                "glance": _glance(scores, dyads, flags),
                "people": people,
                "rows": rows,
                "flags": _flags(flags),
                "params": _params(getattr(report, "params", {}) or {}, chat)[:3],
            }
        )
    return _env().get_template("repr.html.j2").render(chats=chats)
