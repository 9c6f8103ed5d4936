"""`wellbeing edition new`: a scaffold a year on from an earlier edition, checked on the data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from helpers import cli
from helpers.build import build_edition
from helpers.editions import load_edition
from helpers.errors import InputError
from helpers.scaffold import new_edition, next_period
from tests.test_build import write_edition


def test_next_period_crosses_the_century() -> None:
    assert next_period("2022-23") == "2023-24"
    assert next_period("2099-00") == "2100-01"


def test_scaffold_is_a_draft_a_year_on_and_builds(tmp_path: Path) -> None:
    editions = tmp_path / "editions"
    write_edition(editions, "fixture", changelog=[{"date": "2024-11-28", "text": "First."}])
    path = new_edition("fixture-next", "fixture", editions)
    edition = load_edition("fixture-next", editions)
    assert edition.status == "draft" and edition.changelog == () and edition.corrections == ()
    assert edition.release_date == dt.date(2025, 11, 28)
    # The snapshot ends in 2022-23 (ONS paused the local release), so the latest period stays.
    assert edition.latest_period == "2022-23"
    assert edition.manifest_sha256 is None
    assert path.read_text(encoding="utf-8").startswith("# The fixture-next edition")
    target = build_edition("fixture-next", editions=editions, output=tmp_path / "output")
    assert (target / "index.html").is_file()


def _source(tmp_path: Path, **changes: object) -> Path:
    """An editions folder holding a fixture edition with some keys changed."""
    editions = tmp_path / "editions"
    write_edition(editions, "fixture", **changes)
    return editions


@pytest.mark.parametrize(
    ("changes", "column", "value"),
    [
        ({"baseline_period": "2009-10"}, "baseline_period", "2009-10"),
        ({"gap_baseline_periods": ["2016-17", "2030-31"]}, "gap_baseline_periods[1]", "2030-31"),
        ({"geography_vintage": 2019}, "geography_vintage", 2019),
        ({"metric_basis": "median"}, "metric_basis", "median"),
    ],
)
def test_scaffold_that_cannot_be_built_is_refused_naming_the_key(
    tmp_path: Path, changes: dict, column: str, value: object
) -> None:
    editions = _source(tmp_path, **changes)
    with pytest.raises(InputError) as caught:
        new_edition("next", "fixture", editions)
    assert (caught.value.column, caught.value.value) == (column, value)
    assert not (editions / "next.yml").exists()


def test_missing_notebook_is_named(tmp_path: Path) -> None:
    editions = _source(tmp_path)
    raw = yaml.safe_load((editions / "fixture.yml").read_text(encoding="utf-8"))
    raw["sections"][1]["notebook"] = str(tmp_path / "gone.ipynb")
    (editions / "fixture.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(InputError, match=r"section file does not exist.*sections\[1\]"):
        new_edition("next", "fixture", editions)


def test_existing_edition_is_not_overwritten(tmp_path: Path, capsys, monkeypatch) -> None:
    editions = _source(tmp_path)
    monkeypatch.setattr("helpers.scaffold.editions_dir", lambda: editions)
    assert cli.main(["edition", "new", "fixture", "--from", "fixture"]) == 2
    assert "edition file already exists" in capsys.readouterr().err
    assert cli.main(["edition", "new", "next", "--from", "fixture"]) == 0
    assert "wrote " in capsys.readouterr().out and (editions / "next.yml").is_file()
