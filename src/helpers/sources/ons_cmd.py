"""Parser for the ONS CMD CSV of local-authority personal well-being: thresholds and means.

Dataset `wellbeing-local-authority`, edition `time-series`, version 4: one row per period, area,
measure and estimate, with 95% limits and a `Data marking` column. Markers are the Government
Statistical Service shorthand and stand in place of the value and both limits: `[c]`
confidential (suppressed), `[u]` low reliability (withheld), `[w]` no or too few survey
responses, `[x]` not available. Each is kept as written in `marker` and mapped to a status.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError

SOURCE = "ons_cmd_wellbeing_local_authority_v4"
VALUE, MARKING, LOWER, UPPER = "v4_3", "Data marking", "Lower limit", "Upper limit"
PERIOD, AREA_CODE, AREA_NAME = "yyyy-yy", "administrative-geography", "Geography"
MEASURE, ESTIMATE = "measure-of-wellbeing", "wellbeing-estimate"
HEADER = (
    VALUE,
    MARKING,
    LOWER,
    UPPER,
    PERIOD,
    "Time",
    AREA_CODE,
    AREA_NAME,
    MEASURE,
    "MeasureOfWellbeing",
    ESTIMATE,
    "Estimate",
)
MEASURES = {
    "life-satisfaction": "life_satisfaction",
    "worthwhile": "worthwhile",
    "happiness": "happiness",
    "anxiety": "anxiety",
}
# ONS codes the anxiety bands with the same words, ordered by well-being: poor = high anxiety.
POSITIVE_ESTIMATES = {
    "average-mean": "mean",
    "poor": "band_0_4",
    "fair": "band_5_6",
    "good": "band_7_8",
    "very-good": "band_9_10",
}
ANXIETY_ESTIMATES = {
    "average-mean": "mean",
    "poor": "band_6_10",
    "fair": "band_4_5",
    "good": "band_2_3",
    "very-good": "band_0_1",
}
MARKINGS = {
    "": "published",
    "[c]": "suppressed",
    "[u]": "low_reliability",
    "[w]": "no_estimate",
    "[x]": "no_estimate",
}
# Cells of the value and limit columns that stand for "no number" rather than a number.
NUMBER_MARKERS = tuple(MARKINGS)
# Markers that may stand beside a published value (a low-reliability estimate shown as such).
MARKS_WITH_VALUE = ("", "[u]")
HEADLINE_ESTIMATE = "poor"
MEAN_RANGE, SHARE_RANGE = (0.0, 10.0), (0.0, 100.0)
PERIOD_PATTERN = r"\d{4}-\d{2}"
OUTPUT_COLUMNS = (
    "period",
    "area_code",
    "area_name",
    "measure",
    "statistic",
    "value",
    "lower_95",
    "upper_95",
    "cv",
    "sample_size",
    "status",
    "marker",
    "source",
    "source_file",
    "source_row",
)
FIRST_DATA_LINE = 2
# More than enough for the header line; bounds the read when a file has no line breaks.
HEADER_BYTES = 1 << 16


def read_ons_cmd(path: str | Path) -> pd.DataFrame:
    """Read the CMD CSV into tidy rows, refusing any cell that cannot be trusted."""
    path = Path(path)
    raw = _read_table(path)
    _check_cells(raw, path)
    measure, statistic = _codes(raw, path)
    value, lower, upper = (_numbers(raw, column, path) for column in (VALUE, LOWER, UPPER))
    status = _status(raw, value, path)
    _check_ranges(raw, statistic, {VALUE: value, LOWER: lower, UPPER: upper}, path)
    _check_unique(raw, path)
    rows = pd.DataFrame(
        {
            "period": raw[PERIOD],
            "area_code": raw[AREA_CODE],
            "area_name": raw[AREA_NAME],
            "measure": measure,
            "statistic": statistic,
            "value": value,
            "lower_95": lower,
            "upper_95": upper,
            "cv": np.full(len(raw), np.nan),
            "sample_size": np.full(len(raw), np.nan),
            "status": status,
            "marker": raw[MARKING],
            "source": SOURCE,
            "source_file": path.name,
            "source_row": raw.index + FIRST_DATA_LINE,
        },
        columns=list(OUTPUT_COLUMNS),
    )
    headline = rows[raw[ESTIMATE].eq(HEADLINE_ESTIMATE).to_numpy()].assign(
        statistic="share_low_wellbeing"
    )
    tidy = pd.concat([rows, headline], ignore_index=True)
    return tidy.sort_values(
        ["period", "area_code", "measure", "statistic"], kind="stable"
    ).reset_index(drop=True)


def check_header(path: str | Path) -> None:
    """Check only the first line, so a download can be judged without parsing it all."""
    path = Path(path)
    with path.open("rb") as handle:
        first = handle.readline(HEADER_BYTES)
    _check_header(next(csv.reader([_decode(first, path)]), []), path)


def _decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), locating the first byte that is not UTF-8."""
    if not data.strip():
        raise InputError("empty file: no header and no rows", file=path, row=1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        before = data[line_start : err.start].decode("utf-8", errors="replace")
        header = next(csv.reader([data.partition(b"\n")[0].decode("utf-8", errors="replace")]))
        field = len(next(csv.reader([before]), [""])) - 1
        raise InputError(
            "not UTF-8 text",
            file=path,
            row=data[:line_start].count(b"\n") + 1,
            column=header[field] if line_start and field < len(header) else None,
            value=data[err.start : err.end],
        ) from err


def _check_header(columns: list[str], path: Path) -> None:
    """Require every CMD column, naming a missing one and any unexpected names found."""
    missing = [name for name in HEADER if name not in columns]
    if missing:
        unexpected = [name for name in columns if name not in HEADER]
        raise InputError(
            "required column missing from the header",
            file=path,
            row=1,
            column=missing[0],
            value=unexpected or columns,
        )


def _read_table(path: Path) -> pd.DataFrame:
    """Read every cell as text, so markers and blanks are judged here and not by pandas."""
    text = _decode(path.read_bytes(), path)
    _check_header(next(csv.reader([text.partition("\n")[0]])), path)
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        line = int(found.group(1)) if found else None
        raise InputError(
            f"row has more fields than the header's {len(HEADER)}",
            file=path,
            row=line,
            value=text.splitlines()[line - 1] if line else str(err).strip(),
        ) from err
    if raw.empty:
        raise InputError("no data rows under the header", file=path, row=FIRST_DATA_LINE)
    return raw


def _first(raw: pd.DataFrame, bad: pd.Series, column: str, problem: str, path: Path) -> None:
    """Raise for the first flagged row, so the message points at one cell of the file."""
    if bad.any():
        index = bad.to_numpy().nonzero()[0][0]
        raise InputError(
            problem,
            file=path,
            row=int(index) + FIRST_DATA_LINE,
            column=column,
            value=raw[column].iloc[index],
        )


def _check_cells(raw: pd.DataFrame, path: Path) -> None:
    """Refuse line breaks inside fields (row numbers would drift) and empty label cells."""
    for column in HEADER:
        _first(raw, raw[column].str.contains(r"[\r\n]"), column, "line break in a field", path)
    for column in HEADER[4:]:
        _first(raw, raw[column].eq(""), column, "empty cell (short row or blank line)", path)
    _first(raw, ~raw[PERIOD].str.fullmatch(PERIOD_PATTERN), PERIOD, "period not yyyy-yy", path)


def _codes(raw: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """Map ONS measure and estimate codes to the tidy measure and statistic names."""
    measure = raw[MEASURE].map(MEASURES)
    _first(raw, measure.isna(), MEASURE, "unknown measure code", path)
    anxiety = measure.eq("anxiety")
    statistic = (
        raw[ESTIMATE].map(POSITIVE_ESTIMATES).where(~anxiety, raw[ESTIMATE].map(ANXIETY_ESTIMATES))
    )
    _first(raw, statistic.isna(), ESTIMATE, "unknown well-being estimate code", path)
    return measure, statistic


def _numbers(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """Parse a value or limit column; known markers become NaN, anything else must be a number."""
    text = raw[column]
    marker = text.isin(NUMBER_MARKERS)
    number = pd.to_numeric(text.where(~marker), errors="coerce").astype("float64")
    _first(raw, number.isna() & ~marker, column, "not a number nor a known marker", path)
    return number


def _status(raw: pd.DataFrame, value: pd.Series, path: Path) -> pd.Series:
    """Status from the marker (see MARKINGS); a value withheld as unreliable is suppressed."""
    marking = raw[MARKING]
    _first(raw, ~marking.isin(list(MARKINGS)), MARKING, "unknown data marking", path)
    marked = ~marking.isin(MARKS_WITH_VALUE) & value.notna()
    _first(raw, marked, VALUE, "value given although marked as having none", path)
    status = marking.map(MARKINGS)
    withheld = value.isna() & status.eq("low_reliability")
    blank = value.isna() & status.eq("published")
    return status.mask(withheld, "suppressed").mask(blank, "no_estimate")


def _check_ranges(
    raw: pd.DataFrame, statistic: pd.Series, numbers: dict[str, pd.Series], path: Path
) -> None:
    """Means lie in 0-10, shares in 0-100, and each value lies within its 95% limits."""
    mean = statistic.eq("mean")
    low = np.where(mean, MEAN_RANGE[0], SHARE_RANGE[0])
    high = np.where(mean, MEAN_RANGE[1], SHARE_RANGE[1])
    for column, number in numbers.items():
        outside = (number < low) | (number > high)
        _first(raw, outside, column, "outside 0-10 (mean) or 0-100 (share)", path)
    value, lower, upper = numbers[VALUE], numbers[LOWER], numbers[UPPER]
    _first(raw, lower > value, LOWER, "lower limit above the value", path)
    _first(raw, value > upper, UPPER, "upper limit below the value", path)


def _check_unique(raw: pd.DataFrame, path: Path) -> None:
    """One row per period, area, measure and estimate: a repeat would double-count."""
    key = [PERIOD, AREA_CODE, MEASURE, ESTIMATE]
    repeat = raw.duplicated(subset=key, keep="first")
    if repeat.any():
        index = int(repeat.to_numpy().nonzero()[0][0])
        raise InputError(
            "duplicated period, area, measure and estimate",
            file=path,
            row=index + FIRST_DATA_LINE,
            column=", ".join(key),
            value=tuple(raw[key].iloc[index]),
        )
