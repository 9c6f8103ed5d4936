"""Render an executed edition: the Sphinx + MyST-NB website, the pandoc -> Typst PDF, the archive.

The site is written so that output/<edition>/index.html is its front page; Sphinx's doctrees
and myst-nb's jupyter_execute folder stay in a temporary folder, out of the output. The
converters and the download writers are imported where used, so an unchanged rebuild (which
only rewrites the archive) starts fast.

Pages of the site, in the order of its contents:

1. the edition's sections (executed notebooks and MyST pages, numbered, also in the PDF);
2. the static pages in ``pages/*.md`` at the repository root, in file-name order (also in
   the PDF), such as the accessibility statement;
3. the generated release page: citation, sources and licences, changes and corrections
   (also in the PDF);
4. generated page folders (``GENERATED_PAGES``, e.g. ``profiles/``): a notebook that writes
   MyST ``.md`` or ``.ipynb`` files into ``<edition build>/profiles/`` (``../profiles`` from
   the executed notebook) gets them published on the site, not in the PDF. The folder's
   ``index.md`` (or ``index.ipynb``) is listed in the contents and should hold its own
   toctree of the other pages; without an index every page in the folder is listed.
   The build caches these files with the notebook that wrote them.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from helpers.checksums import sha256_of
from helpers.citation import cite_block, sources_block
from helpers.config import ROOT
from helpers.editions import Edition, list_editions
from helpers.errors import InputError

TEMPLATES = Path(__file__).resolve().parent / "templates"
QUARTO_PROJECT = ROOT / "_quarto.yml"
PAGES = ROOT / "pages"
NOTEBOOKS = "notebooks"
DATA = "data"
RELEASE_PAGE = "release"
FAVICON = "favicon.svg"
# Folders of generated pages a section notebook may write beside data/ (see the module doc).
GENERATED_PAGES = ("profiles",)
PACKAGE = "wellbeing-mission-update"


def pdf_name(edition: Edition) -> str:
    """File name of an edition's PDF, linked from its website."""
    return f"wellbeing-mission-update-{edition.name}.pdf"


def spreadsheet_name(edition: Edition) -> str:
    """File name of an edition's spreadsheet of all its tables."""
    return f"wellbeing-mission-update-{edition.name}.xlsx"


def notebook_paths(edition: Edition, build: Path) -> list[Path]:
    """Executed notebooks and pages of an edition, in section order."""
    return [build / NOTEBOOKS / s.path.name for s in edition.sections]


def static_pages() -> list[Path]:
    """The repository's static MyST pages, in file-name order."""
    return sorted(PAGES.glob("*.md")) if PAGES.is_dir() else []


def generated_page_entries(build: Path) -> list[str]:
    """Contents entries of generated page folders: the folder's index, else all its pages."""
    entries = []
    for folder in GENERATED_PAGES:
        pages = sorted(p for p in (build / folder).glob("*") if p.suffix in {".md", ".ipynb"})
        index = [p for p in pages if p.stem == "index"]
        entries += [f"{folder}/{p.stem}" for p in (index or pages)]
    return entries


def code_version() -> str:
    """The git commit the edition was built from, else the installed package version."""
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=12"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    try:
        return f"version {version(PACKAGE)}"
    except PackageNotFoundError:
        return "version unknown"


def _run(command: list[str], cwd: Path, what: str) -> None:
    """Run a renderer command; on failure raise an error holding its output."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"{what} failed: {(done.stderr or done.stdout)[-2000:]}", file=command[-1])


def notebook_typst(notebook: Path, work: Path) -> str:
    """Typst markup of one executed notebook or MyST page, via pandoc and the publication filter."""
    import pypandoc

    source = "ipynb" if notebook.suffix == ".ipynb" else "markdown"
    command = [
        pypandoc.get_pandoc_path(),
        f"--from={source}",
        "--to=typst",
        f"--lua-filter={TEMPLATES / 'pdf-filter.lua'}",
        "--extract-media=media",
        f"--id-prefix={notebook.stem}-",
        "--wrap=preserve",
        str(notebook),
    ]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"pandoc could not read the section: {done.stderr[-2000:]}", file=notebook)
    return done.stdout


def write_pdf(edition: Edition, build: Path, release: str) -> Path:
    """Write the publication PDF: title page, contents, sections, static and release pages."""
    import typst

    out = build / pdf_name(edition)
    with tempfile.TemporaryDirectory(prefix="pdf-") as tmp:
        work = Path(tmp)
        for name in ("main.typ", "publication.typ"):
            shutil.copy2(TEMPLATES / name, work / name)
        release_path = work / f"{RELEASE_PAGE}.md"
        release_path.write_text(release, encoding="utf-8")
        sections = []
        for notebook in [*notebook_paths(edition, build), *static_pages(), release_path]:
            text = notebook_typst(notebook, work)
            (work / f"{notebook.stem}.typ").write_text(text, encoding="utf-8")
            sections.append(f"{notebook.stem}.typ")
        (work / "sections.json").write_text(json.dumps(sections), encoding="utf-8")
        inputs = {
            "title": edition.title,
            "edition": edition.name,
            "status": edition.status,
            "release": edition.release_date.isoformat(),
        }
        try:
            typst.compile(
                str(work / "main.typ"), output=str(out), root=str(work), sys_inputs=inputs
            )
        except RuntimeError as err:
            raise InputError(f"Typst could not compile the PDF: {err}", file=out) from None
    return out


def data_links(edition: Edition, build: Path) -> str:
    """HTML list of the edition's downloads: spreadsheet, data package, dictionary, each CSV."""
    from helpers import downloads

    tables = downloads.table_metadata(build / DATA)
    if not tables:
        return "<p>No data tables.</p>"
    bundle = [
        f'<li><a href="{spreadsheet_name(edition)}">All tables in one spreadsheet</a> '
        f"({spreadsheet_name(edition)}, one worksheet per table, with notes)</li>",
        f'<li><a href="{DATA}/{downloads.DICTIONARY_NAME}.csv">Data dictionary</a> '
        f'(every column of every table; also <a href="{DATA}/{downloads.DICTIONARY_NAME}.md">'
        "as text</a>)</li>",
        f'<li><a href="{DATA}/{downloads.DATAPACKAGE}">Data package description</a> '
        f"({downloads.DATAPACKAGE}: Frictionless data package with schemas and checksums)</li>",
    ]
    items = [
        f'<li><a href="{DATA}/{html.escape(m["name"])}.csv">{html.escape(m["title"])}</a>'
        f" ({html.escape(m['name'])}.csv, {m['rows']} rows)</li>"
        for m in tables
    ]
    return "<ul>\n" + "\n".join(bundle + items) + "\n</ul>"


def front_page(edition: Edition, build: Path) -> str:
    """MyST source of the edition's front page: status, PDF link, contents, data downloads."""
    released = f"{edition.release_date.day} {edition.release_date:%B %Y}"
    status = "Published" if edition.published else "Draft: not an official release"
    sections = "\n".join(f"{NOTEBOOKS}/{s.stem}" for s in edition.sections)
    others = "\n".join(
        [*(p.stem for p in static_pages()), RELEASE_PAGE, *generated_page_entries(build)]
    )
    corrects = "".join(
        f'<p>This edition corrects edition <a href="../{html.escape(str(c["supersedes"]))}/'
        f'index.html">{html.escape(str(c["supersedes"]))}</a>: {html.escape(str(c["text"]))}</p>\n'
        for c in edition.corrections
    )
    return f"""# {edition.title}

<p class="edition-status">Edition {edition.name}. {status}. Released {released}.</p>

{corrects}<p><a href="{pdf_name(edition)}">Download the whole publication as a PDF</a></p>

## Contents

```{{toctree}}
:maxdepth: 2
:numbered:

{sections}
```

```{{toctree}}
:maxdepth: 1

{others}
```

## Data behind the tables and charts

{data_links(edition, build)}
"""


def release_page(edition: Edition) -> str:
    """MyST source of the release page: how to cite it, its sources, its changes."""
    manifest_path = edition.processed_dir / "manifest.json"
    if not manifest_path.is_file():
        raise InputError("data snapshot has no manifest", file=manifest_path)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    cite = cite_block(edition.metadata(), code_version(), sha256_of(manifest_path))
    return "\n".join(
        [
            "# Cite this release, sources and changes",
            "",
            cite,
            "The data snapshot checksum is the SHA-256 of the processed data manifest the "
            "edition was built from; the code version names the commit of the pipeline.",
            "",
            sources_block(manifest),
            changelog_page(edition),
        ]
    )


def changelog_page(edition: Edition) -> str:
    """MyST source of the edition's changes and corrections, newest first."""
    lines = ["## Changes and corrections", ""]
    for entry in sorted(edition.changelog, key=lambda e: e["date"], reverse=True):
        lines.append(f"- {entry['date'].isoformat()}: {entry['text']}")
    for entry in sorted(edition.corrections, key=lambda e: e["date"], reverse=True):
        old = html.escape(str(entry["supersedes"]))
        lines.append(
            f"- {entry['date'].isoformat()}: correction, supersedes edition "
            f'<a href="../{old}/index.html">{old}</a>: {entry["text"]}'
        )
    if len(lines) == 2:
        lines.append("No changes since release.")
    return "\n".join(lines) + "\n"


def stage_sources(
    edition: Edition, build: Path, src: Path, versions_url: str, release: str
) -> None:
    """Lay out a site source folder: configuration, front page, every page, notebooks, images."""
    shutil.copy2(TEMPLATES / "conf.py", src / "conf.py")
    (src / "_static").mkdir()
    for name in ("wellbeing.css", FAVICON):
        shutil.copy2(TEMPLATES / name, src / "_static" / name)
    site = {"title": edition.title, "edition": edition.name, "versions_url": versions_url}
    (src / "site.json").write_text(json.dumps(site), encoding="utf-8")
    (src / "index.md").write_text(front_page(edition, build), encoding="utf-8")
    (src / f"{RELEASE_PAGE}.md").write_text(release, encoding="utf-8")
    for page in static_pages():
        shutil.copy2(page, src / page.name)
    shutil.copytree(build / NOTEBOOKS, src / NOTEBOOKS)
    for folder in GENERATED_PAGES:
        if (build / folder).is_dir():
            shutil.copytree(build / folder, src / folder)
    (src / DATA).mkdir()
    for png in sorted((build / DATA).glob("*.png")):
        shutil.copy2(png, src / DATA / png.name)


def merge_into(site: Path, build: Path) -> None:
    """Move the rendered site into the edition folder, beside notebooks and data."""
    for item in sorted(site.iterdir()):
        if item.name in {".buildinfo", ".doctrees"}:
            continue
        dest = build / item.name
        if item.is_dir() and dest.is_dir():
            shutil.copytree(item, dest, dirs_exist_ok=True)
        else:
            shutil.move(str(item), str(dest))


def sphinx_site(edition: Edition, build: Path, versions_url: str, release: str) -> None:
    """Build the edition website with Sphinx + MyST-NB from the executed notebooks."""
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        src, html_dir, doctrees = Path(tmp, "src"), Path(tmp, "html"), Path(tmp, "doctrees")
        src.mkdir()
        stage_sources(edition, build, src, versions_url, release)
        # Parallel reading: generated page folders can add hundreds of pages.
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto"]
        command += ["-d", str(doctrees)]
        _run([*command, str(src), str(html_dir)], Path(tmp), "Sphinx")
        merge_into(html_dir, build)


def quarto_site(edition: Edition, build: Path, release: str) -> None:
    """Build the edition website with Quarto from _quarto.yml, when Quarto is installed."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise InputError(
            "the quarto renderer needs the `quarto` command on PATH (see quarto.org); "
            "use --renderer sphinx otherwise",
            file=QUARTO_PROJECT,
        )
    with tempfile.TemporaryDirectory(prefix="quarto-") as tmp:
        src = Path(tmp)
        shutil.copy2(QUARTO_PROJECT, src / "_quarto.yml")
        (src / "index.md").write_text(front_page(edition, build), encoding="utf-8")
        (src / f"{RELEASE_PAGE}.md").write_text(release, encoding="utf-8")
        for page in static_pages():
            shutil.copy2(page, src / page.name)
        shutil.copytree(build / NOTEBOOKS, src / NOTEBOOKS)
        shutil.copytree(build / DATA, src / DATA)
        _run([quarto, "render", str(src), "--to", "html"], src, "Quarto")
        merge_into(src / "_site", build)


def write_downloads(edition: Edition, build: Path) -> None:
    """Spreadsheet of every table, data dictionary and validated data package beside the CSVs."""
    from helpers import downloads

    data, meta = build / DATA, edition.metadata()
    if not downloads.table_metadata(data):
        return
    downloads.write_spreadsheet(data, build / spreadsheet_name(edition), meta)
    downloads.write_csv_bundle(data, data)
    downloads.write_datapackage(data, data / downloads.DATAPACKAGE, meta)


def render_edition(
    edition: Edition,
    build: Path,
    *,
    renderer: str = "sphinx",
    editions: Path | None = None,
    base_url: str = "/",
) -> None:
    """Write the downloads, the PDF and the website of an executed edition into its build folder."""
    write_downloads(edition, build)
    release = release_page(edition)
    write_pdf(edition, build, release)
    if renderer == "sphinx":
        sphinx_site(edition, build, "../versions.json", release)
    elif renderer == "quarto":
        quarto_site(edition, build, release)
    else:
        raise InputError("unknown renderer", file=edition.path, value=renderer)


def versions(root: Path, editions: Path | None, base_url: str) -> list[dict[str, object]]:
    """Version switcher entries of the built editions, newest first; latest published preferred."""
    built = [e for e in list_editions(editions) if (root / e.name / "index.html").is_file()]
    published = [e for e in built if e.published]
    entries = []
    for edition in reversed(built):
        entry = {
            "name": f"{edition.name} ({edition.status})",
            "version": edition.name,
            "url": f"{base_url}{edition.name}/",
        }
        if published and edition is published[-1]:
            entry["preferred"] = True
        entries.append(entry)
    return entries


def archive_html(root: Path, editions: Path | None) -> str:
    """Standalone archive page listing every built edition with status and release date."""
    rows = []
    for edition in reversed(list_editions(editions)):
        if not (root / edition.name / "index.html").is_file():
            continue
        notes = "; ".join(f"corrects edition {c['supersedes']}" for c in edition.corrections)
        rows.append(
            f'<tr><th scope="row"><a href="{edition.name}/index.html">{html.escape(edition.name)}'
            f"</a></th><td>{edition.status}</td><td>{edition.release_date.isoformat()}</td>"
            f"<td>{html.escape(notes)}</td></tr>"
        )
    title = "Well-being mission progress update: all editions"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{FAVICON}" type="image/svg+xml">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem;
  color: #0b0c0c; }}
table {{ border-collapse: collapse; width: 100%; }}
caption {{ text-align: left; font-weight: 600; padding-bottom: 0.5rem; }}
th, td {{ border: 1px solid #505a5f; padding: 0.4rem 0.6rem; text-align: left; }}
a {{ color: #1d70b8; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<table>
<caption>Editions, newest first</caption>
<thead><tr><th scope="col">Edition</th><th scope="col">Status</th>
<th scope="col">Release date</th><th scope="col">Notes</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""


def write_archive(root: Path, editions: Path | None = None, *, base_url: str = "/") -> None:
    """Write output/index.html (archive of editions) and output/versions.json (switcher)."""
    (root / "index.html").write_text(archive_html(root, editions), encoding="utf-8")
    shutil.copy2(TEMPLATES / FAVICON, root / FAVICON)
    payload = json.dumps(versions(root, editions, base_url), indent=2) + "\n"
    (root / "versions.json").write_text(payload, encoding="utf-8")
