"""Local-authority maps: equal-area hex cartograms and geographic choropleths, one vintage each."""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from functools import cache
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection, PolyCollection
from matplotlib.colors import Colormap, Normalize, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from helpers import charts, geodata
from helpers.config import processed_dir
from helpers.errors import InputError
from helpers.geodata import in_vintage

SQRT3 = math.sqrt(3)
# Statuses drawn hatched grey rather than coloured, even if a value is present.
NOT_SHOWN = ("suppressed", "no_estimate")
MAP_FIGSIZE = (7.0, 8.5)
# Plotting longitude against latitude with this aspect keeps Great Britain's shape at 54.5 N.
LAT_ASPECT = 1 / math.cos(math.radians(54.5))
SVG_HEX_RADIUS = 10.0


def hex_centre(q: int, r: int) -> tuple[float, float]:
    """Centre of an odd-r hex (odd rows shifted right half a hex), unit radius, rows upward."""
    return SQRT3 * (q + 0.5 * (r % 2)), 1.5 * r


def hex_corners(x: float, y: float, radius: float = 1.0) -> np.ndarray:
    """The six corners of a pointy-top hex, anticlockwise from the top."""
    angles = np.radians(90 + 60 * np.arange(6))
    return np.column_stack([x + radius * np.cos(angles), y + radius * np.sin(angles)])


@cache
def read_topology(path: str) -> dict:
    """Load a TopoJSON topology once per process; it is read-only raw data."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


@cache
def decode_arcs(path: str) -> tuple[np.ndarray, ...]:
    """Decode quantised, delta-encoded TopoJSON arcs to longitude/latitude arrays."""
    topology = read_topology(path)
    transform = topology.get("transform")
    if transform is None:
        return tuple(np.asarray(arc, dtype=float) for arc in topology["arcs"])
    scale = np.asarray(transform["scale"])
    translate = np.asarray(transform["translate"])
    return tuple(
        np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate
        for arc in topology["arcs"]
    )


def _ring(arcs: tuple[np.ndarray, ...], indices: list[int]) -> np.ndarray:
    """Stitch a ring from arc indices (~i = arc i reversed), dropping each shared join point."""
    parts = []
    for k, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts)


def geometry_rings(geometry: dict, arcs: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """All rings (outer and holes) of a Polygon or MultiPolygon geometry."""
    polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
    if geometry["type"] not in polygons:
        raise ValueError(f"geometry type {geometry['type']!r} is not an area")
    return [_ring(arcs, ring) for polygon in polygons[geometry["type"]] for ring in polygon]


def boundaries(vintage: int, level: str = "ltla", path: str | Path | None = None) -> pd.DataFrame:
    """Areas of one level valid in a vintage: code, name and rings in longitude/latitude.

    By default the vintage's boundaries in the processed snapshot; `path` reads another
    topology, such as the raw file of every vintage.
    """
    path = str(path or geodata.topology_path(processed_dir(), vintage))
    topology = read_topology(path)
    if level not in topology["objects"]:
        raise InputError("no such boundary level", file=path, column="objects", value=level)
    arcs = decode_arcs(path)
    rows = [
        {
            "area_code": g["properties"]["areacd"],
            "area_name": g["properties"]["areanm"],
            "rings": geometry_rings(g, arcs),
        }
        for g in topology["objects"][level]["geometries"]
        if in_vintage(g["properties"], vintage)
    ]
    return pd.DataFrame(rows).sort_values("area_code", ignore_index=True)


def map_data(values: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Join values to every mapped area; areas without a row get status no_estimate."""
    for column in ("area_code", "value"):
        if column not in values.columns:
            raise ValueError(f"map values lack column {column!r}")
    dupes = values["area_code"][values["area_code"].duplicated()]
    if not dupes.empty:
        raise ValueError(f"{len(dupes)} duplicated area codes in map values, e.g. {dupes.iloc[0]}")
    unmapped = sorted(set(values["area_code"]) - set(areas["area_code"]))
    if unmapped:
        raise ValueError(
            f"{len(unmapped)} area codes are not on this map and would be lost: {unmapped[:10]}"
        )
    status = values["status"] if "status" in values.columns else None
    given = pd.DataFrame({"area_code": values["area_code"], "value": values["value"]})
    given["status"] = (
        status
        if status is not None
        else np.where(values["value"].notna(), "published", "no_estimate")
    )
    data = areas.drop(columns=["rings"], errors="ignore").merge(given, on="area_code", how="left")
    data["status"] = data["status"].fillna("no_estimate")
    data.loc[data["value"].isna() & (data["status"] == "published"), "status"] = "no_estimate"
    keep = ["area_code", "area_name", "value", "status", *[c for c in ("q", "r") if c in data]]
    return data[keep]


def hex_map_data(values: pd.DataFrame, vintage: int) -> pd.DataFrame:
    """The tidy data behind a hex map: every hex of the vintage with its value, status, q and r."""
    return map_data(values, geodata.read_hex_layout(processed_dir(), vintage))


def choropleth_data(values: pd.DataFrame, vintage: int) -> pd.DataFrame:
    """The tidy data behind a choropleth: every lower-tier area of the vintage, value and status."""
    return map_data(values, boundaries(vintage))


def shown(data: pd.DataFrame) -> pd.Series:
    """Areas drawn in colour: a value that is neither suppressed nor missing."""
    return data["value"].notna() & ~data["status"].isin(NOT_SHOWN)


def colour_scale(data: pd.DataFrame, diverging: bool) -> tuple[Colormap, Normalize]:
    """Sequential scale over the shown values, or a diverging one symmetric about zero."""
    values = data.loc[shown(data), "value"]
    if values.empty:
        raise ValueError("no published values to map")
    if diverging:
        bound = float(values.abs().max()) or 1.0
        return charts.diverging_cmap(), Normalize(-bound, bound)
    return charts.sequential_cmap(), Normalize(float(values.min()), float(values.max()))


def _draw_areas(ax: object, shapes: list, data: pd.DataFrame, diverging: bool, units: str) -> None:
    """Fill areas by value, hatch the rest, and add the colour bar and no-data legend."""
    cmap, norm = colour_scale(data, diverging)
    mask = shown(data).to_numpy()
    colours = cmap(norm(data["value"].to_numpy(float)))
    coloured = [s for s, m in zip(shapes, mask, strict=True) if m]
    hidden = [s for s, m in zip(shapes, mask, strict=True) if not m]
    ax.add_collection(_collection(coloured, colours[mask], "areas"))
    ax.add_collection(_collection(hidden, None, "no_data"))
    ax.axis("off")
    fig = ax.get_figure()
    fig.colorbar(
        ScalarMappable(norm, cmap),
        ax=ax,
        orientation="horizontal",
        fraction=0.035,
        pad=0.02,
        label=units,
    )
    no_data = Patch(
        facecolor=charts.NO_DATA_COLOUR,
        edgecolor="white",
        hatch=charts.NO_DATA_HATCH,
        label=charts.NO_DATA_LABEL,
    )
    ax.legend(handles=[no_data], loc="upper left")


def _collection(shapes: list, colours: np.ndarray | None, gid: str) -> object:
    """Hexes (vertex arrays) or boundaries (paths) as one collection; no colours means no data."""
    style = {"edgecolor": "white", "linewidth": 0.4, "gid": gid}
    if colours is None:
        style |= {"facecolor": charts.NO_DATA_COLOUR, "hatch": charts.NO_DATA_HATCH}
    else:
        style |= {"facecolor": colours}
    if shapes and isinstance(shapes[0], MplPath):
        return PatchCollection([PathPatch(p) for p in shapes], **style)
    return PolyCollection(shapes, **style)


def hex_map(
    data: pd.DataFrame,
    *,
    title: str,
    basis: str,
    periods: str,
    source: str,
    units: str,
    diverging: bool = False,
) -> Figure:
    """Equal-area hex map of the data from hex_map_data, coloured by value."""
    charts.require_text(basis=basis, periods=periods)
    with charts.house_style():
        fig = Figure(figsize=MAP_FIGSIZE, dpi=charts.DPI)
        ax = fig.add_subplot()
        centres = [hex_centre(q, r) for q, r in zip(data["q"], data["r"], strict=True)]
        _draw_areas(ax, [hex_corners(x, y) for x, y in centres], data, diverging, units)
        xs, ys = zip(*centres, strict=True)
        ax.set_xlim(min(xs) - 1, max(xs) + 1)
        ax.set_ylim(min(ys) - 1, max(ys) + 1)
        ax.set_aspect("equal")
        charts.style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def choropleth(
    data: pd.DataFrame,
    *,
    vintage: int,
    title: str,
    basis: str,
    periods: str,
    source: str,
    units: str,
    diverging: bool = False,
    path: str | Path | None = None,
) -> Figure:
    """Geographic map of the data from choropleth_data on the boundaries of its vintage."""
    charts.require_text(basis=basis, periods=periods)
    rings = boundaries(vintage, path=path).set_index("area_code")["rings"]
    missing = sorted(set(data["area_code"]) - set(rings.index))
    if missing:
        raise ValueError(f"{len(missing)} areas have no {vintage} boundary: {missing[:10]}")
    paths = [MplPath.make_compound_path(*map(MplPath, rings[c])) for c in data["area_code"]]
    with charts.house_style():
        fig = Figure(figsize=MAP_FIGSIZE, dpi=charts.DPI)
        ax = fig.add_subplot()
        _draw_areas(ax, paths, data, diverging, units)
        points = np.concatenate([p.vertices for p in paths])
        ax.set_xlim(points[:, 0].min(), points[:, 0].max())
        ax.set_ylim(points[:, 1].min(), points[:, 1].max())
        ax.set_aspect(LAT_ASPECT)
        charts.style_figure(fig, title=title, basis=basis, periods=periods, source=source)
    return fig


def map_alt_text(
    data: pd.DataFrame, *, kind: str, what: str, periods: str, decimals: int = 2, suffix: str = ""
) -> str:
    """Describe a map from its data: areas shown, extremes with names, median and hidden areas."""
    visible = data[shown(data)]
    hidden = len(data) - len(visible)
    hi, lo = visible.loc[visible["value"].idxmax()], visible.loc[visible["value"].idxmin()]
    f = lambda v: charts.fmt(v, decimals, suffix)  # noqa: E731
    return (
        f"{kind} of {what} across {len(data)} local authorities, {periods}: values range from "
        f"{f(lo['value'])} in {lo['area_name']} to {f(hi['value'])} in {hi['area_name']}, "
        f"median {f(float(visible['value'].median()))}; {hidden} areas are suppressed or have "
        "no estimate."
    )


def _svg_colours(data: pd.DataFrame, diverging: bool) -> list[str]:
    """Fill colour per area for the SVG: the map's scale, or the no-data pattern."""
    cmap, norm = colour_scale(data, diverging)
    return [
        to_hex(cmap(norm(v))) if ok else "url(#no-data)"
        for v, ok in zip(data["value"], shown(data), strict=True)
    ]


def hex_svg(
    data: pd.DataFrame,
    *,
    title: str,
    description: str,
    url: str = "profiles/{code}.html",
    decimals: int = 2,
    suffix: str = "",
    diverging: bool = False,
    linked: Collection[str] | None = None,
) -> str:
    """An SVG hex map in which each hex names itself on hover and links to its area's page.

    `linked` lists the areas that have a page (default: all); the others are drawn unlinked.
    """
    centres = np.array([hex_centre(q, r) for q, r in zip(data["q"], data["r"], strict=True)])
    radius = SVG_HEX_RADIUS
    x0, y1 = centres[:, 0].min() - SQRT3 / 2, centres[:, 1].max() + 1
    width = (centres[:, 0].max() + SQRT3 / 2 - x0) * radius
    height = (y1 - centres[:, 1].min() + 1) * radius
    colours = _svg_colours(data, diverging)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.2f} {height:.2f}" '
        f'role="group" aria-labelledby="hexmap-title hexmap-desc" aria-label="{escape(title)}">',
        f'<title id="hexmap-title">{escape(title)}</title>',
        f'<desc id="hexmap-desc">{escape(description)}</desc>',
        '<defs><pattern id="no-data" width="4" height="4" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="4" height="4" fill="{charts.NO_DATA_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#FFFFFF" stroke-width="1.5"/></pattern></defs>',
    ]
    for (cx, cy), colour, row in zip(centres, colours, data.itertuples(), strict=True):
        corners = hex_corners((cx - x0) * radius, (y1 - cy) * radius, radius)
        points = " ".join(f"{px:.2f},{py:.2f}" for px, py in corners)
        label = f"{row.area_name}: {_svg_value(row, decimals, suffix)}"
        hexagon = (
            f'<polygon points="{points}" fill="{colour}" stroke="#FFFFFF" stroke-width="1">'
            f"<title>{escape(label)}</title></polygon>"
        )
        if linked is None or row.area_code in linked:
            href = escape(url.format(code=row.area_code))
            hexagon = f'<a href="{href}" aria-label="{escape(label)}">{hexagon}</a>'
        lines.append(hexagon)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _svg_value(row: object, decimals: int, suffix: str) -> str:
    """The tooltip value: the formatted estimate, or why there is none."""
    if pd.isna(row.value) or row.status in NOT_SHOWN:
        return str(row.status).replace("_", " ")
    return charts.fmt(row.value, decimals, suffix)
