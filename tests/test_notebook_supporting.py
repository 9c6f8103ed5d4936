"""Execute the supporting-metrics notebook with papermill and check real values it publishes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.sections import run_section

NOTEBOOK = "03-supporting-metrics.ipynb"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Run the notebook once into a temporary folder and return its data folder."""
    return run_section(NOTEBOOK, tmp_path_factory.mktemp("supporting"))


def test_birmingham_claimant_count_2025(data: Path) -> None:
    # Raw file: E08000025,Birmingham,...,Claimant Count,2025-01-01/P1Y,10.1
    table = pd.read_csv(data / "supporting-distribution-claimant_count.csv")
    row = table[table["area_code"] == "E08000025"].iloc[0]
    assert (row["area_name"], row["value"]) == ("Birmingham", 10.1)


def test_england_claimant_count_change_since_2018(data: Path) -> None:
    # Raw file: England 2.1 in 2018 and 4.0 in 2025.
    table = pd.read_csv(data / "supporting-national-change.csv", dtype={"baseline_period": str})
    row = table[(table["metric_id"] == "claimant_count") & (table["area_code"] == "E92000001")]
    row = row.iloc[0]
    assert (row["baseline_period"], row["baseline_value"], row["latest_value"]) == (
        "2018",
        2.1,
        4.0,
    )
    assert row["change"] == pytest.approx(1.9)


def test_availability_names_metrics_without_data(data: Path) -> None:
    table = pd.read_csv(data / "supporting-availability.csv", keep_default_na=False)
    no2 = table[table["metric_id"] == "no2_annual_mean"].iloc[0]
    assert no2["availability"].startswith("No data yet: Published annually by DEFRA")
    assert int(no2["periods"]) == 0


def test_annexes_and_worst_third(data: Path) -> None:
    annex_a = pd.read_csv(data / "annex-a-drivers.csv")
    assert len(annex_a) == 21
    contrasts = pd.read_csv(data / "supporting-worst-third.csv").set_index("metric_id")
    claimant = contrasts.loc["claimant_count"]
    # English LAs with a 2022 claimant count among those ranked on shares at baseline.
    assert (claimant["n_worst_third"], claimant["n_rest"]) == (104, 183)
    assert 0 < claimant["lower_95"] < claimant["difference"] < claimant["upper_95"]
