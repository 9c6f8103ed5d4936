"""Tests of the supporting-metrics build on the real raw files."""

from __future__ import annotations

import pytest

from helpers.config import raw_dir
from helpers.supporting import UPPER_TIER_BASIS, build_supporting, to_lower_tier


@pytest.fixture(scope="module")
def built():
    """Build the supporting table once for the module."""
    return build_supporting(raw_dir())


def test_counts_reconcile(built) -> None:
    _, manifest = built
    for entry in manifest:
        assert entry["rows_read"] == entry["rows_kept"] + entry["rows_other_series"], entry
    claimant = next(e for e in manifest if e["file"].endswith("claimant-count.csv"))
    assert (claimant["rows_read"], claimant["rows_kept"], claimant["rows_suppressed"]) == (
        10325,
        10325,
        132,
    )


def test_claimant_count_birmingham_2019(built) -> None:
    tidy, _ = built
    row = tidy[
        (tidy["metric_id"] == "claimant_count")
        & (tidy["area_code"] == "E08000025")
        & (tidy["period"] == "2019")
    ].iloc[0]
    assert (row["value"], row["source_row"], row["status"]) == (6.1, 3552, "published")


def test_build_is_deterministic(built) -> None:
    tidy, _ = built
    again, _ = build_supporting(raw_dir())
    assert tidy.to_csv(index=False) == again.to_csv(index=False)


def test_neet_applied_to_districts(built) -> None:
    tidy, _ = built
    neet = tidy[tidy["metric_id"] == "neet_or_not_known_16_17"]
    lookup = raw_dir() / "geography/lookups/lookup_ltla23_utla23.csv"
    lower = to_lower_tier(neet, lookup)
    assert set(lower["geography_basis"]) == {UPPER_TIER_BASIS}
    derby = lower[(lower["area_code"] == "E06000015") & (lower["period"] == "2025")].iloc[0]
    assert derby["value"] == 7.9
