"""Tests of the drivers analysis: hand-worked statistics and one real association."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import dataset, drivers, metrics
from helpers.config import ROOT
from helpers.registry import load_registry

PROCESSED = ROOT / "data" / "processed"


def test_spearman_hand_computed() -> None:
    # Ranks differ by -1, 1, -1, 1, 0: rho = 1 - 6 * 4 / (5 * (25 - 1)) = 0.8.
    assert drivers.spearman(np.array([1, 2, 3, 4, 5]), np.array([2, 1, 4, 3, 5])) == (
        pytest.approx(0.8)
    )


def test_spearman_uses_average_ranks_for_ties() -> None:
    x, y = np.array([1.0, 2.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0, 4.0])
    assert drivers.spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)


def test_bootstrap_interval_contains_estimate_and_is_seeded() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    rho = drivers.spearman(x, y)
    lower, upper = drivers.bootstrap_spearman(x, y)
    assert lower < rho < upper
    assert (lower, upper) == drivers.bootstrap_spearman(x, y)
    assert drivers.bootstrap_spearman(x, y, seed=2) != (lower, upper)


def test_too_few_areas_give_no_estimate() -> None:
    result = drivers.association(np.arange(9.0), np.arange(9.0))
    assert result["n_areas"] == 9
    assert math.isnan(result["rho"])


def test_standardised_difference_arithmetic() -> None:
    group, rest = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0, 8.0])
    # Means 2 and 5; variances 1 and 20/3; pooled variance (2 * 1 + 3 * 20/3) / 5 = 4.4.
    d = -3 / math.sqrt(4.4)
    se = math.sqrt(7 / 12 + d * d / 14)
    result = drivers.standardised_difference(group, rest)
    assert result["d"] == pytest.approx(-1.430194, abs=1e-6)
    assert result["lower_95"] == pytest.approx(d - 1.96 * se)
    assert result["upper_95"] == pytest.approx(d + 1.96 * se)


def test_mean_difference_arithmetic() -> None:
    result = drivers.mean_difference(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0, 8.0]))
    se = math.sqrt(1 / 3 + (20 / 3) / 4)
    assert (result["mean_worst_third"], result["mean_rest"], result["difference"]) == (2, 5, -3)
    assert result["upper_95"] == pytest.approx(-3 + 1.96 * se)


def test_period_near_prefers_latest_not_after_year() -> None:
    periods = ["2023 Oct-Dec", "2019", "2021", "2020-21"]
    assert drivers.period_near(periods, 2020) == "2020-21"
    assert drivers.period_near(periods, 2022) == "2021"
    assert drivers.period_near(["2023-24"], 2018) == "2023-24"


def test_claimant_count_against_life_satisfaction() -> None:
    supporting = dataset.load_supporting(PROCESSED)
    est = metrics.estimates(dataset.load_estimates(PROCESSED), "mean")
    life = est[(est["period"] == "2022-23") & (est["measure"] == "life_satisfaction")]
    result = drivers.associations(load_registry(), supporting, life, 2022, 2023)
    row = result[result["metric_id"] == "claimant_count"].iloc[0]
    # By hand: claimant count 2022 and life satisfaction 2022-23 of the same LA codes,
    # leaving out the areas merged in 2023 (their codes are not comparable across vintages).
    claimant = supporting[
        (supporting["metric_id"] == "claimant_count")
        & (supporting["period"] == "2022")
        & (supporting["area_level"] == "ltla")
        & (supporting["status"] == "published")
    ]
    pair = claimant.merge(life, on="area_code", suffixes=("_claimant", "_life"))
    comparable = pd.Series(
        drivers.local_values(supporting, "claimant_count", "2022", 2023)["area_code"]
    )
    pair = pair[pair["area_code"].isin(comparable)]
    expected = stats.spearmanr(pair["value_claimant"], pair["value_life"]).statistic
    assert (row["period"], row["n_areas"]) == ("2022", len(pair))
    assert row["rho"] == pytest.approx(expected)
    assert round(row["rho"], 2) == -0.48
    assert row["lower_95"] < row["rho"] < row["upper_95"] < 0


def test_availability_lists_metrics_without_data() -> None:
    table = drivers.availability_matrix(load_registry(), dataset.load_supporting(PROCESSED))
    loneliness = table[table["metric_id"] == "community_life_loneliness"].iloc[0]
    assert loneliness["periods"] == 0
    assert loneliness["availability"].startswith("No data yet: ")
    claimant = table[(table["metric_id"] == "claimant_count") & (table["area_level"] == "ltla")]
    assert (claimant.iloc[0]["first_period"], claimant.iloc[0]["latest_period"]) == (
        "2001",
        "2025",
    )
