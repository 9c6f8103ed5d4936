"""Reader of NHS England referral-to-treatment waiting lists by ICB (derived CSV)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.delimited import STATUS_BY_MARKER, read_records, source_frame, wide_rows

VALUES = ("waits_over_18_weeks", "waits_over_52_weeks")
ID_COLUMNS = ("stp20_nhs_code", "stp20_name", "date", "treatment")
_MONTH = re.compile(r"(\d{4}-\d{2})-01")


def _month(path: Path, line: int, text: str) -> str:
    """Turn the first day of a month into 'YYYY-MM'."""
    if not (match := _MONTH.fullmatch(text.strip())):
        raise InputError(
            "date is not the first of a month", file=path, row=line, column="date", value=text
        )
    return match[1]


def read(path: Path) -> pd.DataFrame:
    """Read waits by ICB, month and treatment; a series is the wait band and treatment."""
    _, records = read_records(path, (*ID_COLUMNS, *VALUES))
    rows = wide_rows(
        path,
        records,
        dict.fromkeys(VALUES, "patients"),
        STATUS_BY_MARKER,
        period=lambda r: _month(path, r.line, r.cells["date"]),
        area_code=lambda r: r.cells["stp20_nhs_code"].strip(),
        area_name=lambda r: r.cells["stp20_name"].strip(),
        area_level=lambda r: "icb",
        treatment=lambda r: r.cells["treatment"].strip(),
    )
    for row in rows:
        row["series"] = f"{row['series']} ({row.pop('treatment')})"
    return source_frame(rows)
