"""The analyst's tools: a one-section trial build with overrides, and the live preview."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import cli
from helpers.build import build_edition
from helpers.config import raw_dir
from helpers.editions import parse_overrides
from helpers.errors import InputError
from helpers.preview import Preview
from tests.test_build import NOTEBOOKS, write_edition

pytestmark = pytest.mark.slow
ELS = "ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv"


def _uk_life_satisfaction(period_start: str) -> float:
    """The UK mean life satisfaction of a year, read from the raw Explore Local Statistics file."""
    raw = pd.read_csv(raw_dir() / ELS)
    row = raw[
        (raw.areacd == "K02000001")
        & (raw.indicator == "Satisfaction")
        & (raw.period == f"{period_start}-04-01/P1Y")
    ]
    return float(row.observation.iloc[0])


def test_overrides_are_read_as_yaml() -> None:
    assert parse_overrides(["latest_period=2021-22", "n=3", "xs=[a, b]"]) == {
        "latest_period": "2021-22",
        "n": 3,
        "xs": ["a", "b"],
    }
    with pytest.raises(InputError, match="key=value"):
        parse_overrides(["latest_period"])


def test_one_section_with_an_override_is_built_and_says_so(tmp_path: Path) -> None:
    editions, output = tmp_path / "editions", tmp_path / "output"
    write_edition(editions, "fixture")
    target = build_edition(
        "fixture",
        editions=editions,
        output=output,
        section="uk-means",
        overrides={"latest_period": "2021-22"},
    )
    assert target == output / "fixture-uk-means"
    csv = pd.read_csv(target / "data" / "uk-means.csv").set_index("measure")
    assert csv.loc["Satisfaction", "mean"] == _uk_life_satisfaction("2021")
    assert not (target / "data" / "nation-means.csv").exists()  # the other section is not run
    recorded = json.loads((target / "trial.json").read_text(encoding="utf-8"))
    assert recorded == {
        "edition": "fixture",
        "section": "uk-means",
        "overrides": {"latest_period": "2021-22"},
    }
    front = (target / "index.html").read_text(encoding="utf-8")
    assert "trial of one section with latest_period=2021-22" in front
    page = (target / "notebooks" / "uk-means.html").read_text(encoding="utf-8")
    assert "In 2021-22 the UK mean life satisfaction rating was" in page


def test_unknown_section_or_parameter_is_named(tmp_path: Path, capsys) -> None:
    editions = tmp_path / "editions"
    write_edition(editions, "fixture")
    with pytest.raises(InputError, match=r"no such section \(sections: uk-means, nation-means\)"):
        build_edition("fixture", editions=editions, output=tmp_path / "o", section="maps")
    with pytest.raises(InputError, match=r"not a parameter of the notebook.*value 'basis'"):
        build_edition(
            "fixture",
            editions=editions,
            output=tmp_path / "o",
            section="uk-means",
            overrides={"basis": "share"},
        )
    assert cli.main(["build", "--edition", "2024", "-p", "metric_basis=share"]) == 2
    assert "-p overrides need --section" in capsys.readouterr().err


def _get(url: str) -> str:
    """A page from the preview server."""
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_preview_serves_and_rebuilds_a_changed_notebook(tmp_path: Path) -> None:
    editions, output = tmp_path / "editions", tmp_path / "output"
    notebook = tmp_path / "uk-means.ipynb"
    shutil.copy2(NOTEBOOKS / "uk-means.ipynb", notebook)
    path = write_edition(editions, "fixture")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["sections"][0]["notebook"] = str(notebook)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    preview = Preview("fixture", port=0, editions=editions, output=output)
    url = preview.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        page = url.replace("index.html", "notebooks/uk-means.html")
        assert "Mean ratings (0 to 10) from the Annual Population Survey." in _get(page)
        assert not preview.poll()  # nothing changed, nothing rebuilt
        text = notebook.read_text(encoding="utf-8").replace(
            "Mean ratings (0 to 10) from the Annual Population Survey.",
            "Mean ratings (0 to 10) from the Annual Population Survey, previewed.",
        )
        notebook.write_text(text, encoding="utf-8")
        assert preview.poll()
        assert "from the Annual Population Survey, previewed." in _get(page)
    finally:
        preview.stop()
