"""Area levels, regions, code changes and harmonisation, checked against the real lookups."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import xlrd

from helpers import geography as g
from helpers.config import raw_dir
from helpers.errors import InputError

LOOKUPS = raw_dir() / "geography" / "lookups"
ELS = raw_dir() / "ons-personal-wellbeing" / "explore-local-statistics"
WORKBOOK_2013_14 = (
    raw_dir()
    / "ons-personal-wellbeing"
    / "geographical-breakdown-2011-12-to-2014-15"
    / "referencetable1geographicalbreakdown_tcm77-378058.xls"
)
CHANGES_HEADER = "oldcd,oldnm,newcd,newnm,type,start\n"


def _lookup(name: str) -> pd.DataFrame:
    """A real lookup file as text."""
    return pd.read_csv(LOOKUPS / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def els() -> pd.DataFrame:
    """The real Explore Local Statistics means as tidy rows (2022 codes, 2011-12 to 2022-23)."""
    raw = pd.read_csv(ELS / "personal-wellbeing-estimates.csv", dtype={"areacd": str})
    start = raw["period"].str[:4].astype(int)
    status = raw["status"].map({"x": "suppressed", "u": "low_reliability"}).fillna("published")
    return pd.DataFrame(
        {
            "period": start.astype(str) + "-" + ((start + 1) % 100).map("{:02d}".format),
            "area_code": raw["areacd"],
            "area_name": raw["areanm"],
            "measure": raw["indicator"],
            "statistic": "mean",
            "value": raw["observation"],
            "lower_95": raw["lci_95"],
            "upper_95": raw["uci_95"],
            "status": status.where(raw["observation"].notna(), "suppressed"),
        }
    )


@pytest.fixture(scope="module")
def harmonised_els(els: pd.DataFrame) -> g.Harmonised:
    """The real ELS table harmonised to 2023 codes."""
    return g.harmonise(els, 2023, file="personal-wellbeing-estimates.csv")


# --- levels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("E06000001", "ltla"),  # Hartlepool, unitary
        ("E07000048", "ltla"),  # Christchurch, district
        ("E08000016", "ltla"),  # Barnsley, metropolitan district
        ("E09000001", "ltla"),  # City of London
        ("W06000015", "ltla"),
        ("S12000049", "ltla"),
        ("N09000003", "ltla"),
        ("95A", "ltla"),  # Derry, NI before 2015
        ("E10000006", "county"),
        ("E11000004", "county"),
        ("E12000007", "region"),
        ("E92000001", "nation"),
        ("W92000004", "nation"),
        ("S92000003", "nation"),
        ("N92000002", "nation"),
        ("K02000001", "uk"),
        ("K03000001", "other"),  # Great Britain is not the UK
        ("K04000001", "other"),
        ("E13000001", "other"),
        ("S12000013+S12000023+S12000027", "other"),
    ],
)
def test_area_level(code: str, level: str) -> None:
    assert g.area_level(code) == level


@pytest.mark.parametrize("code", ["E14000530", "E0600001", "96A", "X06000001", "E06000001+95"])
def test_unknown_code_pattern_is_a_located_error(code: str) -> None:
    with pytest.raises(InputError, match="unknown area code pattern") as err:
        g.area_level(code, file="wb.xls", row=7)
    assert "row 7" in str(err.value) and "wb.xls" in str(err.value)


def test_every_els_code_has_a_level(els: pd.DataFrame) -> None:
    levels = g.area_levels(els["area_code"]).groupby(els["area_code"]).first()
    assert levels.value_counts().to_dict() == {
        "ltla": 374,  # the 2022 lower tier
        "county": 24 + 5,
        "region": 9,
        "nation": 4,
        "other": 2,  # Inner and Outer London
        "uk": 1,
    }


# --- code changes ------------------------------------------------------------------------------


def test_christchurch_joins_bcp_in_2019_only() -> None:
    assert g.successor("E07000048", 2018) == "E07000048"
    assert g.successor("E07000048", 2019) == "E06000058"


def test_hartlepool_never_changes() -> None:
    assert {g.successor("E06000001", v) for v in range(2014, 2026)} == {"E06000001"}


@pytest.mark.parametrize("district", ["E07000004", "E07000005", "E07000006", "E07000007"])
def test_buckinghamshire_districts_merge_in_2020(district: str) -> None:
    assert g.successor(district, 2019) == district
    assert g.successor(district, 2020) == "E06000060"


def test_cumbria_districts_go_to_cumberland_or_westmorland_and_furness() -> None:
    assert g.successor("E07000026", 2022) == "E07000026"  # Allerdale
    assert g.successor("E07000026", 2023) == "E06000063"  # Cumberland
    assert g.predecessors("E06000063", 2023) == {"E07000026", "E07000028", "E07000029"}
    assert g.predecessors("E06000064", 2023) == {"E07000027", "E07000030", "E07000031"}


def test_taunton_deane_chains_through_two_mergers() -> None:
    assert g.successor("E07000190", 2019) == "E07000246"  # Somerset West and Taunton
    assert g.successor("E07000190", 2023) == "E06000066"  # Somerset
    assert g.predecessors("E06000066", 2023) == {f"E07000{n}" for n in range(187, 192)}


def test_barnsley_recode_is_one_to_one_from_2025() -> None:
    assert g.successor("E08000016", 2024) == "E08000016"
    assert g.successor("E08000016", 2025) == "E08000038"
    assert g.predecessors("E08000038", 2025) == {"E08000016"}


def test_pre_2014_codes_of_the_workbooks_are_carried_forward() -> None:
    assert g.successor("E06000048", 2014) == "E06000057"  # Northumberland
    assert g.successor("S12000043", 2023) == "S12000049"  # Glasgow City, via S12000046


def test_changes_hold_only_lower_tier_codes() -> None:
    codes = {c.old for c in g.code_changes()} | {c.new for c in g.code_changes()}
    assert all(g.area_level(c) == "ltla" for c in codes)
    # county terminations and combined-authority memberships of the file are left out
    assert "E10000006" not in codes and "E47000011" not in codes


def test_changes_agree_with_the_2016_to_2023_chain_file() -> None:
    chains = _lookup("lookup_ltla_ltla.csv")
    mapped = chains["ltla16_code"].map(lambda c: g.successor(c, 2023))
    differ = chains.loc[mapped != chains["ltla23_code"], ["ltla16_code", "ltla23_code"]]
    # Only the 2018 Fife / Perth and Kinross boundary-overlap rows of the chain file differ.
    assert sorted(map(tuple, differ.to_numpy())) == [
        ("S12000015", "S12000048"),
        ("S12000024", "S12000047"),
    ]


def test_a_split_in_the_change_file_is_an_error(tmp_path) -> None:
    (tmp_path / g.CODE_CHANGES).write_text(
        CHANGES_HEADER
        + "E07000026,Allerdale,E06000063,Cumberland,merger,2023\n"
        + "E07000026,Allerdale,E06000064,Westmorland and Furness,merger,2023\n"
    )
    with pytest.raises(InputError, match="one-to-many split") as err:
        g.code_changes(tmp_path)
    assert "E07000026" in str(err.value)


def test_a_district_ending_without_successor_is_an_error(tmp_path) -> None:
    (tmp_path / g.CODE_CHANGES).write_text(
        CHANGES_HEADER + "E07000026,Allerdale,,,termination,2023\n"
    )
    with pytest.raises(InputError, match="without a lower-tier successor") as err:
        g.code_changes(tmp_path)
    assert "row 2" in str(err.value) and "E07000026" in str(err.value)


# --- vintages, regions and nations ---------------------------------------------------------------


def test_2023_vintage_has_361_lower_tier_areas() -> None:
    areas = g.lower_tier_areas(2023)
    assert len(areas) == 361
    assert set(areas["area_code"]) == set(_lookup("lookup_ltla_ltla.csv")["ltla23_code"])
    assert areas["nation_name"].value_counts().to_dict() == {
        "England": 296,
        "Scotland": 32,
        "Wales": 22,
        "Northern Ireland": 11,
    }
    assert not areas.isna().any().any()


def test_2023_vintage_regions_match_the_ons_region_lookup() -> None:
    areas = g.lower_tier_areas(2023).set_index("area_code")
    lookup = _lookup("lookup_ltla23_region23.csv").set_index("ltla23_code")
    assert areas.loc[lookup.index, "region_code"].tolist() == lookup["region23_code"].tolist()
    assert areas.loc["E06000063", "area_name"] == "Cumberland"


def test_2019_vintage_matches_the_ons_country_lookup() -> None:
    areas = g.lower_tier_areas(2019).set_index("area_code")
    lookup = _lookup("LAD19-to-CTRY19-uk.csv").set_index("LAD19CD")
    assert len(areas) == 382
    assert areas.loc[lookup.index, "nation_code"].tolist() == lookup["CTRY19CD"].tolist()


@pytest.mark.parametrize(
    ("code", "region", "nation"),
    [
        ("W06000015", "W92000004", "W92000004"),  # Cardiff: Wales is its own region
        ("S12000049", "S92000003", "S92000003"),  # Glasgow City
        ("N09000003", "N92000002", "N92000002"),  # Belfast
        ("95Z", "N92000002", "N92000002"),  # Belfast before 2015
        ("E07000026", "E12000002", "E92000001"),  # Allerdale, North West
        ("E10000006", "E12000002", "E92000001"),  # Cumbria county
        ("E11000004", "E12000001", "E92000001"),  # Tyne and Wear before 2014
        ("E06000048", "E12000001", "E92000001"),  # Northumberland before 2014
        ("E08000038", "E12000003", "E92000001"),  # Barnsley, 2025 code
        ("E13000001", "E12000007", "E92000001"),  # Inner London
        ("S12000013+S12000023+S12000027", "S92000003", "S92000003"),
        ("E12000007", "E12000007", "E92000001"),
        ("W92000004", "W92000004", "W92000004"),
        ("K02000001", "K02000001", "K02000001"),
    ],
)
def test_region_and_nation(code: str, region: str, nation: str) -> None:
    out = g.assign_region_nation(pd.DataFrame({"area_code": [code]}))
    assert out.loc[0, ["region_code", "nation_code"]].tolist() == [region, nation]


def test_unassignable_code_is_an_error_naming_it() -> None:
    frame = pd.DataFrame({"area_code": ["E06000001", "E07000999"]})
    with pytest.raises(InputError, match="no region") as err:
        g.assign_region_nation(frame, file="table.csv")
    assert "E07000999" in str(err.value) and "row 1" in str(err.value)


def test_every_els_area_in_every_period_gets_region_and_nation(els: pd.DataFrame) -> None:
    out = g.assign_region_nation(els)
    assert out[["region_code", "nation_code"]].notna().all().all()
    lower = out[g.area_levels(out["area_code"]) == "ltla"]
    assert lower.groupby("nation_code")["area_code"].nunique().to_dict() == {
        "E92000001": 309,
        "N92000002": 11,
        "S92000003": 32,
        "W92000004": 22,
    }


# --- combining -------------------------------------------------------------------------------


def _parts(**columns: list) -> pd.DataFrame:
    """Rows of parts to combine."""
    return pd.DataFrame(columns)


def test_sample_size_weighted_merge_by_hand() -> None:
    parts = _parts(
        area_code=["A", "B", "C"],
        value=[7.0, 7.5, 8.0],
        lower_95=[6.608, 7.304, 7.902],  # se = 0.392/1.96 = 0.2
        upper_95=[7.392, 7.696, 8.098],  # se 0.1 and 0.05
        sample_size=[100, 300, 600],
        status=["published", "low_reliability", "published"],
    )
    out = g.combine_estimates(parts)
    # w = 0.1, 0.3, 0.6; value = 0.7 + 2.25 + 4.8 = 7.75
    # var = 0.01*0.04 + 0.09*0.01 + 0.36*0.0025 = 0.0022; se = 0.0469042
    se = math.sqrt(0.0022)
    assert out["value"] == pytest.approx(7.75)
    assert out["lower_95"] == pytest.approx(7.75 - 1.96 * se)  # 7.658067
    assert out["upper_95"] == pytest.approx(7.841933, abs=1e-6)
    assert out["cv"] == pytest.approx(100 * se / 7.75)
    assert out["sample_size"] == 1000
    assert out["status"] == "low_reliability"  # the worst part
    assert out["merge_weights"] == "sample_size"


def test_equal_weights_and_cv_when_no_sample_size_or_limits() -> None:
    parts = _parts(
        area_code=["A", "B"],
        value=[10.0, 20.0],
        lower_95=[9.608, math.nan],  # se 0.2
        upper_95=[10.392, math.nan],
        cv=[2.0, 3.0],  # B: se = 3% of 20 = 0.6
        sample_size=[math.nan, 50],
        status=["published", "published"],
    )
    out = g.combine_estimates(parts)
    # w = 0.5 each; value 15; var = 0.25*0.04 + 0.25*0.36 = 0.1
    assert out["value"] == pytest.approx(15.0)
    assert out["upper_95"] - out["value"] == pytest.approx(1.96 * math.sqrt(0.1))
    assert out["merge_weights"] == "equal" and math.isnan(out["sample_size"])


def test_nullable_missing_sample_sizes_mean_equal_weights() -> None:
    """The processed table stores sample sizes as nullable Float64: <NA> must read as missing."""
    parts = _parts(
        area_code=["A", "B"],
        value=[7.0, 8.0],
        lower_95=[6.804, 7.804],  # se 0.1 each
        upper_95=[7.196, 8.196],
        sample_size=[math.nan, math.nan],
        status=["published", "published"],
    ).astype({"sample_size": "Float64"})
    out = g.combine_estimates(parts)
    # w = 0.5 each; value = 7.5; var = 0.25*0.01 + 0.25*0.01 = 0.005
    assert out["value"] == pytest.approx(7.5)
    assert out["upper_95"] - out["value"] == pytest.approx(1.96 * math.sqrt(0.005))
    assert out["merge_weights"] == "equal"


def test_no_merged_value_unless_every_part_has_one() -> None:
    parts = _parts(
        area_code=["A", "B"],
        value=[7.0, math.nan],
        lower_95=[6.8, math.nan],
        upper_95=[7.2, math.nan],
        sample_size=[100, 40],
        status=["published", "suppressed"],
    )
    out = g.combine_estimates(parts)
    assert math.isnan(out["value"]) and math.isnan(out["lower_95"])
    assert out["status"] == "no_estimate"
    assert out["reason"] == "no value for B (suppressed)"


# --- harmonisation on the real ELS table ---------------------------------------------------


def test_cumberland_2022_23_life_satisfaction_from_its_three_districts(harmonised_els) -> None:
    table = harmonised_els.table
    row = table[
        (table["period"] == "2022-23")
        & (table["area_code"] == "E06000063")
        & (table["measure"] == "Satisfaction")
    ].iloc[0]
    # ELS 2022-23: Allerdale 7.18 (6.58-7.78), Carlisle 7.97 (7.62-8.32), Copeland 8.23
    # (7.74-8.72); no sample sizes, so w = 1/3: value = 23.38/3 = 7.793333.
    # se = 1.20/3.92, 0.70/3.92, 0.98/3.92; var = (0.306122^2 + 0.178571^2 + 0.25^2)/9
    # = 0.0209 -> se 0.144571, limits 7.793333 -/+ 0.283359.
    assert row["value"] == pytest.approx(7.793333, abs=1e-6)
    assert row["lower_95"] == pytest.approx(7.509975, abs=1e-5)
    assert row["upper_95"] == pytest.approx(8.076692, abs=1e-5)
    assert row["source_area_codes"] == "E07000026+E07000028+E07000029"
    assert row["area_name"] == "Cumberland" and row["merge_weights"] == "equal"


def test_harmonised_els_has_the_2023_areas_in_every_period(harmonised_els) -> None:
    table = harmonised_els.table
    targets = set(g.lower_tier_areas(2023)["area_code"])
    assert table.groupby("period")["area_code"].agg(lambda s: set(s) == targets).all()
    hartlepool = table[table["area_code"] == "E06000001"]
    assert set(hartlepool["harmonisation"]) == {"unchanged"}


def test_a_merged_area_missing_a_part_gets_no_estimate(els: pd.DataFrame) -> None:
    period = els["period"] == "2022-23"
    without_copeland = els[~(period & (els["area_code"] == "E07000029"))]
    table = g.harmonise(without_copeland).table
    row = table[(table["period"] == "2022-23") & (table["area_code"] == "E06000063")]
    assert set(row["status"]) == {"no_estimate"} and row["value"].isna().all()
    assert set(row["reason"]) == {"no data for E07000029"}
    one_row_gone = els[
        ~(period & (els["area_code"] == "E07000029") & (els["measure"] == "Anxiety"))
    ]
    table = g.harmonise(one_row_gone).table
    cumberland = table[(table["period"] == "2022-23") & (table["area_code"] == "E06000063")]
    anxiety = cumberland.set_index("measure").loc["Anxiety"]
    assert anxiety["status"] == "no_estimate" and anxiety["reason"] == "no row for E07000029"
    assert cumberland["value"].notna().sum() == 3


def test_code_newer_than_the_target_vintage_is_an_error(els: pd.DataFrame) -> None:
    newer = els.assign(area_code=els["area_code"].replace({"E07000026": "E06000063"}))
    with pytest.raises(InputError, match="not in, nor mappable to, the 2022 codes") as err:
        g.harmonise(newer, 2022, file="els.csv")
    assert "E06000063" in str(err.value)


def test_duplicate_rows_are_an_error(els: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="duplicate row"):
        g.harmonise(pd.concat([els, els.iloc[[5]]], ignore_index=True))


def test_harmonise_is_deterministic(els: pd.DataFrame, harmonised_els) -> None:
    again = g.harmonise(els, 2023).table
    assert again.to_csv(index=False) == harmonised_els.table.to_csv(index=False)


# --- reconciliation ---------------------------------------------------------------------------


def test_els_reconciliation_counts_add_up(harmonised_els) -> None:
    report = g.reconciliation_report(harmonised_els)
    assert len(report) == 12
    assert (report["las_in"] == 374).all() and (report["las_out"] == 361).all()
    # 2023 mergers: Cumberland 3, Westmorland and Furness 3, North Yorkshire 7, Somerset 4
    assert (report["merged_parts"] == 17).all() and (report["merged_away"] == 13).all()
    assert (report["las_in"] == report["las_out"] + report["merged_away"] + report["flagged"]).all()
    assert (
        report["rows_in"]
        == report["rows_harmonised_in"] + report["rows_flagged"] + report["rows_set_aside"]
    ).all()
    assert "E07000026+E07000028+E07000029->E06000063" in report["merged_list"].iloc[0]


def test_ni_pseudo_codes_are_flagged_not_mapped() -> None:
    sheet = xlrd.open_workbook(WORKBOOK_2013_14).sheet_by_name("Life Satisfaction")
    codes = [c for c in sheet.col_values(0) if g.NI_PSEUDO_CODE.match(str(c))]
    codes += ["N92000002", "E06000001"]
    frame = pd.DataFrame(
        {
            "period": "2013-14",
            "area_code": codes,
            "measure": "life_satisfaction",
            "statistic": "mean",
            "value": 7.5,
            "status": "published",
        }
    )
    result = g.harmonise(frame)
    assert len(result.flagged) == 26
    assert set(result.flagged["harmonisation_note"]) == {g.NI_PSEUDO_NOTE}
    assert result.table["area_code"].tolist() == ["E06000001"]
    line = g.reconciliation_report(result).iloc[0]
    assert (line["las_in"], line["las_out"], line["flagged"], line["other_levels"]) == (
        27,
        1,
        26,
        1,
    )
    assert line["las_in"] == line["las_out"] + line["merged_away"] + line["flagged"]
    assert line["flagged_list"].startswith("95A; 95B")
