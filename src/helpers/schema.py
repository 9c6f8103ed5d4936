"""The canonical tidy table of well-being estimates: its columns and allowed values."""

from __future__ import annotations

MEASURES = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
POSITIVE_BANDS = ("band_0_4", "band_5_6", "band_7_8", "band_9_10")
ANXIETY_BANDS = ("band_0_1", "band_2_3", "band_4_5", "band_6_10")
# The mission's headline share: 0-4 for the three positive measures, 6-10 for anxiety.
HEADLINE_BAND = {m: "band_0_4" for m in MEASURES[:3]} | {"anxiety": "band_6_10"}
STATISTICS = ("mean", "share_low_wellbeing", *POSITIVE_BANDS, *ANXIETY_BANDS)
# "other": statistical groupings such as Inner and Outer London (E13).
AREA_LEVELS = ("ltla", "utla", "county", "region", "nation", "uk", "other")
STATUSES = ("published", "suppressed", "low_reliability", "no_estimate")
KEY = ("period", "area_code", "measure", "statistic")
COLUMNS = (
    "period",
    "area_code",
    "area_name",
    "area_level",
    "region_code",
    "nation_code",
    "measure",
    "statistic",
    "value",
    "lower_95",
    "upper_95",
    "cv",
    "sample_size",
    "status",
    "source",
)
