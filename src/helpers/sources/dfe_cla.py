"""Reader of DfE's children looked after file: number and rate per 10,000 children, by LA.

The file (Explore Education Statistics, `cla_number_and_rate_per_10k_children`) has one line per
year, area and population type (looked after on 31 March, starting, ceasing); each line gives
the rate per 10,000 children, which is read as the series named by its population type.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.sources.delimited import STATUS_BY_MARKER, read_records, source_frame, wide_rows
from helpers.sources.dfe_neet import AREA_COLUMNS, area_fields, level_of

RATE = "rate_per_10000"
UNIT = "per 10,000 children"
COLUMNS = (*AREA_COLUMNS, "population_type", RATE)


def read(path: Path) -> pd.DataFrame:
    """Read every line's rate per 10,000 children; z and c markers are kept as DfE wrote them."""
    _, records = read_records(path, COLUMNS)
    levels = {r.line: level_of(path, r.line, r.cells["geographic_level"]) for r in records}
    rows = wide_rows(path, records, {RATE: UNIT}, STATUS_BY_MARKER, **area_fields(levels))
    frame = source_frame(rows)
    frame["series"] = [r.cells["population_type"].strip() for r in records]
    return frame
