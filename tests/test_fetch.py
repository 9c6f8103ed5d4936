"""Tests of `wellbeing data fetch` against a real HTTP server on the loopback interface."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from helpers import raw
from helpers.cli import main
from helpers.config import settings
from helpers.fetch import FetchError, NoNetworkError, fetch_ons_series

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cmd"
CSV = (FIXTURES / "valid.csv").read_bytes()
HTML = (FIXTURES / "error-page.html").read_bytes()
SOURCE = settings()["ons_wellbeing_local_authority"]
RELATIVE = SOURCE["path"]
PREVIOUS = (FIXTURES / "valid.csv").read_bytes().replace(b"\n", b"\r\n")  # same rows, new bytes
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


def _fetch(url: str, folder: Path, retries: int = 2, timeout: float = 5.0):
    """Fetch with test-sized retries, no back-off wait, a short timeout, staging in the folder."""
    return fetch_ons_series(
        url=url,
        raw_folder=folder / "raw",
        timeout=timeout,
        retries=retries,
        backoff=0,
        staging_folder=folder / "staging",
    )


@pytest.fixture
def folder(tmp_path):
    """A raw folder already holding an earlier release of the file, recorded in its manifest."""
    root = tmp_path / "raw"
    (root / RELATIVE).parent.mkdir(parents=True)
    (root / RELATIVE).write_bytes(PREVIOUS)
    raw.manifest_path(root).write_text("# header kept\nfiles: []\n", encoding="utf-8")
    raw.record(root, RELATIVE, publisher="ONS", title="t", period="p", release_url="u", licence="l")
    return tmp_path


def _state(folder: Path) -> dict[str, bytes]:
    """Every file under the test folder, so a failed fetch can be shown to change nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def before(folder) -> dict[str, bytes]:
    """The folder's files before the fetch."""
    return _state(folder)


def test_changed_release_replaces_the_file_and_records_it(server, folder):
    url = _url(server, "/good.csv")
    report = _fetch(url, folder)
    target = folder / "raw" / RELATIVE
    assert (report.path, report.outcome) == (target, "changed")
    assert report.previous_sha256 == hashlib.sha256(PREVIOUS).hexdigest()
    assert f"changed: {target.name} sha256 {hashlib.sha256(CSV).hexdigest()[:12]}" in report.line()
    assert target.read_bytes() == CSV
    text = raw.manifest_path(folder / "raw").read_text(encoding="utf-8")
    assert text.startswith("# header kept\n")
    (entry,) = yaml.safe_load(text)["files"]
    assert entry["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert (entry["file_url"], entry["bytes"], entry["path"]) == (url, len(CSV), RELATIVE)
    assert entry["release_url"] == SOURCE["release_url"]
    retrieved = datetime.fromisoformat(entry["retrieved"]).date()
    assert abs((datetime.now(UTC).date() - retrieved).days) <= 1
    assert raw.verify(folder / "raw")  # the refreshed folder passes the data build's check
    assert not list((folder / "staging").iterdir())


def test_unchanged_release_changes_nothing(server, folder):
    _fetch(_url(server, "/good.csv"), folder)
    state = _state(folder)
    report = _fetch(_url(server, "/good.csv"), folder)
    assert report.outcome == "unchanged"
    assert _state(folder) == state


def test_new_file_is_added_to_the_manifest(server, folder):
    (folder / "raw" / RELATIVE).unlink()
    report = _fetch(_url(server, "/good.csv"), folder)
    assert report.outcome == "new" and report.previous_sha256 is None
    assert raw.verify(folder / "raw")[RELATIVE]["bytes"] == len(CSV)


def test_server_error_then_success_is_retried(server, folder):
    report = _fetch(_url(server, "/flaky.csv"), folder, retries=3)
    assert report.path.read_bytes() == CSV
    assert server.hits["/flaky.csv"] == 2


def test_no_network_is_one_line_and_changes_nothing(folder, before, capsys):
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/4.csv"
    with pytest.raises(NoNetworkError, match="no network connection, nothing was changed"):
        _fetch(url, folder, retries=3)
    assert _state(folder) == before
    argv = ["data", "fetch", "--raw-dir", str(folder / "raw"), "--url", url, "--retries", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no network connection" in err


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
    server, folder, before, route, problem, attempts
):
    url = _url(server, route)
    with pytest.raises(FetchError, match=problem) as caught:
        _fetch(url, folder)
    assert url in str(caught.value)
    assert server.hits[route] == attempts
    assert _state(folder) == before


def test_timeout_is_retried_then_reported(server, folder, before):
    url = _url(server, "/slow.csv")
    with pytest.raises(FetchError, match="timed out"):
        _fetch(url, folder, timeout=0.2)
    assert server.hits["/slow.csv"] == 2
    assert _state(folder) == before


def test_cli_fetches_and_reports_failures(server, folder, before, capsys, monkeypatch):
    monkeypatch.chdir(folder)  # the default staging folder is the repository's; keep it out
    argv = ["data", "fetch", "--raw-dir", str(folder / "raw"), "--retries", "1", "--timeout", "5"]
    assert main([*argv, "--url", _url(server, "/missing.csv")]) == 2
    assert "HTTP 404" in capsys.readouterr().err
    assert _state(folder) == before
    assert main([*argv, "--url", _url(server, "/good.csv")]) == 0
    assert capsys.readouterr().out.startswith("changed: ")
    assert (folder / "raw" / RELATIVE).read_bytes() == CSV
