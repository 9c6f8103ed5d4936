"""Build the processed snapshot: every well-being source → one validated tidy table + manifest.

Each source in config/sources.yml is parsed by its publisher-format parser, areas are given
their level, region and nation, overlapping estimates are ranked by the catalogue's precedence
(the latest ONS release wins; `preferred` marks the winner) and compared, the table is
validated, and only then are the outputs swapped into place, so a bad input never replaces
the previous good snapshot.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers import config, geodata, geography, neighbours, raw
from helpers.checksums import sha256_of
from helpers.errors import InputError
from helpers.outputs import write_csv
from helpers.schema import COLUMNS, KEY, STATISTICS
from helpers.sources.ons_cmd import read_ons_cmd
from helpers.sources.ons_els_wellbeing import read_ons_els_wellbeing
from helpers.sources.ons_workbook import read_ons_workbook
from helpers.supporting import build_supporting
from helpers.validation import exceptions_report, validate_estimates

CATALOGUE = config.ROOT / "config" / "sources.yml"
PARSERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "ons_cmd": read_ons_cmd,
    "ons_els_wellbeing": read_ons_els_wellbeing,
    "ons_workbook": read_ons_workbook,
}
PROVENANCE = (
    "sd",
    "marker",
    "preferred",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
)
OUTPUT_COLUMNS = (*COLUMNS, *PROVENANCE)
TABLE = "wellbeing"
SUPPORTING = "supporting"
PRECEDENCE_RULE = (
    "Where several sources give the same estimate (period, area code, measure, statistic), the "
    "source listed first in config/sources.yml (the latest ONS release) is preferred, whatever "
    "its status: a value that ONS later suppressed is not brought back from an older release. "
    "Every other source's row stays in the table with preferred = false."
)
GEOGRAPHY_LICENCES = {
    "boundaries": "Open Government Licence v3.0; contains OS data © Crown copyright and "
    "database right",
    "hexes": "MIT licence (Open Innovations)",
}
# Values are published to two decimals: differences up to this are rounding.
ROUNDING_TOLERANCE = 0.011


def load_catalogue(path: Path = CATALOGUE) -> list[dict[str, Any]]:
    """The well-being sources in precedence order, as configured."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["wellbeing"]
    for entry in entries:
        if entry.get("parser") not in PARSERS:
            raise InputError(
                "unknown parser", file=path, column="parser", value=entry.get("parser")
            )
    return entries


def source_files(entry: dict[str, Any], raw_dir: Path) -> list[Path]:
    """Files of one catalogue entry, or [] for an optional source that is absent."""
    if "files" in entry:
        paths = [raw_dir / entry["folder"] / name for name in entry["files"]]
    else:
        paths = [raw_dir / entry["path"]]
    missing = [p for p in paths if not p.is_file()]
    if missing and entry.get("optional") and len(missing) == len(paths):
        return []
    if missing:
        raise InputError(f"source {entry['id']}: file not found", file=missing[0])
    return paths


def read_sources(raw_dir: Path) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Parse every available source; return all rows and each source's manifest entry."""
    frames, manifest = [], []
    present: set[str] = set()
    for entry in load_catalogue():
        files = source_files(entry, raw_dir)
        skip = entry.get("only_without") in present
        record = {k: entry[k] for k in ("id", "title", "publisher", "url", "licence", "release")}
        if not files or skip:
            reason = "file absent" if not files else f"superseded by {entry['only_without']}"
            manifest.append(record | {"used": False, "reason": reason, "files": []})
            continue
        present.add(entry["id"])
        parts = []
        for path in files:
            rows = PARSERS[entry["parser"]](path).assign(source=entry["id"])
            parts.append(rows)
            record.setdefault("files", []).append(_file_record(path, raw_dir, rows))
        frames.append(pd.concat(parts, ignore_index=True))
        manifest.append(record | {"used": True, "precedence": len(present)})
    return pd.concat(frames, ignore_index=True), manifest


def _file_record(path: Path, base: Path, rows: pd.DataFrame) -> dict[str, Any]:
    """Manifest record of one input file: checksum and row counts by status."""
    counts = rows.loc[rows["statistic"] != "share_low_wellbeing", "status"].value_counts()
    return {
        "path": path.relative_to(base).as_posix(),
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "rows_read": int(counts.sum()),
        "rows_published": int(counts.get("published", 0) + counts.get("low_reliability", 0)),
        "rows_suppressed": int(counts.get("suppressed", 0)),
        "rows_no_estimate": int(counts.get("no_estimate", 0)),
    }


def mark_preferred(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Flag, per estimate key, the row of the highest-precedence source (PRECEDENCE_RULE)."""
    rank = df["source"].map({source: i for i, source in enumerate(order)})
    ordered = df.assign(_rank=rank).sort_values([*KEY, "_rank"], kind="stable")
    first = ~ordered.duplicated(list(KEY), keep="first")
    return df.assign(preferred=first.reindex(df.index))


def compare_sources(df: pd.DataFrame) -> pd.DataFrame:
    """Estimates given by two sources whose values differ by more than rounding."""
    have = df.loc[df["value"].notna(), [*KEY, "area_name", "source", "value"]]
    pairs = have.merge(have, on=list(KEY), suffixes=("", "_other"))
    pairs = pairs.loc[pairs["source"] < pairs["source_other"]]
    pairs = pairs.assign(difference=(pairs["value"] - pairs["value_other"]).round(4))
    beyond = pairs.loc[pairs["difference"].abs() > ROUNDING_TOLERANCE]
    return (
        beyond.drop(columns="area_name_other").sort_values([*KEY, "source"]).reset_index(drop=True)
    )


def at_source(df: pd.DataFrame, err: InputError) -> InputError:
    """The same problem, located at the raw file, sheet and row the offending row was read from."""
    row = df.iloc[err.row]
    return InputError(
        err.problem,
        file=row["source_file"],
        sheet=row["source_sheet"] or None,
        row=int(row["source_row"]),
        column=err.column,
        value=err.value,
    )


def tidy(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Add geography and precedence, order the columns and sort rows deterministically."""
    try:
        df = geography.assign_region_nation(
            df.assign(area_level=geography.area_levels(df["area_code"]))
        )
    except InputError as err:
        if not isinstance(err.row, int):
            raise
        raise at_source(df, err) from err
    df = mark_preferred(df, order)
    stat_order = {s: i for i, s in enumerate(STATISTICS)}
    sort = df.assign(
        _stat=df["statistic"].map(stat_order),
        _src=df["source"].map({s: i for i, s in enumerate(order)}),
    ).sort_values(["period", "area_code", "measure", "_stat", "_src"], kind="stable")
    out = sort.loc[:, list(OUTPUT_COLUMNS)].reset_index(drop=True)
    out["sample_size"] = out["sample_size"].astype("Float64")
    out["source_row"] = out["source_row"].astype("Int64")
    return out


def geography_sources(raw_dir: Path) -> list[dict[str, Any]]:
    """Checksums and licences of the map files copied into the snapshot."""
    files = [
        (geodata.TOPOJSON, "Office for National Statistics", GEOGRAPHY_LICENCES["boundaries"]),
        *(
            (geodata.HEXJSON.format(vintage=v), "Open Innovations", GEOGRAPHY_LICENCES["hexes"])
            for v in geodata.VINTAGES
        ),
    ]
    return [
        {"path": str(path), "sha256": sha256_of(raw_dir / path), "publisher": who, "licence": lic}
        for path, who, lic in files
    ]


def summarise(df: pd.DataFrame) -> dict[str, Any]:
    """Counts in the processed table by source and status, for the manifest."""
    counts = df.groupby(["source", "status"]).size()
    return {
        "rows": len(df),
        "preferred_rows": int(df["preferred"].sum()),
        "by_source_and_status": {f"{s}/{t}": int(n) for (s, t), n in counts.items()},
        "periods": sorted(df["period"].unique().tolist()),
    }


def write_table(folder: Path, name: str, table: pd.DataFrame) -> None:
    """Write one table as CSV and Parquet, byte-stable for the same content."""
    table.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n", float_format="%.10g")
    table.to_parquet(folder / f"{name}.parquet", index=False, compression="zstd")


def write_outputs(
    folder: Path, table: pd.DataFrame, comparison: pd.DataFrame, supporting: pd.DataFrame
) -> None:
    """Write the well-being and supporting tables and the source comparison."""
    write_table(folder, TABLE, table)
    write_table(folder, SUPPORTING, supporting)
    comparison.to_csv(
        folder / "source-comparison.csv", index=False, lineterminator="\n", float_format="%.10g"
    )


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by the staging folder in two renames, so readers never see a mix."""
    backup = out_dir.with_name(f".{out_dir.name}.previous")
    if backup.exists():
        shutil.rmtree(backup)
    if out_dir.exists():
        out_dir.rename(backup)
    staging.rename(out_dir)
    if backup.exists():
        shutil.rmtree(backup)


def copy_lookups(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Copy the geography lookups into the snapshot, so publishing never reads the raw folder."""
    source, target = raw_dir / geography.LOOKUPS, out_dir / geography.PROCESSED_LOOKUPS
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(f, target / f.name)) for f in sorted(source.glob("*.csv"))]


def build_processed(raw_dir: Path | None = None, out_dir: Path | None = None) -> dict[str, Any]:
    """Raw folder → validated processed snapshot; the previous snapshot survives any failure."""
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    out_dir = Path(out_dir) if out_dir else config.processed_dir()
    if not raw_dir.is_dir():
        raise InputError("raw-data folder not found", file=raw_dir)
    raw.verify(raw_dir)
    with geography.reading_lookups(raw_dir / geography.LOOKUPS):
        return _build(raw_dir, out_dir)


def _build(raw_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Parse, validate and write the snapshot from a verified raw folder (see build_processed)."""
    rows, sources = read_sources(raw_dir)
    order = [s["id"] for s in sources if s["used"]]
    table = tidy(rows, order)
    validate_estimates(table)
    comparison = compare_sources(table)
    supporting, supporting_sources = build_supporting(raw_dir)
    similar, left_out = neighbours.similar_areas(raw_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        write_outputs(staging, table, comparison, supporting)
        geodata.build_geodata(raw_dir, staging)
        copy_lookups(raw_dir, staging)
        write_csv(similar, staging / f"{neighbours.TABLE}.csv")
        write_csv(left_out, staging / f"{neighbours.TABLE}-left-out.csv")
        manifest = {
            "raw_manifest_sha256": sha256_of(raw.manifest_path(raw_dir)),
            "table": TABLE,
            "precedence_rule": PRECEDENCE_RULE,
            "sources": sources,
            "supporting_sources": supporting_sources,
            "supporting": {
                "rows": len(supporting),
                "metrics": int(supporting["metric_id"].nunique()),
            },
            "validation_exceptions": exceptions_report(),
            "similar_areas": {
                "definition": neighbours.load_definition(),
                "areas": int(similar["area_code"].nunique()),
                "left_out": left_out["reason"].value_counts().sort_index().to_dict(),
            },
            "geography_sources": geography_sources(raw_dir),
            "processed": summarise(table),
            "source_comparison": {
                "rows_beyond_rounding": len(comparison),
                "tolerance": ROUNDING_TOLERANCE,
            },
            "outputs": {
                p.relative_to(staging).as_posix(): sha256_of(p)
                for p in sorted(staging.rglob("*"))
                if p.is_file() and p.name != "manifest.json"
            },
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        swap_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return manifest


def load_supporting(processed_dir: Path | None = None) -> pd.DataFrame:
    """The processed supporting-metrics table."""
    folder = Path(processed_dir) if processed_dir else config.processed_dir()
    return pd.read_parquet(folder / f"{SUPPORTING}.parquet")


def load_estimates(
    processed_dir: Path | None = None, *, preferred_only: bool = True
) -> pd.DataFrame:
    """The processed well-being table; by default one row per estimate (the preferred source)."""
    folder = Path(processed_dir) if processed_dir else config.processed_dir()
    table = pd.read_parquet(folder / f"{TABLE}.parquet")
    return table.loc[table["preferred"]].reset_index(drop=True) if preferred_only else table
