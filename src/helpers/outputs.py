"""Write the data behind every published table and chart: a CSV plus a JSON sidecar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def exact(value: float) -> str:
    """A float as its shortest round-trip decimal, never in exponent form (1011199, not 1e+06)."""
    return np.format_float_positional(value, trim="-")


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a published CSV keeping every digit of every number, byte-stable for the same data."""
    df.to_csv(path, index=False, lineterminator="\n", float_format=exact)
    return Path(path)


def save_table(
    df: pd.DataFrame,
    name: str,
    data_dir: str | Path,
    *,
    title: str,
    description: str = "",
    units: dict[str, str] | None = None,
    parameters: dict[str, Any] | None = None,
) -> Path:
    """Write `name`.csv and `name`.json (title, columns, units, parameters), byte-stable."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{name}.csv"
    write_csv(df, path)
    meta = {
        "name": name,
        "title": title,
        "description": description,
        "columns": [{"name": str(c), "type": str(df[c].dtype)} for c in df.columns],
        "units": units or {},
        "parameters": parameters or {},
        "rows": len(df),
    }
    (data_dir / f"{name}.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
    return path


def read_table_metadata(data_dir: str | Path) -> list[dict[str, Any]]:
    """List the sidecar metadata of every table in a data folder, sorted by name."""
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(data_dir).glob("*.json"))
    ]
