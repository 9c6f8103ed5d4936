"""Build the tidy table of supporting metrics from the raw files the registry names."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.checksums import sha256_of
from helpers.errors import InputError
from helpers.registry import NOT_YET_AVAILABLE, load_registry

COLUMNS = [
    "metric_id",
    "period",
    "area_code",
    "area_name",
    "area_level",
    "value",
    "lower_95",
    "upper_95",
    "unit",
    "status",
    "status_raw",
    "source",
    "source_file",
    "source_row",
]
SORT_KEY = ["metric_id", "area_level", "area_code", "period", "source_file", "source_row"]
UPPER_TIER_BASIS = "upper-tier value applied to lower-tier LA"


def _read_file(raw_dir: Path, source_id: str, relative: str) -> pd.DataFrame:
    """Read one raw file with the reader its source id names."""
    path = raw_dir / relative
    if not path.is_file():
        raise InputError("file not found", file=path)
    reader = importlib.import_module(f"helpers.sources.{source_id}")
    return reader.read(path)


def _file_entry(
    source: dict[str, Any],
    source_id: str,
    relative: str,
    raw_dir: Path,
    table: pd.DataFrame,
    kept: pd.DataFrame,
) -> dict[str, Any]:
    """Manifest entry of one file: lines read = lines kept + lines of series not registered."""
    rows_read = int(table["source_row"].nunique())
    rows_kept = int(kept["source_row"].nunique())
    other = table[~table["source_row"].isin(kept["source_row"])]
    entry = {
        "source_id": source_id,
        "file": relative,
        "sha256": sha256_of(raw_dir / relative),
        "publisher": source["publisher"],
        "url": source.get("url", ""),
        "licence": source["licence"],
        "rows_read": rows_read,
        "rows_kept": rows_kept,
        "rows_suppressed": int((kept["status"] != "published").sum()),
        "rows_other_series": int(other["source_row"].nunique()),
        "other_series": sorted(other["series"].unique().tolist()),
    }
    if entry["rows_read"] != entry["rows_kept"] + entry["rows_other_series"]:
        raise InputError("rows read do not reconcile with rows kept", file=raw_dir / relative)
    return entry


def build_supporting(
    raw_dir: Path, registry: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Return the tidy supporting-metrics table and one manifest entry per raw file read."""
    registry = registry or load_registry()
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for metric in registry["metrics"]:
        if metric["source"] == NOT_YET_AVAILABLE:
            continue
        for relative in metric["source"]["files"]:
            key = (metric["source"]["id"], relative)
            wanted.setdefault(key, {})[metric["source"]["series"]] = metric["id"]
    parts, manifest = [], []
    for (source_id, relative), series in sorted(wanted.items()):
        table = _read_file(raw_dir, source_id, relative)
        kept = table[table["series"].isin(series)]
        missing = sorted(set(series) - set(kept["series"]))
        if missing:
            raise InputError(
                "registry names a series the file does not hold",
                file=raw_dir / relative,
                column="series",
                value=missing[0],
            )
        source = registry["sources"][source_id]
        manifest.append(_file_entry(source, source_id, relative, raw_dir, table, kept))
        parts.append(
            kept.assign(
                metric_id=kept["series"].map(series),
                source=source["publisher"],
                source_file=relative,
            )
        )
    tidy = pd.concat(parts, ignore_index=True)[COLUMNS]
    return tidy.sort_values(SORT_KEY, kind="stable").reset_index(drop=True), manifest


def to_lower_tier(tidy: pd.DataFrame, lookup: Path) -> pd.DataFrame:
    """Give each lower-tier LA the value of its upper-tier authority, stating it in a column.

    `lookup` is an ONS lower-to-upper-tier lookup (lookup_ltla21_utla21.csv or the 2023 one).
    """
    table = pd.read_csv(lookup, dtype=str, keep_default_na=False)
    codes = [c for c in table.columns if c.endswith("_code")]
    names = [c for c in table.columns if c.endswith("_name")]
    if len(codes) != 2 or len(names) != 2:
        raise InputError(
            "lookup needs one lower-tier and one upper-tier code and name",
            file=lookup,
            value=",".join(table.columns),
        )
    ltla_code, utla_code = sorted(codes)
    ltla_name = sorted(names)[0]
    upper = tidy[tidy["area_level"] == "utla"]
    joined = upper.merge(
        table[[ltla_code, ltla_name, utla_code]], left_on="area_code", right_on=utla_code
    )
    joined = joined.assign(
        upper_tier_code=joined["area_code"],
        area_code=joined[ltla_code],
        area_name=joined[ltla_name],
        area_level="ltla",
        geography_basis=UPPER_TIER_BASIS,
    )
    columns = [*COLUMNS, "upper_tier_code", "geography_basis"]
    return joined[columns].sort_values(SORT_KEY, kind="stable").reset_index(drop=True)
