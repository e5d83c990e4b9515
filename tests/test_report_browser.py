"""Render the HTML report in headless Chromium with the network cut off.

Uses Debian's chromium (``/usr/bin/chromium``) driven by Playwright's Python package (no browser
download). Every request that is not for the file itself is aborted and recorded. Skips cleanly
when chromium or playwright is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from _ui_fakes import make_report
from reciprocal import html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not shutil.which("chromium"), reason="needs /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser: Any, path: Path, *, width: int, height: int = 900, mobile: bool = False):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile, offline=True)
    page = context.new_page()
    seen: dict[str, list[str]] = {"requests": [], "blocked": [], "console": [], "errors": []}

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file://"):
            r.continue_()
        else:
            seen["blocked"].append(url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: seen["requests"].append(req.url))
    page.on("console", lambda msg: seen["console"].append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, seen


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    html.to_html([make_report(), make_report("Kim", "Lee", chat="Kim & Lee", text=False)], path)
    return path


def test_renders_offline_with_charts_and_no_errors(browser: Any, report_file: Path) -> None:
    context, page, seen = _open(browser, report_file, width=1200)
    try:
        assert seen["requests"] == [report_file.as_uri()]
        assert seen["blocked"] == []
        assert [c for c in seen["console"] if c.startswith(("error", "warning"))] == []
        assert seen["errors"] == []
        charts = page.locator("figure > svg")
        assert charts.count() == 6 + 5
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("h3", has_text="Who reaches out first?").count() == 2
        assert page.get_by_text("Sam started 68% of conversations").first.is_visible()
    finally:
        context.close()


def test_real_analysis_renders_offline(browser: Any, tmp_path: Path) -> None:
    import reciprocal as rc
    from reciprocal.samples.synthetic import synthetic_chat

    path = tmp_path / "real.html"
    rc.analyze(synthetic_chat(conversations=80, seed=3), bootstrap=50).to_html(path)
    context, page, seen = _open(browser, path, width=1000)
    try:
        assert seen["requests"] == [path.as_uri()] and seen["blocked"] == []
        assert seen["errors"] == [] and [c for c in seen["console"] if c.startswith("error")] == []
        assert page.locator("figure > svg").count() >= 5
        assert page.locator("h3", has_text="Who answers, and how fast?").count() == 1
    finally:
        context.close()


def test_phone_width_has_no_sideways_scrolling(browser: Any, report_file: Path) -> None:
    context, page, seen = _open(browser, report_file, width=390, height=844, mobile=True)
    try:
        assert seen["errors"] == [] and seen["blocked"] == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        widths = page.evaluate(
            "[...document.querySelectorAll('figure > svg')].map(s => s.getBoundingClientRect().width)"
        )
        assert widths and all(340 <= w <= 390 for w in widths)
        font = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('ul.findings li')).fontSize)"
        )
        assert font >= 14
    finally:
        context.close()


def test_csp_blocks_a_planted_fetch(browser: Any, tmp_path: Path) -> None:
    """Negative control: the page's CSP stops an image fetch even before the route would."""
    page_text = html.render_html(make_report()).replace(
        "</main>", '<svg><image href="https://example.invalid/x.png" width="1" height="1"/></svg></main>'
    )
    path = tmp_path / "planted.html"
    path.write_text(page_text, encoding="utf-8")
    context, _page, seen = _open(browser, path, width=800)
    try:
        # The renderer refuses it under the CSP: it never reaches the network layer (our route).
        assert seen["blocked"] == []
        assert any("violates the following Content Security Policy" in c for c in seen["console"])
    finally:
        context.close()
