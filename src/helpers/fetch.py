"""Refresh a raw input from its release URL: the full ONS local-authority well-being series.

The file streams into the git-ignored staging folder and is validated there (complete, the CMD
CSV's header, every row parsed). Only then is it compared with the raw folder's copy: an
unchanged file changes nothing; a new or changed one replaces the raw copy and its checksum,
size, URL and retrieval date are written into the raw manifest. Without a network connection
the fetch says so in one line and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import requests
from tqdm import tqdm

from helpers import raw
from helpers.checksums import sha256_of
from helpers.config import ROOT, raw_dir, settings
from helpers.errors import InputError
from helpers.sources.ons_cmd import check_header, read_ons_cmd

CHUNK_BYTES = 1 << 16
# A CSV header never starts with "<"; HTML and XML error pages do.
MARKUP_START = b"<"
RETRY_STATUSES = (408, 429)
log = logging.getLogger(__name__)


class FetchError(InputError):
    """A download that failed or did not deliver the CMD CSV, named by its URL."""

    def __init__(self, problem: str, *, url: str) -> None:
        super().__init__(f"{problem}, fetching {url}", file=url)
        self.url = url


class RetryableFetchError(FetchError):
    """A failure that another attempt may cure: a server error, a timeout, a cut-off body."""


class NoNetworkError(FetchError):
    """The address could not be reached at all: no network here, so nothing was changed."""


@dataclass(frozen=True)
class FetchReport:
    """What a fetch did to one raw file: 'new', 'changed' or 'unchanged', with both checksums."""

    path: Path
    outcome: str
    sha256: str
    previous_sha256: str | None

    def line(self) -> str:
        """One line for the analyst: the file and whether its bytes changed."""
        was = f" (was {self.previous_sha256[:12]}…)" if self.previous_sha256 else ""
        return f"{self.outcome}: {self.path.name} sha256 {self.sha256[:12]}…{was}"


def fetch_ons_series(
    url: str | None = None,
    raw_folder: str | Path | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    staging_folder: str | Path | None = None,
) -> FetchReport:
    """Download the configured CMD CSV (or `url`), validate it, then update the raw folder."""
    if retries < 1:
        raise ValueError(f"retries must be at least 1, not {retries}")
    source = settings()["ons_wellbeing_local_authority"]
    url = url or source["url"]
    root = Path(raw_folder) if raw_folder is not None else raw_dir()
    staging = Path(staging_folder or ROOT / settings()["staging_dir"])
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / Path(source["path"]).name
    try:
        _download_with_retries(url, staged, timeout, retries, backoff)
        return _replace_if_changed(staged, root, source, url)
    finally:
        staged.unlink(missing_ok=True)


def _download_with_retries(
    url: str, staged: Path, timeout: float, retries: int, backoff: float
) -> None:
    """Download into the staging file, retrying what another attempt may cure."""
    for attempt in range(1, retries + 1):
        try:
            _download(url, staged, timeout)
            return
        except RetryableFetchError as err:
            if attempt == retries:
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning(
                "attempt %d of %d failed (%s); retrying in %gs", attempt, retries, err, wait
            )
            time.sleep(wait)


def _replace_if_changed(staged: Path, root: Path, source: dict, url: str) -> FetchReport:
    """Move a validated download into the raw folder and the manifest, unless it is unchanged."""
    relative = source["path"]
    target = root / relative
    entries = raw.load(root)
    previous = entries.get(relative, {}).get("sha256") if target.is_file() else None
    digest = sha256_of(staged)
    if previous == digest:
        return FetchReport(target, "unchanged", digest, previous)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
    metadata = {k: source[k] for k in ("publisher", "title", "period", "release_url", "licence")}
    retrieved = datetime.now(UTC).date().isoformat()
    raw.record(root, relative, **metadata, file_url=url, retrieved=retrieved)
    return FetchReport(target, "changed" if previous else "new", digest, previous)


def _download(url: str, target: Path, timeout: float) -> None:
    """One attempt: stream to a temporary file, validate it, then rename it to the target."""
    with _beside(target) as part:
        with part.open("wb") as handle:
            _stream(url, handle, timeout, target.name)
        _check_content(part, url)
        os.replace(part, target)


@contextmanager
def _beside(target: Path) -> Iterator[Path]:
    """A temporary file in the target's folder (so renaming is atomic), removed if left over."""
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    os.close(descriptor)
    os.chmod(name, 0o644)  # mkstemp makes it private; the replaced file was readable
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _stream(url: str, handle: IO[bytes], timeout: float, label: str) -> tuple[str, int]:
    """Write the response body to `handle`, returning its sha256 and byte count once complete."""
    sha, size, expected = hashlib.sha256(), 0, None
    try:
        # Ask for the bytes as stored, so Content-Length counts exactly what is written.
        headers = {"Accept-Encoding": "identity"}
        with requests.get(url, stream=True, timeout=timeout, headers=headers) as response:
            _check_status(response, url)
            length = response.headers.get("Content-Length")
            expected = int(length) if length is not None else None
            with tqdm(total=expected, unit="B", unit_scale=True, desc=label, disable=None) as bar:
                for chunk in response.iter_content(CHUNK_BYTES):
                    handle.write(chunk)
                    sha.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
    except requests.exceptions.ChunkedEncodingError as err:
        raise RetryableFetchError(
            f"download cut off before the declared {expected} bytes ({err})", url=url
        ) from err
    except requests.exceptions.ConnectionError as err:
        if size:
            problem = f"connection lost after {size} bytes ({err})"
            raise RetryableFetchError(problem, url=url) from err
        raise NoNetworkError("no network connection, nothing was changed", url=url) from err
    except requests.RequestException as err:
        raise RetryableFetchError(f"no complete response ({err})", url=url) from err
    if expected is not None and size != expected:
        raise RetryableFetchError(f"got {size} bytes but Content-Length is {expected}", url=url)
    return sha.hexdigest(), size


def _check_status(response: requests.Response, url: str) -> None:
    """Accept only 200; server errors and throttling are worth a retry, other codes are not."""
    if response.status_code == 200:
        return
    problem = f"HTTP {response.status_code} {response.reason}"
    if response.status_code >= 500 or response.status_code in RETRY_STATUSES:
        raise RetryableFetchError(problem, url=url)
    raise FetchError(problem, url=url)


def _check_content(path: Path, url: str) -> None:
    """Refuse an HTML page, a header that is not the CMD CSV's, or any row the parser refuses."""
    with path.open("rb") as handle:
        start = handle.read(CHUNK_BYTES).lstrip()
    if start.startswith(MARKUP_START):
        raise FetchError("got an HTML page instead of the CSV (an error page?)", url=url)
    try:
        check_header(path)
    except InputError as err:
        column = f" {err.column!r}" if err.column else ""
        raise FetchError(f"not the ONS CMD CSV: {err.problem}{column}", url=url) from err
    try:
        read_ons_cmd(path)
    except InputError as err:
        raise FetchError(f"download does not validate: {err}", url=url) from err
