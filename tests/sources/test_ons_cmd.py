"""Tests of the ONS CMD CSV parser on the real published excerpt and on broken fixtures."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from helpers.config import raw_dir
from helpers.errors import InputError
from helpers.sources.ons_cmd import HEADER, OUTPUT_COLUMNS, SOURCE, check_header, read_ons_cmd

EXCERPT = "wellbeing-local-authority-time-series-v4-excerpt.csv"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cmd"


@pytest.fixture(scope="module")
def excerpt():
    """The parsed real excerpt of the published file."""
    return read_ons_cmd(raw_dir() / "ons-personal-wellbeing" / "cmd-format-sample" / EXCERPT)


def _row(table, period, measure, statistic):
    """The single tidy row for one period, measure and statistic."""
    hit = table[table.period.eq(period) & table.measure.eq(measure) & table.statistic.eq(statistic)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_excerpt_keeps_every_row_and_adds_one_headline_row_per_poor_row(excerpt):
    # 28 data rows, 15 of them `poor`: each poor row also gives the headline share.
    assert len(excerpt) == 28 + 15
    assert list(excerpt.columns) == list(OUTPUT_COLUMNS)
    assert sorted(excerpt.source_row.unique()) == list(range(2, 30))
    assert set(excerpt.source) == {SOURCE}
    assert set(excerpt.source_file) == {EXCERPT}


def test_excerpt_high_anxiety_share_outer_london_2022_23(excerpt):
    row = _row(excerpt, "2022-23", "anxiety", "band_6_10")
    assert (row.value, row.lower_95, row.upper_95) == (24.39, 22.55, 26.23)
    assert (row.area_code, row.area_name, row.status) == ("E13000002", "Outer London", "published")
    assert row.source_row == 24
    assert np.isnan(row.cv) and np.isnan(row.sample_size)
    headline = _row(excerpt, "2022-23", "anxiety", "share_low_wellbeing")
    assert (headline.value, headline.lower_95, headline.upper_95) == (24.39, 22.55, 26.23)


def test_excerpt_positive_bands_and_means(excerpt):
    low = _row(excerpt, "2022-23", "life_satisfaction", "share_low_wellbeing")
    assert (low.value, low.lower_95, low.upper_95, low.source_row) == (6.18, 4.95, 7.4, 17)
    assert _row(excerpt, "2022-23", "life_satisfaction", "band_9_10").value == 21.56
    assert _row(excerpt, "2019-20", "life_satisfaction", "band_7_8").value == 52.91
    assert _row(excerpt, "2021-22", "worthwhile", "band_5_6").value == 15.15
    mean = _row(excerpt, "2022-23", "anxiety", "mean")
    assert (mean.value, mean.lower_95, mean.upper_95) == (3.36, 3.24, 3.48)


def test_excerpt_unavailable_rows_have_no_numbers(excerpt):
    unavailable = excerpt[excerpt.status.eq("no_estimate")]
    # 9 rows marked [x] (not available); the worthwhile 2013-14 poor row also gives a headline row.
    assert len(unavailable) == 10 and set(unavailable.marker) == {"[x]"}
    assert unavailable[["value", "lower_95", "upper_95"]].isna().all().all()
    assert not excerpt.status.eq("suppressed").any()
    assert _row(excerpt, "2015-16", "life_satisfaction", "band_5_6").source_row == 2


def test_fixture_maps_every_estimate_code_and_marking():
    table = read_ons_cmd(FIXTURES / "valid.csv")
    assert len(table) == 12 + 4
    bands = table[table.statistic.ne("share_low_wellbeing")]
    statistic = dict(zip(bands.source_row, bands.statistic, strict=True))
    assert [statistic[line] for line in range(2, 7)] == [
        "mean",
        "band_0_4",
        "band_5_6",
        "band_7_8",
        "band_9_10",
    ]
    assert [statistic[line] for line in range(7, 12)] == [
        "mean",
        "band_6_10",
        "band_4_5",
        "band_2_3",
        "band_0_1",
    ]
    status = dict(zip(bands.source_row, bands.status, strict=True))
    assert (status[12], status[13], status[2]) == ("low_reliability", "no_estimate", "published")
    headline = table[table.statistic.eq("share_low_wellbeing")]
    by_line = headline.set_index("source_row")
    assert sorted(by_line.index) == [3, 8, 12, 13]
    assert by_line.value.loc[[3, 8, 12]].tolist() == [5.0, 25.0, 6.0]
    assert by_line.status.loc[[12, 13]].tolist() == ["low_reliability", "no_estimate"]
    assert by_line.marker.loc[[12, 13]].tolist() == ["[u]", "[x]"]


@pytest.mark.parametrize(
    ("name", "problem", "row", "column", "value"),
    [
        ("empty.csv", "empty file", 1, None, None),
        ("header-only.csv", "no data rows", 2, None, None),
        ("renamed-column.csv", "column missing", 1, "Lower limit", ["Lower bound"]),
        ("cp1252.csv", "not UTF-8", 2, "Geography", b"\xf4"),
        ("unknown-estimate.csv", "unknown well-being estimate", 3, "wellbeing-estimate", "median"),
        ("unknown-measure.csv", "unknown measure", 4, "measure-of-wellbeing", "loneliness"),
        ("non-numeric-value.csv", "not a number", 5, "v4_3", "fifty"),
        ("unknown-marking.csv", "unknown data marking", 6, "Data marking", "[q]"),
        ("value-beside-marker.csv", "value given although marked", 6, "v4_3", "25.0"),
        ("mean-out-of-range.csv", "outside 0-10", 7, "v4_3", "10.5"),
        ("share-out-of-range.csv", "0-100", 4, "v4_3", "104.2"),
        ("lower-above-value.csv", "lower limit above", 8, "Lower limit", "25.5"),
        ("value-above-upper.csv", "upper limit below", 9, "Upper limit", "14.5"),
        ("value-under-suppression.csv", "although marked", 13, "v4_3", "9.0"),
        ("short-row.csv", "empty cell", 10, "Estimate", ""),
        ("bad-period.csv", "period not yyyy-yy", 2, "yyyy-yy", "2020"),
        (
            "duplicated-key.csv",
            "duplicated",
            4,
            "yyyy-yy, administrative-geography, measure-of-wellbeing, wellbeing-estimate",
            ("2020-21", "E13000001", "life-satisfaction", "poor"),
        ),
    ],
)
def test_bad_fixture_is_refused_with_its_location(name, problem, row, column, value):
    with pytest.raises(InputError, match=problem) as caught:
        read_ons_cmd(FIXTURES / name)
    err = caught.value
    assert (Path(err.file).name, err.row, err.column, err.value) == (name, row, column, value)


def test_extra_field_is_refused_at_its_line():
    with pytest.raises(InputError, match="more fields than the header's 12") as caught:
        read_ons_cmd(FIXTURES / "extra-field.csv")
    assert caught.value.row == 3
    assert caught.value.value.endswith(",poor,Poor,extra")


def test_check_header_reads_only_the_header():
    check_header(FIXTURES / "valid.csv")
    check_header(FIXTURES / "non-numeric-value.csv")
    with pytest.raises(InputError, match="column missing") as caught:
        check_header(FIXTURES / "error-page.html")
    assert caught.value.column == "v4_3"
    with pytest.raises(InputError, match="empty file"):
        check_header(FIXTURES / "empty.csv")


def _write_synthetic(path: Path, areas: int) -> int:
    """Write a full-size file in the CMD layout: every period, area, measure and estimate."""
    periods = [f"{year}-{(year + 1) % 100:02d}" for year in range(2011, 2023)]
    measures = ["life-satisfaction", "worthwhile", "happiness", "anxiety"]
    estimates = ["average-mean", "poor", "fair", "good", "very-good"]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for period, area, measure, estimate in itertools.product(
            periods, range(areas), measures, estimates
        ):
            value, limit = ("7.5", "0.1") if estimate == "average-mean" else ("20.0", "2.0")
            lower, upper = (f"{float(value) + s * float(limit):.2f}" for s in (-1, 1))
            code = f"E06{area:06d}"
            label = estimate.replace("-", " ").capitalize()
            writer.writerow(
                [value, "", lower, upper, period, period, code, f"Area {area}"]
                + [measure, measure.capitalize(), estimate, label]
            )
            rows += 1
    return rows


def test_full_size_synthetic_file_parses(tmp_path):
    # About the size of the published file: 420 areas x 12 years x 4 measures x 5 estimates.
    path = tmp_path / "synthetic.csv"
    rows = _write_synthetic(path, areas=420)
    assert path.stat().st_size > 9_000_000
    table = read_ons_cmd(path)
    poor = rows // 5
    assert len(table) == rows + poor
    assert table.status.eq("published").all()
    last = table[table.area_code.eq("E06000419") & table.period.eq("2022-23")]
    assert len(last) == 4 * 6
    assert table.value.sum() == pytest.approx(poor * (7.5 + 5 * 20.0))
