"""Tests of the worst-third gap: hand-computed cases, properties, bootstrap and sensitivity."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from helpers import dataset, gap, metrics
from helpers.schema import MEASURES

Z = norm.ppf(0.975)
BASE = ("2018-19",)
LATEST = ("2022-23",)


def row(period, area, measure, value, se, status="published", statistic="mean"):
    """One tidy-table row whose 95% limits are value +/- 1.96 se."""
    return {
        "period": period,
        "area_code": area,
        "area_level": "ltla",
        "measure": measure,
        "statistic": statistic,
        "value": value,
        "lower_95": value - 1.96 * se,
        "upper_95": value + 1.96 * se,
        "status": status,
    }


# Three LAs, two measures, mean basis (higher = better, so lower values are worse).
#   life satisfaction: A 7.0 (se 0.10), B 7.5 (se 0.20), C 8.0 (se 0.15)
#   worthwhile:        A 7.8 (se 0.10), B 7.2 (se 0.20), C 8.1 (se 0.10)
# Percentile ranks, worst = 1: LS A 3/3, B 2/3, C 1/3; WW B 3/3, A 2/3, C 1/3.
# Scores (worst rank): A 1, B 1, C 1/3. Cohort size ceil(3/3) = 1; A and B tie, A's code first.
HAND = [
    ("E0000001", "life_satisfaction", 7.0, 0.10),
    ("E0000002", "life_satisfaction", 7.5, 0.20),
    ("E0000003", "life_satisfaction", 8.0, 0.15),
    ("E0000001", "worthwhile", 7.8, 0.10),
    ("E0000002", "worthwhile", 7.2, 0.20),
    ("E0000003", "worthwhile", 8.1, 0.10),
]
# A year later life satisfaction of A rises to 7.2 and of B falls to 7.1.
LATER = {("E0000001", "life_satisfaction"): 7.2, ("E0000002", "life_satisfaction"): 7.1}


def hand_table() -> pd.DataFrame:
    """The three-LA example in the baseline year and the latest year."""
    rows = [row("2018-19", a, m, v, s) for a, m, v, s in HAND]
    rows += [row("2022-23", a, m, LATER.get((a, m), v), s) for a, m, v, s in HAND]
    return pd.DataFrame(rows)


def by_metric(df: pd.DataFrame) -> pd.DataFrame:
    """Index a result by metric for reading single cells."""
    return df.set_index("metric")


def test_hand_computed_gap():
    est = metrics.estimates(hand_table(), "mean")
    result = by_metric(gap.window_gap(est, BASE, BASE, gap.Options(basis="mean")))
    ls = result.loc["life_satisfaction"]
    # Cohort {A}, rest {B, C}; positive = cohort worse: mean(rest) - mean(cohort).
    assert ls["estimate"] == pytest.approx((7.5 + 8.0) / 2 - 7.0)  # 0.75
    se = math.sqrt(0.10**2 + (0.20**2 + 0.15**2) / 2**2)  # 0.160078
    assert ls["se"] == pytest.approx(se)
    assert ls["lower_95"] == pytest.approx(0.75 - Z * se)
    assert ls["mean_cohort"] == pytest.approx(7.0)
    assert ls["mean_rest"] == pytest.approx(7.75)
    assert (ls["n_cohort"], ls["n_rest"], ls["n_las"]) == (1, 2, 3)
    ww = result.loc["worthwhile"]
    assert ww["estimate"] == pytest.approx((7.2 + 8.1) / 2 - 7.8)  # -0.15
    assert ww["se"] == pytest.approx(math.sqrt(0.10**2 + (0.20**2 + 0.10**2) / 4))  # 0.15
    assert np.isnan(result.loc["anxiety", "estimate"])
    assert result.loc["anxiety", "n_cohort"] == 0


def test_hand_computed_inverse_variance_gap():
    est = metrics.estimates(hand_table(), "mean")
    options = gap.Options(basis="mean", weighting="inverse_variance")
    ls = by_metric(gap.window_gap(est, BASE, BASE, options)).loc["life_satisfaction"]
    w_b, w_c = 1 / 0.20**2, 1 / 0.15**2  # 25 and 44.44
    rest = (w_b * 7.5 + w_c * 8.0) / (w_b + w_c)  # 7.82
    assert ls["estimate"] == pytest.approx(rest - 7.0)
    assert ls["se"] == pytest.approx(math.sqrt(0.10**2 + 1 / (w_b + w_c)))


def test_inverse_variance_leaves_out_zero_width_estimates():
    values = np.array([[[1.0], [3.0], [5.0], [0.0]]])  # one draw, four areas, one measure
    se = np.array([[[0.5], [1.0], [1.0], [0.0]]])  # the last was published as 0 (0 to 0)
    cohort = np.array([[True, False, False, False]])
    ranked = np.ones((1, 4), dtype=bool)
    out = gap.group_gaps(values, se, cohort, ranked, weighting="inverse_variance")
    # rest = {3.0, 5.0} with weights 1 and 1 (the 0-width estimate carries no weight): mean 4.0
    assert out["mean_rest"][0, 0] == pytest.approx(4.0)
    assert out["gap"][0, 0] == pytest.approx(1.0 - 4.0)
    assert out["n_rest"][0, 0] == 2
    assert out["se"][0, 0] == pytest.approx(math.sqrt(0.25 + 2 / 4))


def test_hand_computed_change_fixed_and_re_ranked():
    est = metrics.estimates(hand_table(), "mean")
    fixed = by_metric(gap.gap_change(est, BASE, LATEST, gap.Options(basis="mean")))
    ls = fixed.loc["life_satisfaction"]
    # Fixed cohort {A}: latest gap (7.1 + 8.0) / 2 - 7.2 = 0.35, so the change is -0.40.
    assert ls["gap_latest"] == pytest.approx(0.35)
    assert ls["change"] == pytest.approx(-0.40)
    se = math.sqrt(2) * math.sqrt(0.10**2 + (0.20**2 + 0.15**2) / 4)
    assert ls["upper_95"] == pytest.approx(-0.40 + Z * se)
    assert ls["p_reduction"] == pytest.approx(norm.cdf(-0.40 / se))
    assert ls["p_two_sided"] == pytest.approx(2 * norm.cdf(-0.40 / se))
    # Re-ranked in 2022-23: LS ranks B 1, A 2/3, C 1/3 and WW unchanged, so the cohort is {B}:
    # gap (7.2 + 8.0) / 2 - 7.1 = 0.5, change 0.5 - 0.75 = -0.25.
    options = gap.Options(basis="mean", cohort="re-ranked")
    moved = by_metric(gap.gap_change(est, BASE, LATEST, options)).loc["life_satisfaction"]
    assert moved["gap_latest"] == pytest.approx(0.5)
    assert moved["change"] == pytest.approx(-0.25)


def test_las_with_one_measure_shape_ranks_but_are_not_scored():
    extra = pd.DataFrame([row("2018-19", "E0000000", "life_satisfaction", 1.0, 0.1)])
    est = metrics.estimates(pd.concat([hand_table(), extra], ignore_index=True), "mean")
    result = by_metric(gap.window_gap(est, BASE, BASE, gap.Options(basis="mean")))
    # E0000000 has one measure (< 2) so it has no score, but it is ranked on life satisfaction:
    # LS ranks E0000000 4/4, A 3/4, B 2/4, C 1/4; WW B 1, A 2/3, C 1/3.
    # Scores A 3/4, B 1, C 1/3: cohort {B} (ceil(3/3) = 1) and the rest {A, C}.
    assert result.loc["life_satisfaction", "estimate"] == pytest.approx((7.0 + 8.0) / 2 - 7.5)
    assert result.loc["worthwhile", "estimate"] == pytest.approx((7.8 + 8.1) / 2 - 7.2)
    assert result.loc["life_satisfaction", "n_las"] == 3
    assert result.loc["life_satisfaction", "n_rest"] == 2


def test_require_all_needs_every_measure():
    est = metrics.estimates(hand_table(), "mean")
    with pytest.raises(gap.NoDataError, match="all four measures"):
        gap.window_gap(est, BASE, BASE, gap.Options(basis="mean", suppressed="require_all"))


def test_cohort_size_is_ceil_of_a_third_and_ties_go_to_earlier_codes():
    scores = np.array([0.5, 1.0, 1.0, np.nan, 0.25, 1.0, 0.75])
    # 6 ranked areas -> 2 in the cohort; three tie at 1.0 and the first two by position win.
    assert gap.cohort_mask(scores).tolist() == [False, True, True, False, False, False, False]
    assert gap.cohort_mask(scores[:5]).sum() == 2  # ceil(4 / 3)
    assert gap.cohort_mask(scores, Fraction(1, 2)).sum() == 3


def test_percentile_ranks_ignore_missing_values():
    values = np.array([[1.0, np.nan], [3.0, 2.0], [2.0, 5.0], [3.0, np.nan]])
    pct = gap.percentile_ranks(values)
    # Column 1: ranks 1, 3.5, 2, 3.5 of 4; column 2: 1 and 2 of 2.
    np.testing.assert_allclose(pct[:, 0], [0.25, 0.875, 0.5, 0.875])
    np.testing.assert_allclose(pct[[1, 2], 1], [0.5, 1.0])
    scores = gap.worst_scores(values)
    np.testing.assert_allclose(scores, [np.nan, 0.875, 1.0, np.nan])


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match="weighted"):
        gap.Options(weighting="weighted")


panels = st.integers(min_value=4, max_value=25).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-5, 5, allow_nan=False), min_size=4 * n, max_size=4 * n),
        st.lists(st.floats(0.05, 1.0), min_size=4 * n, max_size=4 * n),
        st.randoms(use_true_random=False),
    )
)


def random_table(values, ses, n_years=1, first_year=2018) -> pd.DataFrame:
    """A tidy table of len(values) / 4 LAs x 4 measures, repeated over n_years."""
    rows = []
    for year in range(n_years):
        period = metrics.financial_year(first_year + year)
        for i, (v, s) in enumerate(zip(values, ses, strict=True)):
            rows.append(row(period, f"E{i // 4:07d}", MEASURES[i % 4], 7.0 + v, s))
    return pd.DataFrame(rows)


@settings(max_examples=25, deadline=None)
@given(panels)
def test_gap_is_invariant_to_row_order(panel):
    values, ses, rnd = panel
    df = random_table(values, ses, n_years=2)
    shuffled = df.sample(frac=1, random_state=rnd.randrange(2**32)).reset_index(drop=True)
    periods = ("2018-19", "2019-20")
    first = gap.window_gap(metrics.estimates(df, "mean"), periods, periods, gap.Options("mean"))
    second = gap.window_gap(
        metrics.estimates(shuffled, "mean"), periods, periods, gap.Options("mean")
    )
    pd.testing.assert_frame_equal(first, second)


@settings(max_examples=25, deadline=None)
@given(panels, st.floats(-3, 3, allow_nan=False))
def test_adding_a_constant_to_every_la_leaves_the_gap(panel, shift):
    values, ses, _ = panel
    df = random_table(values, ses)
    moved = df.assign(
        value=df["value"] + shift, lower_95=df["lower_95"] + shift, upper_95=df["upper_95"] + shift
    )
    first = gap.window_gap(metrics.estimates(df, "mean"), BASE, BASE, gap.Options("mean"))
    second = gap.window_gap(metrics.estimates(moved, "mean"), BASE, BASE, gap.Options("mean"))
    np.testing.assert_allclose(first["estimate"], second["estimate"], atol=1e-9)
    np.testing.assert_allclose(first["se"], second["se"], atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(panels, st.sampled_from(gap.WEIGHTINGS))
def test_swapping_orientation_flips_the_sign(panel, weighting):
    values, ses, rnd = panel
    x = np.array(values).reshape(-1, 4)
    se = np.array(ses).reshape(-1, 4)
    cohort = np.array([rnd.random() < 0.4 for _ in range(len(x))])
    ranked = np.ones(len(x), dtype=bool)
    up = gap.group_gaps(x, se, cohort, ranked, weighting)
    down = gap.group_gaps(-x, se, cohort, ranked, weighting)
    np.testing.assert_allclose(up["gap"], -down["gap"], atol=1e-12)
    np.testing.assert_allclose(up["se"], down["se"])


def three_year_table() -> pd.DataFrame:
    """The hand example held constant over 2016-17 to 2022-23, with all four measures."""
    rows = []
    for year in range(2016, 2023):
        for area, measure, value, se in HAND:
            rows.append(row(metrics.financial_year(year), area, measure, value, se))
            other = "happiness" if measure == "life_satisfaction" else "anxiety"
            rows.append(row(metrics.financial_year(year), area, other, 10 - value, se))
    return pd.DataFrame(rows)


def test_bootstrap_is_seeded_and_shows_regression_to_the_mean():
    est = metrics.estimates(three_year_table(), "mean")
    options = gap.Options("mean")
    first = gap.selection_bootstrap(est, options=options, draws=200, seed=7)
    again = gap.selection_bootstrap(est, options=options, draws=200, seed=7)
    other = gap.selection_bootstrap(est, options=options, draws=200, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first["null_mean"].equals(other["null_mean"])
    assert first["draws"].unique().tolist() == [200]
    # Nothing changes in the data, so the observed change is zero.
    np.testing.assert_allclose(first["observed_change"], 0.0, atol=1e-12)
    assert (first["null_lower_95"] <= first["null_mean"]).all()
    assert (first["null_mean"] <= first["null_upper_95"]).all()


def test_bootstrap_null_is_zero_when_the_cohort_is_certain():
    # LAs far apart relative to their se: the same cohort every draw, so selection closes nothing.
    values = [v * 10 for v in range(12)]
    df = random_table(values, [0.01] * 12, n_years=7, first_year=2016)
    result = gap.selection_bootstrap(metrics.estimates(df, "mean"), options=gap.Options("mean"))
    np.testing.assert_allclose(result["null_mean"], 0.0, atol=1e-3)


def test_sensitivity_table_keeps_every_combination():
    table = gap.sensitivity_table(three_year_table(), headline={**gap.HEADLINE, "basis": "mean"})
    assert len(table) == 2 * 2 * 2 * 2 * 2 * 4
    share = table[table["basis"] == "share"]
    assert share["reason"].str.startswith("no counted share estimates").all()
    assert share["change"].isna().all()
    mean = table[table["basis"] == "mean"]
    assert (mean["reason"] == "").all()
    headline = table[table["headline"]]
    assert headline["metric"].tolist() == list(MEASURES)
    assert set(headline["baseline"]) == {"2016-17 to 2018-19"}
    assert set(headline["latest"]) == {"2020-21 to 2022-23"}
    assert set(table["latest"]) == {"2020-21 to 2022-23"}
    # Constant data: the gap does not change under any choice.
    np.testing.assert_allclose(mean["change"], 0.0, atol=1e-12)


def test_real_2016_19_mean_cohort_is_a_third_of_ranked_las():
    est = metrics.estimates(dataset.load_estimates(), "mean")
    result = gap.window_gap(est, gap.BASELINE, gap.BASELINE, gap.Options("mean"))
    n_las = result["n_las"].iloc[0]
    assert n_las > 300
    assert result["n_cohort"].max() == math.ceil(n_las / 3)
    assert (result["n_cohort"] + result["n_rest"] <= n_las).all()
    # The worst third is worse on every measure, beyond its 95% interval.
    assert (result["lower_95"] > 0).all()
