"""How a release names itself for readers: its citation, its sources and their licences."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from helpers.errors import InputError

OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
EDITION_KEYS = ("title", "edition", "release_date")
EDITION_FILE = "edition metadata"
MANIFEST_FILE = "manifest.json"
DEFAULT_SOURCE = "Office for National Statistics, Annual Population Survey (personal well-being)"
PLACEHOLDER = "to be confirmed"
# Layers every edition's maps are drawn from, with the attribution their licences require.
MAP_ATTRIBUTIONS = (
    "Hexagon layout of local authorities: © Open Innovations, MIT licence.",
    "Boundaries: Office for National Statistics, "
    f"[{OGL['title']}]({OGL['path']}). "
    "Contains OS data © Crown copyright and database right.",
)


def release_date(value: object) -> date:
    """Read a release date given as a date or an ISO 8601 string."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as err:
        raise InputError(
            "release date is not an ISO date (YYYY-MM-DD)",
            file=EDITION_FILE,
            column="release_date",
            value=value,
        ) from err


def edition_fields(edition_meta: dict[str, Any]) -> dict[str, Any]:
    """Check an edition's title, edition and release date; mark unset details as placeholders."""
    for key in EDITION_KEYS:
        if not edition_meta.get(key):
            raise InputError(
                "edition metadata lacks a required field", file=EDITION_FILE, column=key
            )
    return {
        "title": str(edition_meta["title"]),
        "edition": str(edition_meta["edition"]),
        "release_date": release_date(edition_meta["release_date"]),
        "publisher": str(edition_meta.get("publisher", f"Publisher {PLACEHOLDER}")),
        "source": str(edition_meta.get("source", DEFAULT_SOURCE)),
        "contact": str(edition_meta.get("contact", f"Contact details {PLACEHOLDER}")),
        "url": str(edition_meta.get("url", f"[web address {PLACEHOLDER}]")),
    }


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 7 November 2024."""
    return f"{day.day} {day:%B %Y}"


def cite_block(edition_meta: dict[str, Any], code_version: str, data_snapshot_sha: str) -> str:
    """Markdown 'Cite this release' block naming the edition, its code and its data snapshot."""
    if not code_version.strip():
        raise ValueError("code version is empty; pass `git describe --always --dirty` output")
    if not re.fullmatch(r"[0-9a-f]{64}", data_snapshot_sha):
        raise ValueError(
            f"data snapshot checksum is not a SHA-256 hex digest: {data_snapshot_sha!r}"
        )
    f = edition_fields(edition_meta)
    citation = (
        f"{f['publisher']} ({f['release_date'].year}). *{f['title']}*, {f['edition']} edition. "
        f"Released {long_date(f['release_date'])}. {f['url']}"
    )
    return "\n".join(
        [
            "## Cite this release",
            "",
            citation,
            "",
            f"- Code version: `{code_version}`",
            f"- Data snapshot (SHA-256): `{data_snapshot_sha}`",
            "",
        ]
    )


def _licence(name: str) -> str:
    """A licence name, linked to its text when it is the Open Government Licence v3.0."""
    return f"[{name}]({OGL['path']})" if name == OGL["title"] else name


def _source_line(index: int, source: dict[str, Any]) -> str:
    """One Markdown list item: publisher, linked title, release and licence of a source."""
    for key in ("title", "publisher", "licence"):
        if not source.get(key):
            raise InputError(
                "source lacks a required field",
                file=MANIFEST_FILE,
                sheet="sources",
                row=index,
                column=key,
                value=source.get("id"),
            )
    title = f"[{source['title']}]({source['url']})" if source.get("url") else source["title"]
    release = f" ({source['release']})" if source.get("release") else ""
    return f"- {source['publisher']}: {title}{release}. Licence: {_licence(source['licence'])}."


def sources_block(manifest: dict[str, Any]) -> str:
    """Markdown list of the sources the data snapshot used, then the map layers' attributions."""
    if "sources" not in manifest:
        raise InputError("manifest has no sources list", file=MANIFEST_FILE, column="sources")
    used = [(i, s) for i, s in enumerate(manifest["sources"]) if s.get("used", True)]
    if not used:
        raise InputError("manifest lists no used source", file=MANIFEST_FILE, column="sources")
    lines = ["## Sources", "", *[_source_line(i, s) for i, s in used], ""]
    lines += ["### Maps", "", *[f"- {a}" for a in MAP_ATTRIBUTIONS], ""]
    return "\n".join(lines)
