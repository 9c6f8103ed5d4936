"""Reader downloads of an edition's published tables: spreadsheet, CSV bundle and data package."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import frictionless
import gptables
import pandas as pd

from helpers.citation import OGL, edition_fields, long_date
from helpers.errors import InputError
from helpers.outputs import read_table_metadata
from helpers.schema import KEY
from helpers.schema import STATUSES as WELLBEING_STATUSES
from helpers.sources.delimited import STATUS_BY_MARKER

DICTIONARY_NAME = "data-dictionary"
DATAPACKAGE = "datapackage.json"
PACKAGE_PROFILE = "tabular-data-package"

NOT_AVAILABLE = "[x]"
LOW_RELIABILITY = "[u]"
NOT_APPLICABLE = "[z]"
# Statuses a published table may carry: the well-being table's, then the supporting metrics'.
STATUSES = tuple(dict.fromkeys((*WELLBEING_STATUSES, *STATUS_BY_MARKER.values())))
# What stands in an estimate cell the publisher left empty, by the row's status.
STATUS_MARKERS = {
    "published": NOT_AVAILABLE,
    "suppressed": NOT_AVAILABLE,
    "low_reliability": LOW_RELIABILITY,
    "no_estimate": NOT_AVAILABLE,
    "not_available": NOT_AVAILABLE,
    "not_applicable": NOT_APPLICABLE,
}
STATUS_LABELS = {
    "published": "Published",
    "suppressed": f"Suppressed {NOT_AVAILABLE}",
    "low_reliability": f"Low reliability {LOW_RELIABILITY}",
    "no_estimate": f"No estimate {NOT_AVAILABLE}",
    "not_available": f"Not available {NOT_AVAILABLE}",
    "not_applicable": f"Not applicable {NOT_APPLICABLE}",
}
SHORTHAND = {
    NOT_AVAILABLE: "not available: suppressed by the publisher (the estimate is unreliable or "
    "could disclose information about individuals) or no estimate was made",
    LOW_RELIABILITY: "low reliability: the estimate is published but uncertain; use with caution",
    NOT_APPLICABLE: "not applicable",
}
ESTIMATE_COLUMNS = ("value", "lower_95", "upper_95")
LABELS = {
    "period": "Period",
    "area_code": "Area code",
    "area_name": "Area name",
    "area_level": "Geography level",
    "region_code": "Region code",
    "nation_code": "Nation code",
    "measure": "Measure",
    "statistic": "Statistic",
    "value": "Estimate",
    "lower_95": "Lower 95% confidence limit",
    "upper_95": "Upper 95% confidence limit",
    "cv": "Coefficient of variation",
    "sample_size": "Sample size",
    "status": "Status",
    "source": "Source",
}
DESCRIPTIONS = {
    "period": "Financial year of the survey, April to March (2022-23 = April 2022 to March 2023)",
    "area_code": "ONS GSS code of the area",
    "area_name": "Name of the area",
    "area_level": "Geography level: ltla, utla, county, region, nation or uk",
    "region_code": "GSS code of the English region containing the area",
    "nation_code": "GSS code of the nation containing the area",
    "measure": "Personal well-being measure: life_satisfaction, worthwhile, happiness or anxiety",
    "statistic": "Statistic estimated: mean rating or percentage of adults in a rating band",
    "value": "The estimate",
    "lower_95": "Lower limit of the 95% confidence interval of the estimate",
    "upper_95": "Upper limit of the 95% confidence interval of the estimate",
    "cv": "Coefficient of variation of the estimate (standard error as % of the estimate)",
    "sample_size": "Number of survey respondents behind the estimate",
    "status": "Reliability of the estimate: " + ", ".join(STATUSES),
    "source": "Release the estimate was taken from",
}
NOTES = {
    "shorthand": "Shorthand used in tables: "
    + "; ".join(f"{k} {v}" for k, v in SHORTHAND.items())
    + ". The Status column says why an estimate is missing or flagged.",
    "confidence": "Lower and upper 95% confidence limits are shown beside each estimate. "
    "Overlapping intervals are not a test of difference: differences are called "
    "statistically significant only where a test was made.",
    "periods": "Periods are financial years, April to March: 2022-23 is April 2022 to March 2023.",
}


@dataclass(frozen=True)
class Table:
    """One published table: its sidecar metadata and its data, read back with their types."""

    name: str
    title: str
    description: str
    units: dict[str, str]
    types: dict[str, str]
    frame: pd.DataFrame
    csv_path: Path


def _read_type(dtype: str) -> str:
    """Map a sidecar dtype to the pandas dtype that reads its CSV column back unchanged."""
    if dtype.lower().startswith("float"):
        return "float64"
    if dtype.lower().startswith(("int", "uint")):
        return "Int64"
    if dtype.lower().startswith("bool"):
        return "boolean"
    return "str"


def _field_type(dtype: str) -> str:
    """Map a sidecar dtype to its Frictionless Table Schema field type."""
    return {"float64": "number", "Int64": "integer", "boolean": "boolean"}.get(
        _read_type(dtype), "string"
    )


def _check_status(frame: pd.DataFrame, csv_path: Path) -> None:
    """Refuse a status outside the vocabulary of the well-being and supporting tables."""
    if "status" not in frame.columns:
        return
    bad = ~frame["status"].isin(STATUSES)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"status must be one of {', '.join(STATUSES)}",
            file=csv_path,
            row=row + 2,
            column="status",
            value=frame["status"].iloc[row],
        )


def read_table(data_dir: Path, meta: dict[str, Any]) -> Table:
    """Read one table's CSV with its sidecar types, checking columns and row count match."""
    csv_path = data_dir / f"{meta['name']}.csv"
    if not csv_path.is_file():
        raise InputError("table CSV missing beside its sidecar", file=csv_path)
    types = {c["name"]: c["type"] for c in meta["columns"]}
    frame = pd.read_csv(
        csv_path,
        dtype={c: _read_type(t) for c, t in types.items()},
        keep_default_na=False,
        na_values=[""],
    )
    if list(frame.columns) != list(types):
        raise InputError(
            "CSV header differs from its sidecar columns",
            file=csv_path,
            row=1,
            value=",".join(frame.columns),
        )
    if len(frame) != meta["rows"]:
        raise InputError(
            f"CSV has {len(frame)} rows but its sidecar records {meta['rows']}",
            file=csv_path,
            value=len(frame),
        )
    _check_status(frame, csv_path)
    return Table(
        name=meta["name"],
        title=meta["title"],
        description=meta.get("description", ""),
        units=meta.get("units", {}),
        types=types,
        frame=frame,
        csv_path=csv_path,
    )


def table_metadata(data_dir: str | Path) -> list[dict[str, Any]]:
    """Sidecars of the published tables in a folder, leaving out a data package written there."""
    return [m for m in read_table_metadata(data_dir) if m.get("profile") != PACKAGE_PROFILE]


def read_tables(data_dir: str | Path) -> list[Table]:
    """Read every published table in a data folder, sorted by name."""
    data_dir = Path(data_dir)
    tables = [read_table(data_dir, meta) for meta in table_metadata(data_dir)]
    if not tables:
        raise InputError("no published tables (name.csv + name.json) found", file=data_dir)
    return tables


def column_label(column: str, units: dict[str, str]) -> str:
    """Human heading of a column, with its units in brackets (limits share the estimate's)."""
    label = LABELS.get(column, column.replace("_", " ").capitalize())
    unit = units.get(column) or (units.get("value") if column in ESTIMATE_COLUMNS else None)
    return f"{label} ({unit})" if unit else label


def sheet_frame(table: Table) -> pd.DataFrame:
    """The table as readers see it: headed with units, markers in place of every empty cell."""
    frame = table.frame.astype(object)
    status = table.frame["status"] if "status" in table.frame.columns else None
    for column in frame.columns:
        missing = frame[column].isna()
        if status is not None and column in ESTIMATE_COLUMNS:
            fill = status.map(STATUS_MARKERS)
        elif _read_type(table.types[column]) == "str":
            fill = pd.Series(NOT_APPLICABLE, index=frame.index)
        else:
            fill = pd.Series(NOT_AVAILABLE, index=frame.index)
        frame[column] = frame[column].where(~missing, fill)
    if status is not None:
        frame["status"] = status.map(STATUS_LABELS)
    return frame.rename(columns={c: column_label(c, table.units) for c in frame.columns})


def _markers_used(frame: pd.DataFrame) -> list[str]:
    """Shorthand markers that appear in a reader's table, in a fixed order."""
    text = set(frame.astype(str).to_numpy().ravel())
    return [m for m in SHORTHAND if any(m in cell for cell in text)]


def _note_refs(table: Table) -> list[str]:
    """Notes a table refers to: shorthand always, limits and periods where present."""
    refs = ["shorthand"]
    if "lower_95" in table.frame.columns:
        refs.append("confidence")
    if "period" in table.frame.columns:
        refs.append("periods")
    return refs


def _gptable(table: Table, source: str) -> gptables.GPTable:
    """One worksheet: title row at A1, description, notes, legend of markers, then the table."""
    frame = sheet_frame(table)
    refs = "Notes for this table: " + "".join(f"$${r}$$" for r in _note_refs(table))
    return gptables.GPTable(
        table=frame,
        table_name="table_" + re.sub(r"[^A-Za-z0-9_]", "_", table.name),
        title=table.title,
        subtitles=[table.description, refs] if table.description else [refs],
        instructions="This worksheet contains one table. Notes are on the Notes worksheet. "
        f"The same data are in the file {table.name}.csv.",
        source=f"Source: {source}",
        legend=[f"{m} = {SHORTHAND[m]}" for m in _markers_used(frame)],
        index_columns={},
    )


def _cover(fields: dict[str, Any]) -> gptables.Cover:
    """Cover sheet: what the release is, when, from where, shorthand, licence and contact."""
    intro = [
        f"Edition: {fields['edition']}",
        f"Release date: {long_date(fields['release_date'])}",
        f"Source: {fields['source']}",
        f"Web page: {fields['url']}",
    ]
    about = [
        "Each table has its own worksheet, listed on the Contents worksheet. "
        "Numbered notes are on the Notes worksheet.",
        "Shorthand used in tables:",
        *[f"{m} = {text}" for m, text in SHORTHAND.items()],
        f"Licence: [{OGL['title']}]({OGL['path']})",
    ]
    return gptables.Cover(
        title=fields["title"], intro=intro, about=about, contact=[fields["contact"]]
    )


def write_spreadsheet(
    data_dir: str | Path, out_path: str | Path, edition_meta: dict[str, Any]
) -> Path:
    """Write every table to an .xlsx laid out as the Analysis Function guidance asks."""
    fields = edition_fields(edition_meta)
    tables = read_tables(data_dir)
    sheets = {f"Table_{i}": _gptable(t, fields["source"]) for i, t in enumerate(tables, 1)}
    used = list(dict.fromkeys(r for t in tables for r in _note_refs(t)))
    notes = pd.DataFrame({"Note reference": used, "Note text": [NOTES[r] for r in used]})
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    workbook = gptables.produce_workbook(
        filename=str(out_path),
        sheets=sheets,
        cover=_cover(fields),
        notes_table=notes,
        contentsheet_options={"column_names": ["Sheet name", "Table title"]},
    )
    created = datetime.combine(fields["release_date"], datetime.min.time())
    workbook.set_properties({"title": fields["title"], "created": created})
    workbook.close()
    return out_path


def data_dictionary(tables: list[Table]) -> pd.DataFrame:
    """One row per table column: what it holds, its units and its type."""
    rows = [
        {
            "table": t.name,
            "column": c,
            "description": DESCRIPTIONS.get(c, column_label(c, {})),
            "units": t.units.get(c) or (t.units.get("value", "") if c in ESTIMATE_COLUMNS else ""),
            "type": _field_type(dtype),
        }
        for t in tables
        for c, dtype in t.types.items()
    ]
    return pd.DataFrame(rows, columns=["table", "column", "description", "units", "type"])


def _dictionary_markdown(tables: list[Table], dictionary: pd.DataFrame) -> str:
    """The data dictionary as Markdown: one section per table with a column table."""
    lines = ["# Data dictionary", ""]
    for t in tables:
        lines += [f"## {t.name}.csv", "", t.title, "", "| column | description | units | type |"]
        lines.append("|---|---|---|---|")
        for row in dictionary[dictionary["table"] == t.name].itertuples():
            lines.append(f"| {row.column} | {row.description} | {row.units} | {row.type} |")
        lines.append("")
    return "\n".join(lines)


def write_csv_bundle(data_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Copy each table CSV into out_dir (unless there) plus a CSV and Markdown dictionary."""
    tables = read_tables(data_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        t.csv_path
        if (out_dir / t.csv_path.name).resolve() == t.csv_path.resolve()
        else Path(shutil.copyfile(t.csv_path, out_dir / t.csv_path.name))
        for t in tables
    ]
    dictionary = data_dictionary(tables)
    csv_path = out_dir / f"{DICTIONARY_NAME}.csv"
    dictionary.to_csv(csv_path, index=False, lineterminator="\n")
    md_path = out_dir / f"{DICTIONARY_NAME}.md"
    md_path.write_text(_dictionary_markdown(tables, dictionary), encoding="utf-8")
    return [*written, csv_path, md_path]


def _sha256(path: Path) -> str:
    """Checksum of a file, so readers can verify what they downloaded."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _primary_key(table: Table) -> list[str]:
    """The tidy key columns present in a table, when they identify each row uniquely."""
    key = [c for c in KEY if c in table.frame.columns]
    rows = table.frame[key]
    if key and not rows.isna().any().any() and not rows.duplicated().any():
        return key
    return []


def _schema(table: Table) -> dict[str, Any]:
    """Frictionless Table Schema of one table: typed, described fields and its key."""
    fields = []
    for column, dtype in table.types.items():
        field: dict[str, Any] = {
            "name": column,
            "title": column_label(column, table.units),
            "type": _field_type(dtype),
            "description": DESCRIPTIONS.get(column, column_label(column, {})),
        }
        if column == "status":
            field["constraints"] = {"enum": list(STATUSES)}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = _primary_key(table)
    if key:
        schema["primaryKey"] = key
    return schema


def _resource(table: Table, path: Path, sources: list[dict[str, str]]) -> dict[str, Any]:
    """Data package resource of one table CSV, with checksum, licence and sources."""
    resource = {
        "name": table.name.lower(),
        "path": path.name,
        "title": table.title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{_sha256(path)}",
        "licenses": [OGL],
        "sources": sources,
        "schema": _schema(table),
    }
    if table.description:
        resource["description"] = table.description
    return resource


def _dictionary_resource(path: Path) -> dict[str, Any]:
    """Data package resource of the data dictionary CSV."""
    fields = [
        {"name": n, "type": "string", "description": d}
        for n, d in [
            ("table", "Name of the table (its CSV file without .csv)"),
            ("column", "Column of that table"),
            ("description", "What the column holds"),
            ("units", "Units of the column's values, where it has any"),
            ("type", "Table Schema type of the column"),
        ]
    ]
    return {
        "name": DICTIONARY_NAME,
        "path": path.name,
        "title": "Data dictionary",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{_sha256(path)}",
        "licenses": [OGL],
        "schema": {"fields": fields, "primaryKey": ["table", "column"], "missingValues": []},
    }


def _package_name(fields: dict[str, Any]) -> str:
    """Lower-case, hyphenated package name from the title and edition."""
    return re.sub(r"[^a-z0-9]+", "-", f"{fields['title']} {fields['edition']}".lower()).strip("-")


def write_datapackage(
    data_dir: str | Path, out_path: str | Path, edition_meta: dict[str, Any]
) -> Path:
    """Describe the table CSVs beside out_path as a validated Frictionless data package."""
    fields = edition_fields(edition_meta)
    sources = [{"title": fields["source"]}]
    out_path = Path(out_path)
    folder = out_path.parent
    resources = []
    for table in read_tables(data_dir):
        path = folder / table.csv_path.name
        if not path.is_file() or _sha256(path) != _sha256(table.csv_path):
            raise InputError("table CSV beside the data package differs or is missing", file=path)
        resources.append(_resource(table, path, sources))
    dictionary = folder / f"{DICTIONARY_NAME}.csv"
    if dictionary.is_file():
        resources.append(_dictionary_resource(dictionary))
    package = {
        "profile": PACKAGE_PROFILE,
        "name": _package_name(fields),
        "title": fields["title"],
        "version": fields["edition"],
        "created": f"{fields['release_date'].isoformat()}T00:00:00Z",
        "licenses": [OGL],
        "sources": sources,
        "resources": resources,
    }
    if fields["url"].startswith("https://"):
        package["homepage"] = fields["url"]
    out_path.write_text(json.dumps(package, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _validate(out_path)
    return out_path


def _validate(path: Path) -> None:
    """Raise when Frictionless finds any error in the written data package."""
    report = frictionless.validate(str(path))
    if not report.valid:
        error = report.flatten(["type", "note"])[0]
        raise InputError(f"data package invalid: {error[0]}: {error[1]}", file=path)
