"""The road to 2030: a weighted trend, its projection and the improvement still needed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import dataset, metrics, trajectory
from tests.sections import run_section

NORTH_EAST = "E12000001"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23")


@pytest.fixture(scope="module")
def north_east() -> pd.DataFrame:
    """North East mean life satisfaction, 2018-19 to 2022-23, as published, with se."""
    est = metrics.estimates(dataset.load_estimates(), "mean", area_levels=("region",))
    rows = est[(est.area_code == NORTH_EAST) & (est.measure == "life_satisfaction")]
    return rows[rows.period.isin(YEARS)].sort_values("period").reset_index(drop=True)


def test_north_east_life_satisfaction_by_hand(north_east) -> None:
    assert north_east.value.tolist() == [7.67, 7.54, 7.36, 7.50, 7.44]  # ONS, revised series
    # Weighted least squares written out: weights 1/se², x = years since 2018.
    x = [float(i) for i in range(5)]
    y, w = north_east.value.tolist(), [1 / s**2 for s in north_east.se]
    sw, swx, swy = (
        sum(w),
        sum(a * b for a, b in zip(w, x, strict=True)),
        sum(a * b for a, b in zip(w, y, strict=True)),
    )
    swxx = sum(a * b * b for a, b in zip(w, x, strict=True))
    swxy = sum(a * b * c for a, b, c in zip(w, x, y, strict=True))
    det = sw * swxx - swx**2
    slope, intercept = (sw * swxy - swx * swy) / det, (swxx * swy - swx * swxy) / det
    chi2 = sum(wi * (yi - intercept - slope * xi) ** 2 for wi, xi, yi in zip(w, x, y, strict=True))
    scale = max(1.0, chi2 / 3)
    slope_se = math.sqrt(scale * sw / det)
    at_2029 = intercept + slope * 11
    fit_var = scale * (swxx - 2 * 11 * swx + 11**2 * sw) / det
    half = 1.959963984540054 * math.sqrt(fit_var + scale * north_east.se.iloc[-1] ** 2)
    needed = 7.67 + 1.959963984540054 * math.hypot(north_east.se.iloc[0], north_east.se.iloc[-1])

    got = trajectory.trajectory(
        north_east, "mean", "life_satisfaction", "2018-19", "2022-23", "2029-30"
    )
    assert got["trend_per_year"] == pytest.approx(slope, rel=1e-10)
    assert got["trend_upper_95"] - got["trend_per_year"] == pytest.approx(
        1.959963984540054 * slope_se, rel=1e-10
    )
    assert got["projected"] == pytest.approx(at_2029, rel=1e-10)
    assert got["projected_upper_95"] - got["projected"] == pytest.approx(half, rel=1e-10)
    assert got["threshold"] == pytest.approx(needed, rel=1e-10)
    assert got["improvement_still_needed"] == pytest.approx(needed - 7.44, rel=1e-10)
    # Rounded, for a reader checking by hand: falling 0.059 a year; 6.97 projected for 2029-30
    # against 7.76 needed, 0.32 above the 2022-23 estimate; off track.
    assert round(slope, 3) == -0.059 and round(at_2029, 2) == 6.97
    assert round(needed, 2) == 7.76 and round(needed - 7.44, 2) == 0.32
    assert got["verdict"] == trajectory.OFF_TRACK


@pytest.mark.parametrize(
    ("lower", "upper", "orientation", "expected"),
    [
        (1.0, 2.0, 1, trajectory.ON_TRACK),  # lower is better and the whole interval is below 3
        (3.5, 4.0, 1, trajectory.OFF_TRACK),
        (2.5, 3.5, 1, trajectory.CANNOT_TELL),
        (3.5, 4.0, -1, trajectory.ON_TRACK),  # higher is better and the interval is above 3
        (1.0, 2.0, -1, trajectory.OFF_TRACK),
    ],
)
def test_verdict_rule(lower, upper, orientation, expected) -> None:
    assert trajectory.verdict(lower, upper, 3.0, orientation) == expected


def test_gap_still_needed_by_hand() -> None:
    change = pd.Series(
        {
            "gap_baseline": 0.30,
            "gap_baseline_lower_95": 0.30 - 1.96 * 0.03,
            "gap_baseline_upper_95": 0.30 + 1.96 * 0.03,
            "gap_latest": 0.28,
            "gap_latest_lower_95": 0.28 - 1.96 * 0.04,
            "gap_latest_upper_95": 0.28 + 1.96 * 0.04,
        }
    )
    got = trajectory.gap_still_needed(change)
    assert got["gap_threshold"] == pytest.approx(0.30 - 1.959963984540054 * 0.05)
    assert got["reduction_still_needed"] == pytest.approx(0.28 - got["gap_threshold"])


@pytest.mark.slow
def test_section_publishes_every_region_and_nation(tmp_path) -> None:
    data = run_section(
        "06-road-to-2030.ipynb", tmp_path, target_period="2029-30", metric_basis="mean"
    )
    table = pd.read_csv(data / "road-to-2030.csv")
    assert len(table) == 14 * 4 and set(table.target_period) == {"2029-30"}
    row = table[(table.area_code == NORTH_EAST) & (table.measure == "life_satisfaction")]
    assert row.verdict.tolist() == ["off track"] and round(row.projected.iloc[0], 2) == 6.97
    assert len(pd.read_csv(data / "gap-still-needed.csv")) == 4
    assert (data / "road-to-2030-anxiety.png").is_file()
