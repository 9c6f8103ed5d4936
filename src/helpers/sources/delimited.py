"""Reading published CSV files so every bad cell is reported by file, row, column and value."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.errors import InputError


@dataclass(frozen=True)
class Record:
    """One data row of a CSV file with the 1-based line number it starts on."""

    line: int
    cells: dict[str, str]


def decode(path: Path, encoding: str) -> str:
    """Read a file as text, turning a missing, empty or mis-encoded file into an InputError."""
    if not path.is_file():
        raise InputError("file not found", file=path)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("file is empty", file=path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"file is not valid {encoding} text",
            file=path,
            row=line,
            value=data[error.start : error.end],
        ) from error


def check_header(path: Path, header: Sequence[str], required: Collection[str]) -> None:
    """Fail unless every required column is present, naming the missing and unexpected ones."""
    missing = [name for name in required if name not in header]
    if missing:
        unexpected = [name for name in header if name not in required]
        raise InputError(
            f"missing column(s) {missing}; columns not expected: {unexpected}",
            file=path,
            row=1,
            column=missing[0],
            value=",".join(header),
        )


def read_records(
    path: Path, required: Collection[str], *, encoding: str = "utf-8-sig"
) -> tuple[list[str], list[Record]]:
    """Return the header and every data row of a CSV file, checked for required columns."""
    reader = csv.reader(io.StringIO(decode(path, encoding), newline=""))
    header = [name.strip() for name in next(reader)]
    check_header(path, header, required)
    records = list(_records(path, reader, header))
    if not records:
        raise InputError("file has a header but no data rows", file=path, row=2)
    return header, records


def _records(path: Path, reader: Iterator[list[str]], header: list[str]) -> Iterator[Record]:
    """Yield the data rows, each with the line it starts on; blank lines hold no data."""
    line = 2
    for cells in reader:
        if cells and len(cells) != len(header):
            raise InputError(
                f"row has {len(cells)} cells but the header has {len(header)}",
                file=path,
                row=line,
                value=",".join(cells),
            )
        if cells:
            yield Record(line, dict(zip(header, cells, strict=True)))
        line = reader.line_num + 1


def number(
    text: str,
    markers: Collection[str],
    *,
    file: Path,
    row: int,
    column: str,
    sheet: str | None = None,
) -> float:
    """Parse a numeric cell: blank or a known marker is NaN, anything else non-numeric fails."""
    cell = text.strip()
    if not cell or cell in markers:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(
            "not a number or a known marker",
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            value=text,
        )
    return value


# The layout every source reader returns: one row per published value, in file order.
SOURCE_COLUMNS = [
    "series",
    "period",
    "area_code",
    "area_name",
    "area_level",
    "value",
    "lower_95",
    "upper_95",
    "unit",
    "status_raw",
    "status",
    "source_row",
]
# Markers of the Government Statistical Service and DEFRA's ':' for "not available".
STATUS_BY_MARKER = {
    "x": "suppressed",
    "c": "suppressed",
    "u": "low_reliability",
    "z": "not_applicable",
    ":": "not_available",
    "NA": "not_available",
}


def marker_status(text: str, value: float) -> tuple[str, str]:
    """Return the raw marker of a cell and its status; a blank cell is not available."""
    cell = text.strip()
    if cell in STATUS_BY_MARKER:
        return cell, STATUS_BY_MARKER[cell]
    return "", "not_available" if math.isnan(value) else "published"


def source_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Assemble reader rows into the common layout with numeric value columns."""
    frame = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    frame["lower_95"] = frame["lower_95"].astype("float64")
    frame["upper_95"] = frame["upper_95"].astype("float64")
    return frame.astype({"value": "float64", "source_row": "int64"})


def wide_rows(
    path: Path, records: list[Record], series: dict[str, str], markers: Collection[str], **fixed
) -> list[dict[str, object]]:
    """Unpivot the named value columns of each record into one row per value.

    `series` maps a column to its unit; `fixed` gives per-file columns as callables of a record.
    """
    rows = []
    for record in records:
        for column, unit in series.items():
            text = record.cells[column]
            value = number(text, markers, file=path, row=record.line, column=column)
            raw, status = marker_status(text, value)
            rows.append(
                {name: get(record) for name, get in fixed.items()}
                | {
                    "series": column,
                    "value": value,
                    "lower_95": math.nan,
                    "upper_95": math.nan,
                    "unit": unit,
                    "status_raw": raw,
                    "status": status,
                    "source_row": record.line,
                }
            )
    return rows
