"""Drivers of well-being across local authorities: availability, associations and group contrasts.

Every statistic here is an area-level association: it says how local authorities that score
worse on a driver tend to score on well-being, never why any person's well-being is what it is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers import assessment, geography, metrics
from helpers.registry import NOT_YET_AVAILABLE

BOOTSTRAP_SEED = 20240401
BOOTSTRAP_DRAWS = 2000
Z95 = 1.96
MIN_AREAS = 10
LOCAL_LEVEL = "ltla"
TREND_LEVELS = ("uk", "nation", "region")
COUNTED_STATUSES = ("published", "low_reliability")


def start_year(period: str) -> int:
    """First calendar year a period label covers ('2018-19', '2018', '2017-19', '2023 Oct-Dec')."""
    return int(str(period)[:4])


def with_data(registry: dict[str, Any]) -> list[dict[str, Any]]:
    """Registry metrics that have a source file in this release, in registry order."""
    return [m for m in registry["metrics"] if m["source"] != NOT_YET_AVAILABLE]


def local_metrics(registry: dict[str, Any]) -> list[dict[str, Any]]:
    """Metrics with LA data and a direction (not denominators), the unit of analysis."""
    return [
        m
        for m in with_data(registry)
        if m["geography"] == LOCAL_LEVEL and m["polarity"] != "not_applicable"
    ]


def counted(supporting: pd.DataFrame) -> pd.DataFrame:
    """Rows with a usable value: published or low reliability, as ONS counts them."""
    return supporting[supporting["status"].isin(COUNTED_STATUSES) & supporting["value"].notna()]


def availability_matrix(registry: dict[str, Any], supporting: pd.DataFrame) -> pd.DataFrame:
    """Metric x geography: periods with data and areas counted, or when data are expected."""
    rows = []
    for metric in registry["metrics"]:
        base = {"metric_id": metric["id"], "metric": metric["name"]}
        if metric["source"] == NOT_YET_AVAILABLE:
            rows.append(
                base
                | {
                    "area_level": metric["geography"],
                    "first_period": "",
                    "latest_period": "",
                    "periods": 0,
                    "areas_latest": 0,
                    "not_counted_latest": 0,
                    "availability": f"No data yet: {metric['expected']}",
                }
            )
            continue
        own = supporting[supporting["metric_id"] == metric["id"]]
        for level, part in own.groupby("area_level", sort=True):
            periods = sorted(part["period"].unique(), key=lambda p: (start_year(p), p))
            latest = part[part["period"] == periods[-1]]
            kept = counted(latest)
            rows.append(
                base
                | {
                    "area_level": level,
                    "first_period": periods[0],
                    "latest_period": periods[-1],
                    "periods": len(periods),
                    "areas_latest": int(kept["area_code"].nunique()),
                    "not_counted_latest": len(latest) - len(kept),
                    "availability": metric["availability"],
                }
            )
    return pd.DataFrame(rows)


def period_near(periods: list[str], year: int) -> str:
    """The latest period starting no later than `year`, else the earliest: the closest match."""
    ordered = sorted(periods, key=lambda p: (start_year(p), p))
    before = [p for p in ordered if start_year(p) <= year]
    return before[-1] if before else ordered[0]


def local_values(
    supporting: pd.DataFrame, metric_id: str, period: str, vintage: int
) -> pd.DataFrame:
    """One metric's LA values in a period on the vintage's codes.

    Areas recoded since the file's vintage take their new code; areas merged since then are left
    out (a rate cannot be combined without its denominators) and counted in `merged_out`.
    """
    rows = counted(supporting)
    rows = rows[
        (rows["metric_id"] == metric_id)
        & (rows["period"] == period)
        & (rows["area_level"] == LOCAL_LEVEL)
    ]
    target = rows["area_code"].map(lambda code: geography.successor(code, vintage))
    merged = target.duplicated(keep=False)
    out = rows.loc[~merged, ["area_code", "value"]].assign(area_code=target[~merged])
    return out.reset_index(drop=True).assign(merged_out=int(merged.sum()))


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation: Pearson's correlation of the average ranks."""
    return float(np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1])


def _row_pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson's correlation of each row of `a` with the same row of `b`."""
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


def bootstrap_spearman(
    x: np.ndarray, y: np.ndarray, *, draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float]:
    """Percentile 95% interval of Spearman's rho from resampling areas (seeded, vectorised)."""
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(x), size=(draws, len(x)))
    rho = _row_pearson(stats.rankdata(x[index], axis=1), stats.rankdata(y[index], axis=1))
    lower, upper = np.nanpercentile(rho, [2.5, 97.5])
    return float(lower), float(upper)


def association(x: np.ndarray, y: np.ndarray, *, seed: int = BOOTSTRAP_SEED) -> dict[str, Any]:
    """Spearman's rho with its bootstrap 95% interval, or no estimate below MIN_AREAS areas."""
    if len(x) < MIN_AREAS:
        return {"n_areas": len(x), "rho": math.nan, "lower_95": math.nan, "upper_95": math.nan}
    lower, upper = bootstrap_spearman(x, y, seed=seed)
    return {"n_areas": len(x), "rho": spearman(x, y), "lower_95": lower, "upper_95": upper}


def standardised_difference(group: np.ndarray, rest: np.ndarray) -> dict[str, float]:
    """Difference of means over the pooled SD (Cohen's d) with its large-sample 95% interval."""
    n1, n2 = len(group), len(rest)
    pooled = math.sqrt(
        ((n1 - 1) * np.var(group, ddof=1) + (n2 - 1) * np.var(rest, ddof=1)) / (n1 + n2 - 2)
    )
    d = (float(np.mean(group)) - float(np.mean(rest))) / pooled
    se = math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)))
    return {"d": d, "lower_95": d - Z95 * se, "upper_95": d + Z95 * se}


def mean_difference(group: np.ndarray, rest: np.ndarray) -> dict[str, float]:
    """Each group's mean and the difference with a 95% interval (unequal variances)."""
    diff = float(np.mean(group)) - float(np.mean(rest))
    se = math.sqrt(np.var(group, ddof=1) / len(group) + np.var(rest, ddof=1) / len(rest))
    return {
        "mean_worst_third": float(np.mean(group)),
        "mean_rest": float(np.mean(rest)),
        "difference": diff,
        "lower_95": diff - Z95 * se,
        "upper_95": diff + Z95 * se,
    }


def worse_sign(polarity: str) -> int:
    """+1 if a higher value is worse, -1 if better, so positive always means worse off."""
    return -1 if polarity == "higher_is_better" else 1


def with_cohort(values: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    """LA values joined to the worst-third flag; areas outside the ranked cohort are left out."""
    ranked = cohort[cohort["score"].notna()][["area_code", "area_name", "in_worst_third"]]
    return values.merge(ranked, on="area_code", how="inner", validate="one_to_one")


def cohort_contrasts(
    registry: dict[str, Any],
    supporting: pd.DataFrame,
    cohort: pd.DataFrame,
    year: int,
    vintage: int,
) -> pd.DataFrame:
    """Per LA metric: worst third against the rest, as means and as a standardised difference.

    The standardised difference is signed so that a positive value means the worst third is
    worse off on the driver.
    """
    rows = []
    for metric in local_metrics(registry):
        own = supporting[
            (supporting["metric_id"] == metric["id"]) & (supporting["area_level"] == LOCAL_LEVEL)
        ]
        period = period_near(list(own["period"].unique()), year)
        joined = with_cohort(local_values(supporting, metric["id"], period, vintage), cohort)
        flag = joined["in_worst_third"].to_numpy(bool)
        values = joined["value"].to_numpy(float)
        sign = worse_sign(metric["polarity"])
        d = standardised_difference(sign * values[flag], sign * values[~flag])
        rows.append(
            {
                "metric_id": metric["id"],
                "metric": metric["name"],
                "period": period,
                "n_worst_third": int(flag.sum()),
                "n_rest": int((~flag).sum()),
                "merged_out": int(joined["merged_out"].iloc[0]) if len(joined) else 0,
            }
            | mean_difference(values[flag], values[~flag])
            | {
                "std_difference": d["d"],
                "std_lower_95": d["lower_95"],
                "std_upper_95": d["upper_95"],
            }
        )
    return pd.DataFrame(rows)


def associations(
    registry: dict[str, Any],
    supporting: pd.DataFrame,
    wellbeing: pd.DataFrame,
    year: int,
    vintage: int,
) -> pd.DataFrame:
    """Spearman's rho of every LA metric with every headline measure across LAs.

    `wellbeing` holds one value per area_code and measure (e.g. a pooled window of means).
    """
    rows = []
    for metric in local_metrics(registry):
        own = supporting[
            (supporting["metric_id"] == metric["id"]) & (supporting["area_level"] == LOCAL_LEVEL)
        ]
        period = period_near(list(own["period"].unique()), year)
        values = local_values(supporting, metric["id"], period, vintage)
        for measure, part in wellbeing.dropna(subset=["value"]).groupby("measure", sort=True):
            pair = values.merge(part, on="area_code", suffixes=("_metric", "_wellbeing"))
            rows.append(
                {"metric_id": metric["id"], "metric": metric["name"], "period": period}
                | {"measure": measure}
                | association(
                    pair["value_metric"].to_numpy(float), pair["value_wellbeing"].to_numpy(float)
                )
            )
    return pd.DataFrame(rows)


def trend(supporting: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """A metric's UK, nation and region values over time, with limits where published."""
    rows = supporting[
        (supporting["metric_id"] == metric_id) & supporting["area_level"].isin(TREND_LEVELS)
    ]
    columns = ["area_level", "area_code", "area_name", "period", "value", "lower_95", "upper_95"]
    columns += ["status"]
    return rows[columns].sort_values(["area_level", "area_code", "period"]).reset_index(drop=True)


def change_since(supporting: pd.DataFrame, metric_id: str, baseline_year: int) -> pd.DataFrame:
    """National values nearest the baseline and latest, and the change (none if one period)."""
    national = counted(trend(supporting, metric_id))
    national = national[national["area_level"].isin(("uk", "nation"))]
    rows = []
    for (code, name), part in national.groupby(["area_code", "area_name"], sort=True):
        periods = list(part["period"])
        first, last = period_near(periods, baseline_year), period_near(periods, 9999)
        by_period = part.set_index("period")["value"]
        rows.append(
            {
                "metric_id": metric_id,
                "area_code": code,
                "area_name": name,
                "baseline_period": first,
                "baseline_value": by_period[first],
                "latest_period": last,
                "latest_value": by_period[last],
                "change": by_period[last] - by_period[first] if last != first else math.nan,
            }
        )
    return pd.DataFrame(rows)


def national_changes(
    supporting: pd.DataFrame, registry: dict[str, Any], baseline_year: int
) -> pd.DataFrame:
    """change_since for every metric with data, named from the registry, in registry order."""
    names = {m["id"]: m["name"] for m in registry["metrics"]}
    frames = [change_since(supporting, m["id"], baseline_year) for m in with_data(registry)]
    change = pd.concat(frames, ignore_index=True)
    change.insert(1, "metric", change["metric_id"].map(names))
    return change


def trends(supporting: pd.DataFrame, registry: dict[str, Any]) -> pd.DataFrame:
    """trend of every metric with data, each row naming its metric, in registry order."""
    frames = [trend(supporting, m["id"]).assign(metric_id=m["id"]) for m in with_data(registry)]
    return pd.concat(frames, ignore_index=True)


def wellbeing_and_cohort(
    df: pd.DataFrame, settings: assessment.Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Well-being pooled over the latest window per LA and measure, and the fixed worst third.

    Both are on the edition's geography vintage and metric basis (assessment.Settings).
    """
    est = assessment.local_estimates(
        assessment.harmonised(df, settings.geography_vintage).table, settings
    )
    pooled = metrics.pool_window(est, settings.latest_window)
    return pooled, assessment.cohort_table(est, settings)


def area_frame(
    supporting: pd.DataFrame, metric_id: str, period: str, cohort: pd.DataFrame, vintage: int
) -> pd.DataFrame:
    """A metric's LA values with the area's name and whether it is in the worst third."""
    values = local_values(supporting, metric_id, period, vintage)
    names = cohort[["area_code", "area_name", "in_worst_third"]]
    return values.merge(names, on="area_code", how="left", validate="one_to_one")


def scatter_frame(area_values: pd.DataFrame, wellbeing: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One metric against one well-being measure, LA by LA, for a scatter chart."""
    one = wellbeing[wellbeing["measure"] == measure][["area_code", "value"]]
    pair = area_values.merge(one, on="area_code", suffixes=("", "_wellbeing")).dropna()
    return pair.rename(columns={"value": "metric_value", "value_wellbeing": "wellbeing_value"})


def interval_words(row: pd.Series, value: str, lower: str, upper: str) -> str:
    """'value (95% interval lower to upper), an interval that excludes/includes zero'."""
    spans = "includes" if row[lower] <= 0 <= row[upper] else "excludes"
    return (
        f"{row[value]:+.2f} (95% interval {row[lower]:+.2f} to {row[upper]:+.2f}, "
        f"which {spans} zero)"
    )


def strongest_associations(table: pd.DataFrame, measure: str, count: int = 3) -> str:
    """Markdown list of the metrics most strongly associated with one measure across LAs."""
    one = table[(table["measure"] == measure) & table["rho"].notna()]
    top = one.reindex(one["rho"].abs().sort_values(ascending=False).index).head(count)
    return "\n".join(
        f"- {row['metric']} ({row['period']}): Spearman's rho "
        + interval_words(row, "rho", "lower_95", "upper_95")
        + f", {row['n_areas']} local authorities"
        for _, row in top.iterrows()
    )


def separating_drivers(contrasts: pd.DataFrame, count: int = 3) -> str:
    """Markdown list of the drivers on which the worst third is furthest worse off."""
    top = contrasts.sort_values("std_difference", ascending=False).head(count)
    return "\n".join(
        f"- {row['metric']} ({row['period']}): standardised difference "
        + interval_words(row, "std_difference", "std_lower_95", "std_upper_95")
        for _, row in top.iterrows()
    )
