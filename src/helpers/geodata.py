"""Map geometry for the build: the hex layout and the boundaries of one vintage, from raw files.

The edition build must run without the raw folder, so `build_geodata` copies what the maps
need into the processed snapshot: a hex layout CSV and a TopoJSON holding only that vintage's
lower-tier boundaries and the arcs they use. Boundary codes are carried to the vintage with
the code-change lookups (two Glasgow and North Lanarkshire codes changed in 2018 with minor
boundary changes), so the map codes match the harmonised estimates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers import geography
from helpers.errors import InputError

GEO = "geo"
# Vintages whose hex layout and boundaries the snapshot carries: the editions' geography
# (2023) and the codes of the Explore Local Statistics series (2021).
VINTAGES = (2021, 2023)
HEXJSON = "geography/hexmaps/uk-local-authority-districts-{vintage}.hexjson"
TOPOJSON = "geography/uk-boundaries-all-vintages.topo.json"


def hexes_path(processed_dir: str | Path, vintage: int) -> Path:
    """The hex layout CSV of a vintage in the processed snapshot."""
    return Path(processed_dir) / GEO / f"hexes-{vintage}.csv"


def topology_path(processed_dir: str | Path, vintage: int) -> Path:
    """The lower-tier boundaries TopoJSON of a vintage in the processed snapshot."""
    return Path(processed_dir) / GEO / f"ltla-{vintage}.topo.json"


def read_hex_layout(processed_dir: str | Path, vintage: int) -> pd.DataFrame:
    """The hex layout of a vintage: area_code, area_name, q, r."""
    return pd.read_csv(hexes_path(processed_dir, vintage), dtype={"q": int, "r": int})


def read_hexes(path: str | Path) -> pd.DataFrame:
    """Read a HexJSON file into one row per area: code, name, q, r; odd-r layout only."""
    path = Path(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("layout") != "odd-r":
        raise InputError(
            "unsupported hex layout", file=path, column="layout", value=doc.get("layout")
        )
    rows = []
    for code, hexagon in doc["hexes"].items():
        for key in ("q", "r", "n"):
            if key not in hexagon or (key != "n" and not isinstance(hexagon[key], int)):
                raise InputError(
                    "hex lacks an integer position or a name",
                    file=path,
                    row=code,
                    column=key,
                    value=hexagon.get(key),
                )
        rows.append(
            {"area_code": code, "area_name": hexagon["n"], "q": hexagon["q"], "r": hexagon["r"]}
        )
    hexes = pd.DataFrame(rows).sort_values("area_code", ignore_index=True)
    clash = hexes[hexes.duplicated(["q", "r"], keep=False)]
    if not clash.empty:
        first = clash.iloc[0]
        raise InputError(
            "two areas share one hex",
            file=path,
            row=first["area_code"],
            column="q,r",
            value=(int(first["q"]), int(first["r"])),
        )
    return hexes


def in_vintage(properties: dict, year: int) -> bool:
    """Whether an area existed in a vintage year: start and end years are inclusive, optional."""
    return properties.get("start", year) <= year <= properties.get("end", year)


def vintage_topology(topology: dict, vintage: int, file: str | Path) -> dict:
    """A topology of only the vintage's lower-tier areas (recoded to the vintage) and their arcs."""
    names = geography.lower_tier_areas(vintage).set_index("area_code")["area_name"]
    kept, used = [], {}
    for g in topology["objects"]["ltla"]["geometries"]:
        if not in_vintage(g["properties"], vintage):
            continue
        code = geography.successor(g["properties"]["areacd"], vintage)
        if code not in names.index:
            raise InputError(
                "boundary not in the vintage's areas", file=file, column="areacd", value=code
            )
        rings = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for ring in (r for polygon in rings for r in polygon):
            for index in ring:
                used.setdefault(index if index >= 0 else ~index, len(used))
        kept.append({"type": g["type"], "arcs": g["arcs"], "code": code})
    order = sorted(used, key=used.get)
    remap = {old: new for new, old in enumerate(order)}

    def recode(ring: list[int]) -> list[int]:
        """Renumber a ring's arc indices into the subset."""
        return [remap[i] if i >= 0 else ~remap[~i] for i in ring]

    geometries = []
    for g in sorted(kept, key=lambda k: k["code"]):
        arcs = (
            [[recode(r) for r in p] for p in g["arcs"]]
            if g["type"] == "MultiPolygon"
            else [recode(r) for r in g["arcs"]]
        )
        props = {"areacd": g["code"], "areanm": names[g["code"]]}
        geometries.append({"type": g["type"], "arcs": arcs, "properties": props})
    missing = sorted(set(names.index) - {g["properties"]["areacd"] for g in geometries})
    if missing:
        raise InputError("areas without a boundary", file=file, column="areacd", value=missing[0])
    return {
        "type": "Topology",
        "transform": topology["transform"],
        "objects": {"ltla": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [topology["arcs"][i] for i in order],
    }


def build_geodata(raw_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write the hex layout CSV and boundary TopoJSON of each vintage into out_dir/geo."""
    raw, folder = Path(raw_dir), Path(out_dir) / GEO
    folder.mkdir(parents=True, exist_ok=True)
    topo_file = raw / TOPOJSON
    topology = json.loads(topo_file.read_text(encoding="utf-8"))
    written = []
    for vintage in VINTAGES:
        hexes = read_hexes(raw / HEXJSON.format(vintage=vintage))
        hexes.to_csv(hexes_path(out_dir, vintage), index=False, lineterminator="\n")
        subset = vintage_topology(topology, vintage, topo_file)
        text = json.dumps(subset, separators=(",", ":"), sort_keys=True) + "\n"
        topology_path(out_dir, vintage).write_text(text, encoding="utf-8")
        written += [hexes_path(out_dir, vintage), topology_path(out_dir, vintage)]
    return written
