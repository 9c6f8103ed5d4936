"""Citation and sources blocks built from a manifest of real raw files."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest

from helpers.citation import cite_block, edition_fields, sources_block
from helpers.config import raw_dir
from helpers.errors import InputError

ELS = "ons-personal-wellbeing/explore-local-statistics/personal-wellbeing-estimates.csv"
EDITION = {
    "title": "Well-being mission progress update",
    "edition": "2024",
    "release_date": "2024-11-07",
    "publisher": "HM Government",
    "url": "https://example.gov.uk/wellbeing-mission/2024",
}
OGL_LINK = (
    "[Open Government Licence v3.0]"
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"
)


def _sha256(relative: str) -> str:
    """Checksum of a raw file, as the processed manifest records it."""
    return hashlib.sha256((raw_dir() / relative).read_bytes()).hexdigest()


@pytest.fixture
def manifest() -> dict[str, Any]:
    """A processed-data manifest: the full ONS series absent, Explore Local Statistics used."""
    return {
        "sources": [
            {
                "id": "ons_cmd_wellbeing_local_authority_v4",
                "title": "Personal well-being estimates by local authority, time series, version 4",
                "publisher": "Office for National Statistics",
                "url": "https://www.ons.gov.uk/datasets/wellbeing-local-authority/editions/time-series/versions/4",
                "licence": "Open Government Licence v3.0",
                "release": "current official series",
                "used": False,
                "reason": "file absent",
                "files": [],
            },
            {
                "id": "ons_els_personal_wellbeing",
                "title": "Explore Local Statistics, personal well-being estimates",
                "publisher": "Office for National Statistics",
                "url": "https://explore-local-statistics.beta.ons.gov.uk/",
                "licence": "Open Government Licence v3.0",
                "release": "revised series, means 2011-12 to 2022-23",
                "used": True,
                "files": [{"path": ELS, "sha256": _sha256(ELS)}],
            },
        ]
    }


def test_cite_block_names_edition_date_url_code_and_snapshot() -> None:
    sha = _sha256(ELS)
    block = cite_block(EDITION, "v2024.1-3-g1a2b3c4", sha)
    assert block.splitlines() == [
        "## Cite this release",
        "",
        "HM Government (2024). *Well-being mission progress update*, 2024 edition. "
        "Released 7 November 2024. https://example.gov.uk/wellbeing-mission/2024",
        "",
        "- Code version: `v2024.1-3-g1a2b3c4`",
        f"- Data snapshot (SHA-256): `{sha}`",
    ]


def test_cite_block_marks_an_unset_url_as_a_placeholder() -> None:
    edition = {k: v for k, v in EDITION.items() if k != "url"}
    assert "Released 7 November 2024. [web address to be confirmed]" in cite_block(
        edition, "1a2b3c4", _sha256(ELS)
    )


def test_cite_block_refuses_a_checksum_that_is_not_sha256() -> None:
    with pytest.raises(ValueError, match="not a SHA-256 hex digest: 'abc'"):
        cite_block(EDITION, "1a2b3c4", "abc")


def test_edition_without_title_is_named() -> None:
    edition = {k: v for k, v in EDITION.items() if k != "title"}
    with pytest.raises(InputError, match="lacks a required field .*column 'title'"):
        edition_fields(edition)


def test_edition_release_date_may_be_a_yaml_date_or_iso_text() -> None:
    as_date = edition_fields(EDITION | {"release_date": date(2024, 11, 7)})
    assert as_date["release_date"] == edition_fields(EDITION)["release_date"]
    with pytest.raises(InputError, match="value '7/11/2024'"):
        edition_fields(EDITION | {"release_date": "7/11/2024"})


def test_sources_block_lists_used_sources_with_publisher_and_licence(manifest) -> None:
    lines = sources_block(manifest).splitlines()
    assert lines[:4] == [
        "## Sources",
        "",
        "- Office for National Statistics: [Explore Local Statistics, personal well-being "
        "estimates](https://explore-local-statistics.beta.ons.gov.uk/) (revised series, means "
        f"2011-12 to 2022-23). Licence: {OGL_LINK}.",
        "",
    ]
    assert not any("version 4" in line for line in lines)


def test_sources_block_credits_the_map_layers(manifest) -> None:
    block = sources_block(manifest)
    assert "- Hexagon layout of local authorities: © Open Innovations, MIT licence." in block
    assert "Contains OS data © Crown copyright and database right." in block


def test_source_without_licence_is_named_by_row_and_id(manifest) -> None:
    del manifest["sources"][1]["licence"]
    with pytest.raises(InputError) as err:
        sources_block(manifest)
    assert str(err.value) == (
        "source lacks a required field (file manifest.json, sheet 'sources', row 1, "
        "column 'licence', value 'ons_els_personal_wellbeing')"
    )
