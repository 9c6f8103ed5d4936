"""The built website in real Chromium: pages load cleanly, links and images work, axe passes.

Point it at a built output folder with WELLBEING_SITE_DIR (the folder holding index.html and
the editions) and WELLBEING_SITE_EDITION; otherwise it builds the fixture edition.
"""

from __future__ import annotations

import functools
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parents[1] / "fixtures" / "editions"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log each request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The output folder to serve and the edition to crawl."""
    if os.environ.get("WELLBEING_SITE_DIR"):
        return Path(os.environ["WELLBEING_SITE_DIR"]), os.environ.get(
            "WELLBEING_SITE_EDITION", "2024"
        )
    from helpers.build import build_edition

    output = tmp_path_factory.mktemp("site")
    build_edition("fixture", editions=FIXTURES, output=output)
    return output, "fixture"


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


def test_every_page_loads_cleanly_and_passes_axe(
    site: tuple[Path, str], server: str, tmp_path: Path
) -> None:
    """Crawl the edition: no console errors, broken images, broken links or serious axe issues."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    start = urljoin(server, f"{site[1]}/index.html")
    queue, seen, problems = [start, server], set(), []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            errors.clear()
            page.goto(url, wait_until="networkidle", timeout=30000)
            name = urlparse(url).path.strip("/").replace("/", "_") or "archive"
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
            broken = page.eval_on_selector_all(
                "img",
                "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)",
            )
            problems += [f"{url}: broken image {src}" for src in broken]
            problems += [f"{url}: console error {e}" for e in errors]
            violations = Axe().run(page).response["violations"]
            problems += [
                f"{url}: axe {v['id']} ({v['impact']})"
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
            for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
                link = urldefrag(href).url
                if not link.startswith(server) or link in seen:
                    continue
                if link.endswith(".html") or link.endswith("/"):
                    queue.append(link)
                elif status(link) != 200:
                    problems.append(f"{url}: broken link {link}")
                else:
                    seen.add(link)
        browser.close()
    assert len(seen) > 3
    assert not problems, "\n".join(problems)
