"""Reader of DLUHC homelessness statistics (derived CSV): households per 1,000 by LA."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.sources.area_lookups import name_of, names_by_code
from helpers.sources.delimited import STATUS_BY_MARKER, read_records, source_frame, wide_rows

SERIES = {
    "Households assessed as homeless per (000s)": "per 1,000 households",
    "Households in temporary accommodation per 1,000": "per 1,000 households",
}
# The derived file holds one quarter and does not say which; its documentation gives it.
PERIOD = "2023 Oct-Dec"
NAMES = ("lookup_ltla23_utla23.csv", "ltla23_code", "ltla23_name")


def read(path: Path) -> pd.DataFrame:
    """Read the one-quarter extract; blank cells are LAs without a return (not available)."""
    names = names_by_code(*NAMES)
    _, records = read_records(path, ("ltla23_code", *SERIES))
    rows = wide_rows(
        path,
        records,
        SERIES,
        STATUS_BY_MARKER,
        period=lambda r: PERIOD,
        area_code=lambda r: r.cells["ltla23_code"].strip(),
        area_name=lambda r: name_of(
            names, r.cells["ltla23_code"].strip(), file=path, row=r.line, column="ltla23_code"
        ),
        area_level=lambda r: "ltla",
    )
    return source_frame(rows)
