"""The processed snapshot: real values, every source cell accounted for, determinism, bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import cli, dataset, raw
from helpers.checksums import sha256_of
from helpers.config import processed_dir, raw_dir
from tests.sources.workbook_edit import copy_workbook

WELLBEING = Path("ons-personal-wellbeing")
WORKBOOKS = WELLBEING / "geographical-breakdown-2011-12-to-2014-15"
WB_2014 = WORKBOOKS / "geographicbreakdownreferencetable_tcm77-417203.xls"
ELS = WELLBEING / "explore-local-statistics" / "personal-wellbeing-estimates.csv"
REAL = raw_dir()  # the repository's raw folder, before any test points WELLBEING_RAW_DIR elsewhere


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    """The committed processed table, one preferred row per estimate."""
    return dataset.load_estimates()


def one(df: pd.DataFrame, period: str, code: str, measure: str, statistic: str) -> pd.Series:
    """The single row for a key."""
    rows = df[
        (df.period == period)
        & (df.area_code == code)
        & (df.measure == measure)
        & (df.statistic == statistic)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


V4_POOR = "ons_cmd_wellbeing_local_authority_v4_poor"


def test_uk_low_life_satisfaction_revised_and_first_published_2014_15():
    table = dataset.load_estimates(preferred_only=False)
    rows = table[
        (table.period == "2014-15")
        & (table.area_code == "K02000001")
        & (table.measure == "life_satisfaction")
        & (table.statistic == "share_low_wellbeing")
    ].set_index("source")
    revised, first = rows.loc[V4_POOR], rows.loc["ons_apw_geographical_breakdown"]
    assert (revised.value, revised.lower_95, revised.upper_95) == (4.74, 4.61, 4.87)
    assert bool(revised.preferred) and not bool(first.preferred)  # the latest release wins
    assert (first.value, first.lower_95, first.upper_95) == (4.80, 4.66, 4.93)  # kept


@pytest.mark.parametrize(
    ("period", "value", "lower", "upper"),
    [("2018-19", 4.37, 4.23, 4.51), ("2022-23", 5.73, 5.49, 5.98)],
)
def test_uk_low_life_satisfaction_from_the_v4_series(committed, period, value, lower, upper):
    row = one(committed, period, "K02000001", "life_satisfaction", "share_low_wellbeing")
    assert (row.value, row.lower_95, row.upper_95) == (value, lower, upper)
    assert row.source == V4_POOR and row.status == "published" and row.marker == ""


def test_hartlepool_low_happiness_2018_19(committed):
    # Line 15748 of the v4 "poor" file: 9.9 (7.72 to 12.07).
    row = one(committed, "2018-19", "E06000001", "happiness", "share_low_wellbeing")
    assert (row.value, row.lower_95, row.upper_95, row.source_row) == (9.9, 7.72, 12.07, 15748)
    assert (row.area_level, row.region_code, row.nation_code) == ("ltla", "E12000001", "E92000001")


def test_confidential_cell_is_kept_suppressed_and_never_filled(committed):
    # Line 111: New Forest, low worthwhile 2018-19, marked [c] in place of value and limits.
    row = one(committed, "2018-19", "E07000091", "worthwhile", "share_low_wellbeing")
    assert (row.status, row.marker, row.source_row) == ("suppressed", "[c]", 111)
    assert pd.isna(row.value) and pd.isna(row.lower_95) and pd.isna(row.upper_95)
    assert row.source == V4_POOR  # not replaced by another release or another statistic


def test_v4_markers_are_counted_as_ons_wrote_them():
    table = dataset.load_estimates(preferred_only=False)
    v4 = table[(table.source == V4_POOR) & (table.statistic == "share_low_wellbeing")]
    assert v4.marker.value_counts().to_dict() == {
        "": 17237,
        "[c]": 2269,
        "[x]": 332,
        "[u]": 116,
        "[w]": 110,
    }


@pytest.mark.parametrize(
    ("measure", "value"),
    [("life_satisfaction", 7.45), ("worthwhile", 7.73), ("happiness", 7.39), ("anxiety", 3.23)],
)
def test_uk_means_2022_23_match_the_ons_bulletin(committed, measure, value):
    row = one(committed, "2022-23", "K02000001", measure, "mean")
    assert row.value == value
    assert row.source == "ons_els_personal_wellbeing"


def test_latest_release_is_preferred_and_the_first_release_kept():
    table = dataset.load_estimates(preferred_only=False)
    rows = table[
        (table.period == "2011-12")
        & (table.area_code == "K02000001")
        & (table.measure == "life_satisfaction")
        & (table.statistic == "mean")
    ].set_index("source")
    assert rows.loc["ons_els_personal_wellbeing", "value"] == 7.42  # revised, preferred
    assert bool(rows.loc["ons_els_personal_wellbeing", "preferred"])
    assert rows.loc["ons_apw_geographical_breakdown", "value"] == 7.41  # as first published
    assert not bool(rows.loc["ons_apw_geographical_breakdown", "preferred"])


def test_every_published_cell_of_the_explore_local_statistics_file_is_in_the_table():
    raw = pd.read_csv(raw_dir() / ELS, dtype=str, keep_default_na=False)
    table = dataset.load_estimates(preferred_only=False)
    els = table[table.source == "ons_els_personal_wellbeing"]
    assert len(els) == len(raw) == 20112
    assert int(els.value.notna().sum()) == int((raw.observation != "").sum())
    assert int((els.status == "suppressed").sum()) == int(raw.status.isin(["x", "u"]).sum())
    assert set(els.loc[els.status == "suppressed", "marker"]) == {"x", "u"}


def test_manifest_reconciles_rows_read_with_rows_kept():
    manifest = json.loads((processed_dir() / "manifest.json").read_text())
    table = dataset.load_estimates(preferred_only=False)
    counted = table[table.statistic != "share_low_wellbeing"].groupby("source").size()
    for source in manifest["sources"]:
        if not source["used"]:
            continue
        read = sum(f["rows_read"] for f in source["files"])
        assert read == counted[source["id"]], source["id"]
        parts = sum(
            f["rows_published"] + f["rows_suppressed"] + f["rows_no_estimate"]
            for f in source["files"]
        )
        assert parts == read
    for name, digest in manifest["outputs"].items():
        assert sha256_of(processed_dir() / name) == digest


def test_committed_snapshot_is_what_the_code_builds_and_is_deterministic(tmp_path):
    first = dataset.build_processed(out_dir=tmp_path / "a")
    dataset.build_processed(out_dir=tmp_path / "b")
    names = [p.relative_to(processed_dir()) for p in processed_dir().rglob("*") if p.is_file()]
    for name in sorted(names):
        built = (tmp_path / "a" / name).read_bytes()
        assert built == (tmp_path / "b" / name).read_bytes(), name
        assert built == (processed_dir() / name).read_bytes(), f"{name}: rerun `make data`"
    assert first["source_comparison"]["rows_beyond_rounding"] > 0


# --- bad input stops the build and leaves the previous snapshot untouched --------------------


@pytest.fixture
def raw_copy(tmp_path, monkeypatch) -> Path:
    """A raw folder of links to the real files (and a copy of the manifest), for bad inputs."""
    root = tmp_path / "raw"
    for path in REAL.rglob("*"):
        if path.is_file() and path != raw.manifest_path(REAL):
            target = root / path.relative_to(REAL)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    shutil.copyfile(raw.manifest_path(REAL), raw.manifest_path(root))
    monkeypatch.setenv("WELLBEING_RAW_DIR", str(root))
    return root


@pytest.fixture
def previous(tmp_path) -> Path:
    """A previously built snapshot that a failing build must leave as it was."""
    out = tmp_path / "processed"
    shutil.copytree(processed_dir(), out)
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _replace(root: Path, relative: Path, content: bytes | None = None) -> Path:
    """Replace (or remove) one raw file, as a new release recorded in the manifest would."""
    target = root / relative
    target.unlink()
    if content is not None:
        target.write_bytes(content)
        raw.record(root, relative.as_posix())
    return target


def _record(root: Path, relative: Path) -> None:
    """Record a raw file written by a test in the folder's manifest."""
    raw.record(root, relative.as_posix())


def _fails(raw: Path, out: Path, capsys) -> str:
    before = _snapshot(out)
    code = cli.main(["data", "build", "--raw-dir", str(raw), "--out", str(out)])
    assert code == 2
    assert _snapshot(out) == before
    assert not list(out.parent.glob(".processed.*"))
    return capsys.readouterr().err


def test_missing_file(raw_copy, previous, capsys):
    _replace(raw_copy, WB_2014)
    err = _fails(raw_copy, previous, capsys)
    assert "file listed in the raw manifest not found" in err
    assert "geographicbreakdownreferencetable_tcm77-417203.xls" in err


def test_file_missing_from_manifest_and_folder(raw_copy, previous, capsys):
    _replace(raw_copy, WB_2014)
    text = raw.manifest_path(raw_copy).read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["files"]
    kept = [e for e in entries if e["path"] != WB_2014.as_posix()]
    raw.manifest_path(raw_copy).write_text(yaml.safe_dump({"files": kept}), encoding="utf-8")
    err = _fails(raw_copy, previous, capsys)
    assert "source ons_apw_geographical_breakdown: file not found" in err
    assert "geographicbreakdownreferencetable_tcm77-417203.xls" in err


def test_one_changed_byte_stops_the_build_naming_the_file(raw_copy, previous, capsys):
    data = bytearray((REAL / ELS).read_bytes())
    data[-2] = ord("9") if data[-2] != ord("9") else ord("8")
    target = raw_copy / ELS
    target.unlink()
    target.write_bytes(bytes(data))
    err = _fails(raw_copy, previous, capsys)
    assert "file's bytes differ from the raw manifest" in err
    assert "(file personal-wellbeing-estimates.csv, column 'sha256'" in err


def test_unlisted_file_stops_the_build_naming_it(raw_copy, previous, capsys):
    extra = raw_copy / "supporting" / "new-release.csv"
    extra.write_bytes(b"a,b\n1,2\n")
    err = _fails(raw_copy, previous, capsys)
    assert "file is not listed in the raw manifest" in err
    assert "new-release.csv" in err
    assert hashlib.sha256(b"a,b\n1,2\n").hexdigest() in err  # what to record


def test_raw_manifest_lists_every_raw_file_with_its_provenance():
    entries = raw.verify(REAL)
    assert sorted(entries) == raw.present(REAL)
    for entry in entries.values():
        assert entry["release_url"].startswith("https://"), entry["path"]
        assert entry["licence"] and entry["publisher"] and entry["title"], entry["path"]
    derived = {p for p, e in entries.items() if "derived" in e and ".rda" in e["derived"]}
    assert derived == {
        "supporting/ons-health-index/england_health_index.csv",
        "supporting/ons-health-index/england_health_index_subdomains.csv",
        "supporting/dluhc-temporary-accommodation/england_homelessness.csv",
        "supporting/nhs-rtt-waiting-times/england_rtt_stp.csv",
    }


def test_out_of_range_value(raw_copy, previous, capsys):
    target = _replace(raw_copy, WB_2014)
    bad = lambda s, r, c, v: 104.8 if (s, r, c) == ("Life Satisfaction", 6, 4) else v  # noqa: E731
    copy_workbook(REAL / WB_2014, target, edit=bad)
    _record(raw_copy, WB_2014)
    err = _fails(raw_copy, previous, capsys)
    assert "value outside 0-10 (mean) or 0-100 (share) (2 rows)" in err
    assert (
        "sheet 'Life Satisfaction', row 7, column 'E (share_low_wellbeing value)', value 104.8"
        in err
    )


def test_value_outside_its_limits(raw_copy, previous, capsys):
    target = _replace(raw_copy, WB_2014)
    bad = lambda s, r, c, v: 5.2 if (s, r, c) == ("Happiness", 10, 8) else v  # noqa: E731
    copy_workbook(REAL / WB_2014, target, edit=bad)
    _record(raw_copy, WB_2014)
    err = _fails(raw_copy, previous, capsys)
    assert "value outside its 95% confidence limits" in err
    assert "sheet 'Happiness', row 11, column 'I (mean value)', value 5.2" in err


def test_wrong_encoding(raw_copy, previous, capsys):
    text = (REAL / ELS).read_bytes().replace(b"United Kingdom", "Royaume-Uni é".encode("cp1252"))
    _replace(raw_copy, ELS, text)
    err = _fails(raw_copy, previous, capsys)
    assert "file is not valid utf-8" in err and "personal-wellbeing-estimates.csv" in err


def test_empty_file(raw_copy, previous, capsys):
    _replace(raw_copy, ELS, b"")
    err = _fails(raw_copy, previous, capsys)
    assert "file is empty (file personal-wellbeing-estimates.csv)" in err


def test_renamed_column(raw_copy, previous, capsys):
    text = (REAL / ELS).read_bytes().replace(b",lci_95,", b",lower_ci,", 1)
    _replace(raw_copy, ELS, text)
    err = _fails(raw_copy, previous, capsys)
    assert "missing column(s) ['lci_95']" in err and "column 'lci_95'" in err


def test_unknown_area_code_names_the_raw_file_and_row(raw_copy, previous, capsys):
    original = (REAL / ELS).read_bytes()
    line = original[: original.index(b"\nE06000001,")].count(b"\n") + 2
    _replace(raw_copy, ELS, original.replace(b"\nE06000001,", b"\nE06999999,", 1))
    err = _fails(raw_copy, previous, capsys)
    assert "no region or nation found for area code in any lookup" in err
    assert f"(file personal-wellbeing-estimates.csv, row {line}, column 'area_code'" in err
    assert "value 'E06999999'" in err


def test_raw_folder_missing(tmp_path, previous, capsys):
    err = _fails(tmp_path / "nowhere", previous, capsys)
    assert "raw-data folder not found (file nowhere)" in err


def test_every_area_in_every_period_has_a_region_and_nation():
    table = dataset.load_estimates(preferred_only=False)
    ltla = table[table.area_level == "ltla"]
    assert ltla.region_code.notna().all() and ltla.nation_code.notna().all()
    nations = ltla.drop_duplicates("area_code").set_index("area_code").nation_code
    assert nations["95A"] == "N92000002"  # Northern Ireland pre-2015 district, flagged later
    assert nations["W06000015"] == "W92000004"  # Cardiff
    counts = ltla.groupby(["source", "period"]).area_code.nunique()
    workbooks = counts["ons_apw_geographical_breakdown"]
    # 380 British districts, plus Northern Ireland's 26 old districts to 2013-14, then 11.
    assert workbooks.to_dict() == {"2011-12": 406, "2012-13": 406, "2013-14": 406, "2014-15": 391}
    assert set(counts["ons_els_personal_wellbeing"]) == {374}  # 2022 districts, all years
