"""Charts: the numbers drawn are the numbers of the Report."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from _ui_fakes import make_report
from reciprocal import plots
from reciprocal.errors import ConfigError


@pytest.fixture(scope="module")
def rep():
    return make_report()


def test_initiations_bars_are_share_times_conversations(rep) -> None:
    fig = plots.plot_initiations(rep)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    # 6 months, Sam first: share 0.5 + 0.04 i of 30 + i conversations.
    sam = [(0.5 + 0.04 * i) * (30 + i) for i in range(6)]
    alex = [(0.5 - 0.04 * i) * (30 + i) for i in range(6)]
    assert heights == pytest.approx(sam + alex)
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Jan 2025", "Feb 2025"]


def test_latency_one_histogram_per_person_with_medians(rep) -> None:
    fig = plots.plot_latency(rep)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 2
    assert labels[0].startswith("Sam (median ") and labels[0].endswith(", 60 replies)")
    med = np.median(rep.latencies.loc[rep.latencies["responder"] == "Sam", "latency_seconds"])
    vlines = [ln.get_xdata()[0] for ln in ax.get_lines()]
    assert vlines[0] == pytest.approx(np.log10(med))


def test_support_given_and_received(rep) -> None:
    ax = plots.plot_support(rep).axes[0]
    widths = [p.get_width() for p in ax.patches]
    # Sam gave 75%, received Alex's 30%; Alex gave 30%, received 75%.
    assert widths == pytest.approx([0.75, 0.3, 0.3, 0.75])


def test_support_without_text_features_explains(rep) -> None:
    fig = plots.plot_support(make_report(text=False))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["support was not measured (needs text features)"]


def test_balance_gauge_shows_first_persons_share_and_interval(rep) -> None:
    ax = plots.plot_balance(rep).axes[0]
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    # effort first, then initiation, first contact, disclosure (repair_share is NA and left out)
    assert [d.get_xdata()[0] for d in dots] == pytest.approx([0.7, 0.68, 0.6, 0.55])
    bars = [ln for ln in ax.get_lines() if ln.get_linewidth() == 4]
    assert [tuple(b.get_xdata()) for b in bars] == [(0.66, 0.75), (0.61, 0.74), (0.55, 0.66), (0.45, 0.64)]
    labels = [t.get_text() for t in ax.texts]
    assert "Conversations started" in labels and "Share of the effort" in labels
    assert "more Sam →" in labels and "← more Alex" in labels


def test_activity_heatmap_holds_the_counts(rep) -> None:
    fig = plots.plot_activity(rep)
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 2
    sam = rep.activity[rep.activity["person"] == "Sam"]
    grid = images[0].get_array()
    assert grid[5, 20] == sam[(sam["weekday"] == 5) & (sam["hour"] == 20)]["messages"].iloc[0]
    assert grid.sum() == sam["messages"].sum()


def test_trend_lines_are_the_monthly_shares(rep) -> None:
    ax = plots.plot_trend(rep).axes[0]
    sam = ax.get_lines()[0]
    assert list(sam.get_ydata()) == pytest.approx([0.5 + 0.04 * i for i in range(6)])


def test_several_chats_need_chat_id() -> None:
    import pandas as pd

    a, b = make_report(), make_report("Kim", "Lee", chat="K")
    both = type(a)(
        *(pd.concat([getattr(a, f), getattr(b, f)]) for f in ("scores", "dyads", "timeline", "flags")),
        a.params,
        pd.concat([a.latencies, b.latencies]),
        pd.concat([a.activity, b.activity]),
    )
    with pytest.raises(ConfigError, match="holds 2 chats"):
        plots.plot_initiations(both)
    ax = plots.plot_initiations(both, chat_id="K").axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Kim", "Lee"]
    with pytest.raises(ConfigError, match="not in this report"):
        plots.plot_latency(both, chat_id="nope")


def test_svg_is_inline_ready_and_deterministic(rep) -> None:
    one = plots.figure_to_svg(plots.plot_balance(rep))
    two = plots.figure_to_svg(plots.plot_balance(rep))
    assert one == two
    assert one.startswith("<svg") and "<?xml" not in one and "<!DOCTYPE" not in one
    head = one[: one.index(">")]
    assert "viewBox=" in head and " width=" not in head and " height=" not in head
    assert "<metadata>" not in one


def test_id_prefix_rewrites_ids_and_references(rep) -> None:
    svg = plots.figure_to_svg(plots.plot_initiations(rep), id_prefix="x1-")
    import re

    ids = re.findall(r'\sid="([^"]+)"', svg)
    assert ids and all(i.startswith("x1-") for i in ids)
    refs = re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'xlink:href="#([^"]+)"', svg)
    assert refs and all(r.startswith("x1-") for r in refs)


def test_figures_display_as_svg_in_jupyter(rep) -> None:
    fig = plots.plot_activity(rep)
    assert fig._repr_svg_().startswith("<svg")


def test_import_reciprocal_does_not_import_matplotlib() -> None:
    import os
    from pathlib import Path

    import reciprocal

    src = str(Path(reciprocal.__file__).resolve().parent.parent)
    code = "import sys, reciprocal; sys.exit(1 if 'matplotlib' in sys.modules else 0)"
    env = {**os.environ, "PYTHONPATH": src}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True).returncode == 0


def test_group_balance_shows_everyone_against_an_equal_split() -> None:
    import reciprocal as rc
    from _ui_fakes import group_messages

    report = rc.analyze(group_messages(), bootstrap=20, seed=0)
    ax = plots.plot_balance(report).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Ana", "Ben", "Cy", "Dee"]
    vertical = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0.25, 0.25]]
    assert len(vertical) == 1
