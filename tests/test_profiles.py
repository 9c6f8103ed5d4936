"""Local area profiles, map values and map geometry, checked against the processed snapshot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import papermill
import pytest

from helpers import geography, profiles
from helpers.config import ROOT, raw_dir
from helpers.dataset import load_estimates
from helpers.geodata import build_geodata, hexes_path, topology_path

PROCESSED = ROOT / "data" / "processed"
HARTLEPOOL = "E06000001"
# Cumberland: formed in 2023 from Allerdale, Carlisle and Copeland.
CUMBERLAND = "E06000063"
# Areas with no published well-being estimate in any year (all suppressed by ONS).
NO_PAGE = {"E06000053", "E09000001"}  # Isles of Scilly, City of London


@pytest.fixture(scope="module")
def ctx() -> profiles.Context:
    """The profile context of the 2024 edition's parameters."""
    return profiles.load_context(PROCESSED, profiles.Settings())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """All profiles written twice with one cache: the folder and both runs' counts."""
    root = tmp_path_factory.mktemp("profiles")
    settings = profiles.Settings()
    first = profiles.write_profiles(PROCESSED, root / "out", settings, cache_dir=root / "cache")
    again = profiles.write_profiles(PROCESSED, root / "out", settings, cache_dir=root / "cache")
    return root / "out", first, again


def processed_mean(code: str, period: str, measure: str) -> pd.Series:
    """One preferred mean row of the processed table."""
    table = load_estimates(PROCESSED)
    row = table[
        (table["area_code"] == code)
        & (table["period"] == period)
        & (table["measure"] == measure)
        & (table["statistic"] == "mean")
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_hartlepool_latest_life_satisfaction_is_the_processed_value(ctx: profiles.Context) -> None:
    """Hartlepool 2022-23 mean life satisfaction: 7.29 (7.08 to 7.50) in data/processed."""
    row = processed_mean(HARTLEPOOL, "2022-23", "life_satisfaction")
    assert (row["value"], row["lower_95"], row["upper_95"]) == (7.29, 7.08, 7.50)
    series = profiles.series(ctx, HARTLEPOOL)
    mine = series[
        (series["comparison"] == "area")
        & (series["period"] == "2022-23")
        & (series["measure"] == "life_satisfaction")
        & (series["statistic"] == "mean")
    ].iloc[0]
    assert (mine["value"], mine["lower_95"], mine["upper_95"]) == (7.29, 7.08, 7.50)
    position = profiles.position(ctx, HARTLEPOOL).set_index("measure")
    assert position.at["life_satisfaction", "value"] == 7.29


def test_profile_compares_with_region_and_uk(ctx: profiles.Context) -> None:
    """Hartlepool's comparators are the North East and the UK, both with 2022-23 means."""
    series = profiles.series(ctx, HARTLEPOOL)
    latest = series[
        (series["period"] == "2022-23")
        & (series["measure"] == "life_satisfaction")
        & (series["statistic"] == "mean")
    ]
    names = dict(zip(latest["comparison"], latest["area_name"], strict=True))
    assert names == {"area": "Hartlepool", "region": "North East", "uk": "United Kingdom"}
    uk = processed_mean(geography.UK, "2022-23", "life_satisfaction")
    assert latest.set_index("comparison").at["uk", "value"] == uk["value"]


def test_shares_cover_every_year_from_the_revised_series(ctx: profiles.Context) -> None:
    """Low well-being shares run 2011-12 to 2022-23 and carry their release."""
    shares = profiles.series(ctx, HARTLEPOOL).query("statistic == 'share_low_wellbeing'")
    periods = sorted(shares["period"].unique())
    assert (periods[0], periods[-1], len(periods)) == ("2011-12", "2022-23", 12)
    assert set(shares["release"]) == {"revised series"}
    mine = shares[
        (shares["comparison"] == "area")
        & (shares["period"] == "2018-19")
        & (shares["measure"] == "happiness")
    ].iloc[0]
    assert (mine["value"], mine["lower_95"], mine["upper_95"]) == (9.9, 7.72, 12.07)


def test_rank_counts_the_ranked_areas(ctx: profiles.Context) -> None:
    """Ranks run 1..N over the LAs with a counted 2022-23 mean, N the same for every LA."""
    ranks = ctx.ranks[ctx.ranks["measure"] == "life_satisfaction"]
    counted = ctx.estimates.query(
        "area_level == 'ltla' and period == '2022-23' and statistic == 'mean' "
        "and measure == 'life_satisfaction' and status in ('published', 'low_reliability')"
    )
    assert len(ranks) == len(counted) == ranks["ranked"].iloc[0]
    assert ranks["rank"].min() == 1
    best = ranks.loc[ranks["value"].idxmax()]
    assert best["rank"] == 1 and best["percentile"] == 100


def test_cumberland_combines_its_three_districts(ctx: profiles.Context) -> None:
    """Cumberland (2023) 2022-23: equal-weight mean of Allerdale, Carlisle and Copeland."""
    parts = [
        processed_mean(c, "2022-23", "life_satisfaction")["value"]
        for c in ("E07000026", "E07000028", "E07000029")
    ]
    series = profiles.series(ctx, CUMBERLAND)
    mine = series.query(
        "comparison == 'area' and period == '2022-23' and measure == 'life_satisfaction' "
        "and statistic == 'mean'"
    ).iloc[0]
    assert mine["value"] == pytest.approx(sum(parts) / 3)
    notes = profiles.notes(ctx, CUMBERLAND, series)
    assert any("combine its predecessors' estimates" in n for n in notes)


def test_every_la_of_the_vintage_has_a_page_or_a_reason(ctx: profiles.Context) -> None:
    """All 361 LAs of 2023 are in the index, each with a page or the reason it has none."""
    reasons = profiles.no_page_reasons(ctx)
    index = profiles.profile_index(ctx, reasons)
    areas = geography.lower_tier_areas(2023)
    assert sorted(index["area_code"]) == sorted(areas["area_code"]) and len(index) == 361
    assert set(reasons) == NO_PAGE
    assert ((index["page"] != "") ^ (index["no_page_reason"] != "")).all()


def test_worst_third_cohort_size(ctx: profiles.Context) -> None:
    """The baseline cohort is ceil(ranked / 3) areas, as in helpers.gap."""
    ranked = int(ctx.cohorts["baseline_ranked"].sum())
    assert int(ctx.cohorts["baseline_worst_third"].sum()) == -(-ranked // 3)
    table = profiles.cohort(ctx, HARTLEPOOL)
    assert list(table["periods"]) == ["2016-17 to 2018-19", "2020-21 to 2022-23"]


def test_map_change_is_latest_minus_baseline(ctx: profiles.Context) -> None:
    """Hartlepool's life satisfaction change 2018-19 to 2022-23 from the two processed means."""
    values = profiles.map_values(ctx, "life_satisfaction", "2018-19").set_index("area_code")
    then = processed_mean(HARTLEPOOL, "2018-19", "life_satisfaction")["value"]
    assert values.at[HARTLEPOOL, "change"] == pytest.approx(7.29 - then)
    assert len(values) == 361
    hidden = values[values["latest_status"].isin(["suppressed", "no_estimate"])]
    assert hidden["latest"].isna().all() and len(hidden) > 0


def test_page_states_vintage_and_numbers(ctx: profiles.Context, tmp_path: Path) -> None:
    """A rendered page carries the estimate with its interval, the vintage and the CSVs."""
    files = profiles.render_profile(ctx, HARTLEPOOL, tmp_path)
    page = (tmp_path / f"{HARTLEPOOL}.md").read_text(encoding="utf-8")
    assert page.startswith("# Personal well-being in Hartlepool\n")
    assert "7.29 (95% CI 7.08 to 7.50)" in page
    assert "2023 boundaries and codes" in page
    assert "\n\n" not in page.split("\n\n", 1)[1].rstrip("\n")
    series = pd.read_csv(tmp_path / f"{HARTLEPOOL}-series.csv")
    assert len(series) == len(profiles.series(ctx, HARTLEPOOL))
    assert f"{HARTLEPOOL}-series.csv" in files


def test_generation_covers_every_area_and_reuses_unchanged(generated: tuple) -> None:
    """One page per LA with data, the index, and a second run that renders nothing."""
    out, first, again = generated
    assert first == {"areas": 361, "rendered": 359, "reused": 0, "no_page": 2}
    assert again == {"areas": 361, "rendered": 0, "reused": 359, "no_page": 2}
    pages = {p.stem for p in out.glob("*.md")} - {"index"}
    assert len(pages) == 359 and not pages & NO_PAGE
    index = (out / "index.md").read_text(encoding="utf-8")
    assert 'aria-live="polite"' in index and '<label for="area-search">' in index
    assert 'href="E06000001.html"' in index


def test_geodata_is_rebuilt_byte_identical(tmp_path: Path) -> None:
    """The committed hex layout and boundaries equal a fresh build from the raw files."""
    build_geodata(raw_dir(), tmp_path)
    for path in (hexes_path, topology_path):
        assert path(tmp_path, 2023).read_bytes() == path(PROCESSED, 2023).read_bytes()
    hexes = pd.read_csv(hexes_path(tmp_path, 2023))
    assert sorted(hexes["area_code"]) == sorted(geography.lower_tier_areas(2023)["area_code"])


def test_profile_notebook_for_hartlepool(tmp_path: Path) -> None:
    """The template runs for one area and saves its tables with the real numbers."""
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "profile.ipynb"),
        str(tmp_path / "profile.ipynb"),
        parameters={
            "data_dir": str(tmp_path / "data"),
            "processed_dir": str(PROCESSED),
            "area_code": HARTLEPOOL,
        },
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    position = pd.read_csv(tmp_path / "data" / f"profile-{HARTLEPOOL}-position.csv")
    life = position.set_index("measure").loc["life_satisfaction"]
    assert (life["value"], life["lower_95"], life["upper_95"]) == (7.29, 7.08, 7.50)
    assert (tmp_path / "data" / f"profile-{HARTLEPOOL}-mean.png").is_file()
