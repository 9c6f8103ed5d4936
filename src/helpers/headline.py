"""Headline metrics: UK, nation and region series, tested changes, local spread and coverage.

Everything the Headline metrics section shows is computed here from the processed table
(preferred rows), so the notebook only arranges and displays it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import charts, metrics, significance
from helpers.errors import InputError
from helpers.geography import ENGLAND, NORTHERN_IRELAND, SCOTLAND, UK, WALES
from helpers.schema import AREA_LEVELS, HEADLINE_BAND, MEASURES, STATISTICS

TABLE = "wellbeing.parquet"
HEADLINE_LEVELS = ("uk", "nation", "region")
NATION_ORDER = (ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND)
EXPECTED_AREAS = 14  # the UK, four nations and nine English regions
SOURCE = "ONS, Annual Population Survey, personal well-being estimates"
UK_AND_NATIONS = "UK and nations"
REGION_GROUPS = {
    "North and Midlands": ("E12000001", "E12000002", "E12000003", "E12000004", "E12000005"),
    "East, London and South": ("E12000006", "E12000007", "E12000008", "E12000009"),
}
CHART_GROUPS = {UK_AND_NATIONS: (UK, *NATION_ORDER)} | REGION_GROUPS
# Which ONS release each source holds; the workbook shares must be labelled as first published.
RELEASES = {
    "ons_cmd_wellbeing_local_authority_v4": "revised series",
    "ons_cmd_wellbeing_local_authority_v4_poor": "revised series",
    "ons_cmd_wellbeing_local_authority_v4_excerpt": "revised series",
    "ons_els_personal_wellbeing": "revised series",
    "ons_apw_geographical_breakdown": "as first published",
}
MEASURE_LABELS = {
    "life_satisfaction": "life satisfaction",
    "worthwhile": "feeling that things done in life are worthwhile",
    "happiness": "happiness",
    "anxiety": "anxiety",
}
SHORT_LABELS = {
    "life_satisfaction": "life satisfaction",
    "worthwhile": "worthwhile",
    "happiness": "happiness",
    "anxiety": "anxiety",
}
SHARE_LABELS = {
    "life_satisfaction": "low life satisfaction",
    "worthwhile": "low worthwhile",
    "happiness": "low happiness",
    "anxiety": "high anxiety",
}
QUESTIONS = {
    "life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
    "worthwhile": "Overall, to what extent do you feel that the things you do in your life "
    "are worthwhile?",
    "happiness": "Overall, how happy did you feel yesterday?",
    "anxiety": "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', "
    "overall, how anxious did you feel yesterday?",
}
TEST_NOTE = (
    "Changes are tested with a two-sided z-test at the 5% level on two independent annual "
    "estimates, with standard errors taken from the published 95% confidence limits; no "
    "adjustment is made for the number of comparisons."
)
MARKERS = {"x": "[x]", "u": "[u]", "#": "[#]"}
SERIES_COLUMNS = (
    "period",
    "area_code",
    "area_name",
    "area_level",
    "measure",
    "statistic",
    "value",
    "lower_95",
    "upper_95",
    "status",
    "marker",
    "release",
    "source",
)


def release_of(df: pd.DataFrame, file: str = TABLE) -> pd.Series:
    """The ONS release of each row ('revised series' or 'as first published'), from its source."""
    known = df["source"].isin(RELEASES)
    if not known.all():
        row = df.index[~known.to_numpy()][0]
        raise InputError(
            "unknown well-being source",
            file=file,
            row=int(row),
            column="source",
            value=df.at[row, "source"],
        )
    return df["source"].map(RELEASES)


def _area_sort_key(areas: pd.DataFrame) -> pd.Series:
    """Order: the UK, the nations (England, Wales, Scotland, Northern Ireland), then regions."""
    level = areas["area_level"].map({lvl: i for i, lvl in enumerate(HEADLINE_LEVELS)})
    nation = areas["area_code"].map({c: i for i, c in enumerate(NATION_ORDER)}).fillna(0)
    return level * 100 + nation


def headline_areas(df: pd.DataFrame, file: str = TABLE) -> pd.DataFrame:
    """The UK, nations and English regions, named as in the latest release of their means."""
    rows = df[df["area_level"].isin(HEADLINE_LEVELS)]
    latest = rows.sort_values(
        ["area_code", "statistic", "period"], key=_means_last
    ).drop_duplicates("area_code", keep="last")
    areas = latest[["area_code", "area_name", "area_level"]]
    areas = areas.assign(_order=_area_sort_key(areas)).sort_values(["_order", "area_code"])
    if len(areas) != EXPECTED_AREAS:
        raise InputError(
            f"expected {EXPECTED_AREAS} UK, nation and region areas",
            file=file,
            column="area_code",
            value=len(areas),
        )
    return areas.drop(columns="_order").reset_index(drop=True)


def _means_last(column: pd.Series) -> pd.Series:
    """Sort key putting mean rows (the revised series, with its names) after the shares."""
    return column.eq("mean") if column.name == "statistic" else column


def headline_series(df: pd.DataFrame, statistic: str, file: str = TABLE) -> pd.DataFrame:
    """Every estimate of one statistic for the headline areas, with status, marker and release."""
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, not {statistic!r}")
    areas = headline_areas(df, file)
    rows = df[(df["statistic"] == statistic) & df["area_code"].isin(areas["area_code"])]
    key = ["period", "area_code", "measure"]
    duplicated = rows.duplicated(key)
    if duplicated.any():
        row = rows.index[duplicated.to_numpy()][0]
        raise InputError(
            "more than one preferred estimate",
            file=file,
            row=int(row),
            column="area_code",
            value=rows.at[row, "area_code"],
        )
    out = rows.drop(columns="area_name").merge(areas[["area_code", "area_name"]], how="left")
    out = out.assign(release=release_of(out, file), marker=out["marker"].fillna(""))
    order = {c: i for i, c in enumerate(areas["area_code"])}
    out = out.assign(
        _area=out["area_code"].map(order),
        _measure=out["measure"].map({m: i for i, m in enumerate(MEASURES)}),
    ).sort_values(["_area", "_measure", "period"])
    return out.loc[:, list(SERIES_COLUMNS)].reset_index(drop=True)


def status_counts(series: pd.DataFrame) -> dict[str, int]:
    """How many estimates of a series have each status, so suppression is reported."""
    counts = series["status"].value_counts()
    return {"rows": len(series)} | {
        s: int(counts.get(s, 0))
        for s in ("published", "low_reliability", "suppressed", "no_estimate")
    }


def change_table(
    df: pd.DataFrame, *, basis: str, baseline: str, latest: str, file: str = TABLE
) -> pd.DataFrame:
    """Latest vs baseline for every headline area and measure: values, difference and z-test.

    The two years are independent Annual Population Survey samples, so the difference has
    se = sqrt(se1^2 + se2^2), with each se taken from the published 95% limits.
    """
    statistic = metrics.check_basis(basis)
    est = metrics.estimates(df, basis, area_levels=HEADLINE_LEVELS, source=file)
    limits = df.loc[
        (df["statistic"] == statistic) & df["area_level"].isin(HEADLINE_LEVELS),
        ["period", "area_code", "measure", "lower_95", "upper_95"],
    ]
    est = est.merge(limits, how="left", validate="one_to_one")
    grid = headline_areas(df, file).merge(pd.Series(MEASURES, name="measure"), how="cross")
    for when, period in (("baseline", baseline), ("latest", latest)):
        part = est[est["period"] == period].drop(columns="period")
        renamed = {c: f"{when}_{c}" for c in ("value", "se", "lower_95", "upper_95")}
        grid = grid.merge(part.rename(columns=renamed), how="left", validate="one_to_one")
    test = significance.compare(
        grid["baseline_value"], grid["baseline_se"], grid["latest_value"], grid["latest_se"]
    )
    grid = grid.drop(columns=["baseline_se", "latest_se"]).assign(
        basis=basis,
        baseline_period=baseline,
        latest_period=latest,
        difference=test["difference"],
        difference_lower_95=test["lower_95"],
        difference_upper_95=test["upper_95"],
        p_value=test["p_two_sided"],
    )
    grid["description"] = [_description(r, basis) for r in grid.itertuples()]
    return grid


def _description(row: object, basis: str) -> str:
    """ONS wording of one change, or why it was not compared."""
    missing = [
        p
        for p, v in (
            (row.baseline_period, row.baseline_value),
            (row.latest_period, row.latest_value),
        )
        if pd.isna(v)
    ]
    if missing:
        return f"not compared: no published estimate for {' or '.join(missing)}"
    return significance.describe_change(
        row.difference,
        row.difference_lower_95,
        row.difference_upper_95,
        row.p_value,
        significance.polarity(basis, row.measure),
    )


def is_significant(row: pd.Series) -> bool:
    """Whether a compared change passed the two-sided test at the 5% level."""
    return bool(pd.notna(row["p_value"]) and row["p_value"] < significance.ALPHA)


def subject(area_name: str, area_level: str, measure: str, basis: str) -> str:
    """How a title names an area's statistic, e.g. 'UK life satisfaction'."""
    area = "UK" if area_level == "uk" else area_name
    if basis == "share":
        return f"the {area} share with {SHARE_LABELS[measure]}"
    return f"{area} {SHORT_LABELS[measure]}"


def finding_title(row: pd.Series) -> str:
    """A chart title stating the tested finding, e.g. 'UK life satisfaction was lower in ...'."""
    what = subject(row["area_name"], row["area_level"], row["measure"], row["basis"])
    what = what[0].upper() + what[1:]
    latest, baseline = row["latest_period"], row["baseline_period"]
    if pd.isna(row["p_value"]):
        return f"{what}: {latest} not compared with {baseline} (no published estimate)"
    if not is_significant(row):
        return f"{what} in {latest} was not significantly different from {baseline}"
    direction = "higher" if row["difference"] > 0 else "lower"
    return f"{what} was {direction} in {latest} than in {baseline}"


def group_title(changes: pd.DataFrame, codes: Iterable[str], measure: str) -> str:
    """A title counting the regions of a group whose change was significant, and its direction."""
    rows = changes[changes["area_code"].isin(list(codes)) & (changes["measure"] == measure)]
    first = rows.iloc[0]
    significant = rows[rows["p_value"] < significance.ALPHA]
    fell, rose = (
        int((significant["difference"] < 0).sum()),
        int((significant["difference"] > 0).sum()),
    )
    main, count, other, other_count = (
        ("lower", fell, "higher", rose) if fell >= rose else ("higher", rose, "lower", fell)
    )
    label = SHORT_LABELS[measure] if first["basis"] == "mean" else SHARE_LABELS[measure]
    return (
        f"{label[0].upper() + label[1:]}: {main} in {first['latest_period']} than "
        f"{first['baseline_period']} in {count} of {len(rows)} regions"
        + (f", {other} in {other_count}" if other_count else "")
    )


def estimate_text(
    value: float, lower: float, upper: float, marker: str = "", unit: str = ""
) -> str:
    """An estimate with its 95% confidence interval, or its ONS marker when not published."""
    if pd.isna(value):
        return MARKERS.get(marker, "[x]")
    text = f"{value:.2f}{unit}"
    if pd.isna(lower) or pd.isna(upper):
        return f"{text} (no confidence interval published)"
    flag = f" {MARKERS[marker]}" if marker in MARKERS else ""
    return f"{text} (95% CI {lower:.2f}{unit} to {upper:.2f}{unit}){flag}"


def uk_point(row: pd.Series) -> str:
    """Main point for one UK measure: both years with intervals and the tested change."""
    what = subject(row["area_name"], row["area_level"], row["measure"], row["basis"])
    latest, baseline = row["latest_period"], row["baseline_period"]
    if pd.isna(row["p_value"]):
        return (
            f"No estimate of {what} is published for both {baseline} and {latest} in these "
            "data, so the change was not tested."
        )
    unit, scale = ("%", "") if row["basis"] == "share" else ("", " (mean rating, 0 to 10)")
    now = estimate_text(
        row["latest_value"], row["latest_lower_95"], row["latest_upper_95"], unit=unit
    )
    then = estimate_text(
        row["baseline_value"], row["baseline_lower_95"], row["baseline_upper_95"], unit=unit
    )
    return (
        f"{what[0].upper() + what[1:]}{scale} was {now} in {latest}, against {then} in "
        f"{baseline}: {row['description']}."
    )


def regions_point(changes: pd.DataFrame, measure: str) -> str:
    """Main point counting the 12 regions and nations (England's nine regions, Wales, Scotland
    and Northern Ireland, as the mission's ambition and the assessment count them) with a
    significant fall or rise in one measure."""
    rows = changes[~changes["area_code"].isin((UK, ENGLAND)) & (changes["measure"] == measure)]
    first = rows.iloc[0]
    latest, baseline = first["latest_period"], first["baseline_period"]
    label = SHORT_LABELS[measure] if first["basis"] == "mean" else SHARE_LABELS[measure]
    tested = rows[rows["p_value"].notna()]
    if tested.empty:
        return f"No nation or region has {label} estimates for both {baseline} and {latest}."
    significant = tested[tested["p_value"] < significance.ALPHA]
    fell = int((significant["difference"] < 0).sum())
    rose = int((significant["difference"] > 0).sum())
    untested = len(rows) - len(tested)
    return (
        f"Of the {len(rows)} regions and nations (the nine English regions, Wales, Scotland and "
        f"Northern Ireland), {label} was statistically "
        f"significantly lower in {latest} than in {baseline} in {fell}, statistically "
        f"significantly higher in {rose} and not statistically significantly different in "
        f"{len(tested) - fell - rose}"
        + (f"; {untested} could not be compared" if untested else "")
        + "."
    )


def share_point(shares: pd.DataFrame, measure: str) -> str:
    """Main point on the latest UK headline share the data hold, labelled with its release."""
    uk = shares[(shares["area_code"] == UK) & (shares["measure"] == measure)]
    uk = uk[uk["value"].notna()].sort_values("period")
    if uk.empty:
        return f"No UK share with {SHARE_LABELS[measure]} is held in the data."
    row = uk.iloc[-1]
    return (
        f"In {row['period']} ({row['release']}, the latest year of shares in these data) "
        f"{estimate_text(row['value'], row['lower_95'], row['upper_95'], unit='%')} of UK adults "
        f"reported {SHARE_LABELS[measure]}."
    )


def main_points(changes: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """The section's main points, each generated from the numbers, one row a point."""
    points: list[tuple[str, str, str]] = []
    uk = changes[changes["area_level"] == "uk"].set_index("measure", drop=False)
    for measure in MEASURES:
        points.append((measure, "uk_change", uk_point(uk.loc[measure])))
        points.append((measure, "regional_change", regions_point(changes, measure)))
    for measure in MEASURES:
        points.append((measure, "uk_share", share_point(shares, measure)))
    points.append(("", "note", TEST_NOTE))
    out = pd.DataFrame(points, columns=["measure", "kind", "text"])
    return out.assign(point=np.arange(1, len(out) + 1))[["point", "measure", "kind", "text"]]


def la_distribution(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """Every lower-tier local authority's mean of each measure in one year, with its marker."""
    rows = df[(df["area_level"] == "ltla") & (df["statistic"] == "mean") & (df["period"] == period)]
    columns = [
        "period",
        "area_code",
        "area_name",
        "region_code",
        "nation_code",
        "measure",
        "value",
        "lower_95",
        "upper_95",
        "status",
        "marker",
        "source",
    ]
    out = rows.loc[:, columns].assign(marker=rows["marker"].fillna(""))
    return out.sort_values(["measure", "area_code"]).reset_index(drop=True)


def la_summary(dist: pd.DataFrame) -> pd.DataFrame:
    """Per measure: local authorities, how many have an estimate, [x] and [u] counts, spread."""
    rows = []
    for measure in MEASURES:
        part = dist[dist["measure"] == measure]
        have = part[part["value"].notna()]
        lo, hi = have.loc[have["value"].idxmin()], have.loc[have["value"].idxmax()]
        without = part[part["value"].isna()]
        rows.append(
            {
                "measure": measure,
                "local_authorities": len(part),
                "with_estimate": len(have),
                "suppressed_x": int((without["marker"] == "x").sum()),
                "low_reliability_u": int((without["marker"] == "u").sum()),
                "other_without_estimate": int((~without["marker"].isin(["x", "u"])).sum()),
                "median": float(have["value"].median()),
                "lowest": float(lo["value"]),
                "lowest_area": lo["area_name"],
                "highest": float(hi["value"]),
                "highest_area": hi["area_name"],
            }
        )
    return pd.DataFrame(rows)


def la_sentence(summary: pd.DataFrame, period: str) -> str:
    """Reader text: how many local authorities, and how many are [x] suppressed or [u]."""
    row = summary.set_index("measure").loc["life_satisfaction"]
    other = int(summary["other_without_estimate"].max())
    return (
        f"ONS published {period} mean ratings for {row['local_authorities']} local authorities. "
        f"For life satisfaction {row['with_estimate']} have an estimate; ONS marks "
        f"{row['suppressed_x']} as suppressed [x] and {row['low_reliability_u']} as of low "
        "reliability [u], and publishes no value for them"
        + (f"; {other} have no estimate for another reason" if other else "")
        + ". The counts for each measure are in the table below."
    )


def period_ranges(periods: Iterable[str]) -> str:
    """Compact text of financial years: runs of consecutive years written 'first to last'."""
    years = sorted({metrics.start_year(p) for p in periods})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(
        metrics.window_label([metrics.financial_year(r[0]), metrics.financial_year(r[-1])])
        if len(r) > 1
        else metrics.financial_year(r[0])
        for r in runs
    )


def coverage_table(df: pd.DataFrame, file: str = TABLE) -> pd.DataFrame:
    """For each statistic and area level: which periods, how many areas, rows by status, release."""
    df = df.assign(release=release_of(df, file))
    rows = []
    for (statistic, level), part in df.groupby(["statistic", "area_level"], sort=False):
        counts = part["status"].value_counts()
        rows.append(
            {
                "statistic": statistic,
                "area_level": level,
                "periods": period_ranges(part["period"]),
                "n_periods": part["period"].nunique(),
                "n_areas": part["area_code"].nunique(),
                "rows": len(part),
                "with_value": int(part["value"].notna().sum()),
                **{
                    s: int(counts.get(s, 0))
                    for s in ("published", "low_reliability", "suppressed", "no_estimate")
                },
                "releases": "; ".join(sorted(part["release"].unique())),
            }
        )
    out = pd.DataFrame(rows)
    out = out.assign(
        _s=out["statistic"].map({s: i for i, s in enumerate(STATISTICS)}),
        _l=out["area_level"].map({lvl: i for i, lvl in enumerate(AREA_LEVELS)}),
    ).sort_values(["_s", "_l"])
    return out.drop(columns=["_s", "_l"]).reset_index(drop=True)


def definitions_table() -> pd.DataFrame:
    """The four ONS questions and the threshold of each headline share."""
    bands = {m: HEADLINE_BAND[m].removeprefix("band_").replace("_", " to ") for m in MEASURES}
    return pd.DataFrame(
        {
            "measure": list(MEASURES),
            "question": [QUESTIONS[m] for m in MEASURES],
            "headline_share": [SHARE_LABELS[m] for m in MEASURES],
            "threshold": [f"{bands[m]} on the 0 to 10 scale" for m in MEASURES],
        }
    )


def estimates_by_measure(series: pd.DataFrame, period: str, unit: str = "") -> pd.DataFrame:
    """Display table of one year: one row per area, one column per measure, markers kept."""
    rows = series[series["period"] == period]
    text = [
        estimate_text(r.value, r.lower_95, r.upper_95, r.marker, unit) for r in rows.itertuples()
    ]
    table = rows.assign(estimate=text).pivot(
        index="area_code", columns="measure", values="estimate"
    )
    areas = series[["area_code", "area_name"]].drop_duplicates()
    table = areas.merge(table[list(MEASURES)].reset_index(), how="left").drop(columns="area_code")
    return table.rename(columns={"area_name": "area", **SHORT_LABELS})


def status_sentence(series: pd.DataFrame, what: str) -> str:
    """Reader text counting a series' estimates by status, with the ONS markers."""
    n = status_counts(series)
    return (
        f"Of the {n['rows']} estimates of {what}, {n['published']} are published, "
        f"{n['low_reliability']} are of low reliability [u], {n['suppressed']} are suppressed "
        f"[x] and {n['no_estimate']} have no estimate."
    )


def change_display(changes: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Display table of one measure's change per area: both years, difference and its test."""
    rows = changes[changes["measure"] == measure]
    unit = "%" if rows["basis"].iloc[0] == "share" else ""
    first = rows.iloc[0]
    return pd.DataFrame(
        {
            "area": rows["area_name"],
            first["baseline_period"]: [
                estimate_text(r.baseline_value, r.baseline_lower_95, r.baseline_upper_95, unit=unit)
                for r in rows.itertuples()
            ],
            first["latest_period"]: [
                estimate_text(r.latest_value, r.latest_lower_95, r.latest_upper_95, unit=unit)
                for r in rows.itertuples()
            ],
            "difference": [
                estimate_text(r.difference, r.difference_lower_95, r.difference_upper_95)
                for r in rows.itertuples()
            ],
            "result": rows["description"],
        }
    ).reset_index(drop=True)


class Chart(NamedTuple):
    """A finished figure with its name, alt text, caption and the data it draws."""

    name: str
    figure: Figure
    alt: str
    caption: str
    data: pd.DataFrame


def _slug(text: str) -> str:
    """File-name form of a label: lower case words joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def mean_trend_chart(
    means: pd.DataFrame, changes: pd.DataFrame, measure: str, group: str, source: str = SOURCE
) -> Chart:
    """Line chart of one measure's mean over every year for the UK and nations or a region group.

    The title states the tested change between the baseline and latest years.
    """
    codes = CHART_GROUPS[group]
    data = means[means["area_code"].isin(codes) & (means["measure"] == measure)]
    periods = metrics.window_label(sorted(data["period"].unique()))
    if group == UK_AND_NATIONS:
        title = finding_title(one_change(changes, UK, measure))
    else:
        title = group_title(changes, codes, measure)
    label = SHORT_LABELS[measure]
    basis = f"Mean rating of {MEASURE_LABELS[measure]}, 0 to 10, revised series"
    fig = charts.line_chart(
        data,
        title=title,
        basis=f"{basis}, {group}",
        periods=f"{periods}, shaded bands are 95% confidence intervals",
        source=source,
        y_label=f"Mean {label} (0 to 10)",
    )
    alt = charts.line_alt_text(data, what=f"mean {label} rating (0 to 10)")
    counted = (
        ""
        if group == UK_AND_NATIONS
        else " (regions counted where the change is statistically significant)"
    )
    caption = (
        f"{title}{counted}. Mean {label} rating (0 to 10), {group}, {periods} (revised series), "
        "with 95% confidence intervals."
    )
    return Chart(f"means-{_slug(group)}-{_slug(label)}", fig, alt, caption, data)


def one_change(changes: pd.DataFrame, area_code: str, measure: str) -> pd.Series:
    """The change row of one area and measure."""
    rows = changes[(changes["area_code"] == area_code) & (changes["measure"] == measure)]
    return rows.iloc[0]


def share_changes(shares: pd.DataFrame, area_code: str = UK) -> pd.DataFrame:
    """First vs last year of shares for one area, per measure, tested as independent estimates."""
    rows = shares[(shares["area_code"] == area_code) & shares["value"].notna()]
    first, last = rows["period"].min(), rows["period"].max()
    pair = [
        rows[rows["period"] == p].set_index("measure").loc[list(MEASURES)] for p in (first, last)
    ]
    se = [metrics.standard_error(p["lower_95"], p["upper_95"]) for p in pair]
    test = significance.compare(pair[0]["value"], se[0], pair[1]["value"], se[1])
    test = test.assign(measure=list(MEASURES), first_period=first, last_period=last)
    test["description"] = [
        significance.describe_change(
            r.difference,
            r.lower_95,
            r.upper_95,
            r.p_two_sided,
            significance.polarity("share", r.measure),
        )
        for r in test.itertuples()
    ]
    return test


def share_trend_chart(shares: pd.DataFrame, source: str = SOURCE) -> Chart:
    """Line chart of the four UK headline shares by year, labelled with their release, and CIs."""
    data = shares[shares["area_code"] == UK].assign(share=lambda d: d["measure"].map(SHARE_LABELS))
    tests = share_changes(shares)
    first, last = tests["first_period"].iloc[0], tests["last_period"].iloc[0]
    fell = int(((tests["p_two_sided"] < significance.ALPHA) & (tests["difference"] < 0)).sum())
    title = f"{fell} of 4 UK low well-being shares were lower in {last} than in {first}"
    releases = " and ".join(sorted(set(data["release"])))
    periods = f"{first} to {last}, {releases}"
    fig = charts.line_chart(
        data,
        title=title,
        basis="Per cent of adults with low life satisfaction, worthwhile or happiness (0 to 4) "
        "or high anxiety (6 to 10)",
        periods=f"{periods}; shaded bands are 95% confidence intervals",
        source=source,
        y_label="Per cent of adults",
        group="share",
    )
    alt = charts.line_alt_text(
        data, what="UK shares of adults with low well-being", suffix="%", group="share"
    )
    caption = (
        f"{title} (statistically significant differences). Per cent of UK adults with low "
        f"well-being, {periods}, with 95% confidence intervals."
    )
    return Chart("shares-uk", fig, alt, caption, data)


def la_chart(dist: pd.DataFrame, measure: str, source: str = SOURCE) -> Chart:
    """Histogram of one measure's mean across local authorities in one year."""
    data = dist[dist["measure"] == measure]
    period = data["period"].iloc[0]
    have = data[data["value"].notna()]
    lo, hi = have.loc[have["value"].idxmin()], have.loc[have["value"].idxmax()]
    label = SHORT_LABELS[measure]
    title = f"Mean {label} by local authority, {period}: median {have['value'].median():.2f}"
    fig = charts.distribution_chart(
        data,
        title=title,
        basis=f"Mean rating of {MEASURE_LABELS[measure]}, 0 to 10, revised series",
        periods=f"{period}, {len(have)} local authorities with an estimate, as published",
        source=source,
        x_label=f"Mean {label} (0 to 10)",
    )
    alt = charts.distribution_alt_text(data, what=f"mean {label} rating in {period}")
    caption = (
        f"{title}, from {lo['value']:.2f} in {lo['area_name']} to {hi['value']:.2f} in "
        f"{hi['area_name']}. Mean {label} rating (0 to 10), {period}, one estimate per local "
        f"authority; {len(data) - len(have)} without a published estimate ([x] or [u])."
    )
    return Chart(f"la-distribution-{period}-{_slug(label)}", fig, alt, caption, data)
