"""Tests of `wellbeing data fetch` against a real HTTP server on the loopback interface."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.config import settings
from helpers.fetch import MANIFEST, FetchError, fetch_ons_series

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cmd"
CSV = (FIXTURES / "valid.csv").read_bytes()
HTML = (FIXTURES / "error-page.html").read_bytes()
FILENAME = settings()["ons_wellbeing_local_authority"]["filename"]
PREVIOUS = b"previous good download\n"
PREVIOUS_MANIFEST = '{"files": {}}\n'
# Each path answers with its list of (status, body, extra declared bytes) in turn, then repeats
# the last one; a positive extra declares a longer Content-Length than is sent, then hangs up.
ROUTES = {
    "/good.csv": [(200, CSV, 0)],
    "/truncated.csv": [(200, CSV[:100], len(CSV) - 100)],
    "/error-page.csv": [(200, HTML, 0)],
    "/missing.csv": [(404, b"not found", 0)],
    "/flaky.csv": [(500, b"server error", 0), (200, CSV, 0)],
    "/down.csv": [(503, b"unavailable", 0)],
    "/not-cmd.csv": [(200, b"a,b,c\n1,2,3\n", 0)],
    "/slow.csv": [(200, CSV, 0)],
}


class _Handler(BaseHTTPRequestHandler):
    """Serve ROUTES, counting requests per path; /slow.csv waits before answering."""

    def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
        """Answer one GET from the route table."""
        hits = self.server.hits
        hits[self.path] += 1
        answers = ROUTES[self.path]
        status, body, extra = answers[min(hits[self.path], len(answers)) - 1]
        if self.path == "/slow.csv":
            time.sleep(1.0)
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if body is HTML else "text/csv")
        self.send_header("Content-Length", str(len(body) + extra))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def server():
    """A real HTTP server on a random loopback port, in a thread, counting requests per path."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.hits = Counter()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server: ThreadingHTTPServer, path: str) -> str:
    """The address of one route on the test server."""
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def _fetch(url: str, folder: Path, retries: int = 2, timeout: float = 5.0) -> Path:
    """Fetch with test-sized retries, no back-off wait and a short timeout."""
    return fetch_ons_series(url=url, out_dir=folder, timeout=timeout, retries=retries, backoff=0)


@pytest.fixture
def folder(tmp_path):
    """A download folder already holding a good earlier file and its manifest."""
    (tmp_path / FILENAME).write_bytes(PREVIOUS)
    (tmp_path / MANIFEST).write_text(PREVIOUS_MANIFEST, encoding="utf-8")
    return tmp_path


def _untouched(folder: Path) -> bool:
    """The earlier file and manifest are as they were and no temporary file is left."""
    return (
        sorted(p.name for p in folder.iterdir()) == sorted([FILENAME, MANIFEST])
        and (folder / FILENAME).read_bytes() == PREVIOUS
        and (folder / MANIFEST).read_text(encoding="utf-8") == PREVIOUS_MANIFEST
    )


def test_success_saves_the_file_and_records_its_sha256(server, folder):
    url = _url(server, "/good.csv")
    path = _fetch(url, folder)
    assert path == folder / FILENAME
    assert path.read_bytes() == CSV
    entry = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"][FILENAME]
    assert entry["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert (entry["url"], entry["bytes"]) == (url, len(CSV))
    retrieved = datetime.fromisoformat(entry["retrieved_at"])
    assert retrieved.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - retrieved).total_seconds()) < 3600
    assert sorted(p.name for p in folder.iterdir()) == sorted([FILENAME, MANIFEST])


def test_server_error_then_success_is_retried(server, folder):
    path = _fetch(_url(server, "/flaky.csv"), folder, retries=3)
    assert path.read_bytes() == CSV
    assert server.hits["/flaky.csv"] == 2


@pytest.mark.parametrize(
    ("route", "problem", "attempts"),
    [
        ("/truncated.csv", f"cut off before the declared {len(CSV)} bytes", 2),
        ("/error-page.csv", "HTML page", 1),
        ("/missing.csv", "HTTP 404", 1),
        ("/down.csv", "HTTP 503", 2),
        ("/not-cmd.csv", "not the ONS CMD CSV: required column missing", 1),
    ],
)
def test_failure_names_the_url_and_keeps_the_previous_file(
    server, folder, route, problem, attempts
):
    url = _url(server, route)
    with pytest.raises(FetchError, match=problem) as caught:
        _fetch(url, folder)
    assert url in str(caught.value)
    assert server.hits[route] == attempts
    assert _untouched(folder)


def test_timeout_is_retried_then_reported(server, folder):
    url = _url(server, "/slow.csv")
    with pytest.raises(FetchError, match="timed out"):
        _fetch(url, folder, timeout=0.2)
    assert server.hits["/slow.csv"] == 2
    assert _untouched(folder)


def test_cli_fetches_and_reports_failures(server, folder, capsys):
    argv = ["data", "fetch", "--out", str(folder), "--retries", "1", "--timeout", "5"]
    assert main([*argv, "--url", _url(server, "/missing.csv")]) == 2
    assert "HTTP 404" in capsys.readouterr().err
    assert _untouched(folder)
    assert main([*argv, "--url", _url(server, "/good.csv")]) == 0
    assert (folder / FILENAME).read_bytes() == CSV
