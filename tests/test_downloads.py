"""Reader downloads built from real ONS estimates: spreadsheet, CSV bundle, data package."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import frictionless
import openpyxl
import pandas as pd
import pytest

from helpers.config import processed_dir, raw_dir
from helpers.downloads import (
    OGL,
    read_tables,
    sheet_frame,
    write_csv_bundle,
    write_datapackage,
    write_spreadsheet,
)
from helpers.errors import InputError
from helpers.outputs import save_table

ELS = "ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv"
STATUS = {"": "published", "x": "suppressed", "u": "low_reliability"}
# Burnley's 2022-23 mean is published as low reliability, Belfast's 2011-12 as not available.
LOCAL = ["E07000117", "N09000003"]
EDITION = {
    "title": "Well-being mission progress update",
    "edition": "2024",
    "release_date": date(2024, 11, 7),
    "url": "https://example.gov.uk/wellbeing-mission/2024",
    "contact": "Email: wellbeing@example.gov.uk (placeholder)",
}
UNITS = {"value": "mean rating, 0 to 10"}


def _els() -> pd.DataFrame:
    """The Explore Local Statistics well-being means, tidied to period/area/measure rows."""
    raw = pd.read_csv(raw_dir() / ELS, dtype=str, keep_default_na=False)
    start = raw["period"].str[:4].astype(int)
    return pd.DataFrame(
        {
            "period": start.astype(str) + "-" + (start + 1).astype(str).str[2:],
            "area_code": raw["areacd"],
            "area_name": raw["areanm"],
            "geography": raw["geography"],
            "measure": raw["indicator"].map(
                {
                    "Satisfaction": "life_satisfaction",
                    "Worthwhile": "worthwhile",
                    "Happiness": "happiness",
                    "Anxiety": "anxiety",
                }
            ),
            "statistic": "mean",
            "value": pd.to_numeric(raw["observation"]),
            "lower_95": pd.to_numeric(raw["lci_95"]),
            "upper_95": pd.to_numeric(raw["uci_95"]),
            "status": raw["status"].map(STATUS),
        }
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two published tables: life satisfaction by area and year, UK means of all measures."""
    els = _els()
    folder = tmp_path_factory.mktemp("data")
    wanted = (els["geography"].isin(["Country", "Nation", "Region"])) | els["area_code"].isin(LOCAL)
    life = els[wanted & (els["measure"] == "life_satisfaction")].drop(columns="geography")
    life = life.sort_values(["area_code", "period"], ignore_index=True)
    save_table(
        life,
        "life_satisfaction_by_area",
        folder,
        title="Mean life satisfaction by area, 2011-12 to 2022-23",
        description="UK, its four nations, the English regions, Burnley and Belfast.",
        units=UNITS,
    )
    uk = els[(els["area_code"] == "K02000001") & (els["period"] == "2022-23")]
    uk = uk[["measure", "value", "lower_95", "upper_95"]].sort_values("measure", ignore_index=True)
    save_table(uk, "uk_means_2022_23", folder, title="UK mean ratings, 2022-23", units=UNITS)
    return folder


@pytest.fixture(scope="module")
def workbook(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The spreadsheet written from the data folder, read back with openpyxl."""
    path = write_spreadsheet(data_dir, tmp_path_factory.mktemp("xlsx") / "tables.xlsx", EDITION)
    return openpyxl.load_workbook(path)


def _table(sheet) -> tuple[list[str], list[list[object]]]:
    """The Excel table on a sheet: its header and data rows."""
    (table,) = sheet.tables.values()
    rows = [[c.value for c in row] for row in sheet[table.ref]]
    return rows[0], rows[1:]


def _row(header: list[str], rows: list[list[object]], **match: object) -> dict[str, object]:
    """The one row whose named columns hold the given values."""
    found = [dict(zip(header, r, strict=True)) for r in rows]
    found = [r for r in found if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1
    return found[0]


def test_spreadsheet_has_cover_contents_notes_then_one_sheet_per_table(workbook) -> None:
    assert workbook.sheetnames == ["Cover", "Contents", "Notes", "Table_1", "Table_2"]
    cover = [c.value for c in workbook["Cover"]["A"] if c.value]
    assert cover[0] == "Well-being mission progress update"
    assert "Release date: 7 November 2024" in cover
    assert "Edition: 2024" in cover
    assert "[u] = low reliability: the estimate is published but uncertain; use with caution" in (
        cover
    )
    assert "Licence: Open Government Licence v3.0" in cover
    assert "Email: wellbeing@example.gov.uk (placeholder)" in cover


def test_contents_links_every_table_sheet(workbook) -> None:
    header, rows = _table(workbook["Contents"])
    assert header == ["Sheet name", "Table title"]
    assert [r[0] for r in rows] == ["Table_1", "Table_2"]
    assert rows[1][1] == "UK mean ratings, 2022-23"
    cells = [c for c in workbook["Contents"]["A"] if c.value in ("Table_1", "Table_2")]
    assert [c.hyperlink.location for c in cells] == ["'Table_1'!A1", "'Table_2'!A1"]


def test_notes_are_numbered_and_titles_refer_to_them(workbook) -> None:
    header, rows = _table(workbook["Notes"])
    assert header == ["Note number", "Note text"]
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[0][1].startswith("Shorthand used in tables: [x] not available")
    sheet = workbook["Table_1"]
    assert sheet["A1"].value == "Mean life satisfaction by area, 2011-12 to 2022-23"
    assert sheet["A3"].value == "Notes for this table: [note 1][note 2][note 3]"
    assert workbook["Table_2"]["A2"].value == "Notes for this table: [note 1][note 2]"


def test_uk_life_satisfaction_2022_23_sits_beside_its_limits(workbook) -> None:
    header, rows = _table(workbook["Table_1"])
    assert header[5:] == [
        "Estimate (mean rating, 0 to 10)",
        "Lower 95% confidence limit (mean rating, 0 to 10)",
        "Upper 95% confidence limit (mean rating, 0 to 10)",
        "Status",
    ]
    uk = _row(header, rows, **{"Area code": "K02000001", "Period": "2022-23"})
    assert list(uk.values())[5:] == [7.45, 7.43, 7.47, "Published"]
    assert len(rows) == 12 * 16


def test_suppressed_shows_x_and_low_reliability_shows_u(workbook) -> None:
    header, rows = _table(workbook["Table_1"])
    belfast = _row(header, rows, **{"Area code": "N09000003", "Period": "2011-12"})
    assert list(belfast.values())[5:] == ["[x]", "[x]", "[x]", "Suppressed [x]"]
    burnley = _row(header, rows, **{"Area code": "E07000117", "Period": "2022-23"})
    assert list(burnley.values())[5:] == ["[u]", "[u]", "[u]", "Low reliability [u]"]
    legend = [c.value for c in workbook["Table_1"]["A"][:8]]
    assert any(str(v).startswith("[u] = low reliability") for v in legend)


def test_no_blank_cells_in_tables_and_no_merged_cells(workbook) -> None:
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        if sheet.title != "Cover":
            header, rows = _table(sheet)
            assert all(v is not None and v != "" for r in rows for v in r), sheet.title


def test_spreadsheet_is_byte_identical_on_rerun(data_dir: Path, tmp_path: Path) -> None:
    first = write_spreadsheet(data_dir, tmp_path / "a.xlsx", EDITION).read_bytes()
    assert write_spreadsheet(data_dir, tmp_path / "b.xlsx", EDITION).read_bytes() == first


def test_csv_bundle_round_trips_with_a_data_dictionary(data_dir: Path, tmp_path: Path) -> None:
    written = write_csv_bundle(data_dir, tmp_path)
    assert sorted(p.name for p in written) == [
        "data-dictionary.csv",
        "data-dictionary.md",
        "life_satisfaction_by_area.csv",
        "uk_means_2022_23.csv",
    ]
    for name in ["life_satisfaction_by_area", "uk_means_2022_23"]:
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / f"{name}.csv"), pd.read_csv(data_dir / f"{name}.csv")
        )
    life = pd.read_csv(tmp_path / "life_satisfaction_by_area.csv")
    burnley = life[(life["area_code"] == "E07000117") & (life["period"] == "2022-23")]
    assert burnley["status"].tolist() == ["low_reliability"]
    assert burnley["value"].isna().all()
    dictionary = pd.read_csv(tmp_path / "data-dictionary.csv", keep_default_na=False)
    assert list(dictionary.columns) == ["table", "column", "description", "units", "type"]
    assert len(dictionary) == 9 + 4
    value = dictionary[
        (dictionary["table"] == "uk_means_2022_23") & (dictionary["column"] == "upper_95")
    ]
    assert value[["units", "type"]].values.tolist() == [["mean rating, 0 to 10", "number"]]
    assert (
        "| status | Reliability of the estimate:" in (tmp_path / "data-dictionary.md").read_text()
    )


def test_datapackage_validates_and_lists_every_csv_with_its_licence(
    data_dir: Path, tmp_path: Path
) -> None:
    write_csv_bundle(data_dir, tmp_path)
    path = write_datapackage(data_dir, tmp_path / "datapackage.json", EDITION)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "note"])
    package = json.loads(path.read_text())
    paths = sorted(r["path"] for r in package["resources"])
    assert paths == sorted(p.name for p in tmp_path.glob("*.csv"))
    assert all(r["licenses"] == [OGL] for r in package["resources"])
    assert package["licenses"][0]["path"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    life = next(r for r in package["resources"] if r["name"] == "life_satisfaction_by_area")
    assert life["schema"]["primaryKey"] == ["period", "area_code", "measure", "statistic"]
    types = {f["name"]: f["type"] for f in life["schema"]["fields"]}
    assert types["value"] == "number" and types["period"] == "string"


def test_datapackage_refuses_a_csv_that_differs_from_the_published_one(
    data_dir: Path, tmp_path: Path
) -> None:
    write_csv_bundle(data_dir, tmp_path)
    edited = tmp_path / "uk_means_2022_23.csv"
    edited.write_text(edited.read_text().replace("7.45", "7.46"))
    with pytest.raises(InputError, match="uk_means_2022_23.csv"):
        write_datapackage(data_dir, tmp_path / "datapackage.json", EDITION)


def test_unknown_status_is_named_with_file_row_column_and_value(
    data_dir: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(data_dir / "life_satisfaction_by_area.csv")
    frame.loc[3, "status"] = "provisional"
    save_table(frame, "bad", tmp_path, title="Bad status")
    with pytest.raises(InputError) as err:
        write_csv_bundle(tmp_path, tmp_path / "out")
    assert str(err.value) == (
        "status must be one of published, suppressed, low_reliability, no_estimate, "
        "not_applicable, not_available (file bad.csv, row 5, column 'status', value 'provisional')"
    )


def test_edition_without_release_date_is_refused(data_dir: Path, tmp_path: Path) -> None:
    edition = {k: v for k, v in EDITION.items() if k != "release_date"}
    with pytest.raises(InputError, match="column 'release_date'"):
        write_spreadsheet(data_dir, tmp_path / "x.xlsx", edition)


def test_supporting_statuses_carry_their_markers(tmp_path: Path) -> None:
    """Supporting metrics DEFRA left blank (':') read [x]; ONS's not applicable (z) reads [z]."""
    supporting = pd.read_csv(processed_dir() / "supporting.csv")
    rows = supporting[
        (
            (supporting["metric_id"] == "flytipping_incidents")
            & (supporting["area_code"] == "E06000018")
        )
        & (supporting["period"] == "2012-13")
        | (supporting["metric_id"] == "persistent_absence_looked_after")
        & (supporting["area_code"] == "E09000001")
        & (supporting["period"] == "2018-19")
    ]
    columns = ["metric_id", "period", "area_code", "value", "status"]
    save_table(rows[columns], "supporting", tmp_path, title="Supporting metrics")
    frame = sheet_frame(read_tables(tmp_path)[0])
    assert frame[["Estimate", "Status"]].values.tolist() == [
        ["[x]", "Not available [x]"],
        ["[z]", "Not applicable [z]"],
    ]
