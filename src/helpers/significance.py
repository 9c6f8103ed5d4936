"""Tests of change between two estimates, and the ONS wording rules that report them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers import metrics
from helpers.schema import MEASURES

ALPHA = 0.05
# Two-sided 95% normal quantile: intervals built with it exclude zero exactly when p < 0.05.
Z95 = float(norm.ppf(1 - ALPHA / 2))
ENGLAND = "E92000001"
REGION_LEVELS = ("region", "nation")
EXPECTED_REGIONS_AND_NATIONS = 12
POLARITIES = ("higher_is_better", "higher_is_worse")


def compare(
    first: np.ndarray | pd.Series,
    se_first: np.ndarray | pd.Series,
    second: np.ndarray | pd.Series,
    se_second: np.ndarray | pd.Series,
) -> pd.DataFrame:
    """Difference second - first of two independent estimates: se, 95% CI, z and p-values.

    p_two_sided tests any change; p_reduction is the one-sided p-value of a fall.
    """
    diff = np.asarray(second, dtype=float) - np.asarray(first, dtype=float)
    se = np.hypot(np.asarray(se_first, dtype=float), np.asarray(se_second, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / se
    return pd.DataFrame(
        {
            "difference": diff,
            "se": se,
            "lower_95": diff - Z95 * se,
            "upper_95": diff + Z95 * se,
            "z": z,
            "p_two_sided": 2 * norm.sf(np.abs(z)),
            "p_reduction": norm.cdf(z),
        }
    )


def polarity(basis: str, measure: str) -> str:
    """Whether a higher value of this basis and measure is better or worse."""
    return "higher_is_worse" if metrics.orientation(basis, measure) > 0 else "higher_is_better"


def describe_change(
    diff: float,
    lower: float,
    upper: float,
    p: float | None,
    polarity: str | None = None,
    *,
    alpha: float = ALPHA,
) -> str:
    """ONS wording of a change: 'significant' only when tested, and the CI must agree with p."""
    if polarity is not None and polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES} or None, not {polarity!r}")
    direction = "increase" if diff > 0 else "decrease" if diff < 0 else "no change"
    if p is None or math.isnan(p):
        article = {"increase": "an ", "decrease": "a "}.get(direction, "")
        return f"{article}{direction} (not tested for statistical significance)"
    significant = p < alpha
    if significant == (lower <= 0 <= upper):
        raise ValueError(f"p = {p} and the interval {lower} to {upper} disagree about zero")
    if not significant:
        return "no statistically significant change"
    text = f"a statistically significant {direction}"
    if polarity is None:
        return text
    better = (diff > 0) == (polarity == "higher_is_better")
    return f"{text} ({'an improvement' if better else 'a deterioration'})"


def _regions_and_nations(df: pd.DataFrame) -> pd.DataFrame:
    """The English regions, Wales, Scotland, Northern Ireland and the UK, with their names."""
    keep = df["area_level"].isin((*REGION_LEVELS, "uk")) & (df["area_code"] != ENGLAND)
    areas = df.loc[keep, ["area_code", "area_name", "area_level"]].drop_duplicates("area_code")
    return areas.sort_values(["area_level", "area_code"], key=_uk_last).reset_index(drop=True)


def _uk_last(column: pd.Series) -> pd.Series:
    """Sort key putting the UK after the regions and nations."""
    return column.eq("uk") if column.name == "area_level" else column


def _period_estimates(est: pd.DataFrame, period: str, prefix: str) -> pd.DataFrame:
    """One period's counted estimates with columns prefixed for a side-by-side comparison."""
    rows = est[est["period"] == period].drop(columns="period")
    return rows.rename(columns={"value": f"{prefix}_value", "se": f"{prefix}_se"})


def regional_change(
    df: pd.DataFrame,
    *,
    basis: str = "mean",
    baseline: str = "2018-19",
    latest: str = "2022-23",
    alpha: float = ALPHA,
    source: str = "wellbeing.csv",
) -> pd.DataFrame:
    """Latest vs baseline year for each region, nation and the UK, per measure, with a z-test.

    Areas without a counted estimate in either year stay in the table with a note.
    """
    est = metrics.estimates(df, basis, area_levels=(*REGION_LEVELS, "uk"), source=source)
    areas = _regions_and_nations(df)
    grid = areas.merge(pd.Series(MEASURES, name="measure"), how="cross")
    out = grid.merge(_period_estimates(est, baseline, "baseline"), how="left").merge(
        _period_estimates(est, latest, "latest"), how="left"
    )
    test = compare(out["baseline_value"], out["baseline_se"], out["latest_value"], out["latest_se"])
    sign = np.array([metrics.orientation(basis, m) for m in out["measure"]])
    improving = test["difference"].to_numpy() * sign < 0
    compared = test["difference"].notna().to_numpy()
    out = out.assign(
        basis=basis,
        baseline_period=baseline,
        latest_period=latest,
        difference=test["difference"],
        lower_95=test["lower_95"],
        upper_95=test["upper_95"],
        p_value=test["p_two_sided"],
        significant_improvement=compared & improving & (test["p_two_sided"] < alpha).to_numpy(),
        note=np.where(compared, "", "no counted estimate in one of the two years"),
    )
    out["description"] = [
        describe_change(r.difference, r.lower_95, r.upper_95, r.p_value, polarity(basis, r.measure))
        if r.note == ""
        else "not compared"
        for r in out.itertuples()
    ]
    return out.drop(columns=["baseline_se", "latest_se"])


def scoreboard(
    regional: pd.DataFrame, *, expected_areas: int = EXPECTED_REGIONS_AND_NATIONS
) -> pd.DataFrame:
    """Per measure: how many regions and nations improved significantly, the UK, and the verdict."""
    areas = regional[regional["area_level"] != "uk"]
    uk = regional[regional["area_level"] == "uk"].set_index("measure")
    board = (
        areas.groupby("measure", sort=False)
        .agg(
            n_areas=("area_code", "size"),
            n_compared=("difference", "count"),
            n_significant_improvement=("significant_improvement", "sum"),
        )
        .reset_index()
    )
    board["uk_significant_improvement"] = board["measure"].map(uk["significant_improvement"])
    every = (board["n_areas"] == expected_areas) & (
        board["n_significant_improvement"] == expected_areas
    )
    board["improved_in_every_region_and_nation"] = np.where(every, "yes", "no")
    return board
