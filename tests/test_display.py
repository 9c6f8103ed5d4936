"""Figures carry their data: a collapsed table of the numbers beside every chart."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import display
from helpers.outputs import save_table


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Collect the bundles show_figure would send to the notebook."""
    bundles: list[dict] = []
    monkeypatch.setattr(display, "display", lambda bundle, **_: bundles.append(bundle))
    return bundles


def test_figure_shows_the_data_saved_under_its_name(
    shown: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table saved under the figure's name appears in a details block after the figure."""
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"measure": ["Anxiety", "Happiness"], "value": [3.23, None]})
    save_table(frame, "uk", tmp_path, title="UK means")
    display.show_figure(
        plt.figure(), name="uk", alt="Bar chart", caption="UK means, 2022-23", data_dir=tmp_path
    )
    markdown = shown[0]["text/markdown"]
    assert markdown.index(":::{figure} uk.png") < markdown.index('<details class="figure-data">')
    assert "<summary>Show the data: UK means, 2022-23</summary>" in markdown
    assert "<td>Anxiety</td><td>3.23</td>" in markdown
    assert "<td>Happiness</td><td>[x]</td>" in markdown
    assert "\n\n" not in markdown.split("<details", 1)[1]


def test_figure_takes_its_data_directly_or_goes_without(
    shown: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data passed in are shown; with no data and no table of that name, only the figure."""
    monkeypatch.chdir(tmp_path)
    given = pd.DataFrame({"region": ["Wales"], "gap": [0.41]})
    display.show_figure(plt.figure(), name="a", alt="A", caption="A", data_dir=tmp_path, data=given)
    display.show_figure(plt.figure(), name="b", alt="B", caption="B", data_dir=tmp_path)
    assert "<td>Wales</td><td>0.41</td>" in shown[0]["text/markdown"]
    assert "<details" not in shown[1]["text/markdown"]
