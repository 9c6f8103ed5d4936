"""Revisions between releases and the quality of local estimates, on the real snapshot."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dataset, revisions
from tests.sections import run_section


@pytest.fixture(scope="module")
def result() -> revisions.Revisions:
    """The section's result on the committed snapshot, mean basis."""
    return revisions.build(
        dataset.load_estimates(preferred_only=False), dataset.load_estimates(), "mean"
    )


def test_hartlepool_2014_15_life_satisfaction_revision(result) -> None:
    pairs = result.pairs
    row = pairs[
        (pairs.area_code == "E06000001")
        & (pairs.period == "2014-15")
        & (pairs.measure == "life_satisfaction")
        & (pairs.statistic == "mean")
    ].iloc[0]
    # First published 7.64 (7.51 to 7.76) in the 2014-15 reference table; revised 7.66.
    assert (row.value_first, row.lower_95_first, row.upper_95_first) == (7.64, 7.51, 7.76)
    assert row.value_revised == 7.66 and row.source_revised == "ons_els_personal_wellbeing"
    assert row.revision == pytest.approx(0.02) and not row.outside_first_ci
    assert row.area_name == "Hartlepool"  # named as in the revised release


def test_summary_counts_and_the_largest_revisions(result) -> None:
    s = result.summary.set_index(["area_level", "measure", "statistic"])
    happiness = s.loc[("ltla", "happiness", "mean")]
    pairs = result.pairs
    local = pairs[
        (pairs.area_level == "ltla") & (pairs.measure == "happiness") & (pairs.statistic == "mean")
    ]
    assert happiness.estimates == len(local) == 1389
    assert happiness.outside_first_ci == int(local.outside_first_ci.sum()) == 1
    assert (happiness.largest_area, happiness.largest_period) == ("Newcastle-under-Lyme", "2012-13")
    assert happiness.largest_revision == pytest.approx(-0.38)
    assert s.loc[("uk", "life_satisfaction", "mean")].largest_revision == pytest.approx(0.01)


def test_rank_effects_and_quality_sentence(result) -> None:
    ranks = result.ranks.set_index(["period", "measure", "statistic"])
    assert ranks.loc[("2011-12", "life_satisfaction", "mean")].local_authorities == 344
    assert 0.95 < ranks.loc[("2011-12", "life_satisfaction", "mean")].spearman_rho < 1
    sentence = revisions.quality_sentence(result, "life_satisfaction", "2018-19", "2022-23")
    assert sentence.startswith(
        "In 2022-23, ONS suppressed or flagged 44 of 1496 local-authority estimates (2.9%)."
    )
    assert "was 0.62 points wide in 2022-23 (so ±0.31), against 0.49 in 2018-19." in sentence


def test_precision_in_words() -> None:
    assert revisions.precision_words(7.31, 7.57, "mean") == (
        "the 95% confidence interval is ±0.13 points"
    )


@pytest.mark.slow
def test_section_publishes_its_tables(tmp_path) -> None:
    data = run_section("07-revisions-and-quality.ipynb", tmp_path)
    summary = pd.read_csv(data / "revisions-summary.csv")
    assert len(summary) == 40  # five area levels, four measures, means and shares
    assert (data / "ci-widths-life_satisfaction.png").is_file()
    assert len(pd.read_csv(data / "local-estimate-statuses.csv")) == 12
