"""Reader of Sport England Active Lives (via OHID Fingertips): % of adults active 150+ min/week."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.delimited import (
    STATUS_BY_MARKER,
    marker_status,
    number,
    read_records,
    source_frame,
)

COLUMNS = ("area_code", "area_name", "area_type", "period", "indicator", "value")
# Districts and unitary authorities together are the lower tier.
AREA_LEVELS = {"District": "ltla", "UA": "ltla", "Country": "nation"}
_YEAR = re.compile(r"(\d{4})/(\d{2})")


def _period(path: Path, line: int, text: str) -> str:
    """Turn Fingertips' '2015/16' into '2015-16'."""
    if not (match := _YEAR.fullmatch(text.strip())):
        raise InputError(
            "period is not a year like 2015/16", file=path, row=line, column="period", value=text
        )
    return f"{match[1]}-{match[2]}"


def read(path: Path) -> pd.DataFrame:
    """Read the Active Lives extract; one row per English LA or England."""
    _, records = read_records(path, COLUMNS)
    rows = []
    for record in records:
        cells, line = record.cells, record.line
        if cells["area_type"] not in AREA_LEVELS:
            raise InputError(
                "unknown area type",
                file=path,
                row=line,
                column="area_type",
                value=cells["area_type"],
            )
        value = number(cells["value"], STATUS_BY_MARKER, file=path, row=line, column="value")
        raw, status = marker_status(cells["value"], value)
        rows.append(
            {
                "series": cells["indicator"].strip(),
                "period": _period(path, line, cells["period"]),
                "area_code": cells["area_code"].strip(),
                "area_name": cells["area_name"].strip(),
                "area_level": AREA_LEVELS[cells["area_type"]],
                "value": value,
                "lower_95": float("nan"),
                "upper_95": float("nan"),
                "unit": "%",
                "status_raw": raw,
                "status": status,
                "source_row": line,
            }
        )
    return source_frame(rows)
