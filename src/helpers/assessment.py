"""The mission assessment: local estimates on one geography, the gap, its change and the regions."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import charts, gap, geography, maps, metrics, significance
from helpers.schema import MEASURES

ROLLING_YEARS = 3
BOOTSTRAP_DRAWS = 1000
SOURCE = "wellbeing.csv"
MEASURE_NAMES = {
    "life_satisfaction": "Life satisfaction",
    "worthwhile": "Feeling that things done in life are worthwhile",
    "happiness": "Happiness yesterday",
    "anxiety": "Anxiety yesterday",
}
BASIS_TEXT = {
    "mean": "Mean rating (0 to 10)",
    "share": "Percentage with low well-being (0-4; anxiety 6-10)",
}
CHANGE_UNITS = {"mean": "points", "share": "percentage points"}
DECIMALS = {"mean": 2, "share": 1}
SOURCE_TEXT = {
    "mean": "ONS, Annual Population Survey personal well-being estimates (revised series)",
    "share": "ONS, personal well-being estimates by local authority, time series version 4 "
    "(revised series)",
}
SHORT_RECONCILIATION = (
    "period",
    "las_in",
    "unchanged",
    "recoded",
    "merged_parts",
    "merged_targets",
    "flagged",
    "las_out",
)


@dataclass(frozen=True)
class Settings:
    """The edition's parameters that decide every number in the section."""

    edition: str = "2024"
    latest_period: str = "2022-23"
    baseline_period: str = "2018-19"
    gap_baseline_periods: tuple[str, ...] = gap.BASELINE
    metric_basis: str = "mean"
    geography_vintage: int = 2023

    def __post_init__(self) -> None:
        """Refuse a basis, window or period order the assessment cannot use."""
        metrics.check_basis(self.metric_basis)
        periods = tuple(self.gap_baseline_periods)
        object.__setattr__(self, "gap_baseline_periods", periods)
        if not periods or metrics.window(periods[0], len(periods)) != periods:
            raise ValueError(f"gap baseline must be consecutive financial years, not {periods}")
        if metrics.start_year(self.latest_window[0]) <= metrics.start_year(periods[-1]):
            raise ValueError(
                f"latest window {metrics.window_label(self.latest_window)} overlaps or precedes "
                f"the baseline {metrics.window_label(periods)}"
            )
        if metrics.start_year(self.latest_period) <= metrics.start_year(self.baseline_period):
            raise ValueError(f"{self.latest_period} is not after {self.baseline_period}")

    @property
    def latest_window(self) -> tuple[str, ...]:
        """The window as long as the baseline that ends in the latest period."""
        length = len(self.gap_baseline_periods)
        first = metrics.start_year(self.latest_period) - length + 1
        return metrics.window(metrics.financial_year(first), length)

    @property
    def shifted_baseline(self) -> tuple[str, ...]:
        """The baseline window moved one year later, the sensitivity table's alternative."""
        first = metrics.start_year(self.gap_baseline_periods[0]) + 1
        return metrics.window(metrics.financial_year(first), len(self.gap_baseline_periods))

    @property
    def options(self) -> gap.Options:
        """The headline choices: this basis, cohort fixed at baseline, unweighted, exclude."""
        return gap.Options(basis=self.metric_basis)

    def parameters(self) -> dict[str, Any]:
        """The parameters as plain values for each published table's metadata."""
        return asdict(self) | {"gap_baseline_periods": list(self.gap_baseline_periods)}


@dataclass(frozen=True)
class Assessment:
    """Every table of the mission assessment for one set of settings."""

    settings: Settings
    harmonised: geography.Harmonised
    gap_series: pd.DataFrame
    gap_change: pd.DataFrame
    bootstrap: pd.DataFrame
    cohort: pd.DataFrame
    regional: pd.DataFrame
    scoreboard: pd.DataFrame
    sensitivity: pd.DataFrame
    reconciliation: pd.DataFrame
    coverage: pd.DataFrame
    ranking: pd.DataFrame


def harmonised(df: pd.DataFrame, vintage: int) -> geography.Harmonised:
    """Both bases' estimates with local authorities on the vintage's codes."""
    rows = df[df["statistic"].isin(list(metrics.BASIS_STATISTIC.values()))]
    return geography.harmonise(rows, vintage, file=SOURCE)


def local_estimates(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Counted local-authority estimates of the basis, up to the latest period."""
    est = metrics.estimates(table, settings.metric_basis, source=SOURCE)
    latest = metrics.start_year(settings.latest_period)
    return est[est["period"].map(metrics.start_year) <= latest].reset_index(drop=True)


def cohort_table(est: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Every local authority's baseline score (worst percentile rank) and cohort membership."""
    panel = gap.window_panel(est, settings.gap_baseline_periods, settings.options)
    scores = gap.worst_scores(panel.values, settings.options.min_metrics)
    ranked = pd.DataFrame(
        {
            "area_code": panel.areas,
            "n_measures": (~np.isnan(panel.values)).sum(axis=1),
            "score": scores,
            "in_worst_third": gap.cohort_mask(scores, settings.options.share),
        }
    )
    areas = geography.lower_tier_areas(settings.geography_vintage)
    out = areas.merge(ranked, on="area_code", how="left", validate="one_to_one")
    out["n_measures"] = out["n_measures"].fillna(0).astype(int)
    out["in_worst_third"] = out["in_worst_third"].fillna(False).astype(bool)
    out["region"] = out["region_name"].fillna(out["nation_name"])
    return out[["area_code", "area_name", "region", "n_measures", "score", "in_worst_third"]]


def coverage_table(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Local estimates of the basis in the two compared windows by status, so none go unseen."""
    counts = metrics.coverage(table, settings.metric_basis)
    periods = (*settings.gap_baseline_periods, *settings.latest_window)
    counts = counts[counts["period"].isin(periods)]
    wide = counts.pivot_table(
        index=["period", "measure"], columns="status", values="rows", fill_value=0, aggfunc="sum"
    )
    wide = wide.reindex(columns=list(geography.STATUS_RANK), fill_value=0)
    wide.columns.name = None
    return wide.reset_index().astype({s: int for s in geography.STATUS_RANK})


def sensitivity(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The change in gap under every analytical choice, the edition's choices marked headline."""
    headline = {
        "basis": settings.metric_basis,
        "cohort": "fixed",
        "baseline": settings.gap_baseline_periods,
        "weighting": "unweighted",
        "suppressed": "exclude",
    }
    return gap.sensitivity_table(
        table,
        settings.latest_period,
        baselines=(settings.gap_baseline_periods, settings.shifted_baseline),
        headline=headline,
        source=SOURCE,
    )


def assess(df: pd.DataFrame, settings: Settings) -> Assessment:
    """Compute every table of the section from the processed table and the settings."""
    result = harmonised(df, settings.geography_vintage)
    est = local_estimates(result.table, settings)
    baseline, latest = settings.gap_baseline_periods, settings.latest_window
    options = settings.options
    cohort = cohort_table(est, settings)
    regional = significance.regional_change(
        df,
        basis=settings.metric_basis,
        baseline=settings.baseline_period,
        latest=settings.latest_period,
        source=SOURCE,
    )
    return Assessment(
        settings=settings,
        harmonised=result,
        gap_series=gap.gap_series(est, baseline, options, length=ROLLING_YEARS),
        gap_change=gap.gap_change(est, baseline, latest, options),
        bootstrap=gap.selection_bootstrap(est, baseline, latest, options, draws=BOOTSTRAP_DRAWS),
        cohort=cohort,
        regional=regional,
        scoreboard=significance.scoreboard(regional),
        sensitivity=sensitivity(result.table, settings),
        reconciliation=geography.reconciliation_report(result),
        coverage=coverage_table(result.table, settings),
        ranking=ranking_coverage(cohort, est, settings),
    )


# --- words ------------------------------------------------------------------------------------


def number(value: float, basis: str, *, sign: bool = False) -> str:
    """A figure at the basis's precision, with its sign when it is a change."""
    return f"{value:{'+' if sign else ''}.{DECIMALS[basis]}f}"


def interval(lower: float, upper: float, basis: str) -> str:
    """A 95% confidence interval in words."""
    return f"95% confidence interval {number(lower, basis)} to {number(upper, basis)}"


def basis_statement(settings: Settings) -> str:
    """Which basis, periods, cohort and geography every figure of the section uses."""
    base = metrics.window_label(settings.gap_baseline_periods)
    latest = metrics.window_label(settings.latest_window)
    share_note = (
        "Shares of adults with low well-being are the mission's own headline metric; they come "
        "from the ONS revised series (time series version 4), every year from 2011-12 to "
        "2022-23. Mean ratings are kept as a second basis in the sensitivity table."
        if settings.metric_basis == "share"
        else "Mean ratings are a second basis: the mission's headline metric is the share of "
        "adults with low well-being."
    )
    return (
        f"Every figure in this section uses the **{BASIS_TEXT[settings.metric_basis].lower()}**. "
        f"The gap compares the baseline window {base} with the latest window of the same length, "
        f"{latest}; the worst third of local authorities is chosen once, on the baseline window, "
        f"and kept fixed. Regions and nations compare {settings.baseline_period} with "
        f"{settings.latest_period}. Local authorities are on their {settings.geography_vintage} "
        f"boundaries. {share_note}"
    )


def gap_change_sentence(row: pd.Series) -> str:
    """One metric's gap at baseline and latest and its tested change, in ONS wording."""
    basis = row["basis"]
    words = significance.describe_change(
        row["change"], row["lower_95"], row["upper_95"], row["p_two_sided"], "higher_is_worse"
    )
    return (
        f"{MEASURE_NAMES[row['metric']]}: the gap between the worst third and the rest was "
        f"{number(row['gap_baseline'], basis)} in {row['baseline']} and "
        f"{number(row['gap_latest'], basis)} in {row['latest']}, a change of "
        f"{number(row['change'], basis, sign=True)} {CHANGE_UNITS[basis]} "
        f"({interval(row['lower_95'], row['upper_95'], basis)}): {words}."
    )


def bootstrap_sentence(row: pd.Series) -> str:
    """The reported change beside the change that cohort selection alone produces."""
    basis = row["basis"]
    inside = row["null_lower_95"] <= row["observed_change"] <= row["null_upper_95"]
    return (
        f"{MEASURE_NAMES[row['metric']]}: selection alone would move the gap by "
        f"{number(row['null_mean'], basis, sign=True)} {CHANGE_UNITS[basis]} on average (95% of "
        f"{row['draws']} simulated changes between {number(row['null_lower_95'], basis, sign=True)}"
        f" and {number(row['null_upper_95'], basis, sign=True)}); the reported change of "
        f"{number(row['observed_change'], basis, sign=True)} is "
        f"{'inside' if inside else 'outside'} that range."
    )


def verdict_sentence(row: pd.Series, settings: Settings) -> str:
    """One metric's count of significant regional improvements and the mission verdict."""
    uk = "did" if row["uk_significant_improvement"] else "did not"
    return (
        f"{MEASURE_NAMES[row['measure']]}: {row['n_significant_improvement']} of "
        f"{row['n_areas']} English regions and UK nations showed a statistically significant "
        f"improvement from {settings.baseline_period} to {settings.latest_period} "
        f"(the UK as a whole {uk}); improved in every region and nation: "
        f"**{row['improved_in_every_region_and_nation']}**."
    )


def suppression_statement(coverage: pd.DataFrame, settings: Settings) -> str:
    """How many local estimates in the compared windows are suppressed or missing."""
    total = int(coverage[list(geography.STATUS_RANK)].to_numpy().sum())
    suppressed = int(coverage["suppressed"].sum())
    low = int(coverage["low_reliability"].sum())
    missing = int(coverage["no_estimate"].sum())
    windows = " and ".join(
        metrics.window_label(w) for w in (settings.gap_baseline_periods, settings.latest_window)
    )
    return (
        f"Of {total} local-authority estimates of the {BASIS_TEXT[settings.metric_basis].lower()} "
        f"in {windows}, {suppressed} are suppressed by ONS ([c], or [u] with the value withheld) "
        f"and {missing} have no estimate ([w], [x]); they are left out of the pooled values, "
        f"never filled in from another statistic. {low} published with a low-reliability marker "
        "are used, with their wider confidence intervals."
    )


def ranking_coverage(cohort: pd.DataFrame, est: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """What each ranking rule leaves out: areas by measures pooled at baseline; complete ones."""
    options = settings.options
    base = metrics.pool_window(est, settings.gap_baseline_periods, min_years=options.min_years)
    late = metrics.pool_window(est, settings.latest_window, min_years=options.min_years)
    complete = set.intersection(
        *(
            set(p.groupby("area_code")["value"].count().loc[lambda c: c == len(MEASURES)].index)
            for p in (base, late)
        )
    )
    rows = []
    for n in range(len(MEASURES), -1, -1):
        areas = cohort[cohort["n_measures"] == n]
        rows.append(
            {
                "measures_at_baseline": n,
                "local_authorities": len(areas),
                "ranked": bool(n >= options.min_metrics),
                "in_worst_third": int(areas["in_worst_third"].sum()),
                "complete_in_both_windows": int(areas["area_code"].isin(complete).sum()),
            }
        )
    return pd.DataFrame(rows)


def ranking_statement(coverage: pd.DataFrame, settings: Settings) -> str:
    """How areas with suppressed measures are ranked, and how many each rule leaves out."""
    o = settings.options
    ranked = coverage[coverage["ranked"]]
    dropped = int(coverage.loc[~coverage["ranked"], "local_authorities"].sum())
    complete = int(coverage["complete_in_both_windows"].sum())
    total = int(coverage["local_authorities"].sum())
    return (
        f"An area's measure counts in a window when ONS published it in at least {o.min_years} "
        f"of the window's years; its score is its worst percentile rank among the measures it "
        f"has, and it is ranked when it has at least {o.min_metrics} of the {len(MEASURES)}. Of "
        f"{total} local authorities, {int(ranked['local_authorities'].sum())} are ranked and "
        f"{dropped} are not (too few published measures). Requiring every measure in both "
        f"windows instead (the sensitivity table's 'require_all') would keep {complete}."
    )


def main_points(result: Assessment) -> str:
    """The section's main points as a Markdown list, generated from the numbers."""
    points = [gap_change_sentence(r) for _, r in result.gap_change.iterrows()]
    points += [verdict_sentence(r, result.settings) for _, r in result.scoreboard.iterrows()]
    return "\n".join(f"- {p}" for p in points)


# --- tables for readers -----------------------------------------------------------------------


def _with_interval(value: float, lower: float, upper: float, basis: str) -> str:
    """'value (lower to upper)' at the basis's precision, or the reason's placeholder."""
    if any(math.isnan(v) for v in (value, lower, upper)):
        return ""
    return f"{number(value, basis, sign=True)} ({number(lower, basis)} to {number(upper, basis)})"


def sensitivity_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per combination of choices: the change in gap per metric, or why there is none."""
    keys = ["basis", "cohort", "baseline", "weighting", "suppressed"]
    rows = []
    for choice, group in table.groupby(keys, sort=False):
        row = dict(zip(keys, choice, strict=True))
        row["headline"] = "headline" if group["headline"].any() else ""
        for r in group.itertuples():
            text = _with_interval(r.change, r.lower_95, r.upper_95, r.basis)
            row[MEASURE_NAMES[r.metric]] = text or r.reason
        rows.append(row)
    return pd.DataFrame(rows)[["headline", *keys, *MEASURE_NAMES.values()]]


def cohort_by_region(cohort: pd.DataFrame) -> pd.DataFrame:
    """Local authorities ranked and in the worst third, per region and nation."""
    return (
        cohort.assign(ranked=cohort["score"].notna())
        .groupby("region", sort=True)
        .agg(
            local_authorities=("area_code", "size"),
            ranked=("ranked", "sum"),
            in_worst_third=("in_worst_third", "sum"),
        )
        .reset_index()
    )


def table_metadata(name: str, settings: Settings) -> dict[str, Any]:
    """Title, description and units of each published table, with the parameters used."""
    basis = BASIS_TEXT[settings.metric_basis].lower()
    units = {"mean": "score 0-10", "share": "per cent"}[settings.metric_basis]
    change = {"mean": "points on 0-10 scale", "share": "percentage points"}[settings.metric_basis]
    described = {
        "gap-series": (
            f"Gap between the worst third of local authorities and the rest, {basis}",
            "Worst third chosen on the baseline window and fixed; every single year and "
            f"{ROLLING_YEARS}-year window; positive = the worst third is worse.",
            {"estimate": change, "mean_cohort": units, "mean_rest": units},
        ),
        "gap-change": (
            f"Change in the gap from baseline to latest window, {basis}",
            "Two-sided z-test of the change, windows treated as independent samples.",
            {"change": change, "gap_baseline": change, "gap_latest": change},
        ),
        "bootstrap-reference": (
            f"Change in the gap produced by cohort selection alone, {basis}",
            "Parametric bootstrap under no true change (regression to the mean), seeded.",
            {"observed_change": change, "null_mean": change},
        ),
        "cohort": (
            "Local authorities in the worst third at baseline",
            "score = worst percentile rank across the measures (1 = worst); the ceil(N/3) "
            "highest scores form the worst third, ties to the earlier area code.",
            {"score": "percentile rank 0-1"},
        ),
        "ranking-coverage": (
            "Local authorities by the number of measures published at baseline",
            "Ranked when at least the minimum number of measures is published in enough years of "
            "the baseline window; complete = every measure in both compared windows.",
            {},
        ),
        "regional-tests": (
            f"Regions and nations: latest against baseline year, {basis}",
            "Difference with 95% confidence interval and two-sided z-test.",
            {"difference": change, "baseline_value": units, "latest_value": units},
        ),
        "scoreboard": (
            f"Regions and nations with a statistically significant improvement, {basis}",
            "Count per measure of 12 English regions and UK nations, and the mission verdict.",
            {},
        ),
        "sensitivity": (
            "Change in the gap under every analytical choice",
            "Basis x cohort x baseline window x weighting x suppressed handling; headline marked.",
            {"change": "points (mean) or percentage points (share)"},
        ),
        "reconciliation": (
            f"Local authorities mapped to {settings.geography_vintage} boundaries, per period",
            "Areas in, unchanged, recoded, merged and flagged (excluded), and rows in and out.",
            {},
        ),
        "coverage": (
            f"Local-authority estimates by ONS status in the compared windows, {basis}",
            "Counts of published, low reliability, suppressed and missing estimates.",
            {},
        ),
    }
    title, description, unit_map = described[name]
    return {
        "title": title,
        "description": description,
        "units": unit_map,
        "parameters": settings.parameters(),
    }


# --- figures ----------------------------------------------------------------------------------


def gap_figure(
    series: pd.DataFrame, measure: str, window_years: int, settings: Settings
) -> tuple[Figure, str, str]:
    """One metric's gap over single years or rolling windows, with its alt text and caption."""
    rows = series[(series["metric"] == measure) & (series["window_years"] == window_years)]
    rows = rows[rows["estimate"].notna()]
    first, last = rows["periods"].iloc[0], rows["periods"].iloc[-1]
    periods = (
        f"single years {first} to {last}"
        if window_years == 1
        else f"{window_years}-year rolling windows {first} through {last}"
    )
    basis = BASIS_TEXT[settings.metric_basis]
    cohort = metrics.window_label(settings.gap_baseline_periods)
    fig = charts.gap_chart(
        rows.assign(periods=rows["periods"].str.replace(" to ", " to\n")),
        title=f"{MEASURE_NAMES[measure]}: gap between the worst third and the rest",
        basis=f"{basis}, worst third fixed on {cohort}",
        periods=periods[:1].upper() + periods[1:],
        source=SOURCE_TEXT[settings.metric_basis],
        y_label=f"Gap ({CHANGE_UNITS[settings.metric_basis]}; positive = worse)",
        x="periods",
        value="estimate",
    )
    alt = charts.gap_alt_text(
        rows,
        what=f"the {measure.replace('_', ' ')} gap between the worst third and the rest",
        decimals=DECIMALS[settings.metric_basis],
        x="periods",
        value="estimate",
    )
    caption = (
        f"{MEASURE_NAMES[measure]}: gap between the worst third of local authorities (chosen on "
        f"{cohort}) and the rest, {basis.lower()}, {periods}, with 95% confidence intervals."
    )
    return fig, alt, caption


def regional_figure(
    regional: pd.DataFrame, measure: str, settings: Settings
) -> tuple[Figure, str, str]:
    """Each region's and nation's change for one metric as dots and 95% whiskers."""
    rows = regional[(regional["measure"] == measure) & regional["difference"].notna()]
    change = f"{settings.baseline_period} to {settings.latest_period}"
    basis = BASIS_TEXT[settings.metric_basis]
    fig = charts.dot_whisker_chart(
        rows,
        title=f"{MEASURE_NAMES[measure]}: change by region and nation",
        basis=basis,
        periods=f"Change from {change}",
        source=SOURCE_TEXT[settings.metric_basis],
        x_label=f"Change ({CHANGE_UNITS[settings.metric_basis]})",
        value="difference",
    )
    alt = charts.dot_whisker_alt_text(
        rows,
        what=f"the change in {measure.replace('_', ' ')} from {change}",
        decimals=DECIMALS[settings.metric_basis],
        value="difference",
    )
    caption = (
        f"{MEASURE_NAMES[measure]}: change from {change} in each English region, UK nation and "
        f"the UK, {basis.lower()}, with 95% confidence intervals."
    )
    return fig, alt, caption


def cohort_map(cohort: pd.DataFrame, settings: Settings) -> tuple[Figure, str, str]:
    """Hex map of the baseline scores; the worst third are the highest scores."""
    values = cohort[["area_code"]].assign(value=cohort["score"])
    data = maps.hex_map_data(values, settings.geography_vintage)
    base = metrics.window_label(settings.gap_baseline_periods)
    cutoff = cohort.loc[cohort["in_worst_third"], "score"].min()
    fig = maps.hex_map(
        data,
        title="Local authorities by their worst-ranked measure at baseline",
        basis=f"{BASIS_TEXT[settings.metric_basis]}, worst percentile rank across measures",
        periods=base,
        source=SOURCE_TEXT[settings.metric_basis],
        units="Worst percentile rank (1 = worst)",
    )
    alt = maps.map_alt_text(
        data, kind="Hex map", what="the worst percentile rank across measures", periods=base
    )
    caption = (
        f"Worst percentile rank across the four measures, {base}, "
        f"{BASIS_TEXT[settings.metric_basis].lower()}; the {int(cohort['in_worst_third'].sum())} "
        f"local authorities scoring {cutoff:.2f} or more form the worst third."
    )
    return fig, alt, caption
