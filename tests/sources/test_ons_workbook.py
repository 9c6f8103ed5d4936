"""The ONS geographical-breakdown workbook parser, on the real 2011-15 workbooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlrd

from helpers.config import raw_dir
from helpers.errors import InputError
from helpers.sources.ons_workbook import read_ons_workbook
from tests.sources.workbook_edit import copy_workbook

FOLDER = raw_dir() / "ons-personal-wellbeing" / "geographical-breakdown-2011-12-to-2014-15"
WB_2011 = FOLDER / "20112012referencetabletcm77332122.xls"
WB_2014 = FOLDER / "geographicbreakdownreferencetable_tcm77-417203.xls"
CODE = re.compile(r"^(?:[EWSNK]\d{8}|95[A-Z]|\*)$")


@pytest.fixture(scope="module")
def year_2014():
    """The 2014-15 workbook, parsed once."""
    return read_ons_workbook(WB_2014)


def pick(df, code, measure, statistic):
    """The one row of an area, measure and statistic."""
    rows = df[(df.area_code == code) & (df.measure == measure) & (df.statistic == statistic)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_uk_low_life_satisfaction_2014_15(year_2014):
    row = pick(year_2014, "K02000001", "life_satisfaction", "share_low_wellbeing")
    assert (row.period, row.value, row.lower_95, row.upper_95) == ("2014-15", 4.80, 4.66, 4.93)
    assert (row.cv, row.sample_size, row.status) == (1.4, 165210.0, "published")
    assert (row.source_sheet, row.source_row, row.source_column) == ("Life Satisfaction", 7, "E")


def test_hartlepool_low_life_satisfaction_2014_15(year_2014):
    row = pick(year_2014, "E06000001", "life_satisfaction", "share_low_wellbeing")
    assert (row.area_name, row.value, row.lower_95, row.upper_95) == (
        "Hartlepool UA",
        6.72,
        5.15,
        8.29,
    )


def test_suppressed_and_no_estimate_keep_their_status(year_2014):
    belfast = pick(year_2014, "N09000003", "life_satisfaction", "band_0_4")
    assert belfast.status == "suppressed" and belfast.marker == "x"
    assert pick(year_2014, "N09000003", "life_satisfaction", "mean").value == 7.65
    scilly = pick(year_2014, "E06000053", "anxiety", "mean")
    assert scilly.status == "no_estimate" and scilly.marker == "#"


def test_anxiety_headline_share_is_the_6_to_10_band():
    df = read_ons_workbook(WB_2011)
    # 2011-12 anxiety has its band labels over the limit columns, not the CV columns.
    row = pick(df, "K02000001", "anxiety", "share_low_wellbeing")
    assert (row.value, row.lower_95, row.upper_95) == (21.76, 21.49, 22.02)
    assert pick(df, "K02000001", "anxiety", "band_6_10").value == 21.76
    assert pick(df, "K02000001", "anxiety", "mean").sd == 2.88


def test_combined_island_area_keeps_its_three_council_codes(year_2014):
    row = pick(year_2014, "S12000013+S12000023+S12000027", "life_satisfaction", "mean")
    assert (row.area_name, row.value) == ("Eilean Siar, Orkney & Shetland", 8.21)


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.xls")), ids=lambda p: p.name[:12])
def test_every_cell_is_accounted_for(path: Path):
    """Every numeric cell of every area row is in the table; every x is a suppressed row."""
    book = xlrd.open_workbook(str(path))
    df = read_ons_workbook(path)
    for sheet in book.sheets()[1:]:
        numbers = markers = 0
        for row in range(sheet.nrows):
            if not CODE.match(str(sheet.cell_value(row, 0)).strip()):
                continue
            for col in range(4, sheet.ncols):
                value = sheet.cell_value(row, col)
                numbers += isinstance(value, float)
                markers += str(value).strip() == "x"
        rows = df[(df.source_sheet == sheet.name) & (df.statistic != "share_low_wellbeing")]
        areas = rows.drop_duplicates("area_code")
        in_table = (
            int(rows[["value", "lower_95", "upper_95", "cv"]].notna().sum().sum())
            + int(rows["sd"].notna().sum())
            + int(areas["sample_size"].notna().sum())
        )
        assert in_table == numbers, sheet.name
        value_markers = int((rows["marker"] == "x").sum())
        limit_markers = markers - value_markers
        assert value_markers == int((rows["status"] == "suppressed").sum())
        assert limit_markers >= 0


# --- bad input: each gives a located, actionable message ------------------------------------


def _edited(tmp_path, **kwargs) -> Path:
    return copy_workbook(WB_2014, tmp_path / "edited.xls", **kwargs)


def _set(sheet_name, row, col, new):
    """An edit that replaces one cell."""
    return lambda s, r, c, v: new if (s, r, c) == (sheet_name, row, col) else v


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"workbook not found \(file absent.xls\)"):
        read_ons_workbook(tmp_path / "absent.xls")


def test_empty_file(tmp_path):
    (tmp_path / "empty.xls").write_bytes(b"")
    with pytest.raises(InputError, match=r"workbook is empty \(0 bytes\) \(file empty.xls\)"):
        read_ons_workbook(tmp_path / "empty.xls")


def test_not_a_workbook(tmp_path):
    (tmp_path / "page.xls").write_text("<html>Not found</html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a readable .xls workbook.*file page.xls"):
        read_ons_workbook(tmp_path / "page.xls")


def test_wrong_sheet(tmp_path):
    path = _edited(tmp_path, rename={"Happiness": "Happy"})
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert "missing ['happiness']" in str(err.value)
    assert "found ['Contents', 'Life Satisfaction', 'Worthwhile', 'Happy', 'Anxiety']" in str(
        err.value
    )


def test_renamed_column(tmp_path):
    path = _edited(tmp_path, edit=_set("Worthwhile", 5, 13, "Lower bound"))
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert str(err.value) == (
        "expected 5 'CV, Lower limit, Upper limit' column groups, found 4 "
        "(file edited.xls, sheet 'Worthwhile', row 6)"
    )


def test_band_label_changed(tmp_path):
    path = _edited(tmp_path, edit=_set("Anxiety", 4, 12, "3-4"))
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert "expected band_2_3, header says 'band_3_4'" in str(err.value)
    assert "sheet 'Anxiety', row 6, column 'M'" in str(err.value)


def test_shifted_header_row_is_read_from_its_text(tmp_path):
    """A blank row inserted above the header moves every row down; values are still right."""
    path = _edited(tmp_path, insert_row={"Life Satisfaction": 1})
    row = pick(read_ons_workbook(path), "K02000001", "life_satisfaction", "share_low_wellbeing")
    assert (row.value, row.source_row) == (4.80, 8)


def test_header_missing(tmp_path):
    path = _edited(tmp_path, edit=_set("Happiness", 5, 0, "Geography"))
    with pytest.raises(InputError, match=r"no header row with 'Area Codes'.*sheet 'Happiness'"):
        read_ons_workbook(path)


def test_non_numeric_cell(tmp_path):
    path = _edited(tmp_path, edit=_set("Life Satisfaction", 11, 4, "n/a"))
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert str(err.value) == (
        "non-numeric cell that is not a known marker (x suppressed, # no estimate) "
        "(file edited.xls, sheet 'Life Satisfaction', row 12, column 'E', value 'n/a')"
    )


def test_duplicated_area(tmp_path):
    path = _edited(tmp_path, edit=_set("Worthwhile", 12, 0, "E06000001"))
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert "area listed twice (first on row 12)" in str(err.value)
    assert "sheet 'Worthwhile', row 13, column 'A', value 'E06000001'" in str(err.value)


def test_unknown_area_code(tmp_path):
    path = _edited(tmp_path, edit=_set("Anxiety", 11, 0, "E0600001"))
    with pytest.raises(InputError) as err:
        read_ons_workbook(path)
    assert str(err.value) == (
        "unknown area code (file edited.xls, sheet 'Anxiety', row 12, column 'A', value 'E0600001')"
    )


def test_wrong_year_in_title(tmp_path):
    edit = lambda s, r, c, v: v.replace("March 2015", "March 2016") if (r, c) == (0, 0) else v  # noqa: E731
    path = _edited(tmp_path, edit=edit)
    with pytest.raises(InputError, match=r"title does not state a financial year.*row 1"):
        read_ons_workbook(path)
