"""Tests of the supporting-metric readers on values read by hand from the real raw files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from helpers.config import raw_dir
from helpers.errors import InputError
from helpers.sources import (
    active_lives,
    defra_flytipping,
    dfe_cla,
    dfe_neet,
    health_index,
    nhs_rtt,
    subnational_indicators,
    temporary_accommodation,
)

SUPPORTING = Path("supporting")


def _one(table, **where):
    """Return the single row matching every column=value given."""
    mask = True
    for column, value in where.items():
        mask = mask & (table[column] == value)
    rows = table[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


CLA = SUPPORTING / "dfe-children-looked-after/cla_number_and_rate_per_10k_children.csv"
LOOKED_AFTER = "Children looked after on 31 March each year"


def test_children_looked_after_rate_england_and_hartlepool_2025() -> None:
    table = dfe_cla.read(raw_dir() / CLA)
    # Line 3: England 2025, 81,770 children looked after on 31 March, 67 per 10,000.
    england = _one(table, series=LOOKED_AFTER, period="2025", area_code="E92000001")
    assert (england.value, england.unit) == (67, "per 10,000 children")
    assert england.area_level == "nation"
    assert england.source_row == 3
    hartlepool = _one(table, series=LOOKED_AFTER, period="2025", area_code="E06000001")
    assert (hartlepool.value, hartlepool.area_level, hartlepool.source_row) == (157, "utla", 39)
    assert len(table) == 2505  # every data line of the file, one rate each


def test_children_looked_after_markers_are_kept() -> None:
    table = dfe_cla.read(raw_dir() / CLA)
    assert table.status_raw.value_counts().to_dict() == {"": 2447, "z": 56, "c": 2}
    confidential = table[table.status_raw == "c"]
    assert (confidential.status == "suppressed").all() and confidential.value.isna().all()


def test_neet_derby_2025() -> None:
    table = dfe_neet.read(raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2025.csv")
    row = _one(table, area_code="E06000015", series="NEET_not_known_percent")
    assert (row["area_name"], row["area_level"], row["period"], row["value"]) == (
        "Derby",
        "utla",
        "2025",
        7.9,
    )
    assert row["source_row"] == 4


def test_neet_z_marker_is_not_applicable() -> None:
    table = dfe_neet.read(raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2022.csv")
    row = _one(table, area_code="E06000061", series="sess_overall_percent")
    assert (row["status_raw"], row["status"], row["source_row"]) == ("z", "not_applicable", 12)


def test_active_lives_city_of_london_2015_16() -> None:
    table = active_lives.read(
        raw_dir() / SUPPORTING / "sport-england-active-lives/active_adults.csv"
    )
    row = _one(table, area_code="E09000001", period="2015-16")
    assert (row["value"], row["source_row"], row["area_level"]) == (70.5, 292, "ltla")


def test_flytipping_city_of_london() -> None:
    table = defra_flytipping.read(raw_dir() / SUPPORTING / "defra-fly-tipping/Flytipping.xlsx")
    city = table[table["area_code"] == "E09000001"].set_index(["period", "series"])
    assert city.loc[("2012-13", "Total Incidents"), "value"] == 449
    assert city.loc[("2021-22", "Mid population estimates"), "value"] == 8618
    assert city.loc[("2021-22", "Incidents per 1,000 people"), "value"] == pytest.approx(
        289.742399628684
    )
    before = city.loc[("2018-19", "Incidents per 1,000 people")]
    assert (before["status_raw"], before["status"]) == (":", "not_available")


def test_flytipping_region_totals_have_codes() -> None:
    table = defra_flytipping.read(raw_dir() / SUPPORTING / "defra-fly-tipping/Flytipping.xlsx")
    totals = table[(table["area_level"] != "ltla") & (table["series"] == "Total Incidents")]
    east = _one(totals, period="2012-13", area_code="E12000006")
    assert (east["area_name"], east["value"], east["source_row"]) == ("East of England", 56484, 6)
    assert (totals["area_code"] != "").all()
    assert len(totals) == 10 * 10


def test_flytipping_rebased_england_total_is_its_own_series() -> None:
    table = defra_flytipping.read(raw_dir() / SUPPORTING / "defra-fly-tipping/Flytipping.xlsx")
    england = table[(table["area_code"] == "E92000001") & (table["period"] == "2018-19")]
    by_series = england.set_index("series")["value"]
    assert by_series["Total Incidents"] == 1072468
    assert by_series["Total Incidents (England total comparable with 2019/20)"] == 957157


def test_flytipping_unknown_region_is_named(tmp_path: Path) -> None:
    source = raw_dir() / SUPPORTING / "defra-fly-tipping/Flytipping.xlsx"
    book = openpyxl.load_workbook(source)
    book[defra_flytipping.SHEET]["D6"] = "Eastern"
    path = tmp_path / "Flytipping.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        defra_flytipping.read(path)
    assert str(caught.value) == (
        "region total names a region not in the geography lookup (file Flytipping.xlsx, "
        "sheet 'LA_incidents', row 6, column 'Region', value 'Eastern')"
    )


def test_neet_placeholder_rows_are_their_own_series() -> None:
    table = dfe_neet.read(raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2021.csv")
    placeholders = table[table["area_code"] == ""]
    assert sorted(placeholders["source_row"].unique()) == [161, 162]
    assert placeholders["series"].str.endswith(dfe_neet.DEMO_SERIES).all()


def test_neet_row_without_code_is_named(tmp_path: Path) -> None:
    lines = (raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2025.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",E06000015,Derby,", ",,Derby,")
    path = tmp_path / "neet-2025.csv"
    path.write_text("\n".join(lines[:5]) + "\n")
    with pytest.raises(InputError) as caught:
        dfe_neet.read(path)
    assert str(caught.value) == (
        "area has no code (file neet-2025.csv, row 4, column 'new_la_code')"
    )


def test_health_index_hartlepool_2021() -> None:
    path = raw_dir() / SUPPORTING / "ons-health-index/england_health_index_subdomains.csv"
    table = health_index.read(path)
    row = _one(table, area_code="E06000001", period="2021", series="Mental health")
    assert (row["value"], row["source_row"], row["area_name"]) == (87.6, 2, "Hartlepool")
    assert len(table) == 2149 * 14
    assert (table["area_name"] != "").all()


def test_temporary_accommodation_first_row() -> None:
    path = raw_dir() / SUPPORTING / "dluhc-temporary-accommodation/england_homelessness.csv"
    table = temporary_accommodation.read(path)
    row = _one(
        table, area_code="E07000223", series="Households in temporary accommodation per 1,000"
    )
    assert row["value"] == pytest.approx(4.71434557899148)
    assert row["area_name"] == "Adur"
    assert (table["area_name"] != "").all()
    assert (table["status"] == "not_available").sum() == 20


def test_rtt_total_april_2020() -> None:
    table = nhs_rtt.read(raw_dir() / SUPPORTING / "nhs-rtt-waiting-times/england_rtt_stp.csv")
    row = _one(table, area_code="QE1", period="2020-04", series="waits_over_18_weeks (Total)")
    assert (row["value"], row["source_row"]) == (47435, 19)


def test_subnational_indicators_values_and_na() -> None:
    path = raw_dir() / SUPPORTING / "ons-subnational-indicators/subnational-indicators-2024.csv"
    table = subnational_indicators.read(path).set_index("source_row")
    assert (table.loc[2366, "series"], table.loc[2366, "value"]) == (
        "Gigabit capable broadband",
        55.8,
    )
    assert table.loc[546, "status"] == "not_available"
    assert table.loc[546, "unit"] == "£"


def test_neet_renamed_column(tmp_path: Path) -> None:
    lines = (raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2025.csv").read_text().splitlines()
    lines[0] = lines[0].replace("NEET_percent", "NEET_pct")
    path = tmp_path / "neet-2025.csv"
    path.write_text("\n".join(lines[:5]) + "\n")
    with pytest.raises(InputError, match=r"file neet-2025.csv, row 1, column 'NEET_percent'"):
        dfe_neet.read(path)


def test_neet_text_in_numeric_cell(tmp_path: Path) -> None:
    lines = (raw_dir() / SUPPORTING / "dfe-neet-16-17/neet-2025.csv").read_text().splitlines()
    lines[3] = lines[3].replace("16-17,7034,7.9,", "16-17,7034,high,")
    path = tmp_path / "neet-2025.csv"
    path.write_text("\n".join(lines[:5]) + "\n")
    with pytest.raises(InputError) as caught:
        dfe_neet.read(path)
    assert str(caught.value) == (
        "not a number or a known marker (file neet-2025.csv, row 4, "
        "column 'NEET_not_known_percent', value 'high')"
    )


def test_subnational_wrong_encoding(tmp_path: Path) -> None:
    source = raw_dir() / SUPPORTING / "ons-subnational-indicators/subnational-indicators-2024.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()[:3]
    path = tmp_path / "subnational.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))
    with pytest.raises(InputError, match=r"not valid utf-8-sig text \(file subnational.csv, row 2"):
        subnational_indicators.read(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        active_lives.read(tmp_path / "active_adults.csv")
    with pytest.raises(InputError, match="file not found"):
        defra_flytipping.read(tmp_path / "Flytipping.xlsx")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match=r"file is empty \(file empty.csv\)"):
        health_index.read(tmp_path / "empty.csv")
