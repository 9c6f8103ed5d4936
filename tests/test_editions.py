"""Edition files: the 2024 edition loads; each kind of mistake names the file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from helpers.editions import list_editions, load_edition, parse_edition
from helpers.errors import InputError

FIXTURE = Path(__file__).parent / "fixtures" / "editions" / "fixture.yml"


def test_2024_edition_parameters() -> None:
    """The 2024 edition gives the notebooks the mission's periods; five notebooks and a page."""
    edition = load_edition("2024")
    assert edition.parameters() == {
        "edition": "2024",
        "latest_period": "2022-23",
        "baseline_period": "2018-19",
        "gap_baseline_periods": ["2016-17", "2017-18", "2018-19"],
        "metric_basis": "share",
        "geography_vintage": 2023,
    }
    assert [s.path.name for s in edition.sections] == [
        "01-headline-metrics.ipynb",
        "02-mission-assessment.ipynb",
        "03-supporting-metrics.ipynb",
        "04-drivers.ipynb",
        "05-maps.ipynb",
        "06-road-to-2030.ipynb",
        "07-revisions-and-quality.ipynb",
        "methodology.md",
    ]
    assert [s.is_page for s in edition.sections] == [False] * 7 + [True]
    assert edition.metadata()["url"] == "[web address to be confirmed]"
    assert edition.lock_path.name == "2024.lock.json"
    assert isinstance(edition.release_date, dt.date)


def fixture_raw() -> dict:
    """The fixture edition as a mapping to alter."""
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("status", "final", r"one of draft, published \(.*column 'status', value 'final'"),
        ("latest_period", "2022-24", r"financial year.*column 'latest_period'.*'2022-24'"),
        ("metric_basis", "median", r"column 'metric_basis'.*value 'median'"),
        ("release_date", "28/11/2024", r"YYYY-MM-DD.*column 'release_date'"),
        ("geography_vintage", "2023", r"column 'geography_vintage'"),
        ("edition", "other", r"match the file name.*column 'edition'.*'other'"),
        ("sections", [], r"non-empty list.*column 'sections'"),
    ],
)
def test_bad_values_name_file_and_key(key: str, value: object, message: str) -> None:
    """Each invalid value is reported with the edition file, the key and the value."""
    raw = fixture_raw() | {key: value}
    with pytest.raises(InputError, match=message) as err:
        parse_edition(FIXTURE, raw)
    assert "(file fixture.yml, column" in str(err.value)


def test_missing_key_and_section_title() -> None:
    """A missing required key, or a section without a title, is named."""
    raw = fixture_raw()
    del raw["baseline_period"]
    with pytest.raises(InputError, match="missing a required key.*column 'baseline_period'"):
        parse_edition(FIXTURE, raw)
    raw = fixture_raw()
    raw["sections"][1] = {"notebook": "x.ipynb"}
    with pytest.raises(InputError, match=r"column 'sections\[1\].title'"):
        parse_edition(FIXTURE, raw)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"title": "T", "page": "m.ipynb"}, r"page must be a \.md file.*sections\[1\]\.page"),
        (
            {"title": "T", "notebook": "m.md"},
            r"notebook must be a \.ipynb.*sections\[1\]\.notebook",
        ),
        ({"title": "T", "notebook": "a.ipynb", "page": "b.md"}, r"notebook or a page, not both"),
        ({"title": "T", "page": "m.md", "parameters": {"x": 1}}, r"not executed: no parameters"),
    ],
)
def test_bad_section_files_are_named(section: dict, message: str) -> None:
    """A page is Markdown, a notebook .ipynb, one of the two; a page takes no parameters."""
    raw = fixture_raw()
    raw["sections"][1] = section
    with pytest.raises(InputError, match=message):
        parse_edition(FIXTURE, raw)


def test_page_section_and_publication_details() -> None:
    """A Markdown page is a section that is not executed; publisher details reach the metadata."""
    raw = fixture_raw() | {"publisher": "Office for National Statistics"}
    raw["sections"].append({"page": "../notebooks/methods.md", "title": "Methods"})
    edition = parse_edition(FIXTURE, raw)
    assert [s.is_page for s in edition.sections] == [False, False, True]
    assert edition.sections[2].path == FIXTURE.parent.parent / "notebooks" / "methods.md"
    assert edition.metadata()["publisher"] == "Office for National Statistics"
    with pytest.raises(InputError, match=r"non-empty text.*column 'contact'"):
        parse_edition(FIXTURE, raw | {"contact": " "})


def test_published_needs_snapshot_sha() -> None:
    """A published edition must name the sha256 of its data snapshot manifest."""
    raw = fixture_raw() | {"status": "published"}
    with pytest.raises(InputError, match="data_snapshot.manifest_sha256"):
        parse_edition(FIXTURE, raw)


def test_unknown_edition_and_bad_yaml(tmp_path: Path) -> None:
    """An absent edition file and unparsable YAML are reported with the file."""
    with pytest.raises(InputError, match="not found.*file 1999.yml"):
        load_edition("1999", tmp_path)
    (tmp_path / "broken.yml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"(?s)not valid YAML.*file broken.yml, row 2"):
        load_edition("broken", tmp_path)


def test_list_editions_in_release_order(tmp_path: Path) -> None:
    """Editions are listed oldest release first, for the archive and the switcher."""
    for name, date in [("b", "2025-01-02"), ("a", "2026-03-04")]:
        raw = fixture_raw() | {"edition": name, "release_date": date}
        (tmp_path / f"{name}.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert [e.name for e in list_editions(tmp_path)] == ["b", "a"]
