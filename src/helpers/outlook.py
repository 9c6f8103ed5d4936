"""The road to 2030 section: one result object (trajectories, gap still needed) and its words.

The statistics are in helpers.trajectory; this module chooses the areas (the UK, its nations
and the English regions), the basis and periods from the edition, and writes the sentences,
charts and table notes the notebook shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from helpers import assessment, charts, gap, metrics, trajectory
from helpers.geography import ENGLAND, UK
from helpers.headline import HEADLINE_LEVELS, SHARE_LABELS, headline_areas
from helpers.significance import EXPECTED_REGIONS_AND_NATIONS

VERDICT_ORDER = (trajectory.ON_TRACK, trajectory.CANNOT_TELL, trajectory.OFF_TRACK)


@dataclass(frozen=True)
class Outlook:
    """Everything the section shows."""

    settings: assessment.Settings
    target_period: str
    trajectories: pd.DataFrame
    gap: pd.DataFrame


def build(df: pd.DataFrame, settings: assessment.Settings, target_period: str) -> Outlook:
    """Trajectories of every headline area and measure, and the gap reduction still needed."""
    basis = settings.metric_basis
    est = metrics.estimates(df, basis, area_levels=HEADLINE_LEVELS)
    areas = headline_areas(df)
    names = areas.set_index("area_code")["area_name"]
    paths = trajectory.area_trajectories(
        est, names, basis, settings.baseline_period, settings.latest_period, target_period
    )
    order = {code: i for i, code in enumerate(areas["area_code"])}
    paths = paths.sort_values(
        ["measure", "area_code"], key=lambda c: c.map(order) if c.name == "area_code" else c
    ).reset_index(drop=True)
    local = assessment.local_estimates(
        assessment.harmonised(df, settings.geography_vintage).table, settings
    )
    change = gap.gap_change(
        local, settings.gap_baseline_periods, settings.latest_window, settings.options
    )
    rows = [
        {"metric": r["metric"], "baseline": r["baseline"], "latest": r["latest"]}
        | trajectory.gap_still_needed(r)
        for _, r in change.iterrows()
    ]
    return Outlook(settings, target_period, paths, pd.DataFrame(rows))


def verdict_counts(outlook: Outlook) -> pd.DataFrame:
    """How many of the 12 regions and nations (England's nine regions, Wales, Scotland and
    Northern Ireland, as in the assessment) are on track, by measure."""
    paths = outlook.trajectories
    regional = paths[~paths["area_code"].isin((UK, ENGLAND))]
    if regional.groupby("measure").size().ne(EXPECTED_REGIONS_AND_NATIONS).any():
        raise ValueError(f"expected {EXPECTED_REGIONS_AND_NATIONS} regions and nations a measure")
    counts = pd.crosstab(regional["measure"], regional["verdict"])
    return counts.reindex(columns=list(VERDICT_ORDER), fill_value=0).reset_index()


def summary(outlook: Outlook) -> str:
    """Main points in words, from the numbers."""
    s = outlook.settings
    lines = []
    for _, row in verdict_counts(outlook).iterrows():
        total = int(row[list(VERDICT_ORDER)].sum())
        measure = row["measure"]
        name = (
            f"Share of adults with {SHARE_LABELS[measure]}"
            if s.metric_basis == "share"
            else f"{assessment.MEASURE_NAMES[measure]} (mean rating)"
        )
        lines.append(
            f"- {name}: {row[trajectory.ON_TRACK]} of {total} regions and nations are on "
            f"track for a statistically significant improvement on {s.baseline_period} by "
            f"{outlook.target_period}, {row[trajectory.OFF_TRACK]} are off track and "
            f"{row[trajectory.CANNOT_TELL]} cannot be called."
        )
    return "\n".join(lines)


def gap_sentence(row: pd.Series, settings: assessment.Settings) -> str:
    """The gap reduction still needed, for one measure."""
    units = assessment.CHANGE_UNITS[settings.metric_basis]
    fmt = lambda v: assessment.number(v, settings.metric_basis)  # noqa: E731
    start = (
        f"{assessment.MEASURE_NAMES[row['metric']]}: the gap was {fmt(row['gap_baseline'])} in "
        f"{row['baseline']} and {fmt(row['gap_latest'])} in {row['latest']}; a window is a "
        f"statistically significant reduction on the baseline below {fmt(row['gap_threshold'])}"
    )
    if row["reduction_still_needed"] <= 0:
        return f"{start}, so the latest window already is one."
    return f"{start}: {fmt(row['reduction_still_needed'])} {units} less than the latest."


def figure(outlook: Outlook, measure: str) -> tuple[Figure, str, str]:
    """Latest estimate, projection and threshold for each area, one measure."""
    s = outlook.settings
    rows = outlook.trajectories[outlook.trajectories["measure"] == measure]
    basis = assessment.BASIS_TEXT[s.metric_basis]
    fitted = f"{s.baseline_period} to {s.latest_period}"
    fig = charts.projection_chart(
        rows,
        title=f"{assessment.MEASURE_NAMES[measure]}: the road to {outlook.target_period}",
        basis=basis,
        periods=f"Trend fitted {fitted}; projection to {outlook.target_period}",
        source=assessment.SOURCE_TEXT[s.metric_basis],
        x_label=basis,
        latest_label=f"{s.latest_period}, 95% CI",
        projection_label=f"{outlook.target_period} projection, 95% PI",
    )
    d = assessment.DECIMALS[s.metric_basis]
    parts = [
        f"{r.area_name} {r.latest_value:.{d}f} in {s.latest_period}, projected "
        f"{r.projected:.{d}f} ({r.projected_lower_95:.{d}f} to {r.projected_upper_95:.{d}f}) "
        f"against {r.threshold:.{d}f} needed: {r.verdict}"
        for r in rows.itertuples()
    ]
    alt = (
        f"Dot chart of {measure.replace('_', ' ')} for {len(rows)} areas, each with its "
        f"{s.latest_period} estimate, a straight-line projection to {outlook.target_period} and "
        "the value a significant improvement needs: " + "; ".join(parts) + "."
    )
    caption = (
        f"{assessment.MEASURE_NAMES[measure]}: {s.latest_period} estimates, projections to "
        f"{outlook.target_period} of the trend fitted {fitted} (projections, not forecasts), and "
        f"the value a statistically significant improvement on {s.baseline_period} needs; "
        f"{basis.lower()}."
    )
    return fig, alt, caption
