"""End to end on the real default edition: the ONS figures reach the site, the PDF and the data.

The edition is built once per session (tests/publishing.py). Expected values are the ONS
published UK estimates: 2022-23 mean ratings from the revised series (life satisfaction 7.45,
worthwhile 7.73, happiness 7.39, anxiety 3.23) and the 2014-15 share with low life satisfaction
as first published (4.80%).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from helpers.build import build_edition, data_hashes
from helpers.checksums import sha256_of
from helpers.config import processed_dir
from helpers.dataset import load_estimates, load_supporting
from helpers.editions import editions_dir, load_edition
from helpers.errors import InputError
from tests.publishing import DEFAULT_EDITION, built_default_edition, default_pdf

pytestmark = pytest.mark.slow
UK = "K02000001"
MEANS_2022 = {"life_satisfaction": 7.45, "worthwhile": 7.73, "happiness": 7.39, "anxiety": 3.23}
# The sentences the headline section generates from the ONS shares (revised series, v4) and
# their 95% limits: the mission's headline metric, 2018-19 against 2022-23.
STATED = (
    "The UK share with low life satisfaction was 5.73% (95% CI 5.49% to 5.98%) in 2022-23, "
    "against 4.37% (95% CI 4.23% to 4.51%) in 2018-19",
    "The UK share with low worthwhile was 4.50% (95% CI 4.27% to 4.74%) in 2022-23, "
    "against 3.66% (95% CI 3.52% to 3.79%) in 2018-19",
    "The UK share with low happiness was 8.93% (95% CI 8.63% to 9.24%) in 2022-23, "
    "against 7.90% (95% CI 7.72% to 8.08%) in 2018-19",
    "The UK share with high anxiety was 23.36% (95% CI 22.92% to 23.81%) in 2022-23, "
    "against 19.76% (95% CI 19.47% to 20.05%) in 2018-19",
)


def words(text: str) -> str:
    """Text with every run of whitespace made one space, so wrapped lines compare."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def edition_dir() -> Path:
    """The built default edition."""
    return built_default_edition()


def test_data_csvs_hold_the_ons_estimates(edition_dir: Path) -> None:
    """headline-means and headline-shares carry the UK values with their 95% limits."""
    means = pd.read_csv(edition_dir / "data" / "headline-means.csv")
    uk = means[(means["area_code"] == UK) & (means["period"] == "2022-23")]
    assert dict(zip(uk["measure"], uk["value"], strict=True)) == MEANS_2022
    assert uk.set_index("measure").loc["anxiety", ["lower_95", "upper_95"]].tolist() == [3.2, 3.26]
    shares = pd.read_csv(edition_dir / "data" / "headline-shares.csv")
    uk_life = shares[(shares["area_code"] == UK) & (shares["measure"] == "life_satisfaction")]
    rows = uk_life.set_index("period")[["value", "lower_95", "upper_95", "release"]]
    assert rows.loc["2022-23"].tolist() == [5.73, 5.49, 5.98, "revised series"]
    assert rows.loc["2014-15"].tolist() == [4.74, 4.61, 4.87, "revised series"]


def test_site_states_the_estimates_and_links_everything(edition_dir: Path) -> None:
    """The headline page states the values; the front page links sections, pages, downloads."""
    page = words((edition_dir / "notebooks" / "01-headline-metrics.html").read_text("utf-8"))
    for sentence in STATED:
        assert sentence in page
    assert "7.45 (95% CI 7.43 to 7.47) in 2022-23" in page  # the means, the second basis
    assert page.index(STATED[0]) < page.index("7.45 (95% CI 7.43 to 7.47)")  # shares lead
    assert '<details class="figure-data">' in page and "Show the data:" in page
    front = (edition_dir / "index.html").read_text(encoding="utf-8")
    for href in (
        "notebooks/01-headline-metrics.html",
        "notebooks/04-drivers.html",
        "notebooks/methodology.html",
        "accessibility.html",
        "release.html",
        "wellbeing-mission-update-2024.pdf",
        "wellbeing-mission-update-2024.xlsx",
        "data/datapackage.json",
        "data/data-dictionary.csv",
        "data/headline-means.csv",
    ):
        assert f'href="{href}"' in front
    for linked in ("wellbeing-mission-update-2024.pdf", "data/datapackage.json"):
        assert (edition_dir / linked).is_file()


def test_release_page_cites_snapshot_code_and_sources(edition_dir: Path) -> None:
    """Cite-this-release names the processed manifest's sha256, the code and the licences."""
    page = (edition_dir / "release.html").read_text(encoding="utf-8")
    assert sha256_of(processed_dir() / "manifest.json") in page
    assert "Code version" in page and "Released 28 November 2024" in page
    assert "Open Government Licence v3.0" in page
    assert "Open Innovations, MIT licence" in page
    assert "Contains OS data © Crown copyright and database right" in page
    assert "2024-11-28: First edition." in page


def test_pdf_states_the_estimates(edition_dir: Path) -> None:
    """The PDF text carries the same generated sentences and the release page."""
    done = subprocess.run(["pdftotext", str(default_pdf()), "-"], capture_output=True, text=True)
    text = words(done.stdout)
    for sentence in STATED:
        assert sentence in text
    sections = load_edition(DEFAULT_EDITION).sections
    for number, section in enumerate(sections, 1):
        assert f"{number} {section.title}" in text
    after = len(sections)
    assert f"{after + 1} Accessibility statement" in text
    assert f"{after + 2}.1 Cite this release" in text


def test_downloads_spreadsheet_dictionary_and_package(edition_dir: Path) -> None:
    """Spreadsheet has a sheet per table; data package checksums match the CSVs beside it."""
    data = edition_dir / "data"
    tables = sorted(p.stem for p in data.glob("*.csv") if p.stem != "data-dictionary")
    book = openpyxl.load_workbook(edition_dir / "wellbeing-mission-update-2024.xlsx")
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert len(book.sheetnames) == 3 + len(tables)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    hashes = {r["path"]: r["hash"] for r in package["resources"]}
    assert sorted(hashes) == sorted([f"{t}.csv" for t in tables] + ["data-dictionary.csv"])
    for path, digest in hashes.items():
        assert digest == f"sha256:{sha256_of(data / path)}"
    dictionary = pd.read_csv(data / "data-dictionary.csv")
    assert set(dictionary["table"]) == set(tables)


def published_copy(folder: Path) -> Path:
    """The default edition's YAML as a published edition in another folder (absolute paths)."""
    source = editions_dir() / f"{DEFAULT_EDITION}.yml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    edition = load_edition(DEFAULT_EDITION)
    raw["status"] = "published"
    raw["data_snapshot"] = {
        "processed_dir": str(edition.processed_dir),
        "manifest_sha256": sha256_of(edition.processed_dir / "manifest.json"),
    }
    for item, section in zip(raw["sections"], edition.sections, strict=True):
        item["page" if section.is_page else "notebook"] = str(section.path)
    folder.mkdir()
    path = folder / f"{DEFAULT_EDITION}.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_published_edition_locks_its_data_and_refuses_a_differing_rebuild(
    edition_dir: Path, tmp_path: Path
) -> None:
    """Publishing writes the lock; rebuilding needs --force; a changed CSV hash stops it."""
    editions = tmp_path / "editions"
    published_copy(editions)
    # Beside the session's output root (same depth, so the same relative processed_dir
    # parameter) and with its cache: the executed sections are reused, only rendering runs.
    output = edition_dir.parent.with_name("published")
    shutil.copytree(edition_dir.parent / ".cache" / "sections", output / ".cache" / "sections")
    target = build_edition(DEFAULT_EDITION, editions=editions, output=output)
    lock = json.loads((editions / f"{DEFAULT_EDITION}.lock.json").read_text(encoding="utf-8"))
    assert lock["data"] == data_hashes(edition_dir) == data_hashes(target)
    assert "headline-means.csv" in lock["data"]
    with pytest.raises(InputError, match="published; rebuild it with --force"):
        build_edition(DEFAULT_EDITION, editions=editions, output=output)
    lock["data"]["headline-means.csv"] = "0" * 64
    (editions / f"{DEFAULT_EDITION}.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    (editions / f"{DEFAULT_EDITION}.yml").write_text(
        (editions / f"{DEFAULT_EDITION}.yml").read_text(encoding="utf-8") + "# rebuilt\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="differ from the edition lock.*headline-means.csv"):
        build_edition(DEFAULT_EDITION, force=True, editions=editions, output=output)
    assert "Published." in (target / "index.html").read_text(encoding="utf-8")
    assert data_hashes(target) == {
        **lock["data"],
        "headline-means.csv": sha256_of(target / "data" / "headline-means.csv"),
    }


EXPONENT = re.compile(r"^-?\d+(\.\d+)?[eE][+-]?\d+$")


def test_published_csvs_keep_every_digit_of_the_source() -> None:
    data = built_default_edition() / "data"
    trends = pd.read_csv(data / "supporting-trends.csv", dtype=str, keep_default_na=False)
    england = trends[
        (trends.metric_id == "flytipping_incidents")
        & (trends.area_code == "E92000001")
        & (trends.period == "2016-17")
    ]
    assert england.value.tolist() == ["1011199"]  # DEFRA: 1,011,199 incidents in England
    for path in sorted(data.glob("*.csv")):
        cells = pd.read_csv(path, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if EXPONENT.match(str(c))], path.name
    published = trends.loc[trends.value != ""].astype({"value": float})
    snapshot = load_supporting()
    joined = published.merge(
        snapshot, on=["metric_id", "area_code", "period"], suffixes=("", "_processed")
    )
    assert len(joined) == len(published)  # every published value has its processed row
    assert (joined.value == joined.value_processed).all()  # equal to the last binary digit


ESTIMATE_KEY = ["period", "area_code", "measure", "statistic"]


def test_every_published_estimate_equals_the_snapshot_to_the_last_digit() -> None:
    """Each CSV that republishes estimates (key + value and limits) matches the snapshot."""
    snapshot = load_estimates()
    checked = 0
    for path in sorted((built_default_edition() / "data").glob("*.csv")):
        table = pd.read_csv(path, dtype={"period": str})
        if not {*ESTIMATE_KEY, "value", "lower_95", "upper_95"} <= set(table.columns):
            continue
        joined = table.merge(snapshot, on=ESTIMATE_KEY, suffixes=("", "_processed"))
        assert len(joined) == len(table), path.name
        for column in ("value", "lower_95", "upper_95"):
            same = (joined[column] == joined[f"{column}_processed"]) | (
                joined[column].isna() & joined[f"{column}_processed"].isna()
            )
            assert same.all(), (path.name, column)
        checked += len(table)
    assert checked > 1000


def test_road_to_2030_and_revisions_reach_site_pdf_and_downloads(edition_dir: Path) -> None:
    """The two newer sections: their sentences in the HTML and PDF, their tables in the data."""
    road = (edition_dir / "notebooks" / "06-road-to-2030.html").read_text(encoding="utf-8")
    assert "of 12 regions and nations are on track for a statistically significant" in road
    assert "projections, not forecasts" in road
    table = pd.read_csv(edition_dir / "data" / "road-to-2030.csv")
    north_east = table[(table.area_code == "E12000001") & (table.measure == "life_satisfaction")]
    # Share basis: per cent of North East adults with low life satisfaction, projected.
    assert round(north_east.projected.iloc[0], 2) == 7.11 and set(table.target_period) == {
        "2029-30"
    }
    quality = (edition_dir / "notebooks" / "07-revisions-and-quality.html").read_text("utf-8")
    assert "ONS paused the next" in quality and "deteriorated in quality" in quality
    revised = pd.read_csv(edition_dir / "data" / "revisions.csv")
    hartlepool = revised[
        (revised.area_code == "E06000001")
        & (revised.period == "2014-15")
        & (revised.measure == "life_satisfaction")
    ].set_index("statistic")
    # Mean 7.64 first published, 7.66 revised; share with low life satisfaction 6.72, then 6.66.
    assert hartlepool.revision.round(2).to_dict() == {"mean": 0.02, "share_low_wellbeing": -0.06}
    text = words(
        subprocess.run(
            ["pdftotext", str(default_pdf()), "-"], capture_output=True, text=True
        ).stdout
    )
    assert "regions and nations are on track for a statistically significant improvement" in text
    assert "Revisions between releases" in text and "Revisions (revised" in text  # heading, table
    book = openpyxl.load_workbook(edition_dir / "wellbeing-mission-update-2024.xlsx")
    titles = " ".join(str(book[name]["A1"].value) for name in book.sheetnames)
    assert "Trend, projection and improvement still needed" in titles
