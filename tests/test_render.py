"""Rendering pieces: front page, changelog, corrections, versions, archive and the Quarto path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.checksums import sha256_of
from helpers.editions import load_edition
from helpers.errors import InputError
from helpers.outputs import save_table
from helpers.render import (
    archive_html,
    changelog_page,
    front_page,
    quarto_site,
    release_page,
    versions,
)

FIXTURE = Path(__file__).parent / "fixtures" / "editions" / "fixture.yml"


def edition_files(folder: Path) -> Path:
    """Two editions: a published 2024 and a 2025 correction that supersedes it."""
    raw = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    raw["data_snapshot"]["processed_dir"] = str(
        FIXTURE.parent / raw["data_snapshot"]["processed_dir"]
    )
    for section in raw["sections"]:
        section["notebook"] = str(FIXTURE.parent / section["notebook"])
    old = raw | {"edition": "2024", "status": "published"}
    old["data_snapshot"] = raw["data_snapshot"] | {"manifest_sha256": "0" * 64}
    new = raw | {"edition": "2025", "release_date": "2025-02-03"}
    new["corrections"] = [{"date": "2025-02-03", "text": "Fixed a label.", "supersedes": "2024"}]
    for item in (old, new):
        (folder / f"{item['edition']}.yml").write_text(yaml.safe_dump(item), encoding="utf-8")
        (folder / item["edition"]).mkdir()
        (folder / item["edition"] / "index.html").write_text("<html></html>", encoding="utf-8")
    return folder


def test_front_page_links_pdf_sections_and_correction(tmp_path: Path) -> None:
    """The front page links the PDF, numbers the sections and names the superseded edition."""
    folder = edition_files(tmp_path)
    (tmp_path / "data").mkdir()
    page = front_page(load_edition("2025", folder), tmp_path)
    assert '<a href="wellbeing-mission-update-2025.pdf">' in page
    assert ":numbered:\n\nnotebooks/uk-means\nnotebooks/nation-means" in page
    assert 'corrects edition <a href="../2024/index.html">2024</a>: Fixed a label.' in page
    assert "Draft: not an official release. Released 3 February 2025." in page


def test_front_page_lists_pages_and_downloads(tmp_path: Path) -> None:
    """The front page lists the accessibility and release pages, profiles and every download."""
    folder = edition_files(tmp_path)
    data = tmp_path / "data"
    save_table(pd.DataFrame({"measure": ["happiness"], "value": [7.39]}), "uk", data, title="UK")
    (tmp_path / "profiles").mkdir()
    for name in ("index.md", "E06000001.md"):
        (tmp_path / "profiles" / name).write_text("# Profile\n", encoding="utf-8")
    page = front_page(load_edition("2025", folder), tmp_path)
    assert ":maxdepth: 1\n\naccessibility\nrelease\nprofiles/index\n```" in page
    for href in (
        "wellbeing-mission-update-2025.xlsx",
        "data/data-dictionary.csv",
        "data/datapackage.json",
        "data/uk.csv",
    ):
        assert f'<a href="{href}">' in page


def test_release_page_cites_sources_and_snapshot(tmp_path: Path) -> None:
    """The release page cites the edition with the snapshot checksum, sources and licences."""
    edition = load_edition("2025", edition_files(tmp_path))
    page = release_page(edition)
    manifest = edition.processed_dir / "manifest.json"
    assert f"Data snapshot (SHA-256): `{sha256_of(manifest)}`" in page
    assert "Well-being mission progress update*, 2025 edition. Released 3 February 2025." in page
    assert "Office for National Statistics: [Explore Local Statistics, personal well-being" in page
    assert "Open Government Licence v3.0" in page and "Open Innovations, MIT licence" in page
    assert "Contains OS data © Crown copyright" in page
    assert "## Changes and corrections" in page


def test_changelog_lists_changes_and_corrections(tmp_path: Path) -> None:
    """The changelog shows dated changes and the correction with a link to the old edition."""
    page = changelog_page(load_edition("2025", edition_files(tmp_path)))
    assert "- 2024-11-28: First edition." in page
    assert (
        '- 2025-02-03: correction, supersedes edition <a href="../2024/index.html">2024</a>' in page
    )


def test_versions_and_archive(tmp_path: Path) -> None:
    """Switcher lists newest first, prefers the latest published; archive shows status and date."""
    folder = edition_files(tmp_path)
    assert versions(folder, folder, "/") == [
        {"name": "2025 (draft)", "version": "2025", "url": "/2025/"},
        {"name": "2024 (published)", "version": "2024", "url": "/2024/", "preferred": True},
    ]
    page = archive_html(folder, folder)
    assert page.index(">2025</a>") < page.index(">2024</a>")
    assert "<td>published</td><td>2024-11-28</td>" in page
    assert "corrects edition 2024" in page


@pytest.mark.skipif(shutil.which("quarto") is not None, reason="quarto is installed here")
def test_quarto_renderer_without_quarto_says_so(tmp_path: Path) -> None:
    """Without quarto on PATH the quarto renderer stops with a clear message."""
    with pytest.raises(InputError, match="needs the `quarto` command on PATH"):
        quarto_site(load_edition("2025", edition_files(tmp_path)), tmp_path, "# Release\n")


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_quarto_renders_the_fixture_edition(tmp_path: Path) -> None:
    """With quarto installed, the quarto renderer builds the site over the executed notebooks."""
    from helpers.build import build_edition

    target = build_edition("fixture", renderer="quarto", editions=FIXTURE.parent, output=tmp_path)
    assert "7.45" in (target / "notebooks" / "uk-means.html").read_text(encoding="utf-8")
