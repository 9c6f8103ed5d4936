"""Reader of the ONS Health Index for England (derived CSV): scores by lower-tier LA and year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.area_lookups import name_of, names_by_code
from helpers.sources.delimited import STATUS_BY_MARKER, read_records, source_frame, wide_rows

ID_COLUMNS = ("ltla21_code", "year")
# Index scores: 100 = England in 2015; higher is healthier.
UNIT = "index (England 2015 = 100)"
NAMES = ("lookup_ltla21_utla21.csv", "ltla21_code", "ltla21_name")


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
    names = names_by_code(*NAMES)
    series = {column: UNIT for column in header if column not in ID_COLUMNS}
    rows = wide_rows(
        path,
        records,
        series,
        STATUS_BY_MARKER,
        period=lambda r: _year(path, r.line, r.cells["year"]),
        area_code=lambda r: r.cells["ltla21_code"].strip(),
        area_name=lambda r: name_of(
            names, r.cells["ltla21_code"].strip(), file=path, row=r.line, column="ltla21_code"
        ),
        area_level=lambda r: "ltla",
    )
    return source_frame(rows)
