"""The schema of the tidy well-being table, and errors that point at the offending source cell."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.errors import SchemaErrors

from helpers.config import ROOT
from helpers.errors import InputError
from helpers.schema import (
    ANXIETY_BANDS,
    AREA_LEVELS,
    MEASURES,
    POSITIVE_BANDS,
    STATISTICS,
    STATUSES,
)

EXCEPTIONS = ROOT / "config" / "validation-exceptions.yml"
PERIOD = r"^20\d{2}-\d{2}$"
# Four band shares published to two decimals may not add to exactly 100 (ONS footnote).
BAND_SUM_TOLERANCE = 0.5
KEY_WITH_SOURCE = ["period", "area_code", "measure", "statistic", "source"]


def _consecutive_years(period: pd.Series) -> pd.Series:
    """True where '2018-19' names two consecutive years (a financial year)."""
    start = period.str[2:4].astype(int)
    return (start + 1) % 100 == period.str[5:7].astype(int)


COLUMN_SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(str, [pa.Check.str_matches(PERIOD), pa.Check(_consecutive_years)]),
        "area_code": pa.Column(str, pa.Check.str_length(1, 40)),
        "area_name": pa.Column(str),
        "area_level": pa.Column(str, pa.Check.isin(AREA_LEVELS)),
        "region_code": pa.Column(str, nullable=True),
        "nation_code": pa.Column(str, nullable=True),
        "measure": pa.Column(str, pa.Check.isin(MEASURES)),
        "statistic": pa.Column(str, pa.Check.isin(STATISTICS)),
        "value": pa.Column(float, nullable=True),
        "lower_95": pa.Column(float, nullable=True),
        "upper_95": pa.Column(float, nullable=True),
        "cv": pa.Column(float, nullable=True),
        "sample_size": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "status": pa.Column(str, pa.Check.isin(STATUSES)),
        "source": pa.Column(str),
    },
    coerce=False,
)


def _in_range(df: pd.DataFrame) -> pd.Series:
    """Means lie in 0-10 and shares in 0-100, where a value is present."""
    top = df["statistic"].map(lambda s: 10.0 if s == "mean" else 100.0)
    return df["value"].isna() | df["value"].between(0, top)


def _within_limits(df: pd.DataFrame) -> pd.Series:
    """lower_95 <= value <= upper_95 wherever all three are published."""
    have = df[["value", "lower_95", "upper_95"]].notna().all(axis=1)
    ordered = (df["lower_95"] <= df["value"]) & (df["value"] <= df["upper_95"])
    return ~have | ordered


def _status_matches_value(df: pd.DataFrame) -> pd.Series:
    """Published estimates have a value; suppressed ones and non-estimates have none."""
    shown = df["status"].isin(["published", "low_reliability"])
    return shown == df["value"].notna()


def _exceptions(rule: str, keys: list[str]) -> pd.MultiIndex:
    """Keys of published cells exempted from one rule in config/validation-exceptions.yml."""
    entries = yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8")).get(rule) or []
    return pd.MultiIndex.from_tuples([tuple(str(e[k]) for k in keys) for e in entries], names=keys)


def _bands_sum_to_100(df: pd.DataFrame) -> pd.Series:
    """Where all four bands of a measure are published, they add to about 100."""
    is_band = df["statistic"].isin((*POSITIVE_BANDS, *ANXIETY_BANDS))
    group = ["source", "period", "area_code", "measure"]
    sums = df.loc[is_band].groupby(group)["value"].agg(["sum", "count"])
    bad = sums.loc[(sums["count"] == 4) & ((sums["sum"] - 100).abs() > BAND_SUM_TOLERANCE)]
    bad = bad.loc[~bad.index.isin(_exceptions("bands_sum_to_100", group))]
    in_bad = df.set_index(group).index.isin(bad.index)
    return pd.Series(~(is_band.to_numpy() & in_bad), index=df.index)


ROW_RULES: dict[str, tuple[Callable[[pd.DataFrame], pd.Series], str, str]] = {
    "value_in_range": (_in_range, "value outside 0-10 (mean) or 0-100 (share)", "value"),
    "value_within_limits": (_within_limits, "value outside its 95% confidence limits", "value"),
    "status_matches_value": (
        _status_matches_value,
        "status does not match whether a value is given",
        "value",
    ),
    "bands_sum_to_100": (
        _bands_sum_to_100,
        "the four threshold bands do not add to about 100",
        "value",
    ),
}


def _locate(row: pd.Series, problem: str, column: str) -> InputError:
    """An InputError naming the source file, sheet, row and column a tidy row came from."""
    return InputError(
        problem,
        file=row["source_file"],
        sheet=row["source_sheet"] or None,
        row=int(row["source_row"]),
        column=f"{row['source_column']} ({row['statistic']} {column})",
        value=row[column].item() if hasattr(row[column], "item") else row[column],
    )


def _check_columns(df: pd.DataFrame) -> None:
    """Types and allowed values of each column, via the pandera schema."""
    try:
        COLUMN_SCHEMA.validate(df, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        located = cases.loc[cases["index"].notna()]
        if located.empty:
            raise InputError(
                f"processed table fails its schema: {cases.iloc[0].to_dict()}",
                file="processed table",
            ) from errors
        first = located.iloc[0]
        problem = f"{first['check']} ({len(located)} failing cell(s); first shown)"
        raise _locate(df.loc[int(first["index"])], problem, str(first["column"])) from errors


def validate_estimates(df: pd.DataFrame) -> None:
    """Check the tidy table, raising a located InputError for the first failing cell of a rule."""
    _check_columns(df)
    duplicated = df.duplicated(KEY_WITH_SOURCE, keep="first")
    if duplicated.any():
        row = df.loc[duplicated].iloc[0]
        problem = f"estimate given twice by one source ({int(duplicated.sum())} rows)"
        raise _locate(row, problem, "area_code")
    for rule, problem, column in ROW_RULES.values():
        ok = rule(df)
        if not ok.all():
            raise _locate(df.loc[~ok].iloc[0], f"{problem} ({int((~ok).sum())} rows)", column)


def exceptions_report() -> dict[str, list[dict]]:
    """The published cells exempted from a rule, for the manifest."""
    return yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8"))
