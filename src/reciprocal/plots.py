"""Charts of a Report as matplotlib Figures (no pyplot, no global state, no display backend).

Every ``plot_*`` function takes a Report (anything with the Report's frames) and returns a
:class:`ReportFigure`, a plain matplotlib ``Figure`` that also shows itself as SVG in Jupyter.
The HTML report embeds the same figures as inline SVG via :func:`figure_to_svg`.

This module imports matplotlib; ``import reciprocal`` does not import it (the Report imports this
module only when a chart is asked for).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .errors import ConfigError

__all__ = [
    "PALETTE",
    "ReportFigure",
    "figure_to_svg",
    "plot_activity",
    "plot_balance",
    "plot_initiations",
    "plot_latency",
    "plot_support",
    "plot_trend",
]

#: Figure width in inches: 5.2 in = 374 pt, about a phone's CSS width, so 12 pt text stays ~11 px there.
WIDTH = 5.2

#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")

_RC: dict[str, Any] = {
    "svg.hashsalt": "reciprocal",  # stable ids → byte-identical SVG for the same data
    "svg.fonttype": "none",  # text stays text: small, selectable, scales on a phone
    "font.family": "sans-serif",
    "font.size": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
}

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ReportFigure(Figure):
    """A matplotlib Figure that Jupyter displays as SVG even when pyplot was never imported."""

    def _repr_svg_(self) -> str:
        return figure_to_svg(self)


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(cast(Any, _RC)):
        yield


def figure_to_svg(fig: Figure, *, id_prefix: str = "") -> str:
    """Render ``fig`` as an inline ``<svg>`` element that scales to its container.

    Args:
        fig: Any matplotlib Figure.
        id_prefix: Prefix for every element id (and reference to it), so several charts inlined in
            one page never share an id.

    Returns:
        SVG markup without the XML prolog or DOCTYPE, with fixed width/height removed (the
        viewBox stays) so CSS can size it.
    """
    buf = io.StringIO()
    with _style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)  # RDF boilerplate
    if id_prefix:
        ids = set(re.findall(r'\sid="([^"]+)"', svg))
        svg = re.sub(
            r'(\sid="|#)([^"\s)]+)',
            lambda m: m.group(1) + (id_prefix + m.group(2) if m.group(2) in ids else m.group(2)),
            svg,
        )
    head_end = svg.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    return head + ' role="img"' + svg[head_end:]


def _mpl_text(s: object) -> str:
    # A "$" would switch matplotlib to math mode; names are data, never markup.
    return str(s).replace("$", r"\$")


def _pick_chat(report: Any, chat_id: str | None) -> str:
    chats = list(dict.fromkeys(report.scores["chat_id"].astype(str)))
    if chat_id is not None:
        if chat_id not in chats:
            raise ConfigError(f"chat_id {chat_id!r} is not in this report; it holds {chats}")
        return chat_id
    if len(chats) == 1:
        return chats[0]
    if not chats:
        raise ConfigError("the report holds no chats to plot")
    raise ConfigError(f"the report holds {len(chats)} chats; pass chat_id= one of {chats}")


def _of_chat(frame: pd.DataFrame | None, chat: str) -> pd.DataFrame:
    if frame is None or len(frame) == 0 or "chat_id" not in frame.columns:
        return pd.DataFrame()
    return frame[frame["chat_id"].astype(str) == chat]


def persons(report: Any, chat: str) -> list[str]:
    """Return the people of ``chat`` in a stable order (as they first appear in ``scores``)."""
    s = _of_chat(report.scores, chat)
    return [str(p) for p in dict.fromkeys(s["person"].dropna())] if len(s) else []


def _colors(people: Sequence[str]) -> dict[str, str]:
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(people)}


def _new(width: float, height: float) -> ReportFigure:
    return ReportFigure(figsize=(width, height), layout="constrained")


def _empty(fig: ReportFigure, title: str, why: str) -> ReportFigure:
    ax = fig.add_subplot()
    ax.set_title(_mpl_text(title))
    ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_axis_off()
    return fig


def plot_initiations(report: Any, *, chat_id: str | None = None) -> ReportFigure:
    """Bar chart of conversations started per month, stacked by person.

    Uses the ``initiations`` counts of ``report.timeline`` when present, else
    ``initiation_share × n`` (the month's conversations).

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).

    Returns:
        The figure.
    """
    chat = _pick_chat(report, chat_id)
    with _style():
        fig = _new(WIDTH, 3.2)
        tl = _of_chat(report.timeline, chat)
        counts = pd.DataFrame()
        if len(tl):
            if (tl["metric"] == "initiations").any():
                counts = tl[tl["metric"] == "initiations"].assign(count=lambda d: d["value"].astype(float))
            elif (tl["metric"] == "initiation_share").any():
                sub = tl[tl["metric"] == "initiation_share"]
                counts = sub.assign(count=sub["value"].astype(float) * sub["n"].astype(float))
        if counts.empty:
            return _empty(fig, "Conversations started per month", "no monthly data")
        table = counts.pivot_table(index="month", columns="person", values="count", aggfunc="sum").fillna(0)
        order = [p for p in persons(report, chat) if p in table.columns] + [
            p for p in table.columns if p not in persons(report, chat)
        ]
        table = table[order]
        colors = _colors(order)
        ax = fig.add_subplot()
        x = np.arange(len(table))
        bottom = np.zeros(len(table))
        for p in order:
            vals = table[p].to_numpy(dtype=float)
            ax.bar(x, vals, bottom=bottom, color=colors[p], label=_mpl_text(p), width=0.8)
            bottom += vals
        ax.set_xticks(x, [pd.Timestamp(m).strftime("%b %Y") for m in table.index], rotation=45, ha="right")
        if len(x) > 12:
            for i, lab in enumerate(ax.get_xticklabels()):
                lab.set_visible(i % int(np.ceil(len(x) / 12)) == 0)
        ax.set_ylabel("conversations started")
        ax.set_title("Conversations started per month", pad=28)
        # Above the axes: a legend inside would cover the tallest bars.
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=min(len(order), 4),
            fontsize=10,
            borderaxespad=0.2,
        )
    return fig


_LAT_TICKS = [(1, "1 s"), (60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86400, "1 d")]


def plot_latency(report: Any, *, chat_id: str | None = None, awake: bool = False) -> ReportFigure:
    """Distribution of reply times per person (histogram on a log time axis, medians marked).

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).
        awake: Plot ``latency_awake_seconds`` (quiet hours subtracted) instead of raw latency.

    Returns:
        The figure.
    """
    chat = _pick_chat(report, chat_id)
    column = "latency_awake_seconds" if awake else "latency_seconds"
    title = "How long replies took" + (" (awake time)" if awake else "")
    with _style():
        fig = _new(WIDTH, 3.2)
        lat = _of_chat(getattr(report, "latencies", None), chat)
        if lat.empty or column not in lat.columns or lat[column].dropna().empty:
            return _empty(fig, title, "no replies to plot")
        people = [p for p in persons(report, chat) if p in set(lat["responder"].astype(str))]
        people += sorted(set(lat["responder"].astype(str)) - set(people))
        colors = _colors(persons(report, chat) + [p for p in people if p not in persons(report, chat)])
        ax = fig.add_subplot()
        secs = lat[column].astype(float).clip(lower=1.0)
        bins = np.linspace(0, np.log10(max(secs.max(), 86400)) + 0.1, 40)
        for p in people:
            v = np.log10(secs[lat["responder"].astype(str) == p].dropna().to_numpy())
            if len(v) == 0:
                continue
            med = float(np.median(v))
            ax.hist(
                v,
                bins=list(bins),
                histtype="step",
                linewidth=2,
                color=colors[p],
                label=_mpl_text(f"{p} (median {_dur(10**med)}, {len(v)} replies)"),
            )
            ax.axvline(med, color=colors[p], linestyle="--", linewidth=1)
        ax.set_xticks([np.log10(s) for s, _ in _LAT_TICKS], [lab for _, lab in _LAT_TICKS])
        ax.set_xlabel("time to reply (log scale)")
        ax.set_ylabel("replies")
        ax.set_title(title, pad=8 + 16 * len(people))
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=9, borderaxespad=0.2)
    return fig


def _dur(seconds: float) -> str:
    from .wording import format_duration

    return format_duration(seconds)


def plot_support(report: Any, *, chat_id: str | None = None) -> ReportFigure:
    """Support given vs received per person, with 95% intervals.

    "Given" is the person's ``support_rate`` (how often they answered the other's difficult
    news supportively); "received" is the other person's rate towards them (in a group, the mean
    of the others').

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).

    Returns:
        The figure (with an explanation instead of bars when the text features did not run).
    """
    chat = _pick_chat(report, chat_id)
    with _style():
        fig = _new(WIDTH, 2.8)
        s = _of_chat(report.scores, chat)
        s = s[s["metric"] == "support_rate"] if len(s) else s
        if s.empty or s["value"].astype(float).dropna().empty:
            return _empty(fig, "Support given and received", "support was not measured (needs text features)")
        people = [p for p in persons(report, chat) if p in set(s["person"].astype(str))]
        colors = _colors(persons(report, chat))
        vals = s.assign(person=s["person"].astype(str)).groupby("person")[["value", "ci_low", "ci_high"]]
        table = vals.mean().astype(float)  # one row per person
        ax = fig.add_subplot()
        y = np.arange(len(people))
        h = 0.38
        for i, p in enumerate(people):
            given = table.loc[p].to_numpy()
            # Received: what the others gave (in a group, the mean of their rates).
            received = table.drop(index=p).mean().to_numpy() if len(table) > 1 else np.full(3, np.nan)
            for off, (v, lo, hi), alpha, what in (
                (-h / 2, given, 1.0, "given"),
                (h / 2, received, 0.45, "received"),
            ):
                if np.isnan(v):
                    continue
                ax.barh(y[i] + off, v, height=h, color=colors[p], alpha=alpha)
                if not (np.isnan(lo) or np.isnan(hi)):
                    ax.errorbar(v, y[i] + off, xerr=[[v - lo], [hi - v]], color="#222222", capsize=3, lw=1)
                ax.text(
                    1.01,
                    y[i] + off,
                    f"{what} {v * 100:.0f}%",
                    va="center",
                    fontsize=10,
                    transform=ax.get_yaxis_transform(),
                )
        ax.set_yticks(y, [_mpl_text(p) for p in people])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
        ax.set_xlabel("answered with support (dark: given, light: received)")
        ax.set_title("Support given and received")
    return fig


_VOLUME_SHARES = ("message_share", "word_share", "turn_share")


def _share_rows(report: Any, chat: str) -> pd.DataFrame:
    s = _of_chat(report.scores, chat)
    if s.empty:
        return s
    # Kinds of effort only: volume shares (messages, words, turns) are not effort (METRICS.md).
    shares = s[s["metric"].astype(str).str.endswith("_share") & ~s["metric"].isin(_VOLUME_SHARES)]
    shares = shares[shares["value"].notna()]
    first = [m for m in ("effort_share", "initiation_share") if m in set(shares["metric"])]
    order = first + [m for m in dict.fromkeys(shares["metric"].astype(str)) if m not in first]
    return (
        shares.assign(_o=shares["metric"].map({m: i for i, m in enumerate(order)}))
        .sort_values("_o", kind="stable")
        .drop(columns="_o")
    )


def plot_balance(report: Any, *, chat_id: str | None = None) -> ReportFigure:
    """One gauge per share metric, with its 95% interval, against an even split.

    For two people each gauge runs from "all the other person" (0%) to "all the first person"
    (100%) and shows the first person's share; the bands mark the balance categories of
    METRICS.md (larger share below 55%: balanced; 55–65%: leaning; 65% or more: one-sided). For a
    group every person's share is shown against an equal split.

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).

    Returns:
        The figure.
    """
    from .wording import metric_info

    chat = _pick_chat(report, chat_id)
    with _style():
        rows = _share_rows(report, chat)
        people = persons(report, chat)
        metrics = list(dict.fromkeys(rows["metric"].astype(str))) if len(rows) else []
        fig = _new(WIDTH, 1.1 + 0.5 * max(len(metrics), 1))
        if not metrics:
            return _empty(fig, "Balance of each kind of effort", "no shares to show")
        colors = _colors(people)
        dyad = len(people) == 2
        shown = people[:1] if dyad else people
        even = 1.0 / max(len(people), 2)
        ax = fig.add_subplot()
        if dyad:
            ax.axvspan(0.35, 0.65, color="#fde9c4", zorder=0.5)
            ax.axvspan(0.45, 0.55, color="#cfe8d5", zorder=0.6)
        ax.axvline(even, color="#444444", lw=1, zorder=1)
        offsets = np.linspace(-0.12, 0.12, len(shown)) if len(shown) > 1 else np.zeros(1)
        for i, m in enumerate(metrics):
            # The label sits above its gauge, so the gauge gets the full width on a phone.
            ax.text(0.005, i - 0.3, metric_info(m).label, ha="left", va="bottom", fontsize=10, zorder=4)
            sub = rows[rows["metric"] == m]
            for j, p in enumerate(shown):
                r = sub[sub["person"].astype(str) == p]
                if r.empty:
                    continue
                v, lo, hi = (float(r.iloc[0][c]) for c in ("value", "ci_low", "ci_high"))
                yy = i + 0.12 + offsets[j]
                if not (np.isnan(lo) or np.isnan(hi)):
                    ax.plot([lo, hi], [yy, yy], color=colors[p], lw=4, solid_capstyle="round", zorder=2)
                ax.plot(
                    [v],
                    [yy],
                    "o",
                    color=colors[p],
                    markersize=8,
                    markeredgecolor="white",
                    zorder=3,
                    label=_mpl_text(p) if i == 0 and not dyad else None,
                )
                if dyad:
                    right = hi if not np.isnan(hi) else v
                    ax.text(min(right + 0.02, 0.93), yy, f"{v * 100:.0f}%", va="center", fontsize=9, zorder=4)
        ax.set_yticks([])
        ax.set_ylim(len(metrics) - 0.45, -0.95)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
        ax.spines["left"].set_visible(False)
        if dyad:
            a, b = people
            ax.set_xlabel(_mpl_text(f"{a}'s share (dot) and 95% interval (bar)"))
            ax.text(0.0, -0.78, _mpl_text(f"← more {b}"), ha="left", va="center", fontsize=9, color="#555555")
            ax.text(
                1.0, -0.78, _mpl_text(f"more {a} →"), ha="right", va="center", fontsize=9, color="#555555"
            )
        else:
            ax.set_xlabel("share (dot), 95% interval (bar); line: equal split")
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncols=min(len(people), 4),
                fontsize=10,
                borderaxespad=0.2,
            )
        ax.set_title("Balance of each kind of effort", pad=6 if dyad else 26)
    return fig


#: The monthly series shown first by :func:`plot_trend` (the headline and the clearest effort signals).
_TREND_FIRST = ("effort_share", "initiation_share", "response_rate", "support_rate", "disclosure_share")


def plot_trend(report: Any, *, chat_id: str | None = None, metric: str | None = None) -> ReportFigure:
    """Monthly share per person for the shares in ``report.timeline`` (one panel per metric).

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).
        metric: Only this metric (default: up to three shares and rates, the headline first).

    Returns:
        The figure.
    """
    from .wording import metric_info

    chat = _pick_chat(report, chat_id)
    with _style():
        tl = _of_chat(report.timeline, chat)
        if len(tl):
            tl = tl[tl["metric"].astype(str).str.endswith(("_share", "_rate")) & tl["value"].notna()]
        present = list(dict.fromkeys(tl["metric"].astype(str))) if len(tl) else []
        preferred = [m for m in _TREND_FIRST if m in present] + [m for m in present if m not in _TREND_FIRST]
        metrics = [metric] if metric else preferred[:3]
        fig = _new(WIDTH, 0.6 + 2.3 * max(len(metrics), 1))
        if not metrics or tl.empty:
            return _empty(fig, "Month by month", "no monthly data")
        people = persons(report, chat)
        colors = _colors(people)
        axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)[:, 0]
        for ax, m in zip(axes, metrics, strict=True):
            sub = tl[tl["metric"] == m]
            for p in people:
                r = sub[sub["person"].astype(str) == p].sort_values("month")
                if r.empty:
                    continue
                ax.plot(
                    pd.to_datetime(r["month"]),
                    r["value"].astype(float),
                    "o-",
                    color=colors[p],
                    label=_mpl_text(p),
                    markersize=4,
                )
            if len(people) == 2 and m.endswith("_share"):
                ax.axhline(0.5, color="#444444", lw=0.8)
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
            ax.set_title(metric_info(m).label + ", per month")
        axes[0].legend(loc="upper right", ncols=min(len(people), 4))
        fig.autofmt_xdate()
    return fig


def plot_activity(report: Any, *, chat_id: str | None = None) -> ReportFigure:
    """Heatmap of messages by weekday × hour, one panel per person (all people summed above four).

    Args:
        report: A Report.
        chat_id: Which chat (needed when the report holds several).

    Returns:
        The figure.
    """
    chat = _pick_chat(report, chat_id)
    with _style():
        act = _of_chat(getattr(report, "activity", None), chat)
        if act.empty:
            return _empty(_new(WIDTH, 2), "When messages are sent", "no activity data")
        people = [p for p in persons(report, chat) if p in set(act["person"].astype(str))]
        people += sorted(set(act["person"].astype(str)) - set(people))
        panels: list[tuple[str, pd.DataFrame]]
        if len(people) > 4:
            panels = [("everyone", act)]
        else:
            panels = [(p, act[act["person"].astype(str) == p]) for p in people]
        fig = _new(WIDTH, 0.5 + 1.9 * len(panels))
        axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        vmax = 0.0
        grids = []
        for _, sub in panels:
            grid = np.zeros((7, 24))
            np.add.at(
                grid,
                (sub["weekday"].to_numpy(dtype=int), sub["hour"].to_numpy(dtype=int)),
                sub["messages"].to_numpy(dtype=float),
            )
            grids.append(grid)
            vmax = max(vmax, grid.max())
        im = None
        for ax, (who, _), grid in zip(axes, panels, grids, strict=True):
            im = ax.imshow(
                grid, aspect="auto", cmap="Blues", vmin=0, vmax=max(vmax, 1), interpolation="nearest"
            )
            ax.set_yticks(range(7), _WEEKDAYS, fontsize=8)
            ax.set_title(_mpl_text(who), fontsize=10)
        axes[-1].set_xticks(range(0, 24, 3), [str(h) for h in range(0, 24, 3)])
        axes[-1].set_xlabel("hour of day (local time)")
        if im is not None:
            fig.colorbar(im, ax=list(axes), label="messages", shrink=0.8)
    return fig
