"""Download the full ONS local-authority well-being series, keeping a good copy until a new one is.

The file streams into a temporary file beside its target and replaces it only once it is complete
and looks like the CMD CSV; its URL, size, sha256 and retrieval time go into fetch-manifest.json.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import requests
from tqdm import tqdm

from helpers.config import download_dir, settings
from helpers.errors import InputError
from helpers.sources.ons_cmd import check_header

MANIFEST = "fetch-manifest.json"
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


def fetch_ons_series(
    url: str | None = None,
    out_dir: str | Path | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
) -> Path:
    """Download the configured CMD CSV (or `url`) into `out_dir` and record it in the manifest."""
    if retries < 1:
        raise ValueError(f"retries must be at least 1, not {retries}")
    source = settings()["ons_wellbeing_local_authority"]
    url = url or source["url"]
    folder = Path(out_dir) if out_dir is not None else download_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source["filename"]
    for attempt in range(1, retries + 1):
        try:
            digest, size = _download(url, target, timeout)
            break
        except RetryableFetchError as err:
            if attempt == retries:
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning(
                "attempt %d of %d failed (%s); retrying in %gs", attempt, retries, err, wait
            )
            time.sleep(wait)
    retrieved_at = datetime.now(UTC).isoformat(timespec="seconds")
    entry = {"url": url, "sha256": digest, "bytes": size, "retrieved_at": retrieved_at}
    _record(folder / MANIFEST, target.name, entry)
    return target


def _download(url: str, target: Path, timeout: float) -> tuple[str, int]:
    """One attempt: stream to a temporary file, check it, then atomically replace the target."""
    with _beside(target) as part:
        with part.open("wb") as handle:
            digest, size = _stream(url, handle, timeout, target.name)
        _check_content(part, url)
        os.replace(part, target)
    return digest, size


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
    """Refuse an HTML page or anything whose header is not the CMD CSV's."""
    with path.open("rb") as handle:
        start = handle.read(CHUNK_BYTES).lstrip()
    if start.startswith(MARKUP_START):
        raise FetchError("got an HTML page instead of the CSV (an error page?)", url=url)
    try:
        check_header(path)
    except InputError as err:
        column = f" {err.column!r}" if err.column else ""
        raise FetchError(f"not the ONS CMD CSV: {err.problem}{column}", url=url) from err


def _record(manifest: Path, name: str, entry: dict[str, Any]) -> None:
    """Set this file's entry in the fetch manifest, written atomically with stable key order."""
    files: dict[str, Any] = {}
    if manifest.exists():
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError) as err:
            raise InputError("unreadable fetch manifest", file=manifest, value=str(err)) from err
    files[name] = entry
    text = json.dumps({"files": files}, indent=2, sort_keys=True) + "\n"
    with _beside(manifest) as part:
        part.write_text(text, encoding="utf-8")
        os.replace(part, manifest)
