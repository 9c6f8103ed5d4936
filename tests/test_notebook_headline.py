"""Run the Headline metrics notebook with papermill and check real numbers in what it publishes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from helpers.config import ROOT

NOTEBOOK = ROOT / "notebooks" / "01-headline-metrics.ipynb"
UK = "K02000001"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, nbformat.NotebookNode]:
    tmp = tmp_path_factory.mktemp("headline")
    out = tmp / "01-headline-metrics.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"data_dir": str(tmp / "data"), "processed_dir": str(ROOT / "data/processed")},
        cwd=str(NOTEBOOK.parent),
        kernel_name="python3",
        progress_bar=False,
    )
    return tmp / "data", nbformat.read(out, as_version=4)


def csv(data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data / f"{name}.csv", keep_default_na=False, na_values=[""])


def test_source_notebook_is_committed_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "remove-cell" in tagged[0].metadata["tags"]
    others = [c for c in code if c is not tagged[0]]
    assert all("remove-input" in c.metadata.get("tags", []) for c in others)


def test_uk_means_in_headline_means(run):
    data, _ = run
    means = csv(data, "headline-means")
    uk = means[(means["area_code"] == UK) & (means["period"] == "2022-23")].set_index("measure")
    assert uk.loc["life_satisfaction", ["value", "lower_95", "upper_95"]].tolist() == [
        7.45,
        7.43,
        7.47,
    ]
    assert uk.loc["worthwhile", "value"] == 7.73
    assert uk.loc["happiness", "value"] == 7.39
    assert uk.loc["anxiety", "value"] == 3.23
    assert set(uk["status"]) == {"published"}
    assert len(means) == 14 * 4 * 12


def test_uk_share_in_headline_shares(run):
    data, _ = run
    shares = csv(data, "headline-shares")
    row = shares[
        (shares["area_code"] == UK)
        & (shares["period"] == "2022-23")
        & (shares["measure"] == "life_satisfaction")
    ].iloc[0]
    assert (row["value"], row["lower_95"], row["upper_95"]) == (5.73, 5.49, 5.98)
    assert row["release"] == "revised series"


def test_la_distribution_counts(run):
    data, _ = run
    dist = csv(data, "la-distribution-2022-23")
    life = dist[dist["measure"] == "life_satisfaction"]
    assert len(life) == 374
    assert life["marker"].fillna("").value_counts().to_dict() == {"": 363, "u": 10, "x": 1}
    meta = json.loads((data / "la-distribution-2022-23.json").read_text())
    assert meta["parameters"]["latest_period"] == "2022-23"


def test_coverage_and_main_points(run):
    data, nb = run
    coverage = csv(data, "data-coverage").set_index(["statistic", "area_level"])
    assert coverage.loc[("mean", "uk"), "periods"] == "2011-12 to 2022-23"
    assert coverage.loc[("share_low_wellbeing", "region"), "periods"] == "2011-12 to 2022-23"
    points = csv(data, "main-points")
    first = points["text"].iloc[0]
    assert first.startswith("The UK share with low life satisfaction was 5.73% (95% CI 5.49%")
    assert first.endswith("a statistically significant increase (a deterioration).")
    shown = "".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "5.73% (95% CI 5.49% to 5.98%) in 2022-23" in shown
    assert "5.73% (95% CI 5.49% to 5.98%) of UK adults reported low life satisfaction" in shown
    # The shares lead: the section shows them before the mean ratings.
    assert shown.index("low well-being shares were") < shown.index("UK life satisfaction was")
    assert "1 as suppressed [x] and 10 as of low reliability [u]" in shown


def test_figures_have_alt_text_and_data(run):
    data, nb = run
    figures = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(figures) == 12 + 1 + 4
    for output in figures:
        meta = output["metadata"]["image/png"]
        assert meta["alt"] and meta["caption"]
        assert (data / f"{meta['name']}.csv").is_file()
    captions = [o["metadata"]["image/png"]["caption"] for o in figures]
    assert "2 of 4 UK low well-being shares were lower in 2022-23 than in 2011-12" in captions[0]
    assert "UK life satisfaction was lower in 2022-23 than in 2018-19" in captions[1]
