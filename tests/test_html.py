"""The HTML report: self-contained, sections in the order of METRICS.md, descriptive wording."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from _ui_fakes import make_report
from reciprocal import html, wording


class Tags(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return html.render_html(make_report())


def parse(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    return p


def test_page_is_self_contained(page: str) -> None:
    tags = parse(page)
    names = [t for t, _ in tags.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    csp = [a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [{"http-equiv": "Content-Security-Policy", "content": html.CSP}]
    assert html.CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    # The only URLs are XML namespace names inside the SVG and the relative accuracy link.
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "@import" not in page
    assert set(re.findall(r"url\((.)", page)) == {"#"}  # only references to ids in the same SVG
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # charts inlined together never share an id
    viewport = [a for t, a in tags.tags if t == "meta" and a.get("name") == "viewport"]
    assert viewport and "width=device-width" in str(viewport[0]["content"])


def test_charts_present_as_inline_svg(page: str) -> None:
    # initiations, latency, support, balance gauges, trend, heatmap
    assert page.count("<svg") == 6
    assert page.count("<figcaption>") == 6


def test_sections_follow_the_questions_of_metrics_md(page: str) -> None:
    headings = re.findall(r"<h3>(.*?)</h3>", page)
    questions = [html.escape_text(s.question) for s in wording.SECTIONS]
    # Gratitude, check-ins and plans have no numbers in this report: they are listed together.
    unmeasured = ["Gratitude and appreciation", "Daily check-ins", html.escape_text("“We should catch up”")]
    expected = [q for q in questions if q not in unmeasured]
    expected.insert(expected.index("Who repairs after friction or silence?"), "Not measured in this analysis")
    assert headings == [*expected, "Is it changing?", "Flags and their evidence", "Method and parameters"]
    merged = page.split("Not measured in this analysis</h3>", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li>(.*?)</li>", merged) == unmeasured


def test_wording_has_numbers_intervals_and_n(page: str) -> None:
    assert 'Sam started 68% of conversations <span class="ci">[61–74%]</span>, 214 conversations' in page
    assert 'Alex took 1.5 h to reply (median) <span class="ci">[1.0 h – 2.0 h]</span>, 300 replies' in page
    assert "Sam and Alex scored 62 out of 100 on reciprocity" in page
    # A metric under its minimum data says so, with the reason.
    assert "Sam: repair attempts not estimated: fewer than 10 conversations with friction" in page


def test_says_text_features_are_estimates_and_links_the_accuracy_table(page: str) -> None:
    assert "<strong>estimates</strong>" in page
    links = [a["href"] for t, a in parse(page).tags if t == "a"]
    assert html.ACCURACY_URL in links


def test_never_diagnoses(page: str) -> None:
    text = " ".join(parse(page).text).lower()
    for word in ("toxic", "narcissis", "abusive", "unhealthy", "codependent", "red flag"):
        assert word not in text


def test_glance_names_the_load_flag(page: str) -> None:
    glance = page.split("At a glance", 1)[1].split("</div>", 1)[0]
    assert "Flag: Sam put in 70% of the effort [66–75%]; the whole interval lies above 50%." in glance
    assert "1 flag in all" in glance


def test_flags_show_their_evidence(page: str) -> None:
    assert "carrying the load" in page
    assert "Evidence: Share of the effort: 70% [66–75%]; threshold 65%" in page


def test_timing_only_report_says_what_was_not_measured() -> None:
    page = html.render_html(make_report(text=False))
    assert page.count("These questions need the text features, which did not run in this analysis.") == 1
    merged = page.split("Not measured in this analysis</h3>", 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"<li>", merged)) == 8
    assert page.count("<svg") == 5  # no support chart


def test_several_reports_one_page_with_contents() -> None:
    page = html.render_html([make_report(), make_report("Kim", "Lee", chat="Kim & Lee")])
    assert page.count("<article") == 2
    assert '<a href="#chat-1">Sam &amp; Alex</a>' in page
    assert '<a href="#chat-2">Kim &amp; Lee</a>' in page


def test_to_html_writes_the_file_and_is_deterministic(tmp_path: Path, page: str) -> None:
    out = tmp_path / "r.html"
    written = html.to_html(make_report(), out)
    assert out.read_text(encoding="utf-8") == written == page


def test_empty_report_renders() -> None:
    rep = make_report()
    empty = type(rep)(
        rep.scores.iloc[0:0],
        rep.dyads.iloc[0:0],
        rep.timeline.iloc[0:0],
        rep.flags.iloc[0:0],
        {},
        rep.latencies.iloc[0:0],
        rep.activity.iloc[0:0],
    )
    page = html.render_html(empty)
    assert "This report holds no chats." in page


def test_repr_html_is_compact_and_static() -> None:
    frag = html.render_repr_html(make_report())
    assert "<svg" not in frag and "<script" not in frag
    assert "Sam started 68% of conversations [61–74%], 214 conversations" in frag
    assert "<th>metric</th><th>Sam</th><th>Alex</th>" in frag
    assert (
        "<tr><td>latency_median</td><td>4.0 min [3.0 min – 5.0 min]</td><td>1.5 h [1.0 h – 2.0 h]</td></tr>"
        in frag
    )


def test_parameters_are_worded(page: str) -> None:
    assert "<dt>conversation gap</dt><dd>1.2 h of silence (adaptive): antimode 4320 s</dd>" in page
    assert "<dt>quiet hours of Sam</dt><dd>23:00–07:00 (inferred)</dd>" in page
    assert "<dt>intervals</dt><dd>conversation bootstrap, percentile, 1000 resamples, seed 0</dd>" in page
    assert "All parameters (JSON)" in page


def test_all_numbers_table_lists_every_row(page: str) -> None:
    rep = make_report()
    assert f"All numbers ({len(rep.scores) + len(rep.dyads)})" in page


def test_format_helpers() -> None:
    assert wording.format_value(0.684, "share") == "68%"
    assert wording.format_value(np.nan, "share") == "–"
    assert wording.format_value(45, "seconds") == "45 s"
    assert wording.format_value(5400, "seconds") == "1.5 h"
    assert wording.format_value(3 * 86400, "seconds") == "3.0 d"
    assert wording.format_interval(0.61, 0.74, "share") == "[61–74%]"
    assert wording.format_interval(np.nan, 0.74, "share") == ""
    assert wording.format_value(0.05, "lift") == "+5 percentage points"
    assert wording.sentence("Sam", "initiation_share", 0.68, 0.61, 0.74, 214) == (
        "Sam started 68% of conversations [61–74%], 214 conversations"
    )
    assert wording.sentence("Sam", "disclosure_reciprocity_lift", 0.05, 0.01, 0.09, 40) == (
        "Sam's chance of opening up right after the other did differed from usual by +5 percentage points "
        "[+1 to +9], 40 disclosures"
    )
    assert wording.metric_info("support_rate_negative").label == "Support given (negative)"
    assert wording.section_of("support_rate_negative") == "met"
    assert wording.section_of("disclosure_rate_emotional") == "opens-up"
    assert wording.metric_info("messages_gini").kind == "index"
    assert wording.format_interval(26, 37, "count") == "[26–37]"


def test_group_chat_renders_every_pair_and_person() -> None:
    import reciprocal as rc
    from _ui_fakes import group_messages

    report = rc.analyze(group_messages(), bootstrap=20, seed=0)
    page = html.render_html(report)
    assert "Ana, Ben, Cy, Dee" in page
    assert page.count("scored") >= 6  # reciprocity_score for each of the 6 pairs
    assert "the vertical line is an equal split" in page
    frag = html.render_repr_html(report)
    assert "<th>Ana</th><th>Ben</th><th>Cy</th><th>Dee</th>" in frag


def test_a_note_shared_by_every_line_is_said_once() -> None:
    import reciprocal as rc
    from _ui_fakes import group_messages

    page = html.render_html(rc.analyze(group_messages(), bootstrap=20, seed=0))
    load = page.split("Is one person carrying the load?</h3>", 1)[1].split("</section>", 1)[0]
    assert load.count("indicators: initiation_share") == 1
    assert '<p class="note">indicators: initiation_share' in load
