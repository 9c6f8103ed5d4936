"""Parser for ONS "Personal well-being estimates: geographical breakdown" workbooks (2011-15).

The workbooks were first published one per year (.xls). Their layout drifts between years:
header rows move down a row, band labels sit over different columns, the standard deviation
column comes and goes, sheet names carry trailing spaces, and area names sit in the second,
third or fourth column depending on the geographic level. The layout is therefore read from
the header text of each sheet, never from fixed positions, and any header that does not match
the expected structure stops the parse with the sheet, row and column named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlrd

from helpers.errors import InputError
from helpers.schema import ANXIETY_BANDS, HEADLINE_BAND, POSITIVE_BANDS

SOURCE_ID = "ons_apw_geographical_breakdown"
SHEETS = {
    "life satisfaction": "life_satisfaction",
    "worthwhile": "worthwhile",
    "happiness": "happiness",
    "anxiety": "anxiety",
}
CODE = re.compile(r"^(?:[EWSNK]\d{8}|95[A-Z]|\*)$")
FOOTNOTE = re.compile(r"^(?:\d+\s|[#*x]\s|source|main table|key)", re.IGNORECASE)
TITLE_PERIOD = re.compile(r"April (\d{4}) to March (\d{4})")
MARKERS = {"x": "suppressed", "#": "no_estimate", "": "no_estimate"}
# Eilean Siar, Orkney and Shetland are published as one area with the code "*".
COMBINED_AREAS = {"Eilean Siar, Orkney & Shetland": "S12000013+S12000023+S12000027"}
HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class Layout:
    """Column positions of one measure sheet, read from its header text."""

    header_row: int
    value_cols: dict[str, int]  # statistic -> column of the estimate
    triplet_cols: dict[str, int]  # statistic -> column of its CV (lower, upper follow)
    sd_col: int | None
    sample_col: int


def col_letter(col: int) -> str:
    """Spreadsheet column letter of a zero-based column index, for error messages."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(sheet: xlrd.sheet.Sheet, row: int, col: int) -> str:
    """Cell content as stripped text ('' beyond the sheet's used range)."""
    if row >= sheet.nrows or col >= sheet.ncols:
        return ""
    return str(sheet.cell_value(row, col)).strip()


def open_workbook(path: Path) -> xlrd.book.Book:
    """Open an .xls workbook, turning a missing, empty or corrupt file into an InputError."""
    if not path.exists():
        raise InputError("workbook not found", file=path)
    if path.stat().st_size == 0:
        raise InputError("workbook is empty (0 bytes)", file=path)
    try:
        return xlrd.open_workbook(str(path))
    except xlrd.biffh.XLRDError as err:
        raise InputError(f"not a readable .xls workbook: {err}", file=path) from err


def measure_sheets(book: xlrd.book.Book, path: Path) -> dict[str, xlrd.sheet.Sheet]:
    """Map each measure to its sheet, matching names case- and space-insensitively."""
    found = {name.strip().lower(): name for name in book.sheet_names()}
    missing = [name for name in SHEETS if name not in found]
    if missing:
        raise InputError(
            f"expected sheets {sorted(SHEETS)}; missing {missing}; found {book.sheet_names()}",
            file=path,
            sheet=missing[0],
        )
    return {measure: book.sheet_by_name(found[name]) for name, measure in SHEETS.items()}


def period_of(sheet: xlrd.sheet.Sheet, path: Path) -> str:
    """Financial year of a sheet ('2014-15') from its title 'April 2014 to March 2015'."""
    title = _text(sheet, 0, 0)
    match = TITLE_PERIOD.search(title)
    if not match or int(match[2]) != int(match[1]) + 1:
        raise InputError(
            "title does not state a financial year 'April YYYY to March YYYY+1'",
            file=path,
            sheet=sheet.name,
            row=1,
            column="A",
            value=title[:80],
        )
    return f"{match[1]}-{match[2][2:]}"


def _header_row(sheet: xlrd.sheet.Sheet, path: Path) -> int:
    """Row holding 'Area Codes' (or 'Codes') in column A: the last header row."""
    for row in range(min(HEADER_SEARCH_ROWS, sheet.nrows)):
        if _text(sheet, row, 0).lower() in ("area codes", "codes"):
            return row
    raise InputError(
        f"no header row with 'Area Codes' in column A within the first {HEADER_SEARCH_ROWS} rows",
        file=path,
        sheet=sheet.name,
        column="A",
    )


def _triplets(sheet: xlrd.sheet.Sheet, header: int, path: Path) -> list[int]:
    """Columns starting each 'CV, Lower limit, Upper limit' group of the header row."""
    cols = []
    for col in range(sheet.ncols - 2):
        labels = [_text(sheet, header, col + i).lower() for i in range(3)]
        if labels == ["cv", "lower limit", "upper limit"]:
            cols.append(col)
    if len(cols) != 5:
        raise InputError(
            f"expected 5 'CV, Lower limit, Upper limit' column groups, found {len(cols)}",
            file=path,
            sheet=sheet.name,
            row=header + 1,
        )
    return cols


def _label_near(sheet: xlrd.sheet.Sheet, header: int, cols: range) -> str:
    """Band label ('0-4') or 'mean' written above a column group in the header rows."""
    for row in range(header):
        for col in cols:
            text = _text(sheet, row, col).lower()
            if re.fullmatch(r"\d+-\d+", text):
                return "band_" + text.replace("-", "_")
            if text.startswith("average"):
                return "mean"
    return ""


def layout_of(sheet: xlrd.sheet.Sheet, measure: str, path: Path) -> Layout:
    """Locate every column of a measure sheet from its header text, checking the order."""
    header = _header_row(sheet, path)
    bands = ANXIETY_BANDS if measure == "anxiety" else POSITIVE_BANDS
    expected = [*bands, "mean"]
    groups = _triplets(sheet, header, path)
    triplet_cols = {}
    for stat, col in zip(expected, groups, strict=True):
        label = _label_near(sheet, header, range(col, col + 3))
        if label != stat:
            raise InputError(
                f"confidence-limit columns out of order: expected {stat}, header says {label!r}",
                file=path,
                sheet=sheet.name,
                row=header + 1,
                column=col_letter(col),
                value=label,
            )
        triplet_cols[stat] = col
    value_cols = {}
    for col in range(2, groups[0]):
        label = _label_near(sheet, header, range(col, col + 1))
        if label in expected and label not in value_cols:
            value_cols[label] = col
    if list(value_cols) != expected:
        raise InputError(
            f"estimate columns not found in order {expected}: found {list(value_cols)}",
            file=path,
            sheet=sheet.name,
            row=header + 1,
        )
    sd_col = sample_col = None
    for row in range(header + 1):
        for col in range(sheet.ncols):
            text = _text(sheet, row, col).lower()
            if text.startswith("standard deviation"):
                sd_col = col
            elif text.startswith("sample size") and sample_col is None:
                sample_col = col
    if sample_col is None:
        raise InputError(
            "no 'Sample size' column in the header rows",
            file=path,
            sheet=sheet.name,
            row=header + 1,
        )
    return Layout(header, value_cols, triplet_cols, sd_col, sample_col)


def _cell(sheet: xlrd.sheet.Sheet, row: int, col: int, path: Path) -> tuple[float, str | None]:
    """A numeric cell as (value, None) or a known marker as (NaN, marker); else an error."""
    value = sheet.cell_value(row, col)
    if isinstance(value, float):
        return value, None
    marker = str(value).strip()
    if marker in MARKERS:
        return float("nan"), marker
    raise InputError(
        "non-numeric cell that is not a known marker (x suppressed, # no estimate)",
        file=path,
        sheet=sheet.name,
        row=row + 1,
        column=col_letter(col),
        value=value,
    )


def _area(sheet: xlrd.sheet.Sheet, row: int, path: Path) -> tuple[str, str] | None:
    """(code, name) of a data row, None past the table; unknown codes are errors."""
    code = _text(sheet, row, 0)
    name = next((_text(sheet, row, c) for c in (1, 2, 3) if _text(sheet, row, c)), "")
    if not code and not name:
        return None
    if not CODE.match(code):
        raise InputError(
            "unknown area code", file=path, sheet=sheet.name, row=row + 1, column="A", value=code
        )
    if code == "*":
        if name not in COMBINED_AREAS:
            raise InputError(
                "combined area '*' not known",
                file=path,
                sheet=sheet.name,
                row=row + 1,
                column="B",
                value=name,
            )
        code = COMBINED_AREAS[name]
    return code, name


def _data_rows(sheet: xlrd.sheet.Sheet, header: int) -> range:
    """Rows from below the header to the first footnote row."""
    end = sheet.nrows
    for row in range(header + 1, sheet.nrows):
        first = _text(sheet, row, 0)
        if len(first) > 12 or FOOTNOTE.match(first + " ") and not CODE.match(first):
            end = row
            break
    return range(header + 1, end)


def parse_sheet(sheet: xlrd.sheet.Sheet, measure: str, period: str, path: Path) -> list[dict]:
    """Tidy rows (one per area and statistic) of one measure sheet."""
    layout = layout_of(sheet, measure, path)
    records: list[dict] = []
    seen: dict[str, int] = {}
    for row in _data_rows(sheet, layout.header_row):
        area = _area(sheet, row, path)
        if area is None:
            continue
        code, name = area
        if code in seen:
            raise InputError(
                f"area listed twice (first on row {seen[code] + 1})",
                file=path,
                sheet=sheet.name,
                row=row + 1,
                column="A",
                value=code,
            )
        seen[code] = row
        sample, _ = _cell(sheet, row, layout.sample_col, path)
        sd = _cell(sheet, row, layout.sd_col, path)[0] if layout.sd_col is not None else None
        for stat, vcol in layout.value_cols.items():
            value, marker = _cell(sheet, row, vcol, path)
            tcol = layout.triplet_cols[stat]
            cv, lower, upper = (_cell(sheet, row, tcol + i, path)[0] for i in range(3))
            base = {
                "period": period,
                "area_code": code,
                "area_name": name,
                "measure": measure,
                "value": value,
                "lower_95": lower,
                "upper_95": upper,
                "cv": cv,
                "sd": sd if stat == "mean" else float("nan"),
                "sample_size": sample,
                "status": "published" if marker is None else MARKERS[marker],
                "marker": marker or "",
                "source": SOURCE_ID,
                "source_file": path.name,
                "source_sheet": sheet.name,
                "source_row": row + 1,
                "source_column": col_letter(vcol),
            }
            records.append(base | {"statistic": stat})
            if stat == HEADLINE_BAND[measure]:
                records.append(base | {"statistic": "share_low_wellbeing"})
    return records


def read_ons_workbook(path: str | Path) -> pd.DataFrame:
    """All four measures of one year's workbook as tidy rows with their source cells."""
    path = Path(path)
    book = open_workbook(path)
    records: list[dict] = []
    periods = set()
    for measure, sheet in measure_sheets(book, path).items():
        period = period_of(sheet, path)
        periods.add(period)
        records.extend(parse_sheet(sheet, measure, period, path))
    if len(periods) != 1:
        raise InputError(f"sheets state different years: {sorted(periods)}", file=path)
    return pd.DataFrame.from_records(records)
