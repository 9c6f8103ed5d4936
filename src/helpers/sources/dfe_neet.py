"""Reader of the DfE NEET and participation scorecard: 16-17 year olds NEET or not known, by LA."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.delimited import (
    STATUS_BY_MARKER,
    Record,
    read_records,
    source_frame,
    wide_rows,
)

SERIES = {
    "NEET_not_known_percent": "%",
    "NEET_percent": "%",
    "Notknown_percent": "%",
    "sess_overall_percent": "%",
}
AREA_COLUMNS = (
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "la_name",
    "time_period",
)
LEVELS = {
    "National": ("nation", "country_code", "country_name"),
    "Regional": ("region", "region_code", "region_name"),
    "Local authority": ("utla", "new_la_code", "la_name"),
}

# The 2021 file carries two placeholder rows without codes; they are read as their own series
# so the manifest counts them and no estimate of a real area is lost.
DEMO_NAMES = ("Region demo", "LA demo")
DEMO_SERIES = " (placeholder row without an area)"


def level_of(path: Path, line: int, level: str) -> tuple[str, str, str]:
    """Map DfE's geographic_level to an area level and the columns holding code and name."""
    if level not in LEVELS:
        raise InputError(
            "unknown geographic level", file=path, row=line, column="geographic_level", value=level
        )
    return LEVELS[level]


def area_fields(levels: dict[int, tuple[str, str, str]]) -> dict[str, Callable[[Record], str]]:
    """Period, area code, name and level of a DfE record, from its line's geographic level."""
    return {
        "period": lambda r: r.cells["time_period"].strip(),
        "area_code": lambda r: r.cells[levels[r.line][1]].strip(),
        "area_name": lambda r: r.cells[levels[r.line][2]].strip(),
        "area_level": lambda r: levels[r.line][0],
    }


def read(path: Path) -> pd.DataFrame:
    """Read one year's scorecard, one row per area and series; z and c markers are kept."""
    _, records = read_records(path, (*AREA_COLUMNS, *SERIES))
    levels = {r.line: level_of(path, r.line, r.cells["geographic_level"]) for r in records}
    demo_lines = _placeholder_lines(path, records, levels)
    rows = wide_rows(path, records, SERIES, STATUS_BY_MARKER, **area_fields(levels))
    frame = source_frame(rows)
    demo = frame["source_row"].isin(demo_lines)
    frame.loc[demo, "series"] = frame.loc[demo, "series"] + DEMO_SERIES
    return frame


def _placeholder_lines(
    path: Path, records: list[Record], levels: dict[int, tuple[str, str, str]]
) -> set[int]:
    """Lines of the placeholder rows; any other row without an area code is an input error."""
    lines = set()
    for record in records:
        _, code_column, name_column = levels[record.line]
        if record.cells[code_column].strip():
            continue
        if record.cells[name_column].strip() not in DEMO_NAMES:
            raise InputError("area has no code", file=path, row=record.line, column=code_column)
        lines.add(record.line)
    return lines
