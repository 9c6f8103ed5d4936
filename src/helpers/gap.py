"""The mission gap: rank local authorities, pick the worst third, and track its gap to the rest."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from helpers import metrics, significance
from helpers.schema import MEASURES

BASELINE = ("2016-17", "2017-18", "2018-19")
BASELINE_WINDOWS = (BASELINE, ("2017-18", "2018-19", "2019-20"))
COHORT_SHARE = Fraction(1, 3)
MIN_METRICS = 2
COHORT_RULES = ("fixed", "re-ranked")
WEIGHTINGS = ("unweighted", "inverse_variance")
SUPPRESSED_RULES = ("exclude", "require_all")
BOOTSTRAP_SEED = 20190401
HEADLINE = {
    "basis": "share",
    "cohort": "fixed",
    "baseline": BASELINE,
    "weighting": "unweighted",
    "suppressed": "exclude",
}


class NoDataError(ValueError):
    """A comparison whose estimates do not exist in the table, with the reason in words."""


@dataclass(frozen=True)
class Options:
    """Every analytical choice behind one gap figure."""

    basis: str = "share"
    cohort: str = "fixed"
    weighting: str = "unweighted"
    suppressed: str = "exclude"
    min_years: int = 2
    share: Fraction = COHORT_SHARE
    min_metrics: int = MIN_METRICS

    def __post_init__(self) -> None:
        """Refuse unknown choices at once rather than deep in a computation."""
        metrics.check_basis(self.basis)
        for value, allowed in (
            (self.cohort, COHORT_RULES),
            (self.weighting, WEIGHTINGS),
            (self.suppressed, SUPPRESSED_RULES),
        ):
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {allowed}")


@dataclass(frozen=True)
class Panel:
    """One window's pooled estimates as areas x measures arrays, oriented so higher = worse."""

    areas: tuple[str, ...]
    values: np.ndarray
    se: np.ndarray


def percentile_ranks(values: np.ndarray) -> np.ndarray:
    """Percentile rank (average rank / count) of each area per measure among areas with a value."""
    ranks = rankdata(values, axis=-2, nan_policy="omit")
    return ranks / np.sum(~np.isnan(values), axis=-2, keepdims=True)


def worst_scores(values: np.ndarray, min_metrics: int = MIN_METRICS) -> np.ndarray:
    """Each area's worst (highest) percentile rank across its measures; NaN below min_metrics."""
    pct = percentile_ranks(values)
    present = ~np.isnan(pct)
    worst = np.where(present, pct, -np.inf).max(axis=-1)
    return np.where(present.sum(axis=-1) >= min_metrics, worst, np.nan)


def cohort_mask(scores: np.ndarray, share: Fraction = COHORT_SHARE) -> np.ndarray:
    """The ceil(N x share) highest-scoring areas; ties go to the earlier area code (input order)."""
    ranked = ~np.isnan(scores)
    size = -(-ranked.sum(axis=-1) * share.numerator // share.denominator)
    order = np.argsort(np.where(ranked, -scores, np.inf), axis=-1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(scores.shape[-1]), axis=-1)
    return ranked & (position < size[..., None])


def group_gaps(
    values: np.ndarray,
    se: np.ndarray,
    cohort: np.ndarray,
    ranked: np.ndarray,
    weighting: str = "unweighted",
) -> dict[str, np.ndarray]:
    """Per measure: cohort mean - mean of the other ranked areas, its se, and group sizes.

    Each group mean is sum(w x) / sum(w) with w = 1 or 1 / se^2, so its variance is
    sum(w^2 se^2) / sum(w)^2 for independent estimates. Inverse-variance weighting leaves out
    estimates published with zero-width limits (se = 0, e.g. a 0% share): their weight would be
    infinite; n_cohort and n_rest count only the estimates that carry weight.
    """
    present = ~np.isnan(values)
    if weighting == "unweighted":
        weights = np.ones_like(se)
    else:
        positive = np.nan_to_num(se) > 0
        weights = np.divide(1.0, se**2, out=np.zeros_like(se), where=positive)
    groups = {"cohort": cohort, "rest": ranked & ~cohort}
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, member in groups.items():
            w = np.where(member[..., None] & present, weights, 0.0)
            total = w.sum(axis=-2)
            out[f"mean_{name}"] = np.where(present, w * values, 0.0).sum(axis=-2) / total
            out[f"var_{name}"] = np.where(present, w**2 * se**2, 0.0).sum(axis=-2) / total**2
            out[f"n_{name}"] = (w > 0).sum(axis=-2)
    out["gap"] = out["mean_cohort"] - out["mean_rest"]
    out["se"] = np.sqrt(out.pop("var_cohort") + out.pop("var_rest"))
    return out


def panel(pooled: pd.DataFrame, basis: str, areas: Sequence[str]) -> Panel:
    """Arrange pooled values as areas x measures, oriented so that higher = worse."""
    sign = np.array([metrics.orientation(basis, m) for m in MEASURES], dtype=float)
    wide = pooled.pivot(index="area_code", columns="measure", values=["value", "se"])
    values = wide["value"].reindex(index=list(areas), columns=list(MEASURES)).to_numpy(float)
    se = wide["se"].reindex(index=list(areas), columns=list(MEASURES)).to_numpy(float)
    return Panel(tuple(areas), values * sign, se)


def window_panel(est: pd.DataFrame, periods: Sequence[str], options: Options) -> Panel:
    """Pool one window for every area in the estimates, refusing a window with no values."""
    pooled = metrics.pool_window(est, periods, min_years=options.min_years)
    if pooled["value"].notna().sum() == 0:
        raise NoDataError(
            f"no counted {options.basis} estimates for local authorities in "
            f"{metrics.window_label(periods)}"
        )
    return panel(pooled, options.basis, sorted(est["area_code"].unique()))


def common_units(first: Panel, second: Panel, suppressed: str) -> tuple[Panel, Panel]:
    """Under 'require_all', keep only areas with every measure in both windows."""
    if suppressed == "exclude":
        return first, second
    complete = ~np.isnan(first.values).any(axis=1) & ~np.isnan(second.values).any(axis=1)
    if not complete.any():
        raise NoDataError("no local authority has all four measures in both windows")
    keep = complete[:, None]
    return tuple(
        replace(p, values=np.where(keep, p.values, np.nan), se=np.where(keep, p.se, np.nan))
        for p in (first, second)
    )


def panel_gaps(cohort_panel: Panel, gap_panel: Panel, options: Options) -> dict[str, np.ndarray]:
    """Gap in gap_panel's window for the cohort chosen on cohort_panel's window."""
    scores = worst_scores(cohort_panel.values, options.min_metrics)
    cohort = cohort_mask(scores, options.share)
    ranked = ~np.isnan(scores)
    out = group_gaps(gap_panel.values, gap_panel.se, cohort, ranked, options.weighting)
    out["n_las"] = np.broadcast_to(ranked.sum(axis=-1)[..., None], out["gap"].shape)
    return out


def _pair(
    est: pd.DataFrame, baseline: Sequence[str], other: Sequence[str], options: Options
) -> tuple[Panel, Panel]:
    """Baseline and other window panels on the units the suppressed rule allows."""
    base = window_panel(est, baseline, options)
    return common_units(base, window_panel(est, other, options), options.suppressed)


def _window_gaps(base: Panel, other: Panel, options: Options) -> dict[str, np.ndarray]:
    """Gap in `other` for the fixed baseline cohort or for a cohort re-ranked in `other`."""
    return panel_gaps(base if options.cohort == "fixed" else other, other, options)


def _labels(options: Options) -> dict[str, object]:
    """The options as table columns, so every row says how it was computed."""
    return {
        "basis": options.basis,
        "cohort": options.cohort,
        "weighting": options.weighting,
        "suppressed": options.suppressed,
    }


def _original_units(means: np.ndarray, basis: str) -> np.ndarray:
    """Undo the orientation of group means so they read in the published units."""
    return means * np.array([metrics.orientation(basis, m) for m in MEASURES])


def window_gap(
    est: pd.DataFrame,
    baseline: Sequence[str] = BASELINE,
    periods: Sequence[str] = BASELINE,
    options: Options | None = None,
) -> pd.DataFrame:
    """Gap per measure in `periods`, positive = the worst third is worse, with its 95% CI."""
    options = options or Options()
    base, other = _pair(est, baseline, periods, options)
    g = _window_gaps(base, other, options)
    return pd.DataFrame(
        {
            "metric": MEASURES,
            **_labels(options),
            "cohort_periods": metrics.window_label(baseline)
            if options.cohort == "fixed"
            else metrics.window_label(periods),
            "periods": metrics.window_label(periods),
            "window_years": len(periods),
            "estimate": g["gap"],
            "lower_95": g["gap"] - significance.Z95 * g["se"],
            "upper_95": g["gap"] + significance.Z95 * g["se"],
            "se": g["se"],
            "mean_cohort": _original_units(g["mean_cohort"], options.basis),
            "mean_rest": _original_units(g["mean_rest"], options.basis),
            "n_cohort": g["n_cohort"],
            "n_rest": g["n_rest"],
            "n_las": g["n_las"],
        }
    )


def gap_series(
    est: pd.DataFrame,
    baseline: Sequence[str] = BASELINE,
    options: Options | None = None,
    *,
    length: int = 3,
) -> pd.DataFrame:
    """The gap for every single year and every rolling window of `length` years in the data."""
    periods = sorted(est["period"].unique(), key=metrics.start_year)
    windows = [(p,) for p in periods] + metrics.rolling_windows(periods, length)
    return pd.concat([window_gap(est, baseline, w, options) for w in windows], ignore_index=True)


def gap_change(
    est: pd.DataFrame,
    baseline: Sequence[str] = BASELINE,
    latest: Sequence[str] = ("2020-21", "2021-22", "2022-23"),
    options: Options | None = None,
) -> pd.DataFrame:
    """Change in gap from baseline to latest window, 95% CI, and p-values of a reduction.

    The two windows are treated as independent samples (they may share no years).
    """
    options = options or Options()
    base, other = _pair(est, baseline, latest, options)
    before = panel_gaps(base, base, options)
    after = _window_gaps(base, other, options)
    test = significance.compare(before["gap"], before["se"], after["gap"], after["se"])
    return pd.DataFrame(
        {
            "metric": MEASURES,
            **_labels(options),
            "baseline": metrics.window_label(baseline),
            "latest": metrics.window_label(latest),
            "gap_baseline": before["gap"],
            "gap_baseline_lower_95": before["gap"] - significance.Z95 * before["se"],
            "gap_baseline_upper_95": before["gap"] + significance.Z95 * before["se"],
            "gap_latest": after["gap"],
            "gap_latest_lower_95": after["gap"] - significance.Z95 * after["se"],
            "gap_latest_upper_95": after["gap"] + significance.Z95 * after["se"],
            "change": test["difference"],
            "lower_95": test["lower_95"],
            "upper_95": test["upper_95"],
            "p_reduction": test["p_reduction"],
            "p_two_sided": test["p_two_sided"],
            "n_cohort": before["n_cohort"],
            "n_las": before["n_las"],
        }
    )


def selection_bootstrap(
    est: pd.DataFrame,
    baseline: Sequence[str] = BASELINE,
    latest: Sequence[str] = ("2020-21", "2021-22", "2022-23"),
    options: Options | None = None,
    *,
    draws: int = 1000,
    seed: int = BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Change in gap that cohort selection alone produces when nothing truly changes.

    Each draw redraws every area's baseline and latest estimate from N(observed baseline, se)
    (each window's own se), re-selects the cohort on the drawn baseline and measures the
    change in gap; the spread is the regression to the mean to read the observed change against.
    Area-measures without a baseline value have no null mean and are left out of the draws.
    """
    options = replace(options or Options(), cohort="fixed")
    base, other = _pair(est, baseline, latest, options)
    observed = gap_change(est, baseline, latest, options)["change"].to_numpy()
    rng = np.random.default_rng(seed)
    shape = (draws, *base.values.shape)
    drawn_base = base.values + base.se * rng.standard_normal(shape)
    drawn_latest = base.values + other.se * rng.standard_normal(shape)
    null_base = Panel(base.areas, drawn_base, np.broadcast_to(base.se, shape))
    null_latest = Panel(base.areas, drawn_latest, np.broadcast_to(other.se, shape))
    change = (
        panel_gaps(null_base, null_latest, options)["gap"]
        - panel_gaps(null_base, null_base, options)["gap"]
    )
    return pd.DataFrame(
        {
            "metric": MEASURES,
            **_labels(options),
            "baseline": metrics.window_label(baseline),
            "latest": metrics.window_label(latest),
            "observed_change": observed,
            "null_mean": change.mean(axis=0),
            "null_lower_95": np.percentile(change, 2.5, axis=0),
            "null_upper_95": np.percentile(change, 97.5, axis=0),
            "share_of_draws_at_or_below_observed": (change <= observed).mean(axis=0),
            "draws": draws,
            "seed": seed,
        }
    )


def sensitivity_table(
    df: pd.DataFrame,
    latest_period: str = "2022-23",
    *,
    baselines: Sequence[Sequence[str]] = BASELINE_WINDOWS,
    headline: dict[str, object] | None = None,
    min_years: int = 2,
    source: str = "wellbeing.csv",
) -> pd.DataFrame:
    """Change in gap under every basis x cohort x baseline x weighting x suppressed choice.

    Each baseline is compared with the window of the same length ending in latest_period.
    Combinations without data keep their rows, with the reason and no numbers.
    """
    headline = headline or HEADLINE
    by_basis = {b: metrics.estimates(df, b, source=source) for b in metrics.BASIS_STATISTIC}
    rows = []
    for basis, cohort, baseline, weighting, suppressed in itertools.product(
        metrics.BASIS_STATISTIC, COHORT_RULES, baselines, WEIGHTINGS, SUPPRESSED_RULES
    ):
        options = Options(basis, cohort, weighting, suppressed, min_years)
        first = metrics.financial_year(metrics.start_year(latest_period) - len(baseline) + 1)
        latest = metrics.window(first, len(baseline))
        try:
            result = gap_change(by_basis[basis], baseline, latest, options).assign(reason="")
        except NoDataError as error:
            result = pd.DataFrame(
                {
                    "metric": MEASURES,
                    **_labels(options),
                    "baseline": metrics.window_label(baseline),
                    "latest": metrics.window_label(latest),
                    "reason": str(error),
                }
            )
        choice = {**_labels(options), "baseline": tuple(baseline)}
        rows.append(result.assign(headline=choice == {**choice, **headline}))
    table = pd.concat(rows, ignore_index=True)
    return table[[c for c in table if c not in ("reason", "headline")] + ["reason", "headline"]]
