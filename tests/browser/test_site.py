"""The built website in real Chromium: pages load cleanly, links and images work, axe passes.

Point it at a built output folder with WELLBEING_SITE_DIR (the folder holding index.html and
the editions) and WELLBEING_SITE_EDITION; otherwise it uses the default edition built once for
the test session (tests/publishing.py).
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# The WCAG 2.2 level A and AA rules: the standard the accessibility statement names.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    # Only violations are reported back: passes are not needed and cost time on big pages.
    "resultTypes": ["violations"],
}
# Absolute targets of HTML and inline-SVG links (an SVG link's href is not a string).
LINK_TARGETS = "as => as.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log each request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def site() -> tuple[Path, str]:
    """The output folder to serve and the edition to crawl."""
    if os.environ.get("WELLBEING_SITE_DIR"):
        return Path(os.environ["WELLBEING_SITE_DIR"]), os.environ.get(
            "WELLBEING_SITE_EDITION", "2024"
        )
    from tests.publishing import DEFAULT_EDITION, built_default_edition

    edition = built_default_edition()
    return edition.parent, DEFAULT_EDITION


@pytest.fixture(scope="module")
def server(site: tuple[Path, str]) -> Iterator[str]:
    """Serve the output folder on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(site[0]))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def status(url: str) -> int:
    """HTTP status of a URL on the local server."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def heading_problems(page: Page) -> list[str]:
    """One h1 per page, and headings that never skip a level on the way down."""
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4, main h5, main h6",
        "hs => hs.filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))",
    )
    problems = [] if levels.count(1) == 1 else [f"{levels.count(1)} h1 headings"]
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"heading level skips from h{before} to h{after}")
    return problems


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module (Playwright allows one sync session at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh page in that Chromium."""
    page = browser.new_page()
    yield page
    page.close()


def focused(page: Page) -> dict[str, str]:
    """Tag, text, link and whether the focused element sits in the main content."""
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName, text: (e.innerText || "").trim(), href: e.href || "",
                in_main: !!e.closest("#main-content")}; }"""
    )


def test_skip_link_is_first_and_moves_focus_to_main(
    site: tuple[Path, str], server: str, browser_page: Page
) -> None:
    """On every kind of page the first Tab reaches the skip link; Enter moves into the content."""
    for path in ("index.html", "notebooks/01-headline-metrics.html", "accessibility.html"):
        browser_page.goto(urljoin(server, f"{site[1]}/{path}"), wait_until="networkidle")
        browser_page.keyboard.press("Tab")
        first = focused(browser_page)
        assert (first["text"], first["href"].split("#")[-1]) == (
            "Skip to main content",
            "main-content",
        ), path
        browser_page.keyboard.press("Enter")
        assert browser_page.evaluate("location.hash") == "#main-content"
        browser_page.keyboard.press("Tab")
        assert focused(browser_page)["in_main"], path


def test_keyboard_reaches_every_navigation_link(
    site: tuple[Path, str], server: str, browser_page: Page
) -> None:
    """Tabbing from the top of the front page reaches each section link of the navigation bar."""
    browser_page.goto(urljoin(server, f"{site[1]}/index.html"), wait_until="networkidle")
    nav = browser_page.eval_on_selector_all(
        "header nav a[href]", "as => as.filter(a => a.offsetParent !== null).map(a => a.href)"
    )
    reached = set()
    for _ in range(len(nav) + 40):
        browser_page.keyboard.press("Tab")
        reached.add(focused(browser_page)["href"])
    assert nav and set(nav) <= reached


def test_every_page_loads_cleanly_and_passes_axe(
    site: tuple[Path, str], server: str, browser_page: Page
) -> None:
    """Every edition page loads cleanly, links and images work, headings in order, axe passes."""
    from axe_playwright_python.sync_playwright import Axe

    edition = site[0] / site[1]
    # Every reader page: theme templates that Sphinx copies into _static are not pages.
    pages = sorted(
        p.relative_to(site[0]).as_posix()
        for p in edition.rglob("*.html")
        if "_static" not in p.relative_to(edition).parts
    )
    queue = [server, *(urljoin(server, p) for p in pages)]
    seen: set[str] = set()
    problems: list[str] = []
    axe = Axe()
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        errors.clear()
        page.goto(url, wait_until="load", timeout=30000)
        broken = page.eval_on_selector_all(
            "img",
            "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)",
        )
        problems += [f"{url}: broken image {src}" for src in broken]
        problems += [f"{url}: console error {e}" for e in errors]
        problems += [f"{url}: {issue}" for issue in heading_problems(page)]
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        problems += [
            f"{url}: axe {v['id']} ({v['impact']})"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        for href in page.eval_on_selector_all("a[href]", LINK_TARGETS):
            link = urldefrag(href).url
            if not link.startswith(server) or link in seen:
                continue
            if link.endswith(".html") or link.endswith("/"):
                queue.append(link)
            elif status(link) != 200:
                problems.append(f"{url}: broken link {link}")
            else:
                seen.add(link)
    assert {urljoin(server, p) for p in pages} <= seen
    assert not problems, "\n".join(problems)


def test_road_to_2030_shows_projections_marked_as_such(
    site: tuple[Path, str], server: str, browser_page: Page
) -> None:
    """The road-to-2030 page: four charts whose alt text names the projection, and the rule."""
    url = urljoin(server, f"{site[1]}/notebooks/06-road-to-2030.html")
    browser_page.goto(url, wait_until="load", timeout=30000)
    alts = browser_page.eval_on_selector_all("main img", "is => is.map(i => i.alt)")
    projections = [a for a in alts if "straight-line projection to 2029-30" in a]
    assert len(projections) == 4
    text = browser_page.inner_text("main")
    assert "it is not a forecast" in text and "regions and nations are on track" in text
