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

from helpers import geography, maps
from helpers.errors import InputError

GEO = "geo"
VINTAGES = (2023,)


def hexes_path(processed_dir: str | Path, vintage: int) -> Path:
    """The hex layout CSV of a vintage in the processed snapshot."""
    return Path(processed_dir) / GEO / f"hexes-{vintage}.csv"


def topology_path(processed_dir: str | Path, vintage: int) -> Path:
    """The lower-tier boundaries TopoJSON of a vintage in the processed snapshot."""
    return Path(processed_dir) / GEO / f"ltla-{vintage}.topo.json"


def read_hex_layout(processed_dir: str | Path, vintage: int) -> pd.DataFrame:
    """The hex layout of a vintage: area_code, area_name, q, r."""
    return pd.read_csv(hexes_path(processed_dir, vintage), dtype={"q": int, "r": int})


def vintage_topology(topology: dict, vintage: int, file: str | Path) -> dict:
    """A topology of only the vintage's lower-tier areas (recoded to the vintage) and their arcs."""
    names = geography.lower_tier_areas(vintage).set_index("area_code")["area_name"]
    kept, used = [], {}
    for g in topology["objects"]["ltla"]["geometries"]:
        if not maps.in_vintage(g["properties"], vintage):
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
    topo_file = raw / maps.TOPOJSON
    topology = json.loads(topo_file.read_text(encoding="utf-8"))
    written = []
    for vintage in VINTAGES:
        hexes = maps.read_hexes(raw / maps.HEXJSON.format(vintage=vintage))
        hexes.to_csv(hexes_path(out_dir, vintage), index=False, lineterminator="\n")
        subset = vintage_topology(topology, vintage, topo_file)
        text = json.dumps(subset, separators=(",", ":"), sort_keys=True) + "\n"
        topology_path(out_dir, vintage).write_text(text, encoding="utf-8")
        written += [hexes_path(out_dir, vintage), topology_path(out_dir, vintage)]
    return written
