"""Tests of the Explore Local Statistics reader on the real published files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from helpers.config import raw_dir
from helpers.errors import InputError
from helpers.sources.explore_local_statistics import normalise_period, read_els

WELLBEING = Path("ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv")
ELS = Path("supporting/explore-local-statistics")


def _raw(relative: Path) -> Path:
    """Locate a raw file in the configured raw-data folder."""
    return raw_dir() / relative


def _lines(relative: Path) -> list[str]:
    """Return the lines of a real raw file, to build bad copies of it."""
    return _raw(relative).read_text(encoding="utf-8").splitlines()


def test_uk_life_satisfaction_2022_23_matches_the_bulletin() -> None:
    table = read_els(_raw(WELLBEING))
    row = table[table["source_row"] == 15087].iloc[0]
    assert (row["area_code"], row["indicator"], row["period"]) == (
        "K02000001",
        "Satisfaction",
        "2022-23",
    )
    assert (row["value"], row["lower_95"], row["upper_95"]) == (7.45, 7.43, 7.47)
    assert row["status"] == "published"


def test_every_line_becomes_one_row() -> None:
    table = read_els(_raw(WELLBEING))
    assert len(table) == len(_lines(WELLBEING)) - 1
    assert table["source_row"].tolist() == list(range(2, len(table) + 2))


def test_markers_are_kept_with_their_status() -> None:
    table = read_els(_raw(WELLBEING)).set_index("source_row")
    burnley = table.loc[507]
    assert (burnley["area_name"], burnley["status_raw"], burnley["status"]) == (
        "Burnley",
        "u",
        "low_reliability",
    )
    assert math.isnan(burnley["value"])
    assert table["status"].value_counts().to_dict() == {
        "published": 19616,
        "suppressed": 380,
        "low_reliability": 116,
    }


def test_not_applicable_and_confidential_markers() -> None:
    path = _raw(
        ELS
        / "persistent-absences-for-pupils-looked-after-by-local-authorities"
        / "persistent-absences-for-pupils-looked-after-by-local-authorities.csv"
    )
    table = read_els(path)
    counts = table.groupby(["status_raw", "status"]).size().to_dict()
    assert counts == {
        ("", "published"): 961,
        ("c", "suppressed"): 13,
        ("x", "suppressed"): 163,
        ("z", "not_applicable"): 11,
    }
    city = table.set_index("source_row").loc[666]
    assert (city["area_name"], city["period"], city["status"]) == (
        "City of London",
        "2022-23",
        "not_applicable",
    )


def test_claimant_count_birmingham_2019() -> None:
    table = read_els(_raw(ELS / "claimant-count/claimant-count.csv"))
    row = table[(table["area_code"] == "E08000025") & (table["period"] == "2019")].iloc[0]
    assert (row["value"], row["unit"], row["source_row"]) == (6.1, "%", 3552)


def test_periods_of_each_shape() -> None:
    assert normalise_period("2011-04-01/P1Y") == "2011-12"
    assert normalise_period("2019-01-01/P1Y") == "2019"
    assert normalise_period("2006-08-01/P1Y") == "2006-07"
    assert normalise_period("2011-01-01/P3Y") == "2011-13"
    assert normalise_period("2099-01-01/P3Y") == "2099-01"
    assert normalise_period("2025-04-30") == "2025"
    assert normalise_period("April 2025") is None


def test_healthy_life_expectancy_three_year_period() -> None:
    table = read_els(_raw(ELS / "healthy-life-expectancy/healthy-life-expectancy.csv"))
    row = table.set_index("source_row").loc[87]
    assert (row["area_name"], row["period"], row["value"]) == ("Hartlepool", "2022-24", 52.1)
    assert (row["lower_95"], row["upper_95"]) == (48.5, 55.7)


def test_pay_reference_date_gives_the_year() -> None:
    table = read_els(_raw(ELS / "gross-median-weekly-pay/gross-median-weekly-pay.csv"))
    row = table.set_index("source_row").loc[3579]
    assert (row["period_raw"], row["period"], row["status"]) == (
        "2024-04-17",
        "2024",
        "low_reliability",
    )


def _write(tmp_path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """Write a bad copy of a raw file into the test's own folder."""
    path = tmp_path / "personal-wellbeing-estimates.csv"
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"file not found \(file absent.csv\)"):
        read_els(tmp_path / "absent.csv")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file is empty"):
        read_els(_write(tmp_path, []))


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no data rows"):
        read_els(_write(tmp_path, _lines(WELLBEING)[:1]))


def test_renamed_column(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:3]
    lines[0] = lines[0].replace("observation", "obs_value")
    with pytest.raises(InputError) as caught:
        read_els(_write(tmp_path, lines))
    message = str(caught.value)
    assert "missing column(s) ['observation']" in message
    assert "columns not expected: ['obs_value']" in message
    assert "file personal-wellbeing-estimates.csv" in message
    assert "column 'observation'" in message


def test_text_in_a_numeric_cell(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:4]
    lines[2] = lines[2].replace(",3.23,", ",n/a,")
    with pytest.raises(InputError) as caught:
        read_els(_write(tmp_path, lines))
    assert str(caught.value) == (
        "not a number or a known marker (file personal-wellbeing-estimates.csv, row 3, "
        "column 'observation', value 'n/a')"
    )


def test_unknown_marker(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:3]
    lines[1] = lines[1].removesuffix(",,") + ",[x],"
    with pytest.raises(
        InputError, match=r"unknown status marker .*row 2, column 'status', value '\[x\]'"
    ):
        read_els(_write(tmp_path, lines))


def test_unrecognised_period(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:3]
    lines[2] = lines[2].replace("2022-04-01/P1Y", "2022/23")
    with pytest.raises(InputError, match=r"row 3, column 'period', value '2022/23'"):
        read_els(_write(tmp_path, lines))


def test_wrong_encoding(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:4]
    lines[3] = lines[3].replace("United Kingdom", "Royaume-Uni é")
    path = _write(tmp_path, lines, encoding="latin-1")
    with pytest.raises(InputError, match=r"not valid utf-8-sig text .*row 4, value b'\\xe9'"):
        read_els(path)


def test_ragged_row(tmp_path: Path) -> None:
    lines = _lines(WELLBEING)[:3]
    lines[2] += ",extra"
    with pytest.raises(InputError, match="row 3"):
        read_els(_write(tmp_path, lines))
