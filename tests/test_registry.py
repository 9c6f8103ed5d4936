"""Tests of the registry of drivers and supporting metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers.errors import InputError
from helpers.registry import REGISTRY_FILE, annex_a, annex_b, load_registry


def test_registry_lists_every_driver_and_marks_missing_metrics() -> None:
    registry = load_registry()
    drivers = annex_a(registry)
    assert len(drivers) == 21
    assert drivers.groupby("group").size().to_dict() == {
        "communities": 4,
        "individuals": 3,
        "mission": 13,
        "non_priority": 1,
    }
    metrics = annex_b(registry).set_index("metric_id")
    assert metrics.loc["children_looked_after_rate", "source_id"] == "dfe_cla"
    assert metrics.loc["community_life_loneliness", "source_id"] == "not_yet_available"
    assert "full-time" in metrics.loc["median_weekly_pay", "proxy_note"]
    assert metrics.loc["visited_heritage_site", "drivers"] == "Engagement with culture and heritage"


def _broken(tmp_path: Path, change) -> Path:
    """Write a copy of the real registry with one change applied."""
    registry = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    change(registry)
    path = tmp_path / "registry.yml"
    path.write_text(yaml.safe_dump(registry), encoding="utf-8")
    return path


def test_unknown_driver_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda r: r["metrics"][0].update(drivers=["happiness"]))
    with pytest.raises(
        InputError,
        match=r"unknown driver .*column 'drivers', value "
        r"'health_index_physical_health: happiness'",
    ):
        load_registry(path)


def test_missing_key_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda r: r["metrics"][1].pop("polarity"))
    with pytest.raises(InputError, match=r"has no 'polarity' \(file registry.yml, column"):
        load_registry(path)
