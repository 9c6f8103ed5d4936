"""`wellbeing check`: house rules for source notebooks, editions and the registry."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers import cli
from helpers.check import notebook_problems, problems

PARAMETERS = "edition = '2024'"
CALLS = "%matplotlib inline\nfrom helpers import dataset\n\ntable = dataset.load_estimates()"


def _notebook(folder: Path, *cells: nbformat.NotebookNode, name: str = "section.ipynb") -> Path:
    """Write a notebook of the given cells into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    path = folder / name
    nbformat.write(nb, path)
    return path


def _parameters() -> nbformat.NotebookNode:
    """A code cell tagged as the papermill parameters cell."""
    return nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})


def test_a_thin_notebook_passes(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path,
        nbformat.v4.new_markdown_cell("# Title"),
        _parameters(),
        nbformat.v4.new_code_cell(CALLS),
    )
    assert notebook_problems(path) == []


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            [nbformat.v4.new_code_cell(CALLS), _parameters()],
            "first code cell must be the cell tagged",
        ),
        (
            [_parameters(), nbformat.v4.new_code_cell("import pandas as pd")],
            "cell 1: imports 'pandas'",
        ),
        (
            [_parameters(), nbformat.v4.new_code_cell("from pathlib import Path")],
            "imports 'pathlib'",
        ),
        ([_parameters(), nbformat.v4.new_code_cell("x = (")], "cell 1: not valid Python"),
        (
            [_parameters(), nbformat.v4.new_code_cell("1", execution_count=3)],
            "cell 1: outputs are stored",
        ),
    ],
)
def test_each_breach_is_named_with_its_cell(tmp_path: Path, cells: list, problem: str) -> None:
    found = notebook_problems(_notebook(tmp_path, *cells))
    assert len(found) == 1 and problem in found[0], found
    assert found[0].startswith(str(tmp_path / "section.ipynb"))


def test_the_repository_passes_and_the_command_says_so(capsys) -> None:
    assert problems() == []
    assert cli.main(["check"]) == 0
    assert "wellbeing check: 0 problem(s)" in capsys.readouterr().out


def test_an_edition_the_snapshot_cannot_build_is_reported(tmp_path: Path) -> None:
    source = (Path(__file__).parent / "fixtures" / "editions" / "fixture.yml").read_text()
    editions = tmp_path / "editions"
    editions.mkdir()
    text = source.replace("baseline_period: 2018-19", "baseline_period: 2005-06")
    text = text.replace(
        "../../../data/processed", str(Path(__file__).parents[1] / "data/processed")
    )
    text = text.replace("../notebooks/", str(Path(__file__).parent / "fixtures/notebooks") + "/")
    (editions / "fixture.yml").write_text(text, encoding="utf-8")
    found = problems(notebooks=tmp_path, editions=editions)
    assert len(found) == 1
    assert "period not in the data snapshot" in found[0] and "'baseline_period'" in found[0]
