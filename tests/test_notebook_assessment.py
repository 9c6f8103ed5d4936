"""Execute the mission assessment notebook with papermill and check the numbers it publishes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.sections import run_section

NOTEBOOK = "02-mission-assessment.ipynb"
TABLES = (
    "gap-series",
    "gap-change",
    "bootstrap-reference",
    "cohort",
    "regional-tests",
    "scoreboard",
    "sensitivity",
    "reconciliation",
    "coverage",
    "ranking-coverage",
)
MEAN = {"metric_basis": "mean"}


def run(tmp: Path, **parameters: object) -> tuple[Path, dict]:
    """Execute the notebook into tmp, returning its data folder and the executed notebook."""
    data = run_section(NOTEBOOK, tmp, **parameters)
    return data, json.loads((tmp / NOTEBOOK).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def share_run(tmp_path_factory) -> tuple[Path, dict]:
    """The notebook with its default (2024 edition) parameters: the share basis."""
    return run(tmp_path_factory.mktemp("share"))


@pytest.fixture(scope="module")
def mean_run(tmp_path_factory) -> tuple[Path, dict]:
    """The notebook on the mean basis, the second basis, by parameters alone."""
    return run(tmp_path_factory.mktemp("mean"), **MEAN)


def read(data: Path, name: str) -> pd.DataFrame:
    """One published table."""
    return pd.read_csv(data / f"{name}.csv")


def test_default_run_publishes_every_table_with_its_parameters(share_run):
    data, _ = share_run
    for name in TABLES:
        meta = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
        assert meta["parameters"]["metric_basis"] == "share"
        assert meta["parameters"]["gap_baseline_periods"] == ["2016-17", "2017-18", "2018-19"]
        assert meta["rows"] == len(read(data, name))


def test_default_run_gap_change_and_cohort(share_run):
    data, _ = share_run
    change = read(data, "gap-change").set_index("metric")
    assert change.loc["life_satisfaction", "change"] == pytest.approx(-0.518762, abs=1e-6)
    assert change.loc["anxiety", "gap_baseline"] == pytest.approx(2.658195, abs=1e-6)
    assert (change["latest"] == "2020-21 to 2022-23").all()
    assert (change["upper_95"] < 0).all()  # every share gap narrowed significantly
    cohort = read(data, "cohort")
    assert list(cohort.columns[:3]) == ["area_code", "area_name", "region"]
    assert len(cohort) == 361
    assert cohort["in_worst_third"].sum() == 116
    ranking = read(data, "ranking-coverage")
    assert ranking["local_authorities"].sum() == 361
    scoreboard = read(data, "scoreboard")
    assert (scoreboard["improved_in_every_region_and_nation"] == "no").all()


def test_default_run_shows_figures_with_alt_text_and_no_errors(share_run):
    data, executed = share_run
    assert len(list(data.glob("*.png"))) == 4 * 2 + 4 + 1
    outputs = [o for cell in executed["cells"] for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    alts = [
        o["metadata"]["image/png"]["alt"] for o in outputs if "image/png" in o.get("metadata", {})
    ]
    assert len(alts) == 13
    assert all(alt.strip() for alt in alts)


def test_mean_run_by_parameters_alone(mean_run):
    data, _ = mean_run
    change = read(data, "gap-change").set_index("metric")
    assert change.loc["life_satisfaction", "change"] == pytest.approx(-0.0801934, abs=1e-6)
    assert change.loc["anxiety", "gap_baseline"] == pytest.approx(0.281288, abs=1e-6)
    assert read(data, "cohort")["in_worst_third"].sum() == 119
    assert set(read(data, "gap-series")["basis"]) == {"mean"}
    meta = json.loads((data / "gap-series.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["metric_basis"] == "mean"
