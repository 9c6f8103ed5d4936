"""The road to 2030: trends since the baseline, projections, and the improvement still needed.

For each area and measure the annual estimates from the baseline year to the latest are fitted
by weighted least squares (weights 1/se², se from the published 95% limits). The slope's
standard error is scaled up by the Birge ratio, sqrt(chi²/(n-2)) when above 1, so year-to-year
changes larger than sampling error widen the interval rather than being ignored. The projection
to the target year carries a 95% prediction interval: the fit's uncertainty plus the sampling
error of one year's estimate (taken as the latest year's). An estimate in the target year is a
statistically significant improvement on the baseline when it differs from it, in the better
direction, by more than 1.96 × sqrt(se_baseline² + se_target²): that value is the threshold,
and the improvement still needed is the distance from the latest estimate to it. The verdict is
"on track" when the whole prediction interval lies beyond the threshold, "off track" when it lies
wholly on the other side, and "cannot tell" otherwise. These are projections of a straight-line
trend, not forecasts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import metrics
from helpers.significance import Z95

ON_TRACK, OFF_TRACK, CANNOT_TELL = "on track", "off track", "cannot tell"
MIN_YEARS = 3


@dataclass(frozen=True)
class Fit:
    """A weighted straight-line fit: value = intercept + slope × (year − origin)."""

    origin: int
    intercept: float
    slope: float
    covariance: np.ndarray
    scale: float
    n: int

    def predict(self, year: int) -> tuple[float, float]:
        """The fitted value in a year and its standard error."""
        x = np.array([1.0, year - self.origin])
        return float(self.intercept + self.slope * x[1]), float(math.sqrt(x @ self.covariance @ x))

    @property
    def slope_se(self) -> float:
        """Standard error of the slope (per year), Birge-scaled."""
        return float(math.sqrt(self.covariance[1, 1]))


def fit_trend(years: np.ndarray, values: np.ndarray, se: np.ndarray) -> Fit:
    """Weighted least-squares line through annual estimates with known standard errors."""
    years, values, se = (np.asarray(a, dtype=float) for a in (years, values, se))
    if len(years) < MIN_YEARS:
        raise ValueError(f"a trend needs at least {MIN_YEARS} years, got {len(years)}")
    origin = int(years.min())
    design = np.column_stack([np.ones_like(years), years - origin])
    weights = 1.0 / se**2
    normal = design.T @ (design * weights[:, None])
    covariance = np.linalg.inv(normal)
    beta = covariance @ design.T @ (weights * values)
    chi2 = float(np.sum(weights * (values - design @ beta) ** 2))
    scale = max(1.0, chi2 / (len(years) - 2))
    return Fit(origin, float(beta[0]), float(beta[1]), covariance * scale, scale, len(years))


def threshold(baseline: float, baseline_se: float, target_se: float, orientation: int) -> float:
    """The value a target-year estimate must pass to be a significant improvement on baseline."""
    return baseline - orientation * Z95 * math.hypot(baseline_se, target_se)


def verdict(lower: float, upper: float, needed: float, orientation: int) -> str:
    """On track when the whole prediction interval lies beyond the threshold (see module)."""
    better, worse = (upper, lower) if orientation > 0 else (-lower, -upper)
    mark = needed if orientation > 0 else -needed
    if better < mark:
        return ON_TRACK
    if worse > mark:
        return OFF_TRACK
    return CANNOT_TELL


def trajectory(
    series: pd.DataFrame, basis: str, measure: str, baseline: str, latest: str, target: str
) -> dict[str, object]:
    """Trend, projection, threshold and verdict for one area's annual estimates of a measure."""
    years = series["period"].map(metrics.start_year).to_numpy()
    span = (metrics.start_year(baseline) <= years) & (years <= metrics.start_year(latest))
    rows = series.loc[span].sort_values("period")
    base, last = rows.iloc[0], rows.iloc[-1]
    if base["period"] != baseline or last["period"] != latest:
        raise ValueError(f"{measure}: estimates for {baseline} and {latest} are both needed")
    fit = fit_trend(rows["period"].map(metrics.start_year), rows["value"], rows["se"])
    target_year = metrics.start_year(target)
    projected, fit_se = fit.predict(target_year)
    spread = Z95 * math.sqrt(fit_se**2 + fit.scale * last["se"] ** 2)
    orientation = metrics.orientation(basis, measure)
    needed = threshold(base["value"], base["se"], last["se"], orientation)
    return {
        "measure": measure,
        "baseline_period": baseline,
        "baseline_value": base["value"],
        "baseline_se": base["se"],
        "latest_period": latest,
        "latest_value": last["value"],
        "latest_se": last["se"],
        "latest_lower_95": last["value"] - Z95 * last["se"],
        "latest_upper_95": last["value"] + Z95 * last["se"],
        "years_fitted": fit.n,
        "trend_per_year": fit.slope,
        "trend_lower_95": fit.slope - Z95 * fit.slope_se,
        "trend_upper_95": fit.slope + Z95 * fit.slope_se,
        "birge_ratio": math.sqrt(fit.scale),
        "target_period": target,
        "projected": projected,
        "projected_lower_95": projected - spread,
        "projected_upper_95": projected + spread,
        "threshold": needed,
        "improvement_still_needed": orientation * (last["value"] - needed),
        "verdict": verdict(projected - spread, projected + spread, needed, orientation),
    }


def area_trajectories(
    est: pd.DataFrame, names: pd.Series, basis: str, baseline: str, latest: str, target: str
) -> pd.DataFrame:
    """trajectory for every area and measure with estimates in the baseline and latest years."""
    rows = []
    for (code, measure), series in est.groupby(["area_code", "measure"], sort=True):
        periods = set(series["period"])
        if baseline not in periods or latest not in periods:
            continue
        row = trajectory(series, basis, measure, baseline, latest, target)
        rows.append({"area_code": code, "area_name": names.get(code, code), "basis": basis} | row)
    return pd.DataFrame(rows)


def gap_still_needed(change: pd.Series) -> dict[str, float]:
    """The gap a later window must reach for a significant reduction on the baseline window.

    The windows are treated as independent, as in the gap change itself.
    """
    se_base = metrics.standard_error(
        change["gap_baseline_lower_95"], change["gap_baseline_upper_95"]
    )
    se_last = metrics.standard_error(change["gap_latest_lower_95"], change["gap_latest_upper_95"])
    needed = threshold(change["gap_baseline"], float(se_base), float(se_last), orientation=1)
    return {
        "gap_baseline": change["gap_baseline"],
        "gap_latest": change["gap_latest"],
        "gap_threshold": needed,
        "reduction_still_needed": change["gap_latest"] - needed,
    }
