"""Tests of the mission assessment glue on the real processed table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import assessment, dataset, significance

EARLY = assessment.Settings(
    metric_basis="share",
    gap_baseline_periods=("2011-12",),
    latest_period="2014-15",
    baseline_period="2011-12",
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The committed processed table, preferred rows only."""
    return dataset.load_estimates()


@pytest.fixture(scope="module")
def mean(table: pd.DataFrame) -> assessment.Assessment:
    """The mean basis, the second basis: 2016-19 against 2020-23."""
    return assessment.assess(table, assessment.Settings(metric_basis="mean"))


@pytest.fixture(scope="module")
def share(table: pd.DataFrame) -> assessment.Assessment:
    """The 2024 edition's assessment: shares with low well-being, 2016-19 against 2020-23."""
    return assessment.assess(table, assessment.Settings(metric_basis="share"))


def test_latest_window_is_as_long_as_the_baseline_and_ends_in_the_latest_period():
    settings = assessment.Settings()
    assert settings.latest_window == ("2020-21", "2021-22", "2022-23")
    assert settings.shifted_baseline == ("2017-18", "2018-19", "2019-20")
    assert EARLY.latest_window == ("2014-15",)
    assert EARLY.shifted_baseline == ("2012-13",)


@pytest.mark.parametrize(
    "changes",
    [
        {"gap_baseline_periods": ("2016-17", "2018-19")},
        {"gap_baseline_periods": ()},
        {"latest_period": "2019-20"},
        {"baseline_period": "2022-23"},
        {"metric_basis": "median"},
    ],
)
def test_settings_refuse_windows_and_bases_that_cannot_be_assessed(changes):
    with pytest.raises(ValueError):
        assessment.Settings(**changes)


def test_parameters_are_plain_values_for_metadata():
    assert assessment.Settings().parameters() == {
        "edition": "2024",
        "latest_period": "2022-23",
        "baseline_period": "2018-19",
        "gap_baseline_periods": ["2016-17", "2017-18", "2018-19"],
        "metric_basis": "mean",
        "geography_vintage": 2023,
    }


def test_merged_area_combines_its_parts_with_equal_weights_when_sizes_are_missing(table):
    # Cumberland (E06000063) in 2016-17 from Allerdale 7.74 (7.37 to 8.11), Carlisle 7.76
    # (7.49 to 8.03) and Copeland 8.08 (7.64 to 8.52); no sample sizes, so equal weights:
    # value 7.86, se = sqrt(0.74^2 + 0.54^2 + 0.88^2) / 3.92 / 3 = 0.108018.
    result = assessment.harmonised(table, 2023).table
    row = result[
        (result["area_code"] == "E06000063")
        & (result["period"] == "2016-17")
        & (result["statistic"] == "mean")
        & (result["measure"] == "life_satisfaction")
    ].iloc[0]
    se = math.sqrt(0.74**2 + 0.54**2 + 0.88**2) / 3.92 / 3
    assert row["value"] == pytest.approx(7.86)
    assert row["lower_95"] == pytest.approx(7.86 - 1.96 * se)
    assert row["upper_95"] == pytest.approx(7.86 + 1.96 * se)
    assert row["merge_weights"] == "equal"
    assert row["source_area_codes"] == "E07000026+E07000028+E07000029"


def test_reconciliation_counts_every_local_authority(mean):
    rec = mean.reconciliation.set_index("period")
    assert rec.loc["2016-17", ["las_in", "las_out", "merged_away", "flagged"]].tolist() == [
        374,
        361,
        13,
        0,
    ]
    assert rec.loc["2011-12", "flagged"] == 26  # NI pseudo-codes 95A-95Z
    assert (rec["las_in"] == rec["las_out"] + rec["merged_away"] + rec["flagged"]).all()


def test_worst_third_is_ceil_of_a_third_of_ranked_areas(mean):
    cohort = mean.cohort
    ranked = cohort["score"].notna()
    assert len(cohort) == 361
    assert ranked.sum() == 357
    assert cohort["in_worst_third"].sum() == math.ceil(357 / 3) == 119
    members = cohort.loc[cohort["in_worst_third"], "score"]
    assert members.min() >= cohort.loc[ranked & ~cohort["in_worst_third"], "score"].max()
    assert (mean.gap_change["n_cohort"] == 119).all()
    assert (mean.gap_change["n_las"] == 357).all()


def test_unranked_areas_have_fewer_than_two_measures_and_stay_in_the_table(mean):
    unranked = mean.cohort[mean.cohort["score"].isna()]
    assert len(unranked) == 4
    assert (unranked["n_measures"] < 2).all()
    assert not unranked["in_worst_third"].any()


def test_regional_difference_matches_a_hand_computation(mean):
    # North East life satisfaction: 2018-19 7.67 (7.62 to 7.72), 2022-23 7.44 (7.37 to 7.52).
    row = mean.regional[
        (mean.regional["area_code"] == "E12000001")
        & (mean.regional["measure"] == "life_satisfaction")
    ].iloc[0]
    se = math.hypot(0.10 / 3.92, 0.15 / 3.92)
    assert row["difference"] == pytest.approx(-0.23)
    assert row["lower_95"] == pytest.approx(-0.23 - significance.Z95 * se)
    assert row["upper_95"] == pytest.approx(-0.23 + significance.Z95 * se)
    assert row["description"] == "a statistically significant decrease (a deterioration)"
    assert not row["significant_improvement"]


def test_mean_gap_narrowed_significantly_for_life_satisfaction(mean):
    row = mean.gap_change.set_index("metric").loc["life_satisfaction"]
    assert row["gap_baseline"] == pytest.approx(0.209658, abs=1e-6)
    assert row["gap_latest"] == pytest.approx(0.129465, abs=1e-6)
    assert row["change"] == pytest.approx(-0.080193, abs=1e-6)
    sentence = assessment.gap_change_sentence(mean.gap_change.iloc[0])
    assert sentence == (
        "Life satisfaction: the gap between the worst third and the rest was 0.21 in "
        "2016-17 to 2018-19 and 0.13 in 2020-21 to 2022-23, a change of -0.08 points "
        "(95% confidence interval -0.11 to -0.05): a statistically significant decrease "
        "(an improvement)."
    )


def test_gap_series_has_every_year_and_every_three_year_window(mean):
    series = mean.gap_series
    assert series.groupby("window_years")["periods"].nunique().to_dict() == {1: 12, 3: 10}
    baseline = series[(series["periods"] == "2016-17 to 2018-19") & (series["metric"] == "anxiety")]
    change = mean.gap_change.set_index("metric").loc["anxiety"]
    assert baseline["estimate"].iloc[0] == pytest.approx(change["gap_baseline"])


def test_selection_reference_is_seeded_and_read_against_the_change(mean):
    boot = mean.bootstrap
    assert (boot["draws"] == assessment.BOOTSTRAP_DRAWS).all()
    assert (boot["null_lower_95"] <= boot["null_mean"]).all()
    assert (boot["null_mean"] <= boot["null_upper_95"]).all()
    np.testing.assert_allclose(boot["observed_change"], mean.gap_change["change"])
    assert "is outside that range" in assessment.bootstrap_sentence(boot.iloc[0])


def test_sensitivity_marks_the_edition_choices_and_explains_missing_shares(mean):
    table = mean.sensitivity
    assert len(table) == 2 * 2 * 2 * 2 * 2 * 4
    headline = table[table["headline"]]
    assert len(headline) == 4
    assert set(
        headline[["basis", "cohort", "baseline", "weighting", "suppressed"]].agg(tuple, axis=1)
    ) == {("mean", "fixed", "2016-17 to 2018-19", "unweighted", "exclude")}
    np.testing.assert_allclose(headline["change"], mean.gap_change["change"])
    shares = table[table["basis"] == "share"]
    assert shares["change"].notna().all()  # the revised series gives shares for every window
    summary = assessment.sensitivity_summary(table)
    assert len(summary) == 32
    assert summary["headline"].tolist().count("headline") == 1


def test_coverage_counts_suppressed_estimates_in_the_compared_windows(mean):
    cov = mean.coverage.set_index(["period", "measure"])
    assert cov.loc[("2022-23", "life_satisfaction")].tolist() == [350, 0, 10, 1]
    assert (cov.sum(axis=1) == 361).all()
    statement = assessment.suppression_statement(mean.coverage, mean.settings)
    assert "Of 8664 local-authority estimates" in statement
    assert (
        "128 are suppressed by ONS ([c], or [u] with the value withheld) and 8 have no" in statement
    )


def test_no_region_improved_significantly_on_the_mean_basis(mean):
    board = mean.scoreboard
    assert board["n_areas"].tolist() == [12, 12, 12, 12]
    assert (board["n_significant_improvement"] == 0).all()
    assert (board["improved_in_every_region_and_nation"] == "no").all()


def test_share_basis_gap_on_the_revised_series(share):
    row = share.gap_change.set_index("metric").loc["life_satisfaction"]
    assert (row["baseline"], row["latest"]) == ("2016-17 to 2018-19", "2020-21 to 2022-23")
    assert row["gap_baseline"] == pytest.approx(1.623283, abs=1e-6)
    assert row["change"] == pytest.approx(-0.518762, abs=1e-6)
    assert row["upper_95"] < 0 and row["p_two_sided"] < 0.05
    assert row["n_las"] == 346
    assert share.cohort["in_worst_third"].sum() == math.ceil(346 / 3)
    board = share.scoreboard.set_index("measure")
    assert (board["n_areas"] == 12).all() and (board["n_significant_improvement"] == 0).all()
    ranked = share.ranking
    assert ranked["local_authorities"].sum() == 361
    assert ranked.loc[ranked["ranked"], "local_authorities"].sum() == 346


def test_share_basis_regional_difference_by_hand(share, table):
    ne = table[
        (table.area_code == "E12000001")
        & (table.measure == "life_satisfaction")
        & (table.statistic == "share_low_wellbeing")
    ].set_index("period")
    base, last = ne.loc["2018-19"], ne.loc["2022-23"]
    se = math.hypot(
        (base.upper_95 - base.lower_95) / (2 * 1.96), (last.upper_95 - last.lower_95) / (2 * 1.96)
    )
    row = share.regional.set_index(["area_code", "measure"]).loc[("E12000001", "life_satisfaction")]
    assert (row.baseline_value, row.latest_value) == (5.39, 5.76)  # ONS v4 series
    assert row.difference == pytest.approx(0.37)
    assert row.lower_95 == pytest.approx(0.37 - 1.959963984540054 * se)
    assert row.upper_95 == pytest.approx(0.37 + 1.959963984540054 * se)
    assert row.description == "no statistically significant change"


def test_early_share_windows_use_the_revised_shares(table):
    early = assessment.assess(table, EARLY)
    row = early.gap_change.set_index("metric").loc["life_satisfaction"]
    assert (row["baseline"], row["latest"]) == ("2011-12", "2014-15")
    assert row["n_las"] > 300  # the revised series publishes far more local shares


def test_every_published_table_has_metadata_with_the_parameters():
    names = [
        "gap-series",
        "gap-change",
        "bootstrap-reference",
        "cohort",
        "regional-tests",
        "scoreboard",
        "sensitivity",
        "reconciliation",
        "coverage",
        "ranking-coverage",
    ]
    for name in names:
        meta = assessment.table_metadata(name, EARLY)
        assert meta["title"]
        assert meta["parameters"]["metric_basis"] == "share"
        assert meta["parameters"]["gap_baseline_periods"] == ["2011-12"]


def test_figures_state_basis_and_periods_in_caption_and_alt_text(mean):
    fig, alt, caption = assessment.gap_figure(mean.gap_series, "anxiety", 3, mean.settings)
    assert "mean rating (0 to 10)" in caption
    assert "3-year rolling windows 2011-12 to 2013-14 through 2020-21 to 2022-23" in caption
    assert alt.endswith(
        "the gap fell from 0.16 (95% CI 0.13 to 0.19) in 2011-12 to 2013-14 "
        "to 0.13 (95% CI 0.10 to 0.17) in 2020-21 to 2022-23."
    )
    fig, alt, caption = assessment.regional_figure(mean.regional, "anxiety", mean.settings)
    assert "change from 2018-19 to 2022-23" in caption
    assert "for 13 categories" in alt
    fig, alt, caption = assessment.cohort_map(mean.cohort, mean.settings)
    assert "the 119 local authorities scoring" in caption
    assert "4 areas are suppressed or have no estimate" in alt
