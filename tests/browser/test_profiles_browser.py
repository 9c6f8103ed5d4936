"""Local area profile pages in real Chromium: search, hex links, sample pages, axe.

Point it at a built output folder with WELLBEING_SITE_DIR and WELLBEING_SITE_EDITION (as
tests/browser/test_site.py); otherwise it renders the profiles with the site's Sphinx
configuration into a temporary folder.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import profiles
from helpers.config import ROOT
from helpers.render import TEMPLATES

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SAMPLE = ("E06000001", "E06000063", "W06000015", "S12000049", "N09000003")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log each request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


def render_site(root: Path) -> Path:
    """Generate every profile and render them with the site's Sphinx configuration."""
    src, out = root / "src", root / "html"
    src.mkdir()
    shutil.copy2(TEMPLATES / "conf.py", src / "conf.py")
    (src / "_static").mkdir()
    for name in ("wellbeing.css", "favicon.svg"):
        shutil.copy2(TEMPLATES / name, src / "_static" / name)
    site = {"title": "Profiles", "edition": "test", "versions_url": "versions.json"}
    (src / "site.json").write_text(json.dumps(site), encoding="utf-8")
    (src / "index.md").write_text(
        "# Profiles\n\n```{toctree}\nprofiles/index\n```\n", encoding="utf-8"
    )
    profiles.write_profiles(ROOT / "data" / "processed", src / "profiles", profiles.Settings())
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(out)]
    subprocess.run(command, check=True, capture_output=True)
    shutil.copytree(src / "profiles", out / "profiles", dirs_exist_ok=True)
    (out / "versions.json").write_text("[]", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding profiles/index.html."""
    if os.environ.get("WELLBEING_SITE_DIR"):
        edition = os.environ.get("WELLBEING_SITE_EDITION", "2024")
        return Path(os.environ["WELLBEING_SITE_DIR"]) / edition
    return render_site(tmp_path_factory.mktemp("profiles-site"))


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """Serve the site folder on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/profiles/"
    httpd.shutdown()


def serious(page: object) -> list[str]:
    """Serious or critical axe violations on the page."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']})" for v in found if v["impact"] in ("serious", "critical")]


def test_index_search_hex_links_and_sample_profiles(server: str) -> None:
    """Search filters and announces its count; a hex opens its profile; pages pass axe."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "index.html", wait_until="load")
        problems += [f"index: axe {v}" for v in serious(page)]
        page.get_by_label("Search by local authority name or code").fill("hartle")
        status = page.locator("#search-status")
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text() == "1 of 361 local authorities shown"
        assert page.locator("li[data-area]:not([hidden])").inner_text().startswith("Hartlepool")
        page.get_by_label("Search by local authority name or code").fill("E0900000")
        assert status.inner_text() == "9 of 361 local authorities shown"
        hexes = page.locator("svg a")
        # Every area with a page is linked: 361 minus Isles of Scilly and City of London.
        assert hexes.count() == 359
        assert page.locator("svg polygon").count() == 361
        page.locator('svg a[href="E06000001.html"]').click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/profiles/E06000001.html")
        assert "7.29 (95% CI 7.08 to 7.50)" in page.content()
        for code in SAMPLE:
            response = page.goto(server + f"{code}.html", wait_until="load")
            assert response is not None and response.status == 200, code
            assert page.locator("figure svg[role=img]").count() >= 1, code
            csv = page.request.get(server + f"{code}-series.csv")
            assert csv.status == 200 and csv.text().startswith("statistic,measure"), code
            problems += [f"{code}: axe {v}" for v in serious(page)]
        browser.close()
    assert not errors, errors
    assert not problems, "\n".join(problems)
