"""Similar areas: each local authority's nearest neighbours on standardised local indicators.

The definition is data (config/similar-areas.yml) and is applied once, in the data build; the
table it writes (similar-areas.csv in the processed snapshot) is what the profiles compare
with. See the configuration file for the rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers import geography
from helpers.config import ROOT
from helpers.errors import InputError
from helpers.sources import subnational_indicators

DEFINITION = ROOT / "config" / "similar-areas.yml"
TABLE = "similar-areas"
COLUMNS = ["area_code", "area_name", "rank", "neighbour_code", "neighbour_name", "distance"]


def load_definition(path: Path = DEFINITION) -> dict[str, Any]:
    """The similar-areas definition: source file, vintage, number of neighbours, indicators."""
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("source", "vintage", "neighbours", "indicators"):
        if not definition.get(key):
            raise InputError("similar-areas definition lacks a key", file=path, column=key)
    return definition


def indicator_matrix(
    table: pd.DataFrame, indicators: list[str], vintage: int, file: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas by indicator for the areas that can take part, and the others with the reason."""
    missing = sorted(set(indicators) - set(table["series"]))
    if missing:
        raise InputError(
            "indicator not in the file", file=file, column="Indicator", value=missing[0]
        )
    rows = table[table["series"].isin(indicators) & (table["status"] == "published")]
    wide = rows.pivot(index="area_code", columns="series", values="value")[indicators]
    names = table.drop_duplicates("area_code").set_index("area_code")["area_name"]
    current = set(geography.lower_tier_areas(vintage)["area_code"])
    reasons = pd.Series("", index=names.index.sort_values())
    reasons[~reasons.index.isin(wide.dropna().index)] = "an indicator is not published"
    reasons[~reasons.index.isin(current)] = f"code not current in the {vintage} geography"
    excluded = pd.DataFrame(
        {"area_code": reasons.index, "area_name": names[reasons.index].values, "reason": reasons}
    )
    absent = sorted(current - set(names.index))
    unpublished = pd.DataFrame(
        {
            "area_code": absent,
            "area_name": geography.lower_tier_areas(vintage)
            .set_index("area_code")["area_name"][absent]
            .values,
            "reason": f"no indicator values on its {vintage} boundaries",
        }
    )
    excluded = pd.concat([excluded[excluded["reason"] != ""], unpublished], ignore_index=True)
    kept = wide.loc[wide.index.isin(current)].dropna().sort_index()
    return kept.assign(area_name=names[kept.index]), excluded


def nearest(matrix: pd.DataFrame, indicators: list[str], k: int) -> pd.DataFrame:
    """Each area's k nearest others by Euclidean distance on z-scores; ties by area code."""
    values = matrix[indicators].to_numpy(dtype=float)
    z = (values - values.mean(axis=0)) / values.std(axis=0)
    distance = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    codes, names = matrix.index.to_numpy(), matrix["area_name"].to_numpy()
    rows = []
    for i, code in enumerate(codes):
        order = sorted(
            (d, c, j) for j, (d, c) in enumerate(zip(distance[i], codes, strict=True)) if j != i
        )
        for rank, (d, c, j) in enumerate(order[:k], start=1):
            rows.append((code, names[i], rank, c, names[j], float(d)))
    return pd.DataFrame(rows, columns=COLUMNS)


def similar_areas(
    raw_dir: Path, definition: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The similar-areas table and the areas left out with their reason, from the raw file."""
    definition = definition or load_definition()
    file = Path(raw_dir) / definition["source"]
    table = subnational_indicators.read(file)
    matrix, excluded = indicator_matrix(
        table, list(definition["indicators"]), int(definition["vintage"]), file
    )
    return nearest(matrix, list(definition["indicators"]), int(definition["neighbours"])), excluded
