"""The house chart style, checked on real ONS personal well-being estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.container import ErrorbarContainer

from helpers import charts
from helpers.config import raw_dir

ELS = "ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv"
SOURCE = "Office for National Statistics, Personal well-being estimates, 7 November 2023"
BASIS = "Mean life satisfaction, 0 to 10, adults aged 16 and over"
PERIODS = "Financial years 2011-12 to 2022-23"
NATIONS = ["K02000001", "W92000004", "S92000003"]


def _els_satisfaction() -> pd.DataFrame:
    """Life satisfaction means from Explore Local Statistics, in tidy-table column names."""
    df = pd.read_csv(raw_dir() / ELS)
    df = df[df["indicator"] == "Satisfaction"].copy()
    start = df["period"].str[:4].astype(int)
    df["period"] = start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)
    return df.rename(
        columns={
            "areacd": "area_code",
            "areanm": "area_name",
            "observation": "value",
            "lci_95": "lower_95",
            "uci_95": "upper_95",
        }
    )


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return _els_satisfaction()


@pytest.fixture(scope="module")
def nations(satisfaction: pd.DataFrame) -> pd.DataFrame:
    rows = satisfaction[satisfaction["area_code"].isin(NATIONS)]
    return rows.set_index("area_code").loc[NATIONS].reset_index()


@pytest.fixture(scope="module")
def ltla_2022(satisfaction: pd.DataFrame) -> pd.DataFrame:
    lower_tier = satisfaction["geography"].isin(
        ["Local Authority District", "County or Unitary Authority"]
    )
    return satisfaction[lower_tier & (satisfaction["period"] == "2022-23")]


def _change_since_2011(nations: pd.DataFrame) -> pd.DataFrame:
    """Change 2011-12 to 2022-23 per nation, CI from the two independent CIs."""
    wide = nations[nations["period"].isin(["2011-12", "2022-23"])].pivot(
        index="area_name", columns="period", values=["value", "lower_95", "upper_95"]
    )
    se = (wide["upper_95"] - wide["lower_95"]) / (2 * 1.96)
    change = wide["value"]["2022-23"] - wide["value"]["2011-12"]
    half = 1.96 * np.sqrt(se["2011-12"] ** 2 + se["2022-23"] ** 2)
    return pd.DataFrame(
        {"value": change, "lower_95": change - half, "upper_95": change + half}
    ).reset_index()


def _line(nations: pd.DataFrame, **kw: object) -> object:
    return charts.line_chart(
        nations,
        title="Life satisfaction is back near its 2011-12 level",
        basis=BASIS,
        periods=PERIODS,
        source=SOURCE,
        y_label="Mean (0 to 10)",
        **kw,
    )


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a hex colour."""
    rgb = np.array(to_rgb(colour))
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def test_palette_is_the_analysis_function_order() -> None:
    assert charts.PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")


def test_sequential_palette_darkens_monotonically() -> None:
    lum = [_luminance(c) for c in charts.SEQUENTIAL]
    assert all(a > b for a, b in zip(lum, lum[1:], strict=False))


def test_diverging_palette_is_lightest_at_its_centre() -> None:
    lum = [_luminance(c) for c in charts.DIVERGING]
    centre = len(lum) // 2
    assert all(a < b for a, b in zip(lum[:centre], lum[1 : centre + 1], strict=True))
    assert all(a > b for a, b in zip(lum[centre:], lum[centre + 1 :], strict=False))


def test_line_chart_draws_one_ci_ribbon_per_area_spanning_the_limits(nations) -> None:
    ax = _line(nations).axes[0]
    ribbons = {c.get_gid(): c for c in ax.collections if isinstance(c, PolyCollection)}
    assert sorted(ribbons) == ["ci:Scotland", "ci:United Kingdom", "ci:Wales"]
    uk = nations[nations["area_name"] == "United Kingdom"]
    ys = ribbons["ci:United Kingdom"].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(uk["lower_95"].min())
    assert ys.max() == pytest.approx(uk["upper_95"].max())
    # UK 2020-21 lower limit, read from the file by hand: 7.37.
    assert uk["lower_95"].min() == 7.37


def test_line_chart_series_differ_by_marker_and_line_style(nations) -> None:
    lines = [ln for ln in _line(nations).axes[0].lines if str(ln.get_gid()).startswith("series:")]
    assert [ln.get_color() for ln in lines] == list(charts.PALETTE[:3])
    assert len({ln.get_marker() for ln in lines}) == 3
    assert len({str(ln.get_linestyle()) for ln in lines}) == 3


def test_line_chart_can_draw_error_bars_instead(nations) -> None:
    ax = _line(nations, ci="bars").axes[0]
    assert not [c for c in ax.collections if str(c.get_gid()).startswith("ci:")]
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == 3


def test_header_states_finding_basis_periods_and_source(nations) -> None:
    fig = _line(nations)
    title = next(t for t in fig.texts if t.get_gid() == "title")
    assert title.get_ha() == "left"
    assert charts.header_text(fig, "title") == "Life satisfaction is back near its 2011-12 level"
    subtitle = charts.header_text(fig, "subtitle")
    assert BASIS in subtitle and PERIODS in subtitle
    assert charts.header_text(fig, "source") == f"Source: {SOURCE}"


def test_house_style_hides_top_right_spines_and_keeps_horizontal_grid(nations) -> None:
    ax = _line(nations).axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert any(g.get_visible() for g in ax.yaxis.get_gridlines())
    assert not any(g.get_visible() for g in ax.xaxis.get_gridlines())


@pytest.mark.parametrize("missing", ["basis", "periods"])
def test_every_chart_refuses_a_missing_basis_or_period(nations, missing) -> None:
    text = {"basis": BASIS, "periods": PERIODS, missing: " "}
    change = _change_since_2011(nations)
    gap = change.rename(columns={"area_name": "period", "value": "gap"})
    calls = [
        lambda: charts.line_chart(nations, title="t", source="s", y_label="y", **text),
        lambda: charts.dot_whisker_chart(change, title="t", source="s", x_label="x", **text),
        lambda: charts.distribution_chart(nations, title="t", source="s", x_label="x", **text),
        lambda: charts.gap_chart(gap, title="t", source="s", y_label="y", **text),
        lambda: charts.scatter_chart(
            nations.assign(h=False),
            title="t",
            source="s",
            x="value",
            y="upper_95",
            x_label="x",
            y_label="y",
            highlight="h",
            highlight_label="a",
            other_label="b",
            **text,
        ),  # fmt: skip
    ]
    for call in calls:
        with pytest.raises(ValueError, match=f"{missing}"):
            call()


def test_png_output_is_byte_identical_on_rerun(nations, tmp_path) -> None:
    a = charts.save_png(_line(nations), tmp_path / "a.png").read_bytes()
    b = charts.save_png(_line(nations), tmp_path / "b.png").read_bytes()
    assert a == b
    assert b"Software" not in a and b"matplotlib" not in a


def test_line_alt_text_reads_the_numbers_from_the_data(satisfaction) -> None:
    uk = satisfaction[satisfaction["area_code"] == "K02000001"]
    first = uk[uk["period"] == "2011-12"].iloc[0]
    last = uk[uk["period"] == "2022-23"].iloc[0]
    text = charts.line_alt_text(uk, what="mean life satisfaction")
    assert text.startswith(
        "Line chart of mean life satisfaction, United Kingdom, 2011-12 to 2022-23"
    )
    assert (
        f"rose from {first['value']:.2f} (95% CI {first['lower_95']:.2f} to "
        f"{first['upper_95']:.2f}) in 2011-12 to {last['value']:.2f}"
    ) in text
    # By hand from the file: 7.42 (7.41-7.43) first, 7.45 last (ONS bulletin), peak 7.71 in
    # 2018-19, trough 7.39 in 2020-21.
    assert "rose from 7.42 (95% CI 7.41 to 7.43) in 2011-12 to 7.45 (95% CI 7.43 to 7.47)" in text
    assert "highest 7.71 in 2018-19, lowest 7.39 in 2020-21" in text


def test_line_alt_text_says_fell_when_the_estimate_fell(nations) -> None:
    scotland = nations[nations["area_name"] == "Scotland"]
    text = charts.line_alt_text(scotland, what="mean life satisfaction")
    assert "Scotland fell from 7.51 (95% CI 7.48 to 7.55) in 2011-12 to 7.49" in text


def test_dot_whisker_chart_has_reference_line_at_zero_and_alt_text(nations) -> None:
    change = _change_since_2011(nations)
    fig = charts.dot_whisker_chart(
        change,
        title="Change since 2011-12 is small in every nation",
        basis="Change in mean life satisfaction",
        periods="2011-12 to 2022-23",
        source=SOURCE,
        x_label="Change (points)",
    )
    ref = next(ln for ln in fig.axes[0].lines if ln.get_gid() == "reference")
    assert list(ref.get_xdata()) == [0, 0]
    text = charts.dot_whisker_alt_text(change, what="change in mean life satisfaction")
    assert text.count("interval includes zero") + text.count("interval excludes zero") == 3
    uk = change[change["area_name"] == "United Kingdom"].iloc[0]
    assert f"United Kingdom {uk['value']:.2f}" in text and uk["value"] == pytest.approx(0.03)


def test_distribution_chart_marks_the_median_of_local_authorities(ltla_2022) -> None:
    fig = charts.distribution_chart(
        ltla_2022,
        title="Most local authorities average between 7 and 8",
        basis=BASIS,
        periods="Financial year 2022-23",
        source=SOURCE,
        x_label="Mean (0 to 10)",
    )
    median = next(ln for ln in fig.axes[0].lines if ln.get_gid() == "median")
    expected = float(ltla_2022["value"].median())
    assert list(median.get_xdata()) == [expected, expected]
    text = charts.distribution_alt_text(ltla_2022, what="mean life satisfaction")
    published = ltla_2022["value"].notna().sum()
    assert f"across {published} local authorities: median {expected:.2f}" in text
    assert f"{len(ltla_2022) - published} without a published estimate" in text


def test_scatter_highlights_a_group_by_colour_and_marker(ltla_2022) -> None:
    df = ltla_2022.dropna(subset=["value"]).copy()
    df["worst_third"] = df["value"] <= df["value"].quantile(1 / 3)
    fig = charts.scatter_chart(
        df,
        title="Less precise estimates cluster among lower scores",
        basis=BASIS,
        periods="Financial year 2022-23",
        source=SOURCE,
        x="value",
        y="upper_95",
        x_label="Mean",
        y_label="Upper 95% limit",
        highlight="worst_third",
        highlight_label="Lowest third",
        other_label="Other local authorities",
    )
    groups = {c.get_gid(): c for c in fig.axes[0].collections}
    assert len(groups["highlighted"].get_offsets()) == df["worst_third"].sum()
    assert len(groups["others"].get_offsets()) == (~df["worst_third"]).sum()
    shapes = [len(groups[g].get_paths()[0].vertices) for g in ("highlighted", "others")]
    assert shapes[0] != shapes[1]
    text = charts.scatter_alt_text(
        df, x_what="mean", y_what="upper limit", x="value", y="upper_95",
        highlight="worst_third", group_what="in the lowest third",
    )  # fmt: skip
    assert f"for {len(df)} areas, {df['worst_third'].sum()} of them in the lowest third" in text


def test_gap_chart_draws_the_gap_ci_ribbon_and_zero_line(nations) -> None:
    wide = nations.pivot(index="period", columns="area_name", values=["value", "upper_95"])
    se = (wide["upper_95"] - wide["value"]) / 1.96
    gap = wide["value"]["Wales"] - wide["value"]["United Kingdom"]
    half = 1.96 * np.sqrt(se["Wales"] ** 2 + se["United Kingdom"] ** 2)
    df = pd.DataFrame({"gap": gap, "lower_95": gap - half, "upper_95": gap + half}).reset_index()
    fig = charts.gap_chart(
        df,
        title="Wales tracks the UK average",
        basis="Wales minus UK mean life satisfaction",
        periods=PERIODS,
        source=SOURCE,
        y_label="Gap (points)",
    )
    ax = fig.axes[0]
    assert [c.get_gid() for c in ax.collections if isinstance(c, PolyCollection)] == ["ci:gap"]
    assert next(ln for ln in ax.lines if ln.get_gid() == "reference").get_ydata() == [0, 0]
    text = charts.gap_alt_text(df, what="the Wales minus UK gap")
    # 2011-12: 7.40 - 7.42 = -0.02; 2022-23: 7.40 - 7.45 = -0.05.
    assert "the gap fell from -0.02" in text and "to -0.05" in text
