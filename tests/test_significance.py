"""Tests of differences between estimates, regional z-tests and the ONS wording rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from helpers import dataset, significance

Z = norm.ppf(0.975)
UK = ("K02000001", "United Kingdom", "uk")


def test_compare_by_hand():
    # UK life satisfaction 2018-19 7.71 (7.70 to 7.73) and 2022-23 7.45 (7.43 to 7.47):
    # se 0.03 / 3.92 and 0.04 / 3.92, so the se of the difference is 0.05 / 3.92.
    se1, se2 = 0.03 / 3.92, 0.04 / 3.92
    result = significance.compare([7.71], [se1], [7.45], [se2]).iloc[0]
    se = 0.05 / 3.92
    assert result["difference"] == pytest.approx(-0.26)
    assert result["se"] == pytest.approx(se)
    assert result["lower_95"] == pytest.approx(-0.26 - Z * se)
    assert result["upper_95"] == pytest.approx(-0.26 + Z * se)
    assert result["p_two_sided"] == pytest.approx(2 * norm.cdf(-0.26 / se))
    assert result["p_reduction"] == pytest.approx(norm.cdf(-0.26 / se))


def test_describe_change_says_significant_only_when_tested():
    assert (
        significance.describe_change(0.3, 0.1, 0.5, 0.003) == "a statistically significant increase"
    )
    assert (
        significance.describe_change(-0.3, -0.5, -0.1, 0.003, "higher_is_better")
        == "a statistically significant decrease (a deterioration)"
    )
    assert (
        significance.describe_change(0.3, 0.1, 0.5, 0.003, "higher_is_worse")
        == "a statistically significant increase (a deterioration)"
    )
    assert (
        significance.describe_change(-0.3, -0.5, -0.1, 0.003, "higher_is_worse")
        == "a statistically significant decrease (an improvement)"
    )
    assert significance.describe_change(0.1, -0.1, 0.3, 0.32) == (
        "no statistically significant change"
    )
    assert significance.describe_change(0.1, math.nan, math.nan, None) == (
        "an increase (not tested for statistical significance)"
    )


def test_describe_change_refuses_an_interval_that_contradicts_p():
    with pytest.raises(ValueError, match="disagree"):
        significance.describe_change(0.1, -0.1, 0.3, 0.01)
    with pytest.raises(ValueError, match="polarity"):
        significance.describe_change(0.1, 0.05, 0.3, 0.01, "up")


def area_rows(code, name, level, period, measure, value, lower, upper, status="published"):
    """One tidy-table row of a region, nation or the UK."""
    return {
        "period": period,
        "area_code": code,
        "area_name": name,
        "area_level": level,
        "measure": measure,
        "statistic": "mean",
        "value": value,
        "lower_95": lower,
        "upper_95": upper,
        "status": status,
    }


def small_regions() -> pd.DataFrame:
    """North East, Wales, England and the UK, anxiety and life satisfaction."""
    return pd.DataFrame(
        [
            # North East anxiety falls 3.2 -> 2.9, se 0.05 each: a significant improvement.
            area_rows("E12000001", "North East", "region", "2018-19", "anxiety", 3.2, 3.102, 3.298),
            area_rows("E12000001", "North East", "region", "2022-23", "anxiety", 2.9, 2.802, 2.998),
            # Wales anxiety has no 2022-23 estimate: kept and not compared.
            area_rows("W92000004", "Wales", "nation", "2018-19", "anxiety", 3.0, 2.902, 3.098),
            area_rows(
                "W92000004", "Wales", "nation", "2022-23", "anxiety", None, None, None, "suppressed"
            ),
            # England is neither a region nor a devolved nation: left out.
            area_rows("E92000001", "England", "nation", "2018-19", "anxiety", 3.0, 2.9, 3.1),
            # UK life satisfaction falls: significant, but a deterioration.
            area_rows(*UK, "2018-19", "life_satisfaction", 7.71, 7.70, 7.73),
            area_rows(*UK, "2022-23", "life_satisfaction", 7.45, 7.43, 7.47),
        ]
    )  # fmt: skip


def test_regional_change_by_hand():
    table = significance.regional_change(small_regions())
    assert table["area_code"].unique().tolist() == ["E12000001", "W92000004", "K02000001"]
    assert len(table) == 3 * 4
    ne = table[(table["area_code"] == "E12000001") & (table["measure"] == "anxiety")].iloc[0]
    se = math.hypot(0.05, 0.05)  # (3.298 - 3.102) / 3.92 = 0.05 in each year
    assert ne["difference"] == pytest.approx(-0.3)
    assert ne["lower_95"] == pytest.approx(-0.3 - Z * se)
    assert ne["p_value"] == pytest.approx(2 * norm.cdf(-0.3 / se))
    assert ne["significant_improvement"]
    assert ne["description"] == "a statistically significant decrease (an improvement)"
    wales = table[(table["area_code"] == "W92000004") & (table["measure"] == "anxiety")].iloc[0]
    assert not wales["significant_improvement"]
    assert wales["note"] == "no counted estimate in one of the two years"
    uk = table[(table["area_code"] == "K02000001") & (table["measure"] == "life_satisfaction")]
    assert uk["difference"].iloc[0] == pytest.approx(-0.26)
    assert not uk["significant_improvement"].iloc[0]
    assert uk["description"].iloc[0] == "a statistically significant decrease (a deterioration)"


def test_scoreboard_counts_and_verdict():
    table = significance.regional_change(small_regions())
    board = significance.scoreboard(table).set_index("measure")
    anxiety = board.loc["anxiety"]
    assert (anxiety["n_areas"], anxiety["n_compared"], anxiety["n_significant_improvement"]) == (
        2,
        1,
        1,
    )
    assert anxiety["improved_in_every_region_and_nation"] == "no"
    assert not board.loc["life_satisfaction", "uk_significant_improvement"]
    only_ne = significance.regional_change(small_regions().query("area_code != 'W92000004'"))
    board = significance.scoreboard(only_ne, expected_areas=1).set_index("measure")
    assert board.loc["anxiety", "improved_in_every_region_and_nation"] == "yes"
    assert board.loc["worthwhile", "improved_in_every_region_and_nation"] == "no"


def test_real_uk_life_satisfaction_2018_19_to_2022_23():
    # The two rows of the processed table (ONS Explore Local Statistics, K02000001):
    # 2018-19 7.71 (7.70 to 7.73), 2022-23 7.45 (7.43 to 7.47); se of the difference 0.05 / 3.92.
    table = significance.regional_change(dataset.load_estimates())
    uk = table[(table["area_code"] == "K02000001") & (table["measure"] == "life_satisfaction")]
    uk = uk.iloc[0]
    assert (uk["baseline_value"], uk["latest_value"]) == (7.71, 7.45)
    assert uk["difference"] == pytest.approx(-0.26)
    assert uk["lower_95"] == pytest.approx(-0.26 - Z * 0.05 / 3.92)
    assert uk["upper_95"] == pytest.approx(-0.26 + Z * 0.05 / 3.92)
    assert uk["description"] == "a statistically significant decrease (a deterioration)"


def test_real_scoreboard_covers_twelve_regions_and_nations():
    board = significance.scoreboard(significance.regional_change(dataset.load_estimates()))
    assert board["n_areas"].tolist() == [12, 12, 12, 12]
    assert board["n_compared"].tolist() == [12, 12, 12, 12]
