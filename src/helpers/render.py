"""Render an executed edition: the Sphinx + MyST-NB website, the pandoc -> Typst PDF, the archive.

The site is written so that output/<edition>/index.html is its front page; Sphinx's doctrees
and myst-nb's jupyter_execute folder stay in a temporary folder, out of the output.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypandoc
import typst

from helpers.config import ROOT
from helpers.editions import Edition, list_editions
from helpers.errors import InputError
from helpers.outputs import read_table_metadata

TEMPLATES = Path(__file__).resolve().parent / "templates"
QUARTO_PROJECT = ROOT / "_quarto.yml"
NOTEBOOKS = "notebooks"
DATA = "data"


def pdf_name(edition: Edition) -> str:
    """File name of an edition's PDF, linked from its website."""
    return f"wellbeing-mission-update-{edition.name}.pdf"


def notebook_paths(edition: Edition, build: Path) -> list[Path]:
    """Executed notebooks of an edition, in section order."""
    return [build / NOTEBOOKS / s.notebook.name for s in edition.sections]


def _run(command: list[str], cwd: Path, what: str) -> None:
    """Run a renderer command; on failure raise an error holding its output."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"{what} failed: {(done.stderr or done.stdout)[-2000:]}", file=command[-1])


def notebook_typst(notebook: Path, work: Path) -> str:
    """Typst markup of one executed notebook, via pandoc and the publication filter."""
    command = [
        pypandoc.get_pandoc_path(),
        "--from=ipynb",
        "--to=typst",
        f"--lua-filter={TEMPLATES / 'pdf-filter.lua'}",
        "--extract-media=media",
        f"--id-prefix={notebook.stem}-",
        "--wrap=preserve",
        str(notebook),
    ]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(
            f"pandoc could not read the notebook: {done.stderr[-2000:]}", file=notebook
        )
    return done.stdout


def write_pdf(edition: Edition, build: Path) -> Path:
    """Write the publication PDF: title page, contents, numbered sections, captioned figures."""
    out = build / pdf_name(edition)
    with tempfile.TemporaryDirectory(prefix="pdf-") as tmp:
        work = Path(tmp)
        for name in ("main.typ", "publication.typ"):
            shutil.copy2(TEMPLATES / name, work / name)
        sections = []
        for notebook in notebook_paths(edition, build):
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


def data_links(build: Path) -> str:
    """HTML list of the edition's data CSVs with their titles."""
    items = [
        f'<li><a href="{DATA}/{html.escape(m["name"])}.csv">{html.escape(m["title"])}</a>'
        f" ({html.escape(m['name'])}.csv, {m['rows']} rows)</li>"
        for m in read_table_metadata(build / DATA)
    ]
    return "<ul>\n" + "\n".join(items) + "\n</ul>" if items else "<p>No data tables.</p>"


def front_page(edition: Edition, build: Path) -> str:
    """MyST source of the edition's front page: status, PDF link, contents, data downloads."""
    released = f"{edition.release_date.day} {edition.release_date:%B %Y}"
    status = "Published" if edition.published else "Draft: not an official release"
    sections = "\n".join(f"{NOTEBOOKS}/{s.notebook.stem}" for s in edition.sections)
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

changelog
```

## Data behind the tables and charts

{data_links(build)}
"""


def changelog_page(edition: Edition) -> str:
    """MyST source of the edition's changelog: changes and corrections, newest first."""
    lines = ["# Changes to this edition", ""]
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


def stage_sources(edition: Edition, build: Path, src: Path, versions_url: str) -> None:
    """Lay out a site source folder: configuration, front page, changelog, notebooks, images."""
    shutil.copy2(TEMPLATES / "conf.py", src / "conf.py")
    (src / "_static").mkdir()
    shutil.copy2(TEMPLATES / "wellbeing.css", src / "_static" / "wellbeing.css")
    site = {"title": edition.title, "edition": edition.name, "versions_url": versions_url}
    (src / "site.json").write_text(json.dumps(site), encoding="utf-8")
    (src / "index.md").write_text(front_page(edition, build), encoding="utf-8")
    (src / "changelog.md").write_text(changelog_page(edition), encoding="utf-8")
    shutil.copytree(build / NOTEBOOKS, src / NOTEBOOKS)
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


def sphinx_site(edition: Edition, build: Path, versions_url: str) -> None:
    """Build the edition website with Sphinx + MyST-NB from the executed notebooks."""
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        src, html_dir, doctrees = Path(tmp, "src"), Path(tmp, "html"), Path(tmp, "doctrees")
        src.mkdir()
        stage_sources(edition, build, src, versions_url)
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees)]
        _run([*command, str(src), str(html_dir)], Path(tmp), "Sphinx")
        merge_into(html_dir, build)


def quarto_site(edition: Edition, build: Path) -> None:
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
        (src / "changelog.md").write_text(changelog_page(edition), encoding="utf-8")
        shutil.copytree(build / NOTEBOOKS, src / NOTEBOOKS)
        shutil.copytree(build / DATA, src / DATA)
        _run([quarto, "render", str(src), "--to", "html"], src, "Quarto")
        merge_into(src / "_site", build)


def render_edition(
    edition: Edition,
    build: Path,
    *,
    renderer: str = "sphinx",
    editions: Path | None = None,
    base_url: str = "/",
) -> None:
    """Render the PDF and the website of an executed edition into its build folder."""
    write_pdf(edition, build)
    if renderer == "sphinx":
        sphinx_site(edition, build, "../versions.json")
    elif renderer == "quarto":
        quarto_site(edition, build)
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
    payload = json.dumps(versions(root, editions, base_url), indent=2) + "\n"
    (root / "versions.json").write_text(payload, encoding="utf-8")
