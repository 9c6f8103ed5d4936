"""Local estimates behind the mission statistics: usable values, standard errors, pooled windows."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.schema import MEASURES

# ONS 95% limits are the estimate plus or minus 1.96 standard errors.
LIMIT_Z = 1.96
BASIS_STATISTIC = {"share": "share_low_wellbeing", "mean": "mean"}
COUNTED_STATUSES = ("published", "low_reliability")
REQUIRED_COLUMNS = (
    "period",
    "area_code",
    "area_level",
    "measure",
    "statistic",
    "value",
    "lower_95",
    "upper_95",
    "status",
)
ESTIMATE_COLUMNS = ("period", "area_code", "measure", "value", "se")
POOLED_COLUMNS = ("area_code", "measure", "value", "se", "n_years")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def check_basis(basis: str) -> str:
    """Return the tidy-table statistic of a metric basis, refusing unknown bases."""
    if basis not in BASIS_STATISTIC:
        raise ValueError(f"basis must be one of {sorted(BASIS_STATISTIC)}, not {basis!r}")
    return BASIS_STATISTIC[basis]


def orientation(basis: str, measure: str) -> int:
    """Return +1 if a higher value is worse for this basis and measure, -1 if it is better."""
    check_basis(basis)
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    return 1 if basis == "share" or measure == "anxiety" else -1


def standard_error(lower: np.ndarray | pd.Series, upper: np.ndarray | pd.Series) -> np.ndarray:
    """Standard error implied by symmetric 95% limits: (upper - lower) / (2 x 1.96)."""
    return (np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)) / (2 * LIMIT_Z)


def start_year(period: str) -> int:
    """First calendar year of a financial year such as '2018-19', checking the form."""
    match = _PERIOD.match(period)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"period must be a financial year like '2018-19', not {period!r}")
    return int(match[1])


def financial_year(start: int) -> str:
    """The financial year starting in April of `start`, written '2018-19'."""
    return f"{start}-{(start + 1) % 100:02d}"


def window(first: str, length: int) -> tuple[str, ...]:
    """The `length` consecutive financial years starting with `first`."""
    begin = start_year(first)
    return tuple(financial_year(begin + i) for i in range(length))


def window_label(periods: Sequence[str]) -> str:
    """Human label of a window: '2016-17 to 2018-19', or the single year."""
    return periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"


def rolling_windows(periods: Sequence[str], length: int) -> list[tuple[str, ...]]:
    """Every window of `length` consecutive financial years all present in `periods`, in order."""
    present = set(periods)
    firsts = sorted(present, key=start_year)
    return [w for p in firsts if set(w := window(p, length)) <= present]


def latest_window(periods: Sequence[str], length: int) -> tuple[str, ...]:
    """The latest window of `length` consecutive years present in `periods`."""
    windows = rolling_windows(periods, length)
    if not windows:
        raise ValueError(f"no {length} consecutive financial years among {sorted(periods)}")
    return windows[-1]


def check_columns(df: pd.DataFrame, source: str) -> None:
    """Refuse a table missing a column of the tidy contract, naming the column."""
    for column in REQUIRED_COLUMNS:
        if column not in df.columns:
            raise InputError("tidy table lacks a required column", file=source, column=column)


def _where(rows: pd.DataFrame, row: object, column: str, source: str) -> dict[str, object]:
    """Locate a bad row: its raw file, sheet and row when the table records them, else the table."""
    if "source_file" in rows.columns and pd.notna(rows.at[row, "source_file"]):
        sheet = rows.at[row, "source_sheet"] if "source_sheet" in rows.columns else None
        return {
            "file": rows.at[row, "source_file"],
            "sheet": None if pd.isna(sheet) else sheet,
            "row": int(rows.at[row, "source_row"]),
            "column": column,
        }
    return {"file": source, "row": int(row), "column": column}


def _check_limits(rows: pd.DataFrame, source: str) -> None:
    """Refuse counted estimates without a value or 95% limits, or with limits out of order."""
    for column in ("value", "lower_95", "upper_95"):
        missing = rows[column].isna()
        if missing.any():
            row = rows.index[missing.to_numpy()][0]
            raise InputError(
                f"{rows.at[row, 'status']} estimate has no {column}",
                **_where(rows, row, column, source),
                value=rows.at[row, "area_code"],
            )
    bad = (rows["lower_95"] > rows["value"]) | (rows["value"] > rows["upper_95"])
    if bad.any():
        row = rows.index[bad.to_numpy()][0]
        raise InputError(
            "95% limits do not enclose the estimate",
            **_where(rows, row, "lower_95", source),
            value=(rows.at[row, "lower_95"], rows.at[row, "value"], rows.at[row, "upper_95"]),
        )


def estimates(
    df: pd.DataFrame,
    basis: str,
    *,
    area_levels: Sequence[str] = ("ltla",),
    source: str = "wellbeing.csv",
) -> pd.DataFrame:
    """Counted annual estimates (published or low reliability) of one basis, with their se."""
    check_columns(df, source)
    statistic = check_basis(basis)
    rows = df[
        (df["statistic"] == statistic)
        & df["area_level"].isin(area_levels)
        & df["status"].isin(COUNTED_STATUSES)
    ]
    _check_limits(rows, source)
    out = rows.assign(se=standard_error(rows["lower_95"], rows["upper_95"]))
    duplicated = out.duplicated(["period", "area_code", "measure"])
    if duplicated.any():
        row = out.index[duplicated.to_numpy()][0]
        raise InputError(
            "more than one estimate for a period, area and measure",
            **_where(out, row, "area_code", source),
            value=out.at[row, "area_code"],
        )
    return (
        out.loc[:, list(ESTIMATE_COLUMNS)]
        .sort_values(["period", "area_code", "measure"])
        .reset_index(drop=True)
    )


def coverage(df: pd.DataFrame, basis: str, *, area_level: str = "ltla") -> pd.DataFrame:
    """Rows of one basis and level by period, measure and status, so exclusions are counted."""
    statistic = check_basis(basis)
    rows = df[(df["statistic"] == statistic) & (df["area_level"] == area_level)]
    counts = rows.groupby(["period", "measure", "status"]).size().rename("rows").reset_index()
    return counts.assign(counted=counts["status"].isin(COUNTED_STATUSES))


def pool_window(est: pd.DataFrame, periods: Sequence[str], *, min_years: int = 2) -> pd.DataFrame:
    """Each area's unweighted mean over a window and its se, sqrt(sum se^2) / k.

    Areas with fewer than min(min_years, window length) years keep a row with no value, so the
    count of areas left out stays visible.
    """
    need = min(min_years, len(periods))
    rows = est[est["period"].isin(periods)]
    grouped = rows.assign(variance=rows["se"] ** 2).groupby(["area_code", "measure"], sort=True)
    pooled = grouped.agg(
        value=("value", "mean"), variance=("variance", "sum"), n_years=("value", "size")
    ).reset_index()
    pooled["se"] = np.sqrt(pooled["variance"]) / pooled["n_years"]
    short = pooled["n_years"] < need
    pooled.loc[short, ["value", "se"]] = np.nan
    return pooled.loc[:, list(POOLED_COLUMNS)]
