"""Local area profiles: one page per lower-tier local authority, computed once and rendered fast.

The profile template notebook and the page generator call the same functions here, so an
analyst's run of notebooks/profile.ipynb for one area shows exactly what the generated page
shows. Estimates are harmonised to the edition's geography vintage (helpers.geography), so
every local authority of that vintage has a page; areas merged since the survey year carry
combined estimates with their combined uncertainty.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import charts, gap, geography, maps, metrics
from helpers.build import helpers_digest, tree_digest
from helpers.config import output_dir
from helpers.dataset import load_estimates, load_supporting
from helpers.geodata import read_hex_layout, topology_path
from helpers.headline import MEASURE_LABELS, SHARE_LABELS
from helpers.outputs import write_csv
from helpers.schema import MEASURES

STATISTICS = ("mean", "share_low_wellbeing")
PAGE_LEVELS = ("region", "nation", "uk")
WINDOW_YEARS = 3
SOURCE = "ONS Annual Population Survey personal well-being estimates"
SHARE_RELEASE = "revised series"
MARKERS = {"suppressed": "[c]", "low_reliability": "[u]", "no_estimate": "[x]"}
RANK_CAUTION = (
    "ONS advises caution in ranking local authorities on single-year estimates: the confidence "
    "intervals of many areas overlap, so small differences in rank are not meaningful."
)
WIDE_INTERVAL = 1.0  # a 95% interval of a mean wider than one point on the 0-10 scale
PROFILE_DPI = 100
PAGES = "profiles"


@dataclass(frozen=True)
class Settings:
    """The edition parameters a profile depends on."""

    latest_period: str = "2022-23"
    baseline_periods: tuple[str, ...] = gap.BASELINE
    geography_vintage: int = 2023

    def as_dict(self) -> dict[str, object]:
        """Parameters recorded in every published table's metadata."""
        return {
            "latest_period": self.latest_period,
            "gap_baseline_periods": list(self.baseline_periods),
            "geography_vintage": self.geography_vintage,
        }


@dataclass(frozen=True)
class Context:
    """Everything every profile needs, computed once for all areas."""

    settings: Settings
    areas: pd.DataFrame  # lower-tier areas of the vintage with region and nation
    estimates: pd.DataFrame  # harmonised LA rows plus region, nation and UK rows
    ranks: pd.DataFrame  # latest mean per LA and measure with rank and percentile
    cohorts: pd.DataFrame  # worst-third membership at baseline and in the latest window
    supporting: pd.DataFrame
    reconciliation: pd.DataFrame


def load_context(processed_dir: str | Path, settings: Settings) -> Context:
    """Read the processed tables once and harmonise local authorities to the vintage."""
    table = load_estimates(Path(processed_dir))
    table = table[table["statistic"].isin(STATISTICS)]
    lower = table[table["area_level"] == "ltla"]
    harmonised = geography.harmonise(lower, settings.geography_vintage, file="wellbeing.parquet")
    upper = table[table["area_level"].isin(PAGE_LEVELS)]
    estimates = pd.concat([harmonised.table, upper], ignore_index=True)
    areas = geography.lower_tier_areas(settings.geography_vintage)
    return Context(
        settings=settings,
        areas=areas,
        estimates=estimates,
        ranks=latest_ranks(harmonised.table, settings.latest_period),
        cohorts=worst_third(harmonised.table, settings),
        supporting=load_supporting(Path(processed_dir)),
        reconciliation=geography.reconciliation_report(harmonised),
    )


def latest_ranks(lower: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rank LAs on the latest counted mean per measure: 1 = best (highest, lowest anxiety)."""
    est = metrics.estimates(lower[lower["period"] == period], "mean")
    est = est.assign(lower_95=est["value"] - 1.96 * est["se"])
    est["upper_95"] = est["value"] + 1.96 * est["se"]
    sign = est["measure"].map(lambda m: metrics.orientation("mean", m))
    est["rank"] = (est["value"] * sign).groupby(est["measure"]).rank(method="min").astype(int)
    est["ranked"] = est.groupby("measure")["value"].transform("size")
    est["percentile"] = 100 * (est["ranked"] - est["rank"]) / (est["ranked"] - 1)
    return est.drop(columns="se")


def worst_third(lower: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Membership of the worst third (mean basis) at baseline and in the latest window."""
    est = metrics.estimates(lower, "mean")
    options = gap.Options(basis="mean", cohort="fixed")
    latest = metrics.latest_window(
        [p for p in est["period"].unique() if p <= settings.latest_period], WINDOW_YEARS
    )
    out = pd.DataFrame({"area_code": sorted(est["area_code"].unique())})
    for name, window in (("baseline", settings.baseline_periods), ("latest", latest)):
        scores = gap.worst_scores(gap.window_panel(est, window, options).values)
        out[f"{name}_window"] = metrics.window_label(window)
        out[f"{name}_ranked"] = ~np.isnan(scores)
        out[f"{name}_worst_third"] = gap.cohort_mask(scores)
    return out


def area_row(ctx: Context, code: str) -> pd.Series:
    """The lower-tier area of the vintage with this code, refusing unknown codes."""
    match = ctx.areas[ctx.areas["area_code"] == code]
    if match.empty:
        raise ValueError(
            f"{code!r} is not a lower-tier local authority of the "
            f"{ctx.settings.geography_vintage} geography"
        )
    return match.iloc[0]


def series(ctx: Context, code: str) -> pd.DataFrame:
    """The area's estimates over time beside its region (or nation) and the UK, both bases."""
    area = area_row(ctx, code)
    codes = {code: "area", area["region_code"]: "region", geography.UK: "uk"}
    rows = ctx.estimates[ctx.estimates["area_code"].isin(codes)]
    out = rows.assign(
        comparison=rows["area_code"].map(codes),
        area_name=rows["area_code"].map(
            {code: area["area_name"], area["region_code"]: area["region_name"]}
        ),
        marker=rows["status"].map(MARKERS).fillna(""),
        release=np.where(rows["statistic"] == "mean", "revised series", SHARE_RELEASE),
    )
    out["area_name"] = out["area_name"].fillna("United Kingdom")
    order = {"area": 0, "region": 1, "uk": 2}
    out = out.assign(order=out["comparison"].map(order)).sort_values(
        ["statistic", "measure", "order", "period"], ignore_index=True
    )
    columns = [
        "statistic",
        "measure",
        "comparison",
        "area_code",
        "area_name",
        "period",
        "value",
        "lower_95",
        "upper_95",
        "status",
        "marker",
        "release",
    ]
    return out[columns]


def position(ctx: Context, code: str) -> pd.DataFrame:
    """The area's latest mean per measure with its rank and percentile among UK LAs."""
    rows = ctx.ranks[ctx.ranks["area_code"] == code]
    out = pd.DataFrame({"measure": list(MEASURES)}).merge(rows, on="measure", how="left")
    overlap = [
        _overlapping(ctx.ranks, m, lo, hi)
        for m, lo, hi in zip(out["measure"], out["lower_95"], out["upper_95"], strict=True)
    ]
    out["overlapping_las"] = pd.array(overlap, dtype="Int64")
    return out[
        [
            "measure",
            "period",
            "value",
            "lower_95",
            "upper_95",
            "rank",
            "ranked",
            "percentile",
            "overlapping_las",
        ]
    ].assign(period=ctx.settings.latest_period)


def _overlapping(ranks: pd.DataFrame, measure: str, lower: float, upper: float) -> int | None:
    """How many other LAs' 95% intervals overlap this one (it cannot be told apart by rank)."""
    if pd.isna(lower):
        return None
    other = ranks[ranks["measure"] == measure]
    return int(((other["lower_95"] <= upper) & (other["upper_95"] >= lower)).sum()) - 1


def cohort(ctx: Context, code: str) -> pd.DataFrame:
    """Whether the area is in the worst-performing third at baseline and in the latest window."""
    row = ctx.cohorts[ctx.cohorts["area_code"] == code]
    records = []
    for name in ("baseline", "latest"):
        ranked = bool(row[f"{name}_ranked"].iloc[0]) if len(row) else False
        member = bool(row[f"{name}_worst_third"].iloc[0]) if len(row) else False
        window = row[f"{name}_window"].iloc[0] if len(row) else ""
        records.append(
            {
                "window": name,
                "periods": window,
                "ranked": ranked,
                "worst_third": member if ranked else pd.NA,
            }
        )
    return pd.DataFrame(records)


def supporting(ctx: Context, code: str) -> pd.DataFrame:
    """Each supporting metric's latest value for the area beside its region and the UK."""
    area = area_row(ctx, code)
    own = ctx.supporting[ctx.supporting["area_code"] == code]
    if own.empty:
        return pd.DataFrame(
            columns=["metric_id", "period", "unit", "area", "region", "uk", "area_status"]
        )
    latest = own.sort_values("period").groupby("metric_id").tail(1)
    out = latest[["metric_id", "period", "unit", "value", "status"]].rename(
        columns={"value": "area", "status": "area_status"}
    )
    for name, other in (("region", area["region_code"]), ("uk", geography.UK)):
        found = ctx.supporting[ctx.supporting["area_code"] == other][
            ["metric_id", "period", "value"]
        ].rename(columns={"value": name})
        out = out.merge(found, on=["metric_id", "period"], how="left")
    return out[["metric_id", "period", "unit", "area", "region", "uk", "area_status"]].sort_values(
        "metric_id", ignore_index=True
    )


def notes(ctx: Context, code: str, data: pd.DataFrame) -> list[str]:
    """Plain-language notes on the uncertainty of the area's own estimates."""
    own = data[data["comparison"] == "area"]
    means = own[own["statistic"] == "mean"]
    name = area_row(ctx, code)["area_name"]
    out = [
        f"All figures are survey estimates with 95% confidence intervals: the true value for "
        f"{name} is likely to lie within the interval shown."
    ]
    width = means["upper_95"] - means["lower_95"]
    wide = means[width > WIDE_INTERVAL]
    if len(wide):
        out.append(
            f"{len(wide)} of {means['value'].notna().sum()} annual mean estimates have an "
            f"interval wider than {WIDE_INTERVAL:g} point, so year-to-year movements are "
            "mostly within the uncertainty."
        )
    for status, marker in MARKERS.items():
        hit = own[own["status"] == status]
        if len(hit):
            what = {
                "suppressed": "are suppressed by ONS as unreliable",
                "low_reliability": "are of low reliability",
                "no_estimate": "have no estimate",
            }[status]
            years = ", ".join(sorted(hit["period"].unique()))
            out.append(f"{len(hit)} estimates {what} {marker} (years {years}).")
    merged = ctx.estimates[
        (ctx.estimates["area_code"] == code) & ctx.estimates["harmonisation"].eq("merged")
    ]
    if len(merged):
        years = ", ".join(sorted(merged["period"].unique()))
        out.append(
            f"{name} was formed from areas merged since the survey; its estimates for {years} "
            "combine its predecessors' estimates and their uncertainty."
        )
    return out


def profile_tables(ctx: Context, code: str) -> dict[str, pd.DataFrame]:
    """Every table behind one profile, named for its CSV file."""
    data = series(ctx, code)
    return {
        "series": data,
        "position": position(ctx, code),
        "cohort": cohort(ctx, code),
        "supporting": supporting(ctx, code),
    }


def position_sentences(ctx: Context, code: str, pos: pd.DataFrame) -> list[str]:
    """Where the area sits among UK LAs on each measure, with the interval and overlap count."""
    name = area_row(ctx, code)["area_name"]
    out = []
    for row in pos.itertuples():
        label = MEASURE_LABELS[row.measure]
        if pd.isna(row.value):
            out.append(f"There is no published {ctx.settings.latest_period} {label} mean.")
            continue
        best = "lowest" if row.measure == "anxiety" else "highest"
        out.append(
            f"Mean {label} in {name} was {row.value:.2f} (95% CI {row.lower_95:.2f} to "
            f"{row.upper_95:.2f}) in {row.period}: rank {row.rank} of {row.ranked} ({best} = 1), "
            f"better than about {row.percentile:.0f}% of local authorities; "
            f"{row.overlapping_las} other areas have overlapping intervals."
        )
    return out


def cohort_sentence(ctx: Context, code: str, table: pd.DataFrame) -> str:
    """Say whether the area is in the worst-performing third at baseline and now."""
    name = area_row(ctx, code)["area_name"]
    parts = []
    for row in table.itertuples():
        if not row.ranked:
            parts.append(f"not ranked in {row.periods} (too few published estimates)")
        else:
            word = "in" if row.worst_third else "not in"
            parts.append(f"{word} the worst-performing third in {row.periods}")
    return (
        f"{name} was {parts[0]}, and {parts[1]}. Areas are ranked on their pooled mean ratings "
        "of all four measures, by each area's worst percentile rank (mean basis)."
    )


def series_figure(data: pd.DataFrame, statistic: str, name: str) -> Figure:
    """Small multiples: the four measures over time for the area, its region and the UK."""
    rows = data[data["statistic"] == statistic]
    periods = sorted(rows["period"].unique())
    pos = {p: i for i, p in enumerate(periods)}
    labels = MEASURE_LABELS if statistic == "mean" else SHARE_LABELS
    with charts.house_style():
        fig = Figure(figsize=(8.0, 6.5), dpi=PROFILE_DPI)
        axes = fig.subplots(2, 2, sharex=True)
        for ax, measure in zip(axes.flat, MEASURES, strict=True):
            for i, (_, s) in enumerate(rows[rows["measure"] == measure].groupby("order_key")):
                xs = s["period"].map(pos).to_numpy(float)
                colour = charts.PALETTE[i]
                ax.fill_between(xs, s["lower_95"], s["upper_95"], color=colour, alpha=0.15, lw=0)
                ax.plot(
                    xs,
                    s["value"],
                    color=colour,
                    marker=charts.MARKERS[i],
                    linestyle=charts.LINESTYLES[i],
                    label=s["area_name"].iloc[0],
                )
            ax.set_title(labels[measure].capitalize(), loc="left", fontsize=10)
            step = 1 if len(periods) <= 6 else 2
            ax.set_xticks(range(0, len(periods), step), periods[::step], fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
        axes.flat[0].legend(loc="lower left", bbox_to_anchor=(0, 1.12), ncol=3, fontsize=8)
        unit = "Mean rating (0 to 10)" if statistic == "mean" else "Per cent of adults"
        basis = unit + ", revised series"
        charts.style_figure(
            fig,
            title=f"Personal well-being in {name}, its region and the UK",
            basis=f"{basis}; shaded bands are 95% confidence intervals",
            periods=f"{periods[0]} to {periods[-1]}",
            source=SOURCE,
        )
        fig.subplots_adjust(hspace=0.35, top=0.78, bottom=0.1)
    return fig


def chart_rows(data: pd.DataFrame) -> pd.DataFrame:
    """Series rows in the drawing order: area, region, UK."""
    order = {"area": 0, "region": 1, "uk": 2}
    return data.assign(order_key=data["comparison"].map(order))


def figure_alt(data: pd.DataFrame, statistic: str) -> str:
    """Alt text of a profile chart from its numbers: first and last estimate of each line."""
    rows = data[(data["statistic"] == statistic) & data["value"].notna()]
    suffix = "" if statistic == "mean" else "%"
    parts = []
    for measure in MEASURES:
        m = rows[rows["measure"] == measure]
        if m.empty:
            continue
        text = charts.line_alt_text(
            m, what=MEASURE_LABELS[measure], suffix=suffix, decimals=2 if suffix == "" else 1
        )
        parts.append(text)
    return " ".join(parts)


def figure_caption(data: pd.DataFrame, statistic: str) -> str:
    """Caption stating the basis and the periods of a profile chart."""
    periods = sorted(data.loc[data["statistic"] == statistic, "period"].unique())
    basis = (
        "Mean ratings (0 to 10), revised series"
        if statistic == "mean"
        else "Share of adults with low well-being (high anxiety), %, revised series"
    )
    return f"{basis}, {periods[0]} to {periods[-1]}, with 95% confidence intervals."


def vintage_statement(ctx: Context) -> str:
    """How local authority codes are handled, stated on every page."""
    vintage = ctx.settings.geography_vintage
    return (
        f"Local authorities are shown on their {vintage} boundaries and codes. Survey years "
        f"published on earlier codes (including {ctx.settings.latest_period}, published on "
        f"pre-2023 codes) are mapped to the {vintage} areas; areas merged since then combine "
        "their predecessors' estimates."
    )


# --- generated pages --------------------------------------------------------------------------


def _cell(value: object, decimals: int = 2) -> str:
    """Text of a table cell; missing values read as [x]."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "[x]"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return str(value)


def table_html(df: pd.DataFrame, caption: str) -> str:
    """Accessible HTML table with caption and column headers."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in r) + "</tr>"
        for r in df.itertuples(index=False, name=None)
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>\n{body}\n</tbody></table>"
    )


def page_markdown(title: str, body: str, toctree: Sequence[str] = ()) -> str:
    """A MyST page: the title, then the body as one raw HTML block (no blank lines inside)."""
    lines = "\n".join(line for line in body.splitlines() if line.strip())
    tree = ""
    if toctree:
        tree = "```{toctree}\n:hidden:\n\n" + "\n".join(toctree) + "\n```\n\n"
    return f'# {title}\n\n{tree}<div class="profile">\n{lines}\n</div>\n'


def profile_body(ctx: Context, code: str, tables: dict[str, pd.DataFrame]) -> str:
    """The HTML body of one profile page."""
    area = area_row(ctx, code)
    data = tables["series"]
    parts = [
        '<p><a href="index.html">All local area profiles</a></p>',
        f"<p>{html.escape(area['area_name'])} ({code}) is a local authority in "
        f"{html.escape(area['region_name'])}. {html.escape(vintage_statement(ctx))}</p>",
        "<h2>Position among UK local authorities</h2>",
        "<ul>"
        + "".join(
            f"<li>{html.escape(s)}</li>" for s in position_sentences(ctx, code, tables["position"])
        )
        + "</ul>",
        f"<p>{html.escape(RANK_CAUTION)}</p>",
        "<h2>Worst-performing third</h2>",
        f"<p>{html.escape(cohort_sentence(ctx, code, tables['cohort']))}</p>",
    ]
    for statistic, heading in (("mean", "Mean ratings"), ("share_low_wellbeing", "Low well-being")):
        if data.loc[data["statistic"] == statistic, "value"].notna().any():
            rows = chart_rows(data)
            parts += [
                f"<h2>{heading} over time</h2>",
                f"<figure>{series_svg(rows, statistic, figure_alt(data, statistic))}"
                f"<figcaption>{html.escape(figure_caption(data, statistic))}</figcaption></figure>",
            ]
    sup = tables["supporting"]
    parts.append("<h2>Supporting metrics</h2>")
    parts.append(
        table_html(sup, f"Supporting metrics for {area['area_name']}, its region and the UK")
        if len(sup)
        else "<p>No supporting metrics are published for this area.</p>"
    )
    parts.append("<h2>Notes on uncertainty</h2><ul>")
    parts += [f"<li>{html.escape(n)}</li>" for n in notes(ctx, code, data)]
    parts.append("</ul><h2>Data</h2><ul>")
    parts += [
        f'<li><a href="{code}-{name}.csv">{name} ({code}-{name}.csv)</a></li>' for name in tables
    ]
    parts.append("</ul>")
    return "\n".join(parts)


def render_profile(ctx: Context, code: str, folder: Path) -> list[str]:
    """Write one area's page, charts and CSVs into a folder; return the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = profile_tables(ctx, code)
    names = []
    for name, df in tables.items():
        write_csv(df, folder / f"{code}-{name}.csv")
        names.append(f"{code}-{name}.csv")
    area_name = area_row(ctx, code)["area_name"]
    page = page_markdown(f"Personal well-being in {area_name}", profile_body(ctx, code, tables))
    (folder / f"{code}.md").write_text(page, encoding="utf-8")
    return [*names, f"{code}.md"]


# --- generation at scale ----------------------------------------------------------------------


def inputs_key(processed_dir: str | Path, settings: Settings) -> str:
    """Hash of everything every profile depends on: data, helper code and parameters."""
    record = {
        "processed": tree_digest(Path(processed_dir)),
        "helpers": helpers_digest(),
        "settings": settings.as_dict(),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


_WORKER: Context | None = None


def _render_one(job: tuple[str, str]) -> tuple[str, list[str]]:
    """Worker: render one area into its cache folder from the context inherited by fork."""
    code, folder = job
    assert _WORKER is not None
    return code, render_profile(_WORKER, code, Path(folder))


def render_all(ctx: Context, jobs: Sequence[tuple[str, str]], workers: int) -> dict[str, list]:
    """Render many areas, in parallel forked workers sharing the one loaded context."""
    global _WORKER
    _WORKER = ctx
    try:
        if workers <= 1 or len(jobs) < 2:
            return dict(map(_render_one, jobs))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return dict(pool.imap_unordered(_render_one, jobs, chunksize=8))
    finally:
        _WORKER = None


def pages_dir(data_dir: str | Path) -> Path:
    """The edition's folder of profile pages, beside its data folder."""
    return Path(data_dir).parent / PAGES


def write_profiles(
    processed_dir: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
) -> dict[str, object]:
    """Write a page for every lower-tier LA of the vintage plus the index; reuse unchanged pages.

    Pages are MyST files, for the site's generated page folder. Each area's files are kept
    under cache_dir/<key>/<code> (default output/.cache/profiles), where the key hashes the data,
    the helper code and the parameters, so a rerun with unchanged inputs copies instead of
    rendering. Returns counts of areas rendered, reused and given a reason instead of a page.
    """
    out = Path(out_dir)
    cache = Path(cache_dir) if cache_dir else output_dir() / ".cache" / PAGES
    key = inputs_key(processed_dir, settings)
    store = cache / key
    areas = geography.lower_tier_areas(settings.geography_vintage)
    todo = [c for c in areas["area_code"] if not (store / c / f"{c}.md").is_file()]
    ctx = load_context(processed_dir, settings)
    reasons = no_page_reasons(ctx)
    todo = [c for c in todo if c not in reasons]
    rendered = render_all(ctx, [(c, str(store / c)) for c in todo], workers or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    for code in areas["area_code"]:
        if code not in reasons:
            shutil.copytree(store / code, out, dirs_exist_ok=True)
    for stale in sorted(p for p in cache.iterdir() if p.is_dir() and p.name != key):
        shutil.rmtree(stale)
    index = profile_index(ctx, reasons)
    index.to_csv(out / "profiles.csv", index=False, lineterminator="\n")
    hexes = read_hex_layout(processed_dir, settings.geography_vintage)
    (out / "index.md").write_text(index_page(ctx, index, hexes), encoding="utf-8")
    return {
        "areas": len(areas),
        "rendered": len(rendered),
        "reused": len(areas) - len(reasons) - len(rendered),
        "no_page": len(reasons),
    }


def no_page_reasons(ctx: Context) -> dict[str, str]:
    """Areas of the vintage without a page and why: no published estimate of any year."""
    lower = ctx.estimates[ctx.estimates["area_level"] == "ltla"]
    counted = lower[lower["status"].isin(metrics.COUNTED_STATUSES)]["area_code"]
    return {
        c: "no published well-being estimate in any year"
        for c in ctx.areas["area_code"]
        if c not in set(counted)
    }


def profile_index(ctx: Context, reasons: dict[str, str]) -> pd.DataFrame:
    """One row per LA of the vintage: name, region, nation, latest life satisfaction, page."""
    life = ctx.ranks[ctx.ranks["measure"] == "life_satisfaction"][["area_code", "value"]]
    index = ctx.areas.merge(life, on="area_code", how="left").rename(
        columns={"value": "life_satisfaction_mean"}
    )
    index["page"] = ["" if c in reasons else f"{c}.html" for c in index["area_code"]]
    index["no_page_reason"] = index["area_code"].map(reasons).fillna("")
    return index.sort_values(["nation_code", "region_name", "area_name"], ignore_index=True)


SEARCH_SCRIPT = """<script>
(function () {
  var input = document.getElementById("area-search");
  var items = document.querySelectorAll("[data-area]");
  var groups = document.querySelectorAll("[data-region]");
  var status = document.getElementById("search-status");
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    items.forEach(function (li) {
      var hit = li.getAttribute("data-area").indexOf(q) !== -1;
      li.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (g) {
      g.hidden = g.querySelectorAll("[data-area]:not([hidden])").length === 0;
    });
    status.textContent = shown + " of " + items.length + " local authorities shown";
  });
}());
</script>"""


def index_page(ctx: Context, index: pd.DataFrame, hexes: pd.DataFrame | None = None) -> str:
    """The profiles index: search by name or code, areas grouped by region, linked hex map."""
    total = len(index)
    groups = []
    for region, rows in index.groupby("region_name", sort=False):
        items = "".join(
            f'<li data-area="{html.escape((r.area_name + " " + r.area_code).lower())}">'
            + (
                f'<a href="{r.page}">{html.escape(r.area_name)}</a> ({r.area_code})'
                if r.page
                else f"{html.escape(r.area_name)} ({r.area_code}): {r.no_page_reason}"
            )
            + "</li>"
            for r in rows.itertuples()
        )
        slug = rows["region_code"].iloc[0]
        groups.append(
            f'<section data-region="{slug}" aria-labelledby="h-{slug}">'
            f'<h3 id="h-{slug}">{html.escape(region)}</h3><ul class="areas">{items}</ul></section>'
        )
    no_page = int((index["page"] == "").sum())
    body = f"""<p>A profile of personal well-being for each of the {total} lower-tier local
authorities of the {ctx.settings.geography_vintage} geography ({total - no_page} with a page;
{no_page} without, with the reason listed). {html.escape(vintage_statement(ctx))}</p>
<p>Local area profiles are published on the website only; they are not part of the PDF.</p>
<h2>Find a local authority</h2>
<label for="area-search">Search by local authority name or code</label>
<input id="area-search" type="search" autocomplete="off">
<p id="search-status" role="status" aria-live="polite">{total} of {total} local authorities
shown</p>
{"".join(groups)}
{hex_section(ctx, index, hexes)}
{SEARCH_SCRIPT}"""
    pages = [page.removesuffix(".html") for page in index["page"] if page]
    return page_markdown("Local area profiles", body, pages)


def hex_section(ctx: Context, index: pd.DataFrame, hexes: pd.DataFrame | None) -> str:
    """Hex map of latest mean life satisfaction with every hex linking to its profile."""
    if hexes is None:
        return ""
    values = index[["area_code", "life_satisfaction_mean"]].rename(
        columns={"life_satisfaction_mean": "value"}
    )
    data = maps.map_data(values, hexes)
    period = ctx.settings.latest_period
    what = f"mean life satisfaction (0 to 10), {period}"
    alt = maps.map_alt_text(data, kind="Hex map", what=what, periods=period)
    svg = maps.hex_svg(
        data,
        title=f"Hex map of {what}; each hexagon links to its profile",
        description=alt,
        url="{code}.html",
        linked=set(index.loc[index["page"] != "", "area_code"]),
    )
    return (
        f"<h2>Map of local authorities</h2><p>Each hexagon is one local authority, shaded by "
        f"{what} (darker is higher; hatched grey is suppressed or no estimate). Select a hexagon "
        f'to open its profile.</p><div class="hexmap">{svg}</div>'
    )


# --- fast vector charts for generated pages ---------------------------------------------------

PANEL_W, PANEL_H, PAD_L, PAD_T, PAD_B = 300.0, 170.0, 36.0, 26.0, 22.0
SVG_DASH = ("", "6 3", "2 2")


def _ticks(low: float, high: float) -> np.ndarray:
    """Four to six round tick values spanning low to high."""
    step = float(10 ** np.floor(np.log10((high - low) or 1.0)))
    for factor in (0.2, 0.5, 1.0, 2.0):
        if (high - low) / (step * factor) <= 5:
            step *= factor
            break
    return np.arange(np.floor(low / step) * step, high + step / 2, step)


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    """A circle, square or triangle marker, so series differ by more than colour."""
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    points = f"{x:.1f},{y - 4:.1f} {x - 4:.1f},{y + 3:.1f} {x + 4:.1f},{y + 3:.1f}"
    return f'<polygon points="{points}" fill="{colour}"/>'


def _panel_svg(rows: pd.DataFrame, periods: list[str], title: str, x0: float, y0: float) -> str:
    """One small-multiple panel: CI bands, lines and markers per series, axes and title."""
    low, high = rows["lower_95"].min(), rows["upper_95"].max()
    ticks = _ticks(low, high)
    lo, hi = float(ticks[0]), float(ticks[-1])
    width, height = PANEL_W - PAD_L - 10, PANEL_H - PAD_T - PAD_B
    span = max(len(periods) - 1, 1)

    def px(i: float) -> float:
        """Horizontal position of period index i."""
        return x0 + PAD_L + width * i / span

    def py(v: float) -> float:
        """Vertical position of value v."""
        return y0 + PAD_T + height * (hi - v) / ((hi - lo) or 1.0)

    out = [
        f'<text x="{x0 + 4:.1f}" y="{y0 + 14:.1f}" font-weight="600">{html.escape(title)}</text>'
    ]
    for t in ticks:
        out.append(
            f'<line x1="{px(0):.1f}" x2="{px(span):.1f}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
            f'stroke="#E0E0E0"/><text x="{px(0) - 4:.1f}" y="{py(t) + 3:.1f}" '
            f'text-anchor="end" font-size="9">{t:g}</text>'
        )
    step = 1 if len(periods) <= 6 else 2
    for i in range(0, len(periods), step):
        out.append(
            f'<text x="{px(i):.1f}" y="{y0 + PANEL_H - 6:.1f}" text-anchor="middle" '
            f'font-size="9">{periods[i]}</text>'
        )
    pos = {p: i for i, p in enumerate(periods)}
    for k, (_, s) in enumerate(rows.groupby("order_key")):
        colour = charts.PALETTE[k]
        s = s[s["value"].notna()]
        xs = [px(pos[p]) for p in s["period"]]
        band = [f"{x:.1f},{py(v):.1f}" for x, v in zip(xs, s["upper_95"], strict=True)]
        band += [f"{x:.1f},{py(v):.1f}" for x, v in zip(xs[::-1], s["lower_95"][::-1], strict=True)]
        out.append(f'<polygon points="{" ".join(band)}" fill="{colour}" fill-opacity="0.15"/>')
        line = " ".join(f"{x:.1f},{py(v):.1f}" for x, v in zip(xs, s["value"], strict=True))
        out.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{SVG_DASH[k]}"/>'
        )
        out += [_marker(k, x, py(v), colour) for x, v in zip(xs, s["value"], strict=True)]
    return "\n".join(out)


def series_svg(data: pd.DataFrame, statistic: str, alt: str) -> str:
    """The profile chart as inline SVG: the four measures for area, region and UK with CIs."""
    rows = data[data["statistic"] == statistic]
    periods = sorted(rows["period"].unique())
    labels = MEASURE_LABELS if statistic == "mean" else SHARE_LABELS
    names = rows.drop_duplicates("order_key").sort_values("order_key")["area_name"]
    legend = [
        f'<g transform="translate({8 + 200 * k},14)">'
        f'<line x1="0" x2="24" y1="-4" y2="-4" stroke="{charts.PALETTE[k]}" stroke-width="2" '
        f'stroke-dasharray="{SVG_DASH[k]}"/>{_marker(k, 12, -4, charts.PALETTE[k])}'
        f'<text x="30" y="0">{html.escape(n)}</text></g>'
        for k, n in enumerate(names)
    ]
    panels = [
        _panel_svg(
            rows[rows["measure"] == m],
            periods,
            labels[m].capitalize(),
            PANEL_W * (i % 2),
            24 + PANEL_H * (i // 2),
        )
        for i, m in enumerate(MEASURES)
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * PANEL_W:.0f} '
        f'{24 + 2 * PANEL_H:.0f}" role="img" aria-label="{html.escape(alt)}" '
        'font-family="system-ui, sans-serif" font-size="11" fill="#0B0C0C">\n'
        + "\n".join(legend + panels)
        + "\n</svg>"
    )


# --- map values -------------------------------------------------------------------------------


def map_values(ctx: Context, measure: str, baseline_period: str) -> pd.DataFrame:
    """Per LA: latest mean and its change since the baseline year, each with CI and status.

    The change's 95% interval combines the two years' standard errors as independent samples.
    An estimate not published (or of low reliability) in either year gives no change.
    """
    rows = ctx.estimates[
        (ctx.estimates["area_level"] == "ltla")
        & (ctx.estimates["statistic"] == "mean")
        & (ctx.estimates["measure"] == measure)
    ]
    latest, base = (
        rows[rows["period"] == p].set_index("area_code")
        for p in (ctx.settings.latest_period, baseline_period)
    )
    out = ctx.areas[["area_code", "area_name", "region_name"]].set_index("area_code")
    out["latest"] = latest["value"]
    out["latest_lower_95"] = latest["lower_95"]
    out["latest_upper_95"] = latest["upper_95"]
    out["latest_status"] = latest["status"].reindex(out.index).fillna("no_estimate")
    base = base.reindex(latest.index)
    se = np.hypot(
        metrics.standard_error(latest["lower_95"], latest["upper_95"]),
        metrics.standard_error(base["lower_95"], base["upper_95"]),
    )
    counted = latest["status"].isin(metrics.COUNTED_STATUSES) & base["status"].isin(
        metrics.COUNTED_STATUSES
    )
    change = (latest["value"] - base["value"]).where(counted)
    out["change"] = change
    out["change_lower_95"] = change - 1.96 * se
    out["change_upper_95"] = change + 1.96 * se
    out["change_status"] = np.where(out["change"].notna(), "published", "suppressed")
    shown = out["latest_status"].isin(metrics.COUNTED_STATUSES)
    out.loc[~shown, ["latest", "latest_lower_95", "latest_upper_95"]] = np.nan
    return out.reset_index().assign(measure=measure)


def map_summary(values: pd.DataFrame, column: str) -> str:
    """How many LAs are mapped and how many are suppressed or have no estimate."""
    status = values[f"{column}_status"]
    hidden = int((~status.isin(metrics.COUNTED_STATUSES)).sum())
    return (
        f"{len(values) - hidden} of {len(values)} local authorities are shaded; {hidden} are "
        "hatched grey because their estimate is suppressed [x] or there is none."
    )


def map_figures(
    ctx: Context, values: pd.DataFrame, processed_dir: str | Path, baseline_period: str
) -> list[tuple[str, Figure, str, str]]:
    """Hex and geographic maps of latest mean and change: name, figure, alt, caption."""
    vintage, period = ctx.settings.geography_vintage, ctx.settings.latest_period
    measure = values["measure"].iloc[0]
    label = MEASURE_LABELS[measure]
    hexes = read_hex_layout(processed_dir, vintage)
    topo = topology_path(processed_dir, vintage)
    shapes = maps.boundaries(vintage, path=topo)
    out = []
    for column, diverging in (("latest", False), ("change", True)):
        what = (
            f"mean {label} (0 to 10), {period}"
            if column == "latest"
            else f"change in mean {label} (points), {baseline_period} to {period}"
        )
        periods = period if column == "latest" else f"{baseline_period} to {period}"
        given = values[["area_code"]].assign(
            value=values[column], status=values[f"{column}_status"]
        )
        text = {
            "title": what[0].upper() + what[1:],
            "basis": "Mean rating, revised series, lower-tier local authorities",
            "periods": periods,
            "source": SOURCE,
            "units": "Change in mean rating (points)" if diverging else "Mean rating (0 to 10)",
            "diverging": diverging,
        }
        for kind, name in (("Hex map", "hex"), ("Map", "choropleth")):
            if name == "hex":
                data = maps.map_data(given, hexes)
                fig = maps.hex_map(data, **text)
            else:
                data = maps.map_data(given, shapes)
                fig = maps.choropleth(data, vintage=vintage, path=topo, **text)
            suffix = " points" if diverging else ""
            alt = maps.map_alt_text(data, kind=kind, what=what, periods=periods, suffix=suffix)
            caption = (
                f"{kind} of {what} ({vintage} local authorities; mean basis, revised series). "
                f"{map_summary(values, column)}"
            )
            out.append((f"map-{name}-{column}-{measure}", fig, alt, caption))
    return out
