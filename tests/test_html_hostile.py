"""Hostile names and texts come out as text: in the HTML report, in _repr_html_ and in the charts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from _ui_fakes import make_report
from reciprocal import html, plots

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
DOLLAR = "$\\frac{1}{0}$ & Co"  # would be math (and fail) in matplotlib text if not escaped
HOSTILE = SCRIPT + IMG


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _assert_inert(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    names = {t for t, _ in p.tags}
    assert "script" not in names
    assert "img" not in names
    handlers = [(t, k) for t, attrs in p.tags for k, _ in attrs if k.lower().startswith("on")]
    assert handlers == []
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    return p


@pytest.fixture(scope="module")
def hostile_report():
    return make_report(SCRIPT, IMG, chat=DOLLAR + SCRIPT, hostile_text=HOSTILE)


def test_report_page_escapes_names_chat_titles_and_notes(hostile_report) -> None:
    page = html.render_html(hostile_report)
    parsed = _assert_inert(page)
    text = "".join(parsed.text)
    # The hostile strings are still there, as visible text.
    assert f"{SCRIPT} started 68% of conversations" in text
    assert f"{IMG} started 32% of conversations" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert DOLLAR in text  # chat title heading, literally


def test_repr_html_escapes(hostile_report) -> None:
    frag = html.render_repr_html(hostile_report)
    parsed = _assert_inert(frag)
    assert f"{SCRIPT} started 68% of conversations" in "".join(parsed.text)


def test_chart_text_is_escaped_and_literal(hostile_report) -> None:
    for fn in (
        plots.plot_initiations,
        plots.plot_latency,
        plots.plot_balance,
        plots.plot_activity,
        plots.plot_support,
        plots.plot_trend,
    ):
        svg = plots.figure_to_svg(fn(hostile_report))
        _assert_inert(svg)
    legend = plots.plot_initiations(hostile_report).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [SCRIPT, IMG]


def test_real_analysis_with_hostile_sender_names_is_inert() -> None:
    import reciprocal as rc
    from reciprocal.samples.synthetic import synthetic_chat

    messages = synthetic_chat(people=(SCRIPT, IMG), chat_id=HOSTILE, conversations=60, seed=5)
    report = rc.analyze(messages, bootstrap=30, seed=0)
    for page in (report.to_html(), report._repr_html_()):
        text = "".join(_assert_inert(page).text)
        assert SCRIPT in text and IMG in text
