"""Reader of the ONS Health Index for England (derived CSV): scores by lower-tier LA and year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.delimited import STATUS_BY_MARKER, read_records, source_frame, wide_rows

ID_COLUMNS = ("ltla21_code", "year")
# Index scores: 100 = England in 2015; higher is healthier.
UNIT = "index (England 2015 = 100)"


def _year(path: Path, line: int, text: str) -> str:
    """Turn the derived file's '2015.0' into '2015', refusing a non-whole year."""
    try:
        year = float(text)
    except ValueError:
        year = float("nan")
    if not year.is_integer():
        raise InputError(
            "year is not a whole number", file=path, row=line, column="year", value=text
        )
    return str(int(year))


def read(path: Path) -> pd.DataFrame:
    """Read a Health Index file (overall or subdomains): every score column is a series."""
    header, records = read_records(path, ID_COLUMNS)
    series = {column: UNIT for column in header if column not in ID_COLUMNS}
    rows = wide_rows(
        path,
        records,
        series,
        STATUS_BY_MARKER,
        period=lambda r: _year(path, r.line, r.cells["year"]),
        area_code=lambda r: r.cells["ltla21_code"].strip(),
        area_name=lambda r: "",
        area_level=lambda r: "ltla",
    )
    return source_frame(rows)
