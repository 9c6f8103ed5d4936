"""Execute the drivers notebook with papermill and check real values it publishes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.sections import run_section

NOTEBOOK = "04-drivers.ipynb"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Run the notebook once into a temporary folder and return its data folder."""
    return run_section(NOTEBOOK, tmp_path_factory.mktemp("drivers"))


def test_claimant_count_and_life_satisfaction(data: Path) -> None:
    table = pd.read_csv(data / "drivers-associations.csv", dtype={"period": str})
    row = table[
        (table["metric_id"] == "claimant_count") & (table["measure"] == "life_satisfaction")
    ].iloc[0]
    # On the share basis: more claimants go with a larger share of low life satisfaction.
    assert (row["period"], row["n_areas"]) == ("2022", 223)
    assert round(row["rho"], 2) == 0.29
    assert 0 < row["lower_95"] < row["rho"] < row["upper_95"]


def test_scatter_data_birmingham(data: Path) -> None:
    # Raw file: E08000025,Birmingham,...,Claimant Count,2022-01-01/P1Y,8.4
    table = pd.read_csv(data / "drivers-scatter-claimant_count.csv")
    row = table[table["area_code"] == "E08000025"].iloc[0]
    assert (row["metric_value"], bool(row["in_worst_third"])) == (8.4, False)


def test_standardised_differences_have_intervals(data: Path) -> None:
    table = pd.read_csv(data / "drivers-standardised-differences.csv").set_index("metric_id")
    claimant = table.loc["claimant_count"]
    assert claimant["std_lower_95"] < claimant["std_difference"] < claimant["std_upper_95"]
    assert claimant["std_lower_95"] > 0
    assert "flytipping_population" not in table.index


def test_runs_are_byte_identical(data: Path, tmp_path: Path) -> None:
    run_section(NOTEBOOK, tmp_path)
    for name in ("drivers-associations.csv", "drivers-standardised-differences.csv"):
        assert (data / name).read_bytes() == (tmp_path / "data" / name).read_bytes()
