"""Tests of usable estimates, standard errors from 95% limits and pooled windows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import metrics
from helpers.errors import InputError


def row(period, area, measure, value, lower, upper, status="published", statistic="mean"):
    """One tidy-table row with the columns the statistics read."""
    return {
        "period": period,
        "area_code": area,
        "area_level": "ltla",
        "measure": measure,
        "statistic": statistic,
        "value": value,
        "lower_95": lower,
        "upper_95": upper,
        "status": status,
    }


def test_standard_error_is_half_width_over_1_96():
    # (7.392 - 7.000) / (2 x 1.96) = 0.392 / 3.92 = 0.1
    assert metrics.standard_error([7.0], [7.392])[0] == pytest.approx(0.1)


def test_orientation_higher_is_worse():
    assert metrics.orientation("share", "life_satisfaction") == 1
    assert metrics.orientation("share", "anxiety") == 1
    assert metrics.orientation("mean", "life_satisfaction") == -1
    assert metrics.orientation("mean", "anxiety") == 1
    with pytest.raises(ValueError, match="basis"):
        metrics.orientation("median", "anxiety")


def test_periods_and_windows():
    assert metrics.window("2016-17", 3) == ("2016-17", "2017-18", "2018-19")
    assert metrics.window("1999-00", 2) == ("1999-00", "2000-01")
    assert metrics.window_label(("2016-17", "2017-18", "2018-19")) == "2016-17 to 2018-19"
    periods = ["2019-20", "2016-17", "2017-18", "2018-19", "2021-22"]
    assert metrics.rolling_windows(periods, 3) == [
        ("2016-17", "2017-18", "2018-19"),
        ("2017-18", "2018-19", "2019-20"),
    ]
    assert metrics.latest_window(periods, 2) == ("2018-19", "2019-20")
    with pytest.raises(ValueError, match="financial year"):
        metrics.start_year("2018-20")


def test_estimates_count_published_and_low_reliability_only():
    df = pd.DataFrame(
        [
            row("2018-19", "E1", "anxiety", 3.0, 2.804, 3.196),
            row("2018-19", "E2", "anxiety", 3.5, 3.108, 3.892, status="low_reliability"),
            row("2018-19", "E3", "anxiety", None, None, None, status="suppressed"),
            row("2018-19", "E4", "anxiety", None, None, None, status="no_estimate"),
            row("2018-19", "E1", "anxiety", 20.0, 18.04, 21.96, statistic="share_low_wellbeing"),
        ]
    )
    est = metrics.estimates(df, "mean")
    assert list(est.columns) == list(metrics.ESTIMATE_COLUMNS)
    assert est["area_code"].tolist() == ["E1", "E2"]
    # E1: (3.196 - 2.804) / 3.92 = 0.1; E2: (3.892 - 3.108) / 3.92 = 0.2
    assert est["se"].tolist() == pytest.approx([0.1, 0.2])
    share = metrics.estimates(df, "share")
    # (21.96 - 18.04) / 3.92 = 1.0
    assert share["se"].tolist() == pytest.approx([1.0])


def test_coverage_counts_every_status():
    df = pd.DataFrame(
        [
            row("2018-19", "E1", "anxiety", 3.0, 2.804, 3.196),
            row("2018-19", "E3", "anxiety", None, None, None, status="suppressed"),
            row("2018-19", "E4", "anxiety", None, None, None, status="suppressed"),
        ]
    )
    cov = metrics.coverage(df, "mean")
    assert cov[["status", "rows", "counted"]].values.tolist() == [
        ["published", 1, True],
        ["suppressed", 2, False],
    ]


def test_estimate_without_limits_is_located():
    df = pd.DataFrame(
        [
            row("2018-19", "E1", "anxiety", 3.0, 2.804, 3.196),
            row("2018-19", "E2", "anxiety", 3.5, None, 3.892),
        ]
    )
    with pytest.raises(InputError) as error:
        metrics.estimates(df, "mean", source="wellbeing.csv")
    assert error.value.row == 1
    assert error.value.column == "lower_95"
    assert error.value.value == "E2"
    assert "wellbeing.csv" in str(error.value)


def test_limits_that_miss_the_estimate_are_refused():
    df = pd.DataFrame([row("2018-19", "E1", "anxiety", 3.5, 2.804, 3.196)])
    with pytest.raises(InputError, match="do not enclose") as error:
        metrics.estimates(df, "mean")
    assert error.value.value == (2.804, 3.5, 3.196)


def test_missing_column_and_duplicates_are_refused():
    df = pd.DataFrame([row("2018-19", "E1", "anxiety", 3.0, 2.804, 3.196)])
    with pytest.raises(InputError) as error:
        metrics.estimates(df.drop(columns="status"), "mean")
    assert error.value.column == "status"
    with pytest.raises(InputError, match="more than one") as error:
        metrics.estimates(pd.concat([df, df], ignore_index=True), "mean")
    assert error.value.row == 1


def test_pool_window_by_hand():
    df = pd.DataFrame(
        [
            # E1: se 0.1 and 0.2; the third year is suppressed, so 2 of 3 years count.
            row("2016-17", "E1", "anxiety", 3.0, 2.804, 3.196),
            row("2017-18", "E1", "anxiety", 3.2, 2.808, 3.592),
            row("2018-19", "E1", "anxiety", None, None, None, status="suppressed"),
            # E2: one year only, below the 2-year minimum: kept with no value.
            row("2018-19", "E2", "anxiety", 2.0, 1.804, 2.196),
            # Outside the window: ignored.
            row("2019-20", "E1", "anxiety", 9.0, 8.804, 9.196),
        ]
    )
    est = metrics.estimates(df, "mean")
    pooled = metrics.pool_window(est, ("2016-17", "2017-18", "2018-19"))
    first = pooled.iloc[0]
    assert first["value"] == pytest.approx((3.0 + 3.2) / 2)
    assert first["se"] == pytest.approx(math.sqrt(0.1**2 + 0.2**2) / 2)
    assert first["n_years"] == 2
    second = pooled.iloc[1]
    assert second["area_code"] == "E2"
    assert math.isnan(second["value"]) and second["n_years"] == 1
    one_year = metrics.pool_window(est, ("2018-19",))
    assert one_year["value"].tolist() == [2.0]
    assert one_year["se"].tolist() == pytest.approx([0.1])
    strict = metrics.pool_window(est, ("2016-17", "2017-18", "2018-19"), min_years=3)
    assert strict["value"].isna().all()


def test_errors_point_at_the_raw_file_when_the_table_records_it():
    bad = row("2018-19", "E1", "anxiety", 3.0, None, 3.196) | {
        "source_file": "personal-wellbeing-estimates.csv",
        "source_sheet": None,
        "source_row": 15090,
    }
    with pytest.raises(InputError) as error:
        metrics.estimates(pd.DataFrame([bad]), "mean")
    assert (error.value.file, error.value.row, error.value.column) == (
        "personal-wellbeing-estimates.csv",
        15090,
        "lower_95",
    )
    assert error.value.sheet is None
