"""Tests of the headline metrics on the committed processed table, against hand-read values."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from helpers import charts, dataset, headline
from helpers.config import processed_dir
from helpers.errors import InputError

UK = "K02000001"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return dataset.load_estimates(processed_dir())


@pytest.fixture(scope="module")
def means(table: pd.DataFrame) -> pd.DataFrame:
    return headline.headline_series(table, "mean")


@pytest.fixture(scope="module")
def shares(table: pd.DataFrame) -> pd.DataFrame:
    return headline.headline_series(table, "share_low_wellbeing")


@pytest.fixture(scope="module")
def changes(table: pd.DataFrame) -> pd.DataFrame:
    return headline.change_table(table, basis="mean", baseline="2018-19", latest="2022-23")


def one(df: pd.DataFrame, **where: str) -> pd.Series:
    rows = df
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_headline_areas_are_uk_nations_then_regions(table):
    areas = headline.headline_areas(table)
    assert list(areas["area_code"][:5]) == [UK, "E92000001", "W92000004", "S92000003", "N92000002"]
    assert list(areas["area_level"]) == ["uk"] + ["nation"] * 4 + ["region"] * 9
    # Names come from the revised series, not the upper-case workbook headers.
    assert areas["area_name"].iloc[0] == "United Kingdom"
    assert "Yorkshire and The Humber" in set(areas["area_name"])


def test_missing_headline_area_is_a_located_error(table):
    without_wales = table[table["area_code"] != "W92000004"]
    with pytest.raises(InputError, match="expected 14.*value 13"):
        headline.headline_areas(without_wales)


def test_uk_means_2022_23_match_the_ons_bulletin(means):
    # ONS bulletin of 7 November 2023, April 2022 to March 2023.
    expected = {"life_satisfaction": 7.45, "worthwhile": 7.73, "happiness": 7.39, "anxiety": 3.23}
    for measure, value in expected.items():
        row = one(means, area_code=UK, period="2022-23", measure=measure)
        assert row["value"] == pytest.approx(value)
        assert row["release"] == "revised series"
    life = one(means, area_code=UK, period="2022-23", measure="life_satisfaction")
    assert (life["lower_95"], life["upper_95"]) == pytest.approx((7.43, 7.47))


def test_mean_series_covers_every_area_measure_and_year(means):
    # 14 areas x 4 measures x 12 years (2011-12 to 2022-23), all published.
    assert len(means) == 14 * 4 * 12
    assert headline.status_counts(means) == {
        "rows": 672,
        "published": 672,
        "low_reliability": 0,
        "suppressed": 0,
        "no_estimate": 0,
    }


def test_shares_are_the_revised_series_every_year(shares):
    assert len(shares) == 14 * 4 * 12
    assert set(shares["release"]) == {"revised series"}
    assert sorted(shares["period"].unique())[::11] == ["2011-12", "2022-23"]
    life = one(shares, area_code=UK, period="2022-23", measure="life_satisfaction")
    assert (life["value"], life["lower_95"], life["upper_95"]) == (5.73, 5.49, 5.98)
    # The anxiety share is the high-anxiety band 6 to 10.
    assert one(shares, area_code=UK, period="2018-19", measure="anxiety")["value"] == 19.76
    assert one(shares, area_code=UK, period="2022-23", measure="anxiety")["value"] == 23.36


def test_duplicate_estimates_are_refused(table):
    every_source = dataset.load_estimates(processed_dir(), preferred_only=False)
    with pytest.raises(InputError, match="more than one preferred estimate"):
        headline.headline_series(every_source, "mean")


def test_unknown_source_is_named():
    rows = pd.DataFrame({"source": ["ons_els_personal_wellbeing", "made_up"]})
    with pytest.raises(InputError, match=r"row 1, column 'source', value 'made_up'"):
        headline.release_of(rows)


def test_uk_life_satisfaction_change_by_hand(changes):
    # 2018-19 7.71 (7.70 to 7.73), 2022-23 7.45 (7.43 to 7.47): se of the difference
    # sqrt(0.03^2 + 0.04^2) / 3.92 = 0.05 / 3.92.
    row = one(changes, area_code=UK, measure="life_satisfaction")
    se = 0.05 / 3.92
    assert row["difference"] == pytest.approx(-0.26)
    assert row["difference_lower_95"] == pytest.approx(-0.26 - norm.ppf(0.975) * se)
    assert row["p_value"] == pytest.approx(2 * norm.cdf(-0.26 / se))
    assert row["description"] == "a statistically significant decrease (a deterioration)"
    assert headline.finding_title(row) == (
        "UK life satisfaction was lower in 2022-23 than in 2018-19"
    )
    anxiety = one(changes, area_code=UK, measure="anxiety")
    assert headline.finding_title(anxiety) == "UK anxiety was higher in 2022-23 than in 2018-19"


def test_non_significant_change_by_hand(changes):
    # Northern Ireland anxiety 2.83 (2.72 to 2.94) then 2.91 (2.80 to 3.02): each se 0.22 / 3.92,
    # z = 0.08 / (sqrt(2) x 0.22 / 3.92) = 1.008, p = 0.313.
    row = one(changes, area_code="N92000002", measure="anxiety")
    z = 0.08 / (math.sqrt(2) * 0.22 / 3.92)
    assert row["p_value"] == pytest.approx(2 * norm.sf(z))
    assert row["p_value"] == pytest.approx(0.3135, abs=1e-4)
    assert row["description"] == "no statistically significant change"
    assert headline.finding_title(row) == (
        "Northern Ireland anxiety in 2022-23 was not significantly different from 2018-19"
    )


def test_group_title_counts_significant_regions(changes):
    # West Midlands worthwhile 7.83 -> 7.77 is the one region of the five not significant.
    north = headline.REGION_GROUPS["North and Midlands"]
    assert headline.group_title(changes, north, "worthwhile") == (
        "Worthwhile: lower in 2022-23 than 2018-19 in 4 of 5 regions"
    )
    assert headline.group_title(changes, north, "anxiety") == (
        "Anxiety: higher in 2022-23 than 2018-19 in 5 of 5 regions"
    )


def test_share_basis_change_2018_19_to_2022_23_by_hand(table):
    share = headline.change_table(table, basis="share", baseline="2018-19", latest="2022-23")
    uk = one(share, area_code=UK, measure="life_satisfaction")
    # 4.37 (4.23 to 4.51) then 5.73 (5.49 to 5.98): se from each interval, independent years.
    se = math.hypot((4.51 - 4.23) / (2 * 1.96), (5.98 - 5.49) / (2 * 1.96))
    assert uk["difference"] == pytest.approx(1.36)
    assert uk["difference_lower_95"] == pytest.approx(1.36 - 1.959963984540054 * se)
    assert uk["difference_upper_95"] == pytest.approx(1.36 + 1.959963984540054 * se)
    assert uk["p_value"] < 1e-15
    assert uk["description"] == "a statistically significant increase (a deterioration)"
    assert share["p_value"].notna().all()


def test_main_points_carry_the_numbers_and_test_wording(changes, shares):
    points = headline.main_points(changes, shares)
    text = " ".join(points["text"])
    assert "7.45 (95% CI 7.43 to 7.47) in 2022-23" in text
    assert "5.73% (95% CI 5.49% to 5.98%) of UK adults reported low life satisfaction" in text
    assert "revised series" in text and "as first published" not in text
    assert points["kind"].iloc[-1] == "note"
    assert "independent annual estimates" in points["text"].iloc[-1]
    # "statistically significant" appears only in points built from a tested change.
    tested = points["kind"].isin(["uk_change", "regional_change"])
    assert (
        not points.loc[~tested & (points["kind"] != "note"), "text"]
        .str.contains("significant")
        .any()
    )
    regions = one(points, measure="anxiety", kind="regional_change")["text"]
    assert regions.startswith("Of the 12 regions and nations (the nine English regions, Wales,")
    assert "higher in 11 and not statistically significantly different in 1" in regions


def test_local_authority_distribution_2022_23(table):
    dist = headline.la_distribution(table, "2022-23")
    assert len(dist) == 374 * 4
    summary = headline.la_summary(dist).set_index("measure")
    life = summary.loc["life_satisfaction"]
    assert (life["local_authorities"], life["with_estimate"]) == (374, 363)
    assert (life["suppressed_x"], life["low_reliability_u"]) == (1, 10)
    assert life["other_without_estimate"] == 0
    assert (life["lowest_area"], life["lowest"]) == ("Cambridge", 6.46)
    scilly = one(dist, area_code="E06000053", measure="anxiety")
    assert (scilly["marker"], pd.isna(scilly["value"])) == ("x", True)
    sentence = headline.la_sentence(headline.la_summary(dist), "2022-23")
    assert "374 local authorities" in sentence
    assert "1 as suppressed [x] and 10 as of low reliability [u]" in sentence


def test_coverage_counts_every_row_once(table):
    coverage = headline.coverage_table(table)
    assert coverage["rows"].sum() == len(table)
    uk_mean = one(coverage, statistic="mean", area_level="uk")
    assert (uk_mean["periods"], uk_mean["n_periods"], uk_mean["rows"]) == (
        "2011-12 to 2022-23",
        12,
        48,
    )
    uk_share = one(coverage, statistic="share_low_wellbeing", area_level="uk")
    assert (uk_share["periods"], uk_share["releases"]) == ("2011-12 to 2022-23", "revised series")
    # Local authorities on codes no later release covers keep their first-published shares.
    ltla_share = one(coverage, statistic="share_low_wellbeing", area_level="ltla")
    assert ltla_share["releases"] == "as first published; revised series"
    statuses = coverage[["published", "low_reliability", "suppressed", "no_estimate"]].sum(axis=1)
    assert (statuses == coverage["rows"]).all()


def test_period_ranges():
    periods = ["2019-20", "2011-12", "2012-13", "2021-22", "2022-23"]
    assert headline.period_ranges(periods) == "2011-12 to 2012-13, 2019-20, 2021-22 to 2022-23"


def test_estimate_text_keeps_markers():
    assert headline.estimate_text(7.454, 7.43, 7.47) == "7.45 (95% CI 7.43 to 7.47)"
    assert headline.estimate_text(float("nan"), float("nan"), float("nan"), "u") == "[u]"
    assert headline.estimate_text(float("nan"), float("nan"), float("nan"), "") == "[x]"


def test_definitions_thresholds():
    defs = headline.definitions_table().set_index("measure")
    assert defs.loc["anxiety", "threshold"] == "6 to 10 on the 0 to 10 scale"
    assert defs.loc["life_satisfaction", "threshold"] == "0 to 4 on the 0 to 10 scale"
    assert defs.loc["happiness", "question"] == "Overall, how happy did you feel yesterday?"


def test_charts_state_findings_from_the_numbers(means, shares, changes, table):
    uk = headline.mean_trend_chart(means, changes, "life_satisfaction", headline.UK_AND_NATIONS)
    assert uk.name == "means-uk-and-nations-life-satisfaction"
    assert len(uk.data) == 5 * 12
    assert charts.header_text(uk.figure, "title") == (
        "UK life satisfaction was lower in 2022-23 than in 2018-19"
    )
    assert "7.45 (95% CI 7.43 to 7.47) in 2022-23" in uk.alt
    share = headline.share_trend_chart(shares)
    assert charts.header_text(share.figure, "title") == (
        "2 of 4 UK low well-being shares were lower in 2022-23 than in 2011-12"
    )
    assert "5.73% (95% CI 5.49% to 5.98%) in 2022-23" in share.alt
    local = headline.la_chart(headline.la_distribution(table, "2022-23"), "life_satisfaction")
    assert charts.header_text(local.figure, "title") == (
        "Mean life satisfaction by local authority, 2022-23: median 7.48"
    )
    assert "from 6.46 in Cambridge" in local.caption
    assert "11 without a published estimate" in local.caption
