"""Hex cartograms and choropleths, checked against the real HexJSON, TopoJSON and ONS values."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from helpers import charts, geodata, maps
from helpers.config import raw_dir
from helpers.errors import InputError

ELS = "ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv"
SOURCE = "Office for National Statistics, Personal well-being estimates, 7 November 2023"
BASIS = "Mean life satisfaction, 0 to 10, adults aged 16 and over"
STATUS = {"x": "suppressed", "u": "low_reliability"}
SVG = "{http://www.w3.org/2000/svg}"


def _satisfaction(period: str) -> pd.DataFrame:
    """Lower-tier life satisfaction means for one ELS period, with tidy statuses."""
    df = pd.read_csv(raw_dir() / ELS)
    df = df[(df["indicator"] == "Satisfaction") & (df["period"] == period)]
    return pd.DataFrame(
        {
            "area_code": df["areacd"],
            "value": df["observation"],
            "status": df["status"].map(STATUS).fillna("published"),
        }
    )


@pytest.fixture(scope="module")
def hexjson_2021() -> dict:
    path = raw_dir() / geodata.HEXJSON.format(vintage=2021)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values_2022() -> pd.DataFrame:
    return _satisfaction("2022-04-01/P1Y")


@pytest.fixture(scope="module")
def hex_data(values_2022, hexjson_2021) -> pd.DataFrame:
    on_map = values_2022[values_2022["area_code"].isin(hexjson_2021["hexes"])]
    return maps.hex_map_data(on_map, 2021)


@pytest.fixture(scope="module")
def choropleth_data(values_2022) -> pd.DataFrame:
    codes = maps.boundaries(2021)["area_code"]
    return maps.choropleth_data(values_2022[values_2022["area_code"].isin(codes)], 2021)


def _hex_map(data: pd.DataFrame) -> object:
    return maps.hex_map(
        data,
        title="Life satisfaction is lowest in parts of the North and London",
        basis=BASIS,
        periods="Financial year 2022-23",
        source=SOURCE,
        units="Mean (0 to 10)",
    )


def _choropleth(data: pd.DataFrame) -> object:
    return maps.choropleth(
        data,
        vintage=2021,
        title="Life satisfaction is lowest in parts of the North and London",
        basis=BASIS,
        periods="Financial year 2022-23",
        source=SOURCE,
        units="Mean (0 to 10)",
    )


def _collections(fig: object) -> dict[str, object]:
    return {c.get_gid(): c for c in fig.axes[0].collections}


def test_hex_map_draws_one_hex_per_area_in_the_hexjson(hex_data, hexjson_2021) -> None:
    assert len(hexjson_2021["hexes"]) == 374
    assert len(hex_data) == 374
    drawn = _collections(_hex_map(hex_data))
    assert len(drawn["areas"].get_paths()) + len(drawn["no_data"].get_paths()) == 374


def test_odd_r_hex_centres_are_hand_computed() -> None:
    path = raw_dir() / geodata.HEXJSON.format(vintage=2023)
    hexes = geodata.read_hexes(path).set_index("area_code")
    # Hartlepool: q=8, r=18 (even row, no shift); Middlesbrough: q=8, r=17 (odd, shifted right).
    assert tuple(hexes.loc["E06000001", ["q", "r"]]) == (8, 18)
    assert tuple(hexes.loc["E06000002", ["q", "r"]]) == (8, 17)
    assert maps.hex_centre(8, 18) == pytest.approx((8 * math.sqrt(3), 27.0))
    assert maps.hex_centre(8, 17) == pytest.approx((8.5 * math.sqrt(3), 25.5))
    # Neighbouring hexes of unit radius are sqrt(3) apart: Hartlepool touches Middlesbrough.
    assert math.dist(maps.hex_centre(8, 18), maps.hex_centre(8, 17)) == pytest.approx(math.sqrt(3))


def test_choropleth_decodes_hartlepool_inside_the_uk() -> None:
    lads = maps.boundaries(2021).set_index("area_code")
    assert lads.loc["E06000001", "area_name"] == "Hartlepool"
    points = pd.concat(
        pd.DataFrame(r, columns=["lon", "lat"]) for r in lads.loc["E06000001", "rings"]
    )
    assert points["lon"].between(-8.7, 1.8).all() and points["lat"].between(49.8, 60.9).all()
    # Hartlepool town centre, 54.69 N 1.21 W, lies within the borough's bounding box.
    assert points["lon"].min() < -1.21 < points["lon"].max()
    assert points["lat"].min() < 54.69 < points["lat"].max()


@pytest.mark.parametrize(("year", "expected"), [(2018, 391), (2021, 374), (2023, 361)])
def test_vintage_filter_counts_lower_tier_areas(year, expected) -> None:
    topology = json.loads((raw_dir() / geodata.TOPOJSON).read_text(encoding="utf-8"))
    by_hand = sum(
        g["properties"].get("start", 0) <= year <= g["properties"].get("end", 9999)
        for g in topology["objects"]["ltla"]["geometries"]
    )
    assert by_hand == expected
    assert len(maps.boundaries(year, path=raw_dir() / geodata.TOPOJSON)) == expected


def test_suppressed_and_missing_areas_are_hatched_and_named_in_the_legend(hex_data) -> None:
    fig = _hex_map(hex_data)
    hidden = _collections(fig)["no_data"]
    # 2022-23: ten low-reliability (no value) and one suppressed (Isles of Scilly) areas.
    assert (~maps.shown(hex_data)).sum() == 11
    assert len(hidden.get_paths()) == 11
    assert hidden.get_hatch() == charts.NO_DATA_HATCH
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Suppressed / no estimate"]
    scilly = hex_data.set_index("area_code").loc["E06000053"]
    assert scilly["status"] == "suppressed" and pd.isna(scilly["value"])


def test_choropleth_hatches_every_area_without_a_value(choropleth_data) -> None:
    drawn = _collections(_choropleth(choropleth_data))
    hidden = (~maps.shown(choropleth_data)).sum()
    assert len(drawn["no_data"].get_paths()) == hidden
    assert len(drawn["areas"].get_paths()) + hidden == 374


def test_map_data_is_tidy_and_keeps_every_area(hex_data, values_2022) -> None:
    assert list(hex_data.columns) == ["area_code", "area_name", "value", "status", "q", "r"]
    hartlepool = hex_data.set_index("area_code").loc["E06000001"]
    expected = values_2022.set_index("area_code").loc["E06000001", "value"]
    assert hartlepool["value"] == expected and hartlepool["area_name"] == "Hartlepool"


def test_map_data_refuses_codes_that_are_not_on_the_map(values_2022) -> None:
    with pytest.raises(ValueError, match="not on this map"):
        maps.hex_map_data(values_2022, 2021)


def test_unsupported_hex_layout_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "flat.hexjson"
    path.write_text(json.dumps({"layout": "odd-q", "hexes": {}}), encoding="utf-8")
    with pytest.raises(InputError, match=r"flat\.hexjson.*column 'layout'.*value 'odd-q'"):
        geodata.read_hexes(path)


def test_diverging_scale_is_centred_on_zero(values_2022, hexjson_2021) -> None:
    base = _satisfaction("2011-04-01/P1Y").set_index("area_code")["value"]
    latest = values_2022.set_index("area_code")
    change = (latest["value"] - base.reindex(latest.index)).rename("value").reset_index()
    on_map = change[change["area_code"].isin(hexjson_2021["hexes"])]
    data = maps.hex_map_data(on_map, 2021)
    _, norm = maps.colour_scale(data, diverging=True)
    assert norm.vmin == -norm.vmax
    assert norm.vmax == pytest.approx(data["value"].abs().max())


def test_map_alt_text_names_the_extremes_from_the_data(hex_data) -> None:
    text = maps.map_alt_text(
        hex_data, kind="Hex map", what="mean life satisfaction", periods="2022-23"
    )
    visible = hex_data[maps.shown(hex_data)].set_index("area_name")["value"]
    assert f"from {visible.min():.2f} in {visible.idxmin()}" in text
    assert f"to {visible.max():.2f} in {visible.idxmax()}" in text
    assert "11 areas are suppressed or have no estimate" in text


def test_hex_svg_has_one_accessible_link_per_hex(hex_data) -> None:
    svg = maps.hex_svg(
        hex_data,
        title="Life satisfaction by local authority",
        description="Mean life satisfaction, 2022-23",
    )
    root = ET.fromstring(svg)
    links = root.findall(f"{SVG}a")
    assert len(links) == len(hex_data) == 374
    assert root.get("aria-label") == "Life satisfaction by local authority"
    assert root.find(f"{SVG}title").text == "Life satisfaction by local authority"
    assert root.find(f"{SVG}desc").text == "Mean life satisfaction, 2022-23"
    hartlepool = next(a for a in links if a.get("href") == "profiles/E06000001.html")
    value = hex_data.set_index("area_code").loc["E06000001", "value"]
    assert hartlepool.find(f"{SVG}polygon/{SVG}title").text == f"Hartlepool: {value:.2f}"
    scilly = next(a for a in links if a.get("href") == "profiles/E06000053.html")
    assert scilly.find(f"{SVG}polygon").get("fill") == "url(#no-data)"


def test_hex_svg_links_only_areas_that_have_a_page(hex_data) -> None:
    linked = set(hex_data["area_code"]) - {"E06000053"}
    svg = maps.hex_svg(hex_data, title="Map", description="Map", linked=linked)
    root = ET.fromstring(svg)
    hrefs = {a.get("href") for a in root.findall(f"{SVG}a")}
    assert len(hrefs) == len(hex_data) - 1 == 373
    assert "profiles/E06000053.html" not in hrefs
    assert len(root.findall(f"{SVG}polygon")) == 1  # Isles of Scilly drawn, but not a link


def test_map_pngs_are_byte_identical_on_rerun(hex_data, choropleth_data, tmp_path) -> None:
    for name, draw, data in [("hex", _hex_map, hex_data), ("geo", _choropleth, choropleth_data)]:
        a = charts.save_png(draw(data), tmp_path / f"{name}-a.png").read_bytes()
        b = charts.save_png(draw(data), tmp_path / f"{name}-b.png").read_bytes()
        assert a == b
