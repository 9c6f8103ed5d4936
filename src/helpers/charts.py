"""The one house style for every figure: Analysis Function palette, CI drawing and alt text."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

# Government Analysis Function categorical palette, in the order the guidance prescribes.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
# Markers and line styles pair with the palette so series never differ by colour alone.
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
# Colour-blind safe ramps: lightness changes monotonically (sequential) or meets in a light
# centre from blue and orange, a pair distinguishable under all common colour deficiencies.
SEQUENTIAL = ("#F2F7FB", "#C2DEF5", "#6BACE6", "#2073BC", "#12436D", "#0B2741")
DIVERGING = ("#12436D", "#2073BC", "#9CC6EC", "#F5F5F5", "#F9B58F", "#F46A25", "#8A3509")
NO_DATA_COLOUR = "#BFBFBF"
NO_DATA_HATCH = "////"
NO_DATA_LABEL = "Suppressed / no estimate"
REFERENCE_COLOUR = "#3D3D3D"

DPI = 150
FIGSIZE = (8.0, 5.0)
TITLE_SIZE = 13
SUBTITLE_SIZE = 10
NOTE_SIZE = 8
# Average glyph width as a share of the font size (DejaVu Sans, bold titles included).
GLYPH_WIDTH = 0.62
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": 10,
    "axes.edgecolor": "#3D3D3D",
    "axes.labelcolor": "#0B0C0C",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "grid.color": "#D9D9D9",
    "grid.linewidth": 0.8,
    "xtick.color": "#0B0C0C",
    "ytick.color": "#0B0C0C",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "svg.hashsalt": "wellbeing",
    "path.simplify": False,
}


def sequential_cmap() -> LinearSegmentedColormap:
    """Colour map for levels on maps: light to dark blue, monotonic in lightness."""
    return LinearSegmentedColormap.from_list("house_sequential", SEQUENTIAL)


def diverging_cmap() -> LinearSegmentedColormap:
    """Colour map for changes centred on zero: blue (down) through light grey to orange (up)."""
    return LinearSegmentedColormap.from_list("house_diverging", DIVERGING)


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house rcParams while a figure is built, leaving global settings untouched."""
    with mpl.rc_context(RC):
        yield


def require_text(**texts: str | None) -> None:
    """Refuse a figure whose header would not state its finding, basis, periods or source."""
    for name, text in texts.items():
        if text is None or not str(text).strip():
            raise ValueError(f"figure needs a non-empty {name!r} for its header")


def _wrap(text: str, fig: Figure, fontsize: float) -> list[str]:
    """Split header text into lines that fit the figure's width at that font size."""
    usable_pt = fig.get_figwidth() * 72 * 0.95
    return textwrap.wrap(text, int(usable_pt / (fontsize * GLYPH_WIDTH))) or [""]


def style_figure(fig: Figure, *, title: str, basis: str, periods: str, source: str) -> None:
    """Write the left-aligned finding title, basis/periods subtitle and source note; fix margins."""
    require_text(title=title, basis=basis, periods=periods, source=source)
    height_pt = fig.get_figheight() * 72
    title_lines = _wrap(title, fig, TITLE_SIZE)
    subtitle_lines = _wrap(f"{basis.rstrip('. ')}. {periods.rstrip('. ')}.", fig, SUBTITLE_SIZE)
    y = 1 - 10 / height_pt
    fig.text(
        0.02,
        y,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        weight="bold",
        gid="title",
    )
    y -= len(title_lines) * TITLE_SIZE * 1.35 / height_pt + 4 / height_pt
    fig.text(
        0.02,
        y,
        "\n".join(subtitle_lines),
        ha="left",
        va="top",
        fontsize=SUBTITLE_SIZE,
        color="#3D3D3D",
        gid="subtitle",
    )
    y -= len(subtitle_lines) * SUBTITLE_SIZE * 1.35 / height_pt
    fig.text(
        0.02,
        8 / height_pt,
        f"Source: {source}",
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE,
        color="#3D3D3D",
        gid="source",
    )
    fig.subplots_adjust(left=0.1, right=0.97, top=y - 32 / height_pt, bottom=80 / height_pt)


def header_text(fig: Figure, gid: str) -> str:
    """Return the text of the title, subtitle or source note, for checks and alt text."""
    return " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == gid)


def save_png(fig: Figure, path: str | Path) -> Path:
    """Write a PNG whose bytes depend only on the figure: fixed dpi, no software stamp."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return path


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Fail early, naming the columns a chart needs but the frame lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"chart data lacks columns {missing}; has {list(df.columns)}")


def _groups(df: pd.DataFrame, group: str) -> list[str]:
    """Series names in first-appearance order, at most one per palette colour."""
    names = list(dict.fromkeys(df[group]))
    if len(names) > len(PALETTE):
        raise ValueError(f"{len(names)} series in {group!r}; the palette allows {len(PALETTE)}")
    return names


def _new_figure() -> tuple[Figure, object]:
    """A fixed-size figure with one axes, built under the house style."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    return fig, fig.add_subplot()


def _legend_above(ax: object, n: int) -> None:
    """Place the legend between the subtitle and the plot so it never hides data."""
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=min(n, 3), borderaxespad=0)


def _period_axis(ax: object, periods: list[str]) -> None:
    """Label a categorical period axis, rotating labels when there are many."""
    ax.set_xticks(
        range(len(periods)),
        periods,
        rotation=45 if len(periods) > 6 else 0,
        ha="right" if len(periods) > 6 else "center",
    )
    ax.set_xlim(-0.5, len(periods) - 0.5)


def line_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    y_label: str,
    group: str = "area_name",
    x: str = "period",
    value: str = "value",
    lower: str = "lower_95",
    upper: str = "upper_95",
    ci: str = "ribbon",
) -> Figure:
    """Estimates over periods per series with 95% CI ribbons or error bars, distinct markers."""
    require_text(basis=basis, periods=periods)
    _check_columns(df, [group, x, value, lower, upper])
    if ci not in ("ribbon", "bars"):
        raise ValueError(f"ci must be 'ribbon' or 'bars', not {ci!r}")
    with house_style():
        fig, ax = _new_figure()
        order = sorted(df[x].unique())
        pos = {p: i for i, p in enumerate(order)}
        names = _groups(df, group)
        for i, name in enumerate(names):
            s = df[df[group] == name].sort_values(x)
            xs = s[x].map(pos).to_numpy(float)
            kw = {"color": PALETTE[i], "marker": MARKERS[i], "linestyle": LINESTYLES[i]}
            if ci == "ribbon":
                ax.fill_between(
                    xs,
                    s[lower],
                    s[upper],
                    color=PALETTE[i],
                    alpha=0.2,
                    linewidth=0,
                    gid=f"ci:{name}",
                )
                ax.plot(xs, s[value], label=str(name), gid=f"series:{name}", **kw)
            else:
                yerr = np.vstack([s[value] - s[lower], s[upper] - s[value]])
                ax.errorbar(
                    xs, s[value], yerr=yerr, capsize=3, label=str(name), gid=f"series:{name}", **kw
                )
        _period_axis(ax, order)
        ax.set_ylabel(y_label)
        _legend_above(ax, len(names))
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def dot_whisker_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    x_label: str,
    category: str = "area_name",
    value: str = "value",
    lower: str = "lower_95",
    upper: str = "upper_95",
    reference: float = 0.0,
) -> Figure:
    """Each category's estimate with its 95% CI as a horizontal whisker, and a reference line."""
    require_text(basis=basis, periods=periods)
    _check_columns(df, [category, value, lower, upper])
    with house_style():
        fig, ax = _new_figure()
        s = df.reset_index(drop=True)
        ys = np.arange(len(s))[::-1]
        xerr = np.vstack([s[value] - s[lower], s[upper] - s[value]])
        ax.errorbar(
            s[value],
            ys,
            xerr=xerr,
            fmt="o",
            color=PALETTE[0],
            ecolor=PALETTE[0],
            capsize=3,
            gid="estimates",
        )
        ax.axvline(reference, color=REFERENCE_COLOUR, linewidth=1, gid="reference")
        ax.set_yticks(ys, s[category].astype(str))
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(x_label)
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
        fig.subplots_adjust(left=_label_margin(fig, s[category].astype(str)))
    return fig


def projection_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    x_label: str,
    latest_label: str,
    projection_label: str,
    category: str = "area_name",
) -> Figure:
    """Each area's latest estimate (filled, solid CI), its projection (hollow, dashed interval,
    marked as a projection) and the value a significant improvement needs (a bar)."""
    require_text(basis=basis, periods=periods)
    columns = ["latest_value", "latest_lower_95", "latest_upper_95", "projected"]
    _check_columns(
        df, [category, *columns, "projected_lower_95", "projected_upper_95", "threshold"]
    )
    with house_style():
        fig, ax = _new_figure()
        s = df.reset_index(drop=True)
        ys = np.arange(len(s))[::-1].astype(float)
        latest = np.vstack([s.latest_value - s.latest_lower_95, s.latest_upper_95 - s.latest_value])
        ax.errorbar(
            s.latest_value,
            ys + 0.15,
            xerr=latest,
            fmt="o",
            color=PALETTE[0],
            capsize=3,
            label=latest_label,
            gid="latest",
        )
        projected = np.vstack(
            [s.projected - s.projected_lower_95, s.projected_upper_95 - s.projected]
        )
        bars = ax.errorbar(
            s.projected,
            ys - 0.15,
            xerr=projected,
            fmt="o",
            mfc="white",
            color=PALETTE[3],
            capsize=3,
            label=projection_label,
            gid="projection",
        )
        bars[-1][0].set_linestyle("--")
        ax.scatter(
            s.threshold,
            ys,
            marker="|",
            s=200,
            color=REFERENCE_COLOUR,
            zorder=3,
            label="Needed to improve significantly",
            gid="threshold",
        )
        ax.set_yticks(ys, s[category].astype(str))
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(x_label)
        _legend_above(ax, 2)
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
        fig.subplots_adjust(left=_label_margin(fig, s[category].astype(str)))
    return fig


def _label_margin(fig: Figure, labels: pd.Series) -> float:
    """Left margin (share of the width) that holds the longest category label, at most half."""
    longest_pt = labels.str.len().max() * RC["font.size"] * GLYPH_WIDTH + 12
    return min(0.5, max(0.12, longest_pt / (fig.get_figwidth() * 72)))


def distribution_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    x_label: str,
    value: str = "value",
    bins: int = 20,
) -> Figure:
    """Histogram of one estimate across local authorities with the median marked and labelled."""
    require_text(basis=basis, periods=periods)
    _check_columns(df, [value])
    values = df[value].dropna().to_numpy(float)
    if values.size == 0:
        raise ValueError(f"no values in {value!r} to chart")
    median = float(np.median(values))
    with house_style():
        fig, ax = _new_figure()
        ax.hist(values, bins=bins, color=PALETTE[0], edgecolor="white", gid="histogram")
        ax.axvline(
            median,
            color=PALETTE[3],
            linewidth=2,
            linestyle="--",
            gid="median",
            label=f"Median {median:.2f}",
        )
        ax.set_xlabel(x_label)
        ax.set_ylabel("Number of local authorities")
        _legend_above(ax, 1)
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def scatter_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    x: str,
    y: str,
    x_label: str,
    y_label: str,
    highlight: str,
    highlight_label: str,
    other_label: str,
) -> Figure:
    """Scatter of two measures with a highlighted group shown by both colour and marker shape."""
    require_text(basis=basis, periods=periods)
    _check_columns(df, [x, y, highlight])
    flag = df[highlight].astype(bool)
    with house_style():
        fig, ax = _new_figure()
        ax.scatter(
            df.loc[~flag, x],
            df.loc[~flag, y],
            color=PALETTE[4],
            marker="o",
            s=18,
            alpha=0.6,
            label=other_label,
            gid="others",
        )
        ax.scatter(
            df.loc[flag, x],
            df.loc[flag, y],
            color=PALETTE[2],
            marker="^",
            s=28,
            label=highlight_label,
            gid="highlighted",
        )
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        _legend_above(ax, 2)
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def gap_chart(
    df: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    y_label: str,
    x: str = "period",
    value: str = "gap",
    lower: str = "lower_95",
    upper: str = "upper_95",
) -> Figure:
    """A gap over periods or pooling windows with its 95% CI ribbon and a line at zero."""
    require_text(basis=basis, periods=periods)
    _check_columns(df, [x, value, lower, upper])
    with house_style():
        fig, ax = _new_figure()
        s = df.sort_values(x)
        xs = np.arange(len(s), dtype=float)
        ax.fill_between(
            xs,
            s[lower],
            s[upper],
            color=PALETTE[0],
            alpha=0.2,
            linewidth=0,
            gid="ci:gap",
            label="95% confidence interval",
        )
        ax.plot(xs, s[value], color=PALETTE[0], marker="o", gid="series:gap", label="Gap")
        ax.axhline(0, color=REFERENCE_COLOUR, linewidth=1, gid="reference")
        _period_axis(ax, list(s[x]))
        ax.set_ylabel(y_label)
        _legend_above(ax, 2)
        style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def fmt(value: float, decimals: int = 2, suffix: str = "") -> str:
    """Format a number for alt text the way the charts label it."""
    return f"{value:.{decimals}f}{suffix}"


def _with_ci(row: pd.Series, value: str, lower: str, upper: str, decimals: int, suffix: str) -> str:
    """An estimate followed by its 95% confidence interval, so the uncertainty is read too."""
    est = fmt(row[value], decimals, suffix)
    if pd.isna(row[lower]) or pd.isna(row[upper]):
        return f"{est} (no confidence interval published)"
    return (
        f"{est} (95% CI {fmt(row[lower], decimals, suffix)} to {fmt(row[upper], decimals, suffix)})"
    )


def _change(first: pd.Series, last: pd.Series, x: str, ci: dict[str, object]) -> str:
    """Say how an estimate moved between two periods, as shown, without claiming significance."""
    d = ci["decimals"]
    a, b = round(first[ci["value"]], d), round(last[ci["value"]], d)
    start, end = _with_ci(first, **ci), _with_ci(last, **ci)
    if a == b:
        return f"was {start} in {first[x]} and {end} in {last[x]}"
    verb = "rose" if b > a else "fell"
    return f"{verb} from {start} in {first[x]} to {end} in {last[x]}"


def line_alt_text(
    df: pd.DataFrame,
    *,
    what: str,
    decimals: int = 2,
    suffix: str = "",
    group: str = "area_name",
    x: str = "period",
    value: str = "value",
    lower: str = "lower_95",
    upper: str = "upper_95",
) -> str:
    """Describe a line chart from its data: per series first and last estimate, peak and trough."""
    _check_columns(df, [group, x, value, lower, upper])
    order = sorted(df[x].unique())
    parts = []
    for name in dict.fromkeys(df[group]):
        s = df[(df[group] == name) & df[value].notna()].sort_values(x)
        if s.empty:
            parts.append(f"{name} has no estimates")
            continue
        first, last = s.iloc[0], s.iloc[-1]
        hi, lo = s.loc[s[value].idxmax()], s.loc[s[value].idxmin()]
        ci = {
            "value": value,
            "lower": lower,
            "upper": upper,
            "decimals": decimals,
            "suffix": suffix,
        }
        parts.append(
            f"{name} {_change(first, last, x, ci)}; "
            f"highest {fmt(hi[value], decimals, suffix)} in {hi[x]}, "
            f"lowest {fmt(lo[value], decimals, suffix)} in {lo[x]}"
        )
    names = ", ".join(str(n) for n in dict.fromkeys(df[group]))
    return f"Line chart of {what}, {names}, {order[0]} to {order[-1]}: " + ". ".join(parts) + "."


def dot_whisker_alt_text(
    df: pd.DataFrame,
    *,
    what: str,
    decimals: int = 2,
    suffix: str = "",
    category: str = "area_name",
    value: str = "value",
    lower: str = "lower_95",
    upper: str = "upper_95",
) -> str:
    """Describe a dot-and-whisker chart: each estimate with its CI and whether the CI spans zero."""
    _check_columns(df, [category, value, lower, upper])
    parts = []
    for _, row in df.iterrows():
        spans = "includes" if row[lower] <= 0 <= row[upper] else "excludes"
        parts.append(
            f"{row[category]} {_with_ci(row, value, lower, upper, decimals, suffix)}, "
            f"interval {spans} zero"
        )
    return f"Dot and whisker chart of {what} for {len(df)} categories: " + "; ".join(parts) + "."


def distribution_alt_text(
    df: pd.DataFrame,
    *,
    what: str,
    decimals: int = 2,
    suffix: str = "",
    value: str = "value",
    name: str = "area_name",
) -> str:
    """Describe a distribution: count, median, extremes with their areas, and missing values."""
    _check_columns(df, [value, name])
    s = df[df[value].notna()]
    if s.empty:
        return f"Histogram of {what}: no local authority has an estimate."
    hi, lo = s.loc[s[value].idxmax()], s.loc[s[value].idxmin()]
    missing = len(df) - len(s)
    return (
        f"Histogram of {what} across {len(s)} local authorities: median "
        f"{fmt(float(s[value].median()), decimals, suffix)}, ranging from "
        f"{fmt(lo[value], decimals, suffix)} in {lo[name]} to {fmt(hi[value], decimals, suffix)} "
        f"in {hi[name]}; {missing} without a published estimate."
    )


def scatter_alt_text(
    df: pd.DataFrame, *, x_what: str, y_what: str, x: str, y: str, highlight: str, group_what: str
) -> str:
    """Describe a scatter: sizes of both groups and the correlation of the two measures."""
    _check_columns(df, [x, y, highlight])
    both = df[[x, y]].dropna()
    r = float(np.corrcoef(both[x], both[y])[0, 1])
    n_hi = int(df[highlight].astype(bool).sum())
    return (
        f"Scatter chart of {y_what} against {x_what} for {len(both)} areas, "
        f"{n_hi} of them {group_what} marked with triangles; correlation coefficient {r:.2f}."
    )


def gap_alt_text(
    df: pd.DataFrame,
    *,
    what: str,
    decimals: int = 2,
    suffix: str = "",
    x: str = "period",
    value: str = "gap",
    lower: str = "lower_95",
    upper: str = "upper_95",
) -> str:
    """Describe a gap series: first and last gap with CIs and the direction between them."""
    _check_columns(df, [x, value, lower, upper])
    s = df[df[value].notna()].sort_values(x)
    first, last = s.iloc[0], s.iloc[-1]
    ci = {"value": value, "lower": lower, "upper": upper, "decimals": decimals, "suffix": suffix}
    return f"Line chart of {what}, {first[x]} to {last[x]}: the gap {_change(first, last, x, ci)}."
