"""The raw inputs' manifest: what each file in the raw folder is, and that its bytes are unchanged.

`manifest.yml` in the raw folder lists every file with its sha256, size, publisher, release and
licence. The data build calls `verify` before it reads anything: a listed file that is missing
or whose bytes changed, and a file that is not listed, each stop the build with the file named.
`record` writes a file's new checksum into the manifest (what `wellbeing data fetch` does once a
download has been validated).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from helpers.checksums import sha256_of
from helpers.errors import InputError

MANIFEST = "manifest.yml"
# What every entry says; `file_url`, `release_date` and `derived` are given where known.
REQUIRED = ("path", "sha256", "bytes", "publisher", "title", "period", "release_url", "licence")
HEADER_END = re.compile(r"^files:", re.MULTILINE)


def manifest_path(raw_dir: Path) -> Path:
    """The manifest file of a raw folder."""
    return Path(raw_dir) / MANIFEST


def load(raw_dir: Path) -> dict[str, dict[str, Any]]:
    """The manifest's entries by path; a manifest missing a required key is an input error."""
    path = manifest_path(raw_dir)
    if not path.is_file():
        raise InputError("raw-data folder has no manifest.yml", file=path)
    entries = yaml.safe_load(path.read_text(encoding="utf-8")).get("files") or []
    by_path: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(entries):
        for key in REQUIRED:
            if entry.get(key) in (None, ""):
                raise InputError(
                    "manifest entry lacks a required key",
                    file=path,
                    row=position + 1,
                    column=key,
                    value=entry.get("path"),
                )
        if entry["path"] in by_path:
            raise InputError("file listed twice", file=path, column="path", value=entry["path"])
        by_path[entry["path"]] = entry
    return by_path


def present(raw_dir: Path) -> list[str]:
    """Every file in the raw folder but the manifest, as paths relative to it, sorted."""
    root = Path(raw_dir)
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() != MANIFEST
    )


def verify(raw_dir: Path) -> dict[str, dict[str, Any]]:
    """Check every raw file against the manifest before anything reads it; return the entries."""
    root = Path(raw_dir)
    entries = load(root)
    for relative in present(root):
        if relative not in entries:
            file = root / relative
            raise InputError(
                "file is not listed in the raw manifest: add its entry with "
                f"sha256 {sha256_of(file)} and bytes {file.stat().st_size}",
                file=file,
            )
    for relative, entry in entries.items():
        file = root / relative
        if not file.is_file():
            problem = "file listed in the raw manifest not found"
            raise InputError(problem, file=file, column="path", value=relative)
        if file.stat().st_size != entry["bytes"] or sha256_of(file) != entry["sha256"]:
            raise InputError(
                f"file's bytes differ from the raw manifest (sha256 {entry['sha256'][:12]}…): "
                "a raw file is never edited; record a new release with `wellbeing data fetch`",
                file=file,
                column="sha256",
                value=sha256_of(file)[:12] + "…",
            )
    return entries


def record(raw_dir: Path, relative: str, **metadata: Any) -> dict[str, Any]:
    """Write a file's checksum and size (and any metadata given) into the manifest."""
    root = Path(raw_dir)
    path = manifest_path(root)
    text = path.read_text(encoding="utf-8")
    found = HEADER_END.search(text)
    header = text[: found.start()] if found else ""
    entries = yaml.safe_load(text).get("files") or []
    file = root / relative
    fresh = {"sha256": sha256_of(file), "bytes": file.stat().st_size}
    entry = next((e for e in entries if e["path"] == relative), None)
    if entry is None:
        entry = {"path": relative}
        entries.append(entry)
    entry.update(fresh | metadata)
    entries.sort(key=lambda e: e["path"])
    body = yaml.safe_dump({"files": entries}, sort_keys=False, allow_unicode=True, width=100)
    handle, staged = tempfile.mkstemp(prefix=".manifest.", dir=root)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(header + body)
    os.chmod(staged, 0o644)
    os.replace(staged, path)
    return entry
