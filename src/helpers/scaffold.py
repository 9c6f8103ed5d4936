"""A new edition from the previous one: `wellbeing edition new 2025 --from 2024`.

The new file keeps the previous edition's sections, basis, baseline and geography, moves the
latest period on to the latest the data snapshot holds (one year on at most), dates the release
a year later, and starts as a draft with an empty changelog. It is checked against the data
before it is written (`check_edition`), so a scaffold that cannot be built is never left behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from helpers import geodata, geography
from helpers.editions import Edition, editions_dir, load_edition, parse_edition
from helpers.errors import InputError

HEADER = (
    "# The {name} edition of the Well-being mission progress update, scaffolded from {source}.\n"
    "# Paths are relative to this file. Review the periods, release date and publisher details.\n"
)


def next_period(period: str) -> str:
    """The financial year after one like 2022-23 (2023-24)."""
    start = int(period[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def snapshot_periods(processed_dir: Path) -> list[str]:
    """The periods the processed snapshot holds, from its manifest."""
    manifest = processed_dir / "manifest.json"
    if not manifest.is_file():
        raise InputError("processed snapshot has no manifest", file=manifest)
    return json.loads(manifest.read_text(encoding="utf-8"))["processed"]["periods"]


def check_edition(edition: Edition) -> None:
    """Refuse an edition the data cannot build: unknown periods, missing notebooks, no lookups."""
    periods = snapshot_periods(edition.processed_dir)
    named = {"latest_period": edition.latest_period, "baseline_period": edition.baseline_period}
    named |= {f"gap_baseline_periods[{i}]": p for i, p in enumerate(edition.gap_baseline_periods)}
    for key, period in named.items():
        if period not in periods:
            raise InputError(
                f"period not in the data snapshot (it holds {periods[0]} to {periods[-1]})",
                file=edition.path,
                column=key,
                value=period,
            )
    for i, section in enumerate(edition.sections):
        if not section.path.is_file():
            raise InputError(
                "section file does not exist",
                file=edition.path,
                column=f"sections[{i}]",
                value=str(section.path.name),
            )
    vintage = edition.geography_vintage
    covered = geography.EARLIEST_VINTAGE <= vintage <= geography.LATEST_VINTAGE
    if not covered or not geodata.hexes_path(edition.processed_dir, vintage).is_file():
        raise InputError(
            f"no geography lookups and map layout for this vintage in the snapshot "
            f"(vintages with maps: {', '.join(map(str, geodata.VINTAGES))})",
            file=edition.path,
            column="geography_vintage",
            value=vintage,
        )


def scaffold(source: Edition, name: str, periods: list[str]) -> dict[str, Any]:
    """The new edition's mapping: the source's settings a year on, as a draft."""
    raw = yaml.safe_load(source.path.read_text(encoding="utf-8"))
    following = next_period(source.latest_period)
    latest = following if following in periods else periods[-1]
    release = source.release_date
    raw |= {
        "edition": name,
        "release_date": release.replace(year=release.year + 1),
        "status": "draft",
        "latest_period": latest,
        "changelog": [],
        "corrections": [],
    }
    raw["data_snapshot"] = {**raw["data_snapshot"], "manifest_sha256": None}
    return raw


def new_edition(name: str, source: str, directory: Path | None = None) -> Path:
    """Write editions/<name>.yml scaffolded from the `source` edition; refuse to overwrite."""
    folder = directory or editions_dir()
    path = folder / f"{name}.yml"
    if path.exists():
        raise InputError("edition file already exists", file=path, column="edition", value=name)
    previous = load_edition(source, folder)
    raw = scaffold(previous, name, snapshot_periods(previous.processed_dir))
    check_edition(parse_edition(path.resolve(), raw))
    text = HEADER.format(name=name, source=source) + yaml.safe_dump(
        raw, sort_keys=False, allow_unicode=True, width=100
    )
    path.write_text(text, encoding="utf-8")
    return path
