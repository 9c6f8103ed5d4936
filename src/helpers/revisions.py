"""Revisions between releases and the quality of local estimates, as one section's result.

Revisions: where a first-published estimate (a source marked `first_published` in
config/sources.yml) and a later release give the same estimate, the revision is the later
value minus the first. They are summarised by area level, measure and statistic, and for local
authorities their effect on ranks (Spearman correlation, areas that change between the worst
third and the rest) and on a single-year gap between the worst third and the rest.

Quality: the share of local estimates ONS published, flagged or suppressed each year, the
width of their 95% confidence intervals over time, and a sentence of precision for any one
estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from scipy.stats import spearmanr

from helpers import charts, metrics
from helpers.config import ROOT
from helpers.schema import KEY

CATALOGUE = ROOT / "config" / "sources.yml"
GROUP = ["area_level", "measure", "statistic"]
LEVELS = ("uk", "nation", "region", "county", "ltla")
LEVEL_NAMES = {
    "uk": "United Kingdom",
    "nation": "Nations",
    "region": "English regions",
    "county": "Counties",
    "ltla": "Local authorities",
}
SOURCE = "ONS, Annual Population Survey personal well-being estimates"
UNITS = {"mean": "points", "share_low_wellbeing": "percentage points"}


@dataclass(frozen=True)
class Revisions:
    """Everything the section shows."""

    pairs: pd.DataFrame
    summary: pd.DataFrame
    ranks: pd.DataFrame
    statuses: pd.DataFrame
    widths: pd.DataFrame


def first_published_sources(path: Path = CATALOGUE) -> set[str]:
    """Ids of the sources that hold estimates as first published."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["wellbeing"]
    return {e["id"] for e in entries if e.get("first_published")}


def revision_pairs(table: pd.DataFrame, first: set[str]) -> pd.DataFrame:
    """Each estimate published first and again later: both values, the revision, the first CI."""
    have = table[
        table["value"].notna()
        & table["area_level"].isin(LEVELS)
        & table["statistic"].isin(UNITS)  # the headline statistics; bands repeat the shares
    ]
    early = have[have["source"].isin(first)]
    later = have[~have["source"].isin(first) & have["preferred"]]
    keep = [*KEY, "value", "lower_95", "upper_95", "source"]
    pairs = early[keep].merge(
        later[[*keep, "area_name", "area_level"]], on=list(KEY), suffixes=("_first", "_revised")
    )
    pairs["revision"] = pairs["value_revised"] - pairs["value_first"]
    pairs["outside_first_ci"] = ~pairs["value_revised"].between(
        pairs["lower_95_first"], pairs["upper_95_first"]
    )
    return pairs.sort_values([*GROUP, "period", "area_code"]).reset_index(drop=True)


def summarise(pairs: pd.DataFrame) -> pd.DataFrame:
    """Revisions by area level, measure and statistic: size, spread, largest, outside the CI."""
    rows = []
    for (level, measure, statistic), part in pairs.groupby(GROUP, sort=False):
        largest = part.loc[part["revision"].abs().idxmax()]
        rows.append(
            {
                "area_level": level,
                "measure": measure,
                "statistic": statistic,
                "estimates": len(part),
                "mean_revision": part["revision"].mean(),
                "sd_revision": part["revision"].std(ddof=1) if len(part) > 1 else np.nan,
                "mean_absolute_revision": part["revision"].abs().mean(),
                "largest_revision": largest["revision"],
                "largest_area": largest["area_name"],
                "largest_period": largest["period"],
                "outside_first_ci": int(part["outside_first_ci"].sum()),
                "share_outside_first_ci": part["outside_first_ci"].mean() * 100,
            }
        )
    order = {level: i for i, level in enumerate(LEVELS)}
    out = pd.DataFrame(rows)
    return out.sort_values(
        ["area_level", "measure", "statistic"],
        key=lambda c: c.map(order) if c.name == "area_level" else c,
    ).reset_index(drop=True)


def _worst_third(values: pd.Series, orientation: int) -> pd.Series:
    """Membership of the worst third of areas on one measure (ties at the cut-off included)."""
    oriented = values * orientation
    cut = oriented.quantile(2 / 3, interpolation="lower")
    return oriented > cut


def rank_effects(pairs: pd.DataFrame) -> pd.DataFrame:
    """For local authorities, each year and measure: rank agreement and the worst third."""
    rows = []
    local = pairs[pairs["area_level"] == "ltla"]
    for (period, measure, statistic), part in local.groupby(["period", "measure", "statistic"]):
        basis = "share" if statistic == "share_low_wellbeing" else "mean"
        sign = metrics.orientation(basis, measure)
        first = _worst_third(part["value_first"], sign)
        revised = _worst_third(part["value_revised"], sign)
        gaps = [
            sign * (part.loc[m, col].mean() - part.loc[~m, col].mean())
            for m, col in ((first, "value_first"), (revised, "value_revised"))
        ]
        rows.append(
            {
                "period": period,
                "measure": measure,
                "statistic": statistic,
                "local_authorities": len(part),
                "spearman_rho": float(spearmanr(part["value_first"], part["value_revised"])[0]),
                "changed_third": int((first != revised).sum()),
                "gap_first": gaps[0],
                "gap_revised": gaps[1],
                "gap_revision": gaps[1] - gaps[0],
            }
        )
    return pd.DataFrame(rows)


def status_shares(table: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """Local-authority estimates each year by ONS status, counts and percentages."""
    local = table[(table["area_level"] == "ltla") & (table["statistic"] == statistic)]
    counts = pd.crosstab(local["period"], local["status"])
    for status in ("published", "low_reliability", "suppressed", "no_estimate"):
        if status not in counts:
            counts[status] = 0
    counts = counts[["published", "low_reliability", "suppressed", "no_estimate"]]
    total = counts.sum(axis=1)
    out = counts.assign(estimates=total)
    for status in counts.columns:
        out[f"{status}_pct"] = counts[status] / total * 100
    return out.reset_index().assign(statistic=statistic)


def ci_widths(table: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """Median (and quartiles of) 95% CI width each year, by area level and measure."""
    rows = table[
        (table["statistic"] == statistic)
        & table["lower_95"].notna()
        & table["area_level"].isin(LEVELS)
    ]
    rows = rows.assign(width=rows["upper_95"] - rows["lower_95"])
    grouped = rows.groupby(["area_level", "measure", "period"])["width"]
    out = pd.DataFrame(
        {
            "estimates": grouped.size(),
            "median_width": grouped.median(),
            "lower_quartile": grouped.quantile(0.25),
            "upper_quartile": grouped.quantile(0.75),
        }
    ).reset_index()
    return out.assign(statistic=statistic)


def precision_words(lower: float, upper: float, statistic: str) -> str:
    """A CI in words: 'the 95% confidence interval is ±0.12 points'."""
    half = (upper - lower) / 2
    return f"the 95% confidence interval is ±{half:.2f} {UNITS[statistic]}"


def quality_sentence(r: Revisions, measure: str, baseline: str, latest: str) -> str:
    """The latest year's suppression and the width of local CIs, against the baseline year."""
    row = r.statuses.set_index("period").loc[latest]
    held = row["suppressed"] + row["low_reliability"] + row["no_estimate"]
    local = r.widths[(r.widths["area_level"] == "ltla") & (r.widths["measure"] == measure)]
    width = local.set_index("period")["median_width"]
    unit = UNITS[r.statuses["statistic"].iloc[0]]
    return (
        f"In {latest}, ONS suppressed or flagged {int(held)} of {int(row['estimates'])} local-"
        f"authority estimates ({held / row['estimates'] * 100:.1f}%). The median 95% confidence "
        f"interval of a local authority's {measure.replace('_', ' ')} estimate was "
        f"{width[latest]:.2f} {unit} wide in {latest} (so ±{width[latest] / 2:.2f}), against "
        f"{width[baseline]:.2f} in {baseline}."
    )


def build(all_releases: pd.DataFrame, preferred: pd.DataFrame, basis: str) -> Revisions:
    """The section's tables from every release and from the preferred estimates."""
    statistic = metrics.check_basis(basis)
    pairs = revision_pairs(all_releases, first_published_sources())
    return Revisions(
        pairs=pairs,
        summary=summarise(pairs),
        ranks=rank_effects(pairs),
        statuses=status_shares(preferred, statistic),
        widths=ci_widths(preferred, statistic),
    )


def width_figure(r: Revisions, measure: str, basis: str) -> tuple[Figure, str, str, pd.DataFrame]:
    """Median CI width over time by area level, quartiles shaded: figure, alt, caption, data."""
    data = r.widths[r.widths["measure"] == measure].assign(
        area=lambda d: d["area_level"].map(LEVEL_NAMES)
    )
    data = data[data["area_level"].isin(("ltla", "county", "region", "nation"))]
    name, statistic = measure.replace("_", " "), metrics.check_basis(basis)
    fig = charts.line_chart(
        data,
        title=f"How precise are the estimates? Width of 95% intervals, {name}",
        basis=f"{statistic.replace('_', ' ').capitalize()} estimates; median width, shaded "
        "from the lower to the upper quartile",
        periods=f"{data['period'].min()} to {data['period'].max()}",
        source=SOURCE,
        y_label=f"Width of the 95% confidence interval ({UNITS[statistic]})",
        group="area",
        value="median_width",
        lower="lower_quartile",
        upper="upper_quartile",
    )
    latest = data[data["period"] == data["period"].max()]
    alt = (
        f"Line chart of the median width of 95% confidence intervals of {name} estimates each "
        f"year, one line per area level; in {data['period'].max()}: "
        + "; ".join(f"{r.area} {r.median_width:.2f}" for r in latest.itertuples())
        + "."
    )
    caption = (
        f"Median width of the 95% confidence intervals of {name} estimates by area level, each "
        "year; the shading runs from the lower to the upper quartile across areas."
    )
    return fig, alt, caption, data


def revision_figure(
    r: Revisions, measure: str, period: str, basis: str
) -> tuple[Figure, str, str, pd.DataFrame]:
    """Histogram of local-authority revisions for one measure and year."""
    statistic = metrics.check_basis(basis)
    data = r.pairs[
        (r.pairs["area_level"] == "ltla")
        & (r.pairs["measure"] == measure)
        & (r.pairs["period"] == period)
        & (r.pairs["statistic"] == statistic)
    ]
    name = measure.replace("_", " ")
    fig = charts.distribution_chart(
        data,
        title=f"Revisions to local {name} estimates, {period}",
        basis=f"Revised minus first-published {statistic.replace('_', ' ')}",
        periods=period,
        source=SOURCE,
        x_label=f"Revision ({UNITS[statistic]})",
        value="revision",
    )
    alt = charts.distribution_alt_text(
        data, what=f"revisions to local {name} estimates in {period}", value="revision"
    )
    caption = (
        f"Revisions to local-authority {name} estimates for {period}: revised series minus the "
        "estimate as first published."
    )
    return fig, alt, caption, data
