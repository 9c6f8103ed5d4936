"""Reader of the ONS Explore Local Statistics CSV format, shared by every indicator it publishes."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.delimited import SOURCE_COLUMNS, number, read_records

COLUMNS = (
    "areacd",
    "areanm",
    "geography",
    "indicator",
    "period",
    "measure",
    "observation",
    "unit",
    "lci_95",
    "uci_95",
    "status",
    "notes",
)
# ONS markers in the status column: x not available, u low reliability,
# c confidential (suppressed by the publisher), z not applicable.
STATUS_BY_MARKER = {
    "x": "suppressed",
    "c": "suppressed",
    "u": "low_reliability",
    "z": "not_applicable",
}
OUTPUT_COLUMNS = [
    "area_code",
    "area_name",
    "geography",
    "indicator",
    "period_raw",
    "period",
    "measure",
    "value",
    "unit",
    "lower_95",
    "upper_95",
    "status_raw",
    "status",
    "notes",
    "source_row",
]
_INTERVAL = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-\d{2}/P(?P<years>\d+)Y")
_DATE = re.compile(r"(?P<year>\d{4})-\d{2}-\d{2}")


def normalise_period(text: str) -> str | None:
    """Turn an ISO 8601 period into the label used in publications, or None if unrecognised.

    A year from 1 January is a calendar year ('2019'); a year from another month is a
    financial or academic year ('2011-12'); several years are a range ('2011-13'); a single
    date (an annual survey's reference day, as in ASHE) labels its calendar year.
    """
    if match := _INTERVAL.fullmatch(text):
        start, years = int(match["year"]), int(match["years"])
        end = start + years - (1 if match["month"] == "01" else 0)
        return str(start) if end == start else f"{start}-{end % 100:02d}"
    if match := _DATE.fullmatch(text):
        return match["year"]
    return None


def status_of(marker: str, value: float) -> str:
    """Classify a row by its ONS marker; an unmarked row without a value was withheld.

    The marker wins over a missing value: 'u' rows stay low_reliability even where ONS
    withheld the number, so the reason it is missing is kept.
    """
    if marker:
        return STATUS_BY_MARKER[marker]
    return "suppressed" if math.isnan(value) else "published"


def _row(path: Path, line: int, cells: dict[str, str]) -> dict[str, object]:
    """Convert one raw row to the output layout, failing on unknown markers or bad numbers."""
    marker = cells["status"].strip()
    if marker and marker not in STATUS_BY_MARKER:
        raise InputError(
            "unknown status marker", file=path, row=line, column="status", value=marker
        )
    period = normalise_period(cells["period"].strip())
    if period is None:
        raise InputError(
            "period is not an ISO 8601 date or yearly interval",
            file=path,
            row=line,
            column="period",
            value=cells["period"],
        )
    value, lower, upper = (
        number(cells[name], STATUS_BY_MARKER, file=path, row=line, column=name)
        for name in ("observation", "lci_95", "uci_95")
    )
    return {
        "area_code": cells["areacd"].strip(),
        "area_name": cells["areanm"].strip(),
        "geography": cells["geography"].strip(),
        "indicator": cells["indicator"].strip(),
        "period_raw": cells["period"],
        "period": period,
        "measure": cells["measure"].strip(),
        "value": value,
        "unit": cells["unit"].strip(),
        "lower_95": lower,
        "upper_95": upper,
        "status_raw": marker,
        "status": status_of(marker, value),
        "notes": cells["notes"].strip(),
        "source_row": line,
    }


def read_els(path: str | Path) -> pd.DataFrame:
    """Read one Explore Local Statistics CSV into a typed table, one row per line of the file."""
    path = Path(path)
    _, records = read_records(path, COLUMNS)
    rows = [_row(path, record.line, record.cells) for record in records]
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    return frame.astype({"value": "float64", "lower_95": "float64", "upper_95": "float64"})


AREA_LEVELS = {
    "Local Authority District": "ltla",
    "County or Unitary Authority": "utla",
    "Combined Authority or City Region": "combined_authority",
    "ITL Level 1": "itl1",
    "ITL Level 2": "itl2",
    "Region": "region",
    "Nation": "nation",
    "Country": "country_group",
}


def area_level(path: Path, line: int, geography: str, code: str) -> str:
    """Map an ELS geography label to an area level; K02000001 is the UK itself."""
    if geography not in AREA_LEVELS:
        raise InputError(
            "unknown geography", file=path, row=line, column="geography", value=geography
        )
    return "uk" if code == "K02000001" else AREA_LEVELS[geography]


def read(path: Path) -> pd.DataFrame:
    """Read an ELS file into the common source layout, one series per ELS indicator."""
    table = read_els(path)
    levels = [
        area_level(path, line, geography, code)
        for line, geography, code in zip(
            table["source_row"], table["geography"], table["area_code"], strict=True
        )
    ]
    return table.assign(series=table["indicator"], area_level=levels)[SOURCE_COLUMNS]
