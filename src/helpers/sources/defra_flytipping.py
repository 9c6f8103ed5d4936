"""Reader of DEFRA fly-tipping incidents by local authority (workbook sheet LA_incidents)."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd

from helpers.errors import InputError
from helpers.sources.area_lookups import REGION_ALIASES, region_codes
from helpers.sources.delimited import marker_status, source_frame

SHEET = "LA_incidents"
HEADER_ROW = 3
ID_COLUMNS = ("Year", "ONS Code", "LA Name", "Region")
# DEFRA publishes incidents per 1,000 people (with the population used) from 2019-20 only.
SERIES = {
    "Total Incidents": "incidents",
    "Incidents per 1,000 people": "incidents per 1,000 people",
    "Mid population estimates": "people",
}
TOTAL = "*Total"
ENGLAND = "*Total England"
# 2018-19 has two England totals: the original, on the basis of earlier years (kept as England),
# and one re-based to compare with 2019-20, read as its own series so the manifest counts it.
ENGLAND_ORIGINAL = "*Total England (original)"
ENGLAND_REBASED = "*Total England (comparable with 2019/20)"
REBASED_SERIES = " (England total comparable with 2019/20)"
MARKERS = (":",)


def _cell_number(path: Path, line: int, column: str, cell: object) -> tuple[float, str]:
    """Return a cell's number and its text; ':' or an empty cell is NaN, other text fails."""
    if cell is None or (isinstance(cell, str) and cell.strip() in ("", *MARKERS)):
        return math.nan, "" if cell is None else cell.strip()
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell), ""
    raise InputError(
        "not a number or a known marker",
        file=path,
        sheet=SHEET,
        row=line,
        column=column,
        value=cell,
    )


def _header(path: Path, cells: tuple) -> dict[str, int]:
    """Locate the needed columns on the header row, naming any that are missing."""
    names = {str(cell).strip(): index for index, cell in enumerate(cells) if cell is not None}
    missing = [name for name in (*ID_COLUMNS, *SERIES) if name not in names]
    if missing:
        raise InputError(
            f"missing column(s) {missing}",
            file=path,
            sheet=SHEET,
            row=HEADER_ROW,
            column=missing[0],
            value=list(names),
        )
    return names


def _area(
    path: Path, line: int, cells: tuple, index: dict[str, int], regions: dict[str, str]
) -> tuple[str, str, str]:
    """Return code, name and level; every LA listed is lower tier, '*Total' rows are totals."""
    code, name, region = (str(cells[index[c]]).strip() for c in ("ONS Code", "LA Name", "Region"))
    if code != TOTAL:
        return code, name, "ltla"
    if region in (ENGLAND, ENGLAND_ORIGINAL, ENGLAND_REBASED):
        return "E92000001", "England", "nation"
    if region not in regions:
        raise InputError(
            "region total names a region not in the geography lookup",
            file=path,
            sheet=SHEET,
            row=line,
            column="Region",
            value=region,
        )
    return regions[region], REGION_ALIASES.get(region, region), "region"


def read(path: Path) -> pd.DataFrame:
    """Read incidents, population and incidents per 1,000 people for every LA and year."""
    if not path.is_file():
        raise InputError("file not found", file=path)
    try:
        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True)[SHEET]
    except KeyError as error:
        raise InputError("sheet not found", file=path, sheet=SHEET) from error
    rows_iter = sheet.iter_rows(values_only=True)
    for _ in range(HEADER_ROW - 1):
        next(rows_iter, None)
    index = _header(path, next(rows_iter, ()))
    regions = region_codes()
    rows = []
    for line, cells in enumerate(rows_iter, start=HEADER_ROW + 1):
        if all(cell is None for cell in cells):
            continue
        code, name, level = _area(path, line, cells, index, regions)
        rebased = str(cells[index["Region"]]).strip() == ENGLAND_REBASED
        for column, unit in SERIES.items():
            value, text = _cell_number(path, line, column, cells[index[column]])
            raw, status = marker_status(text, value)
            rows.append(
                {
                    "series": column + REBASED_SERIES if rebased else column,
                    "period": str(cells[index["Year"]]).strip(),
                    "area_code": code,
                    "area_name": name,
                    "area_level": level,
                    "value": value,
                    "lower_95": math.nan,
                    "upper_95": math.nan,
                    "unit": unit,
                    "status_raw": raw,
                    "status": status,
                    "source_row": line,
                }
            )
    return source_frame(rows)
