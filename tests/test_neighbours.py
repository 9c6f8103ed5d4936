"""Similar areas: nearest neighbours on standardised indicators, checked by a hand computation."""

from __future__ import annotations

import csv
import math
import statistics

import pandas as pd
import pytest

from helpers.config import processed_dir, raw_dir
from helpers.geography import lower_tier_areas
from helpers.neighbours import load_definition

DEFINITION = load_definition()


def _by_hand() -> dict[str, list[tuple[float, str]]]:
    """Distances between the areas with every indicator, from the raw CSV in plain Python."""
    wanted = DEFINITION["indicators"]
    values: dict[str, dict[str, float]] = {}
    with (raw_dir() / DEFINITION["source"]).open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["ï»¿unique"]  # the UTF-8 byte-order mark, read as cp1252
            if row["Indicator"] in wanted and row["real"].strip() not in ("", "NA"):
                values.setdefault(code, {})[row["Indicator"]] = float(row["real"])
    current = set(lower_tier_areas(2023)["area_code"])
    areas = sorted(c for c, v in values.items() if len(v) == len(wanted) and c in current)
    z = {c: [] for c in areas}
    for name in wanted:
        column = [values[c][name] for c in areas]
        mean, sd = statistics.fmean(column), statistics.pstdev(column)
        for c, v in zip(areas, column, strict=True):
            z[c].append((v - mean) / sd)
    return {
        a: sorted((math.dist(z[a], z[b]), b) for b in areas if b != a)
        for a in ("E06000001", "W06000015")
    }


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The processed similar-areas table."""
    return pd.read_csv(processed_dir() / "similar-areas.csv")


@pytest.mark.parametrize("code", ["E06000001", "W06000015"])  # Hartlepool, Cardiff
def test_neighbours_match_a_hand_computation(table, code) -> None:
    expected = _by_hand()[code][: DEFINITION["neighbours"]]
    got = table[table.area_code == code].sort_values("rank")
    assert got.neighbour_code.tolist() == [c for _, c in expected]
    assert got.distance.tolist() == pytest.approx([d for d, _ in expected], rel=1e-12)


def test_hartlepool_nearest_are_named(table) -> None:
    got = table[table.area_code == "E06000001"].sort_values("rank").neighbour_name.tolist()
    assert got[:3] == ["Wigan", "Plymouth", "Newry, Mourne and Down"]


def test_every_area_of_the_vintage_is_accounted_for(table) -> None:
    left_out = pd.read_csv(processed_dir() / "similar-areas-left-out.csv")
    vintage = set(lower_tier_areas(2023)["area_code"])
    with_neighbours = set(table.area_code)
    assert len(with_neighbours) == 356 and (table.groupby("area_code").size() == 10).all()
    assert vintage <= with_neighbours | set(left_out.area_code)
    assert "E06000053" in set(left_out.area_code)  # Isles of Scilly: smoking not published
