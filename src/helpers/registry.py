"""The registry of well-being drivers and supporting metrics (Annex A and Annex B)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.config import ROOT
from helpers.errors import InputError

REGISTRY_FILE = ROOT / "config" / "registry.yml"
NOT_YET_AVAILABLE = "not_yet_available"
POLARITIES = ("higher_is_better", "higher_is_worse", "not_applicable")
# Priority drivers the mission names, then what matters for individuals and for communities,
# then drivers the mission names without making them a priority.
DRIVER_GROUPS = ("mission", "individuals", "communities", "non_priority")
METRIC_KEYS = (
    "id",
    "name",
    "drivers",
    "definition",
    "geography",
    "publisher",
    "polarity",
    "availability",
    "source",
)
SOURCE_KEYS = ("id", "files", "series")


def _require(path: Path, entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    """Fail unless an entry has every required key, naming the entry and the key."""
    for key in keys:
        if entry.get(key) in (None, "", []):
            raise InputError(
                f"{where} has no {key!r}", file=path, column=key, value=entry.get("id")
            )


def _check_metric(path: Path, metric: dict[str, Any], drivers: set[str], sources: set[str]) -> None:
    """Validate one metric entry against the drivers and sources the registry declares."""
    _require(path, metric, METRIC_KEYS, f"metric {metric.get('id')!r}")
    unknown = [d for d in metric["drivers"] if d not in drivers]
    if unknown:
        raise InputError(
            "metric names an unknown driver",
            file=path,
            column="drivers",
            value=f"{metric['id']}: {unknown[0]}",
        )
    if metric["polarity"] not in POLARITIES:
        raise InputError(
            "polarity must be one of " + ", ".join(POLARITIES),
            file=path,
            column="polarity",
            value=f"{metric['id']}: {metric['polarity']}",
        )
    source = metric["source"]
    if source == NOT_YET_AVAILABLE:
        _require(path, metric, ("expected",), f"metric {metric['id']!r}")
        return
    if not isinstance(source, dict):
        raise InputError(
            "source must be a mapping or 'not_yet_available'",
            file=path,
            column="source",
            value=f"{metric['id']}: {source}",
        )
    _require(path, source | {"id": source.get("id")}, SOURCE_KEYS, f"source of {metric['id']!r}")
    if source["id"] not in sources:
        raise InputError(
            "metric names an unknown source",
            file=path,
            column="source.id",
            value=f"{metric['id']}: {source['id']}",
        )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, Any]:
    """Load and validate the registry, so a broken entry fails before any data is read."""
    if not path.is_file():
        raise InputError("registry file not found", file=path)
    try:
        registry = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(f"registry is not valid YAML: {error}", file=path) from error
    if not isinstance(registry, dict):
        raise InputError("registry must be a mapping", file=path, value=type(registry).__name__)
    for key in ("sources", "drivers", "metrics"):
        if not registry.get(key):
            raise InputError(f"registry has no {key!r}", file=path, column=key)
    for driver in registry["drivers"]:
        _require(path, driver, ("id", "name", "group"), f"driver {driver.get('id')!r}")
        if driver["group"] not in DRIVER_GROUPS:
            raise InputError(
                "unknown driver group",
                file=path,
                column="group",
                value=f"{driver['id']}: {driver['group']}",
            )
    drivers = {driver["id"] for driver in registry["drivers"]}
    ids = [metric.get("id") for metric in registry["metrics"]]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise InputError("metric id used twice", file=path, column="id", value=duplicates[0])
    for metric in registry["metrics"]:
        _check_metric(path, metric, drivers, set(registry["sources"]))
    return registry


def annex_a(registry: dict[str, Any]) -> pd.DataFrame:
    """Table of drivers with the supporting metrics that track each one (Annex A)."""
    rows = [
        {
            "driver_id": driver["id"],
            "driver": driver["name"],
            "group": driver["group"],
            "metrics": "; ".join(
                m["name"] for m in registry["metrics"] if driver["id"] in m["drivers"]
            ),
        }
        for driver in registry["drivers"]
    ]
    return pd.DataFrame(rows)


def annex_b(registry: dict[str, Any]) -> pd.DataFrame:
    """Table of supporting metrics with their driver, geography, publisher and availability."""
    names = {driver["id"]: driver["name"] for driver in registry["drivers"]}
    rows = []
    for metric in registry["metrics"]:
        available = metric["source"] != NOT_YET_AVAILABLE
        rows.append(
            {
                "metric_id": metric["id"],
                "metric": metric["name"],
                "drivers": "; ".join(names[d] for d in metric["drivers"]),
                "definition": metric["definition"],
                "geography": metric["geography"],
                "publisher": metric["publisher"],
                "polarity": metric["polarity"],
                "availability": metric["availability"],
                "source_id": metric["source"]["id"] if available else NOT_YET_AVAILABLE,
                "expected": "" if available else metric["expected"],
                "proxy_note": metric.get("proxy_note", ""),
            }
        )
    return pd.DataFrame(rows)
