"""End to end: real papermill, Sphinx and Typst over the fixture edition and the raw ONS means."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers.build import BuildError, build_edition, data_hashes, pdf_pages
from helpers.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = FIXTURES / "notebooks"
PROCESSED = Path(__file__).parents[1] / "data" / "processed"


def write_edition(folder: Path, name: str, **changes: object) -> Path:
    """Copy the fixture edition to a folder under a name, with absolute notebook paths."""
    raw = yaml.safe_load((FIXTURES / "editions" / "fixture.yml").read_text(encoding="utf-8"))
    raw["edition"] = name
    raw["data_snapshot"]["processed_dir"] = str(FIXTURES / "editions" / "../../../data/processed")
    for section in raw["sections"]:
        section["notebook"] = str(NOTEBOOKS / Path(section["notebook"]).name)
    raw.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    """Text of a PDF as poppler reads it."""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the fixture edition once for the module."""
    root = tmp_path_factory.mktemp("build")
    editions = root / "editions"
    write_edition(editions, "fixture")
    output = root / "output"
    target = build_edition("fixture", editions=editions, output=output)
    return {"editions": editions, "output": output, "target": target}


@pytest.mark.slow
def test_site_shows_the_numbers_the_notebooks_computed(built: dict[str, Path]) -> None:
    """UK 2022-23 means (ONS bulletin: 7.45, 7.73, 7.39, 3.23) reach the HTML pages."""
    target = built["target"]
    page = (target / "notebooks" / "uk-means.html").read_text(encoding="utf-8")
    for value in ("7.45", "7.73", "7.39", "3.23", "7.43 to 7.47"):
        assert value in page
    assert 'alt="Bar chart of UK mean ratings in 2022-23: Anxiety 3.23;' in page
    assert '<span class="caption-number">Figure 1.1 </span>' in page
    assert "<caption>UK mean ratings with 95% confidence limits, 2022-23</caption>" in page
    nations = (target / "notebooks" / "nation-means.html").read_text(encoding="utf-8")
    assert "Northern Ireland" in nations and "7.63" in nations
    front = (target / "index.html").read_text(encoding="utf-8")
    assert 'href="wellbeing-mission-update-fixture.pdf"' in front
    assert 'href="data/uk-means.csv"' in front


@pytest.mark.slow
def test_pdf_has_title_page_figures_and_numbers(built: dict[str, Path]) -> None:
    """The PDF carries the title, release date, contents, numbered sections, captions, values."""
    pdf = built["target"] / "wellbeing-mission-update-fixture.pdf"
    text = pdf_text(pdf)
    for expected in (
        "Well-being mission progress update",
        "Released 28 November 2024",
        "Contents",
        "1 UK personal well-being",
        "2 Life satisfaction in the four nations",
        "Figure 1: UK mean well-being ratings, 2022-23",
        "Table 1: UK mean ratings",
        "7.45",
        "7.63",
    ):
        assert expected in text
    assert ":::{figure}" not in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Title:           Well-being mission progress update fixture" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])


@pytest.mark.slow
def test_outputs_data_archive_and_no_build_litter(built: dict[str, Path]) -> None:
    """Data CSVs hold the ONS values; archive and versions list the edition; no doctrees."""
    target, output = built["target"], built["output"]
    csv = (target / "data" / "uk-means.csv").read_text(encoding="utf-8")
    assert "Satisfaction,7.45,7.43,7.47" in csv
    assert not (target / ".doctrees").exists() and not (output / "jupyter_execute").exists()
    assert not list((output / ".building" / "fixture").iterdir())
    assert '<a href="fixture/index.html">fixture</a>' in (output / "index.html").read_text()
    assert '"url": "/fixture/"' in (output / "versions.json").read_text()


@pytest.mark.slow
def test_unchanged_rebuild_skips_and_keeps_output(built: dict[str, Path], capsys) -> None:
    """A rebuild with no changed input executes nothing and leaves the output untouched."""
    index = built["target"] / "index.html"
    before = index.stat().st_mtime_ns
    sections = sorted((built["output"] / ".cache" / "sections").iterdir())
    build_edition("fixture", editions=built["editions"], output=built["output"])
    assert index.stat().st_mtime_ns == before
    assert sorted((built["output"] / ".cache" / "sections").iterdir()) == sections
    assert "edition fixture: all sections unchanged, output kept;" in capsys.readouterr().out


@pytest.mark.slow
def test_build_says_what_it_made(tmp_path: Path, capfd) -> None:
    """One summary line (sections executed or reused, pages, PDF pages, data files, where), and
    no kernel warnings about unencrypted TCP: kernels talk over local IPC sockets."""
    editions = tmp_path / "editions"
    write_edition(editions, "fixture")
    target = build_edition("fixture", editions=editions, output=tmp_path / "output")
    pdf = target / "wellbeing-mission-update-fixture.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)[1])
    assert pdf_pages(pdf) == pages
    html = len(list(target.rglob("*.html")))
    data = sorted(p.name for p in (target / "data").glob("*.csv"))
    assert "uk-means.csv" in data
    out, err = capfd.readouterr()
    assert line_of(out).startswith(
        f"edition fixture: 2 section(s) executed, 0 reused, 0 page(s) copied; {html} web pages, "
        f"{pages} PDF pages, {len(data)} data files; open {target / 'index.html'} ("
    )
    assert "without encryption" not in err and "WARNING" not in err


def line_of(out: str) -> str:
    """The last line printed."""
    return out.strip().splitlines()[-1]


@pytest.mark.slow
def test_failing_cell_stops_build_and_keeps_previous(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """A failing cell names notebook, cell and error; the previous edition stays intact."""
    editions = tmp_path / "editions"
    path = write_edition(editions, "fixture")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["sections"].append({"notebook": str(NOTEBOOKS / "fails.ipynb"), "title": "Fails"})
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    index = built["target"] / "index.html"
    digest = hashlib.sha256(index.read_bytes()).hexdigest()
    with pytest.raises(BuildError) as err:
        build_edition("fixture", editions=editions, output=built["output"])
    message = str(err.value)
    assert "ZeroDivisionError" in message and "fails.ipynb" in message
    assert err.value.cell is not None and f"cell {err.value.cell}" in message
    assert "parameters: " in message and "latest_period='2022-23'" in message
    assert hashlib.sha256(index.read_bytes()).hexdigest() == digest
    assert not list((built["output"] / ".building" / "fixture").iterdir())


def test_missing_notebook_fails_clearly(tmp_path: Path) -> None:
    """A section whose notebook does not exist yet stops the build, naming the notebook."""
    editions = tmp_path / "editions"
    path = write_edition(editions, "fixture")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["sections"] = [{"notebook": str(tmp_path / "05-missing.ipynb"), "title": "Missing"}]
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(BuildError, match="does not exist.*05-missing.ipynb"):
        build_edition("fixture", editions=editions, output=tmp_path / "output")


@pytest.mark.slow
def test_published_edition_needs_force_and_matches_lock(tmp_path: Path) -> None:
    """A published edition writes its lock, refuses rebuilds without force, rebuilds to the lock."""
    processed = tmp_path / "processed"
    processed.mkdir()
    shutil.copy2(PROCESSED / "manifest.json", processed / "manifest.json")
    sha = hashlib.sha256((processed / "manifest.json").read_bytes()).hexdigest()
    editions, output = tmp_path / "editions", tmp_path / "output"
    path = write_edition(editions, "fixture", status="published")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["data_snapshot"] = {"processed_dir": str(processed), "manifest_sha256": sha}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")

    target = build_edition("fixture", editions=editions, output=output)
    lock = editions / "fixture.lock.json"
    assert lock.is_file() and '"uk-means.csv"' in lock.read_text()
    with pytest.raises(InputError, match="published; rebuild it with --force"):
        build_edition("fixture", editions=editions, output=output)
    shutil.rmtree(output / ".cache")
    build_edition("fixture", force=True, editions=editions, output=output)
    locked = yaml.safe_load(lock.read_text())["data"]
    assert data_hashes(target) == locked
