"""Reader of the ONS Subnational indicators explorer (Levelling Up metrics), latest edition."""

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

COLUMNS = ("unique", "group", "Geography", "Indicator", "Period", "unit", "real")
# The explorer labels unitary authorities (E06) "County or Unitary Authority", but every
# code it lists is a lower-tier LA.
AREA_LEVELS = {"Local Authority District": "ltla", "County or Unitary Authority": "ltla"}
_YEAR = re.compile(r"(\d{4})/(\d{2})")


def period_label(text: str) -> str:
    """Write '2022/23' as '2022-23'; the explorer's other period labels are kept as published."""
    cell = text.strip()
    return f"{match[1]}-{match[2]}" if (match := _YEAR.fullmatch(cell)) else cell


def read(path: Path) -> pd.DataFrame:
    """Read the explorer's CSV; 'real' is the published value (the 'value' column is a z-score)."""
    _, records = read_records(path, COLUMNS)
    rows = []
    for record in records:
        cells, line = record.cells, record.line
        if cells["Geography"] not in AREA_LEVELS:
            raise InputError(
                "unknown geography",
                file=path,
                row=line,
                column="Geography",
                value=cells["Geography"],
            )
        value = number(cells["real"], STATUS_BY_MARKER, file=path, row=line, column="real")
        raw, status = marker_status(cells["real"], value)
        rows.append(
            {
                "series": cells["Indicator"].strip(),
                "period": period_label(cells["Period"]),
                "area_code": cells["unique"].strip(),
                "area_name": cells["group"].strip(),
                "area_level": AREA_LEVELS[cells["Geography"]],
                "value": value,
                "lower_95": float("nan"),
                "upper_95": float("nan"),
                "unit": cells["unit"].strip(),
                "status_raw": raw,
                "status": status,
                "source_row": line,
            }
        )
    return source_frame(rows)
