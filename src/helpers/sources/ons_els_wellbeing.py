"""ONS Explore Local Statistics personal well-being means (the revised series, 2011-12 on)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.explore_local_statistics import read_els

SOURCE_ID = "ons_els_personal_wellbeing"
INDICATORS = {
    "Satisfaction": "life_satisfaction",
    "Worthwhile": "worthwhile",
    "Happiness": "happiness",
    "Anxiety": "anxiety",
}


def read_ons_els_wellbeing(path: str | Path) -> pd.DataFrame:
    """Mean ratings of the four measures as tidy rows, keeping each row's status and line."""
    path = Path(path)
    raw = read_els(path)
    unknown = raw.loc[~raw["indicator"].isin(INDICATORS)]
    if not unknown.empty:
        first = unknown.iloc[0]
        raise InputError(
            f"unknown indicator (expected one of {sorted(INDICATORS)})",
            file=path,
            row=int(first["source_row"]),
            column="indicator",
            value=first["indicator"],
        )
    not_mean = raw.loc[~raw["measure"].str.startswith("Mean")]
    if not not_mean.empty:
        first = not_mean.iloc[0]
        raise InputError(
            "expected mean ratings only",
            file=path,
            row=int(first["source_row"]),
            column="measure",
            value=first["measure"],
        )
    # A 'u' (low reliability) row with no observation was withheld: it is suppressed.
    withheld = raw["status"].eq("low_reliability") & raw["value"].isna()
    status = raw["status"].mask(withheld, "suppressed")
    return pd.DataFrame(
        {
            "period": raw["period"],
            "area_code": raw["area_code"],
            "area_name": raw["area_name"],
            "measure": raw["indicator"].map(INDICATORS),
            "statistic": "mean",
            "value": raw["value"],
            "lower_95": raw["lower_95"],
            "upper_95": raw["upper_95"],
            "cv": float("nan"),
            "sd": float("nan"),
            "sample_size": float("nan"),
            "status": status,
            "marker": raw["status_raw"],
            "source": SOURCE_ID,
            "source_file": path.name,
            "source_sheet": "",
            "source_row": raw["source_row"],
            "source_column": "observation",
        }
    )
