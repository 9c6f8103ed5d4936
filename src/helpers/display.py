"""Show figures, tables and text in section notebooks so the website and the PDF both carry them.

Each call emits one notebook output whose representations suit both renderers:

- figures: a ``text/markdown`` MyST ``figure`` (alt text, numbered caption, label) followed by
  a collapsed "Show the data" table of the figure's data, which the website ranks first, and
  an ``image/png`` whose output metadata holds ``alt`` and ``caption``, which pandoc reads
  (the PDF filter turns it into a captioned figure);
- tables: an HTML table with ``<caption>`` and header cells scoped to columns;
- text: a Markdown-only output, parsed as MyST by the website and as Markdown by the PDF filter.
"""

from __future__ import annotations

import base64
import html
import math
import os
from pathlib import Path

import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

FIGURE_DPI = 150
FIGURE_FORMAT = "png"
MISSING = "[x]"


def figure_path(name: str, data_dir: str | Path) -> Path:
    """Where a figure's PNG is saved: next to the CSV of its data, under the same name."""
    return Path(data_dir) / f"{name}.{FIGURE_FORMAT}"


def save_figure(fig: Figure, name: str, data_dir: str | Path) -> Path:
    """Save the figure as a PNG with fixed size settings and no timestamp, so reruns match."""
    path = figure_path(name, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=FIGURE_FORMAT, dpi=FIGURE_DPI, metadata={"Software": None})
    return path


def _one_line(text: str) -> str:
    """Collapse whitespace, because directive options and attributes hold a single line."""
    return " ".join(text.split())


def figure_markdown(src: str, *, name: str, alt: str, caption: str) -> str:
    """MyST figure directive: an image with alt text, a label and a numbered caption."""
    options = f":alt: {_one_line(alt)}\n:name: fig-{name}\n"
    return f":::{{figure}} {src}\n{options}\n{caption.strip()}\n:::\n"


def data_details(df: pd.DataFrame, *, caption: str) -> str:
    """Collapsed "Show the data" HTML block, so a chart's numbers can be read without the image."""
    summary = html.escape(f"Show the data: {_one_line(caption)}")
    table = table_html(df, caption=f"Data behind the figure: {caption}")
    return f'<details class="figure-data">\n<summary>{summary}</summary>\n{table}</details>\n'


def figure_data(name: str, data_dir: str | Path, data: pd.DataFrame | None) -> pd.DataFrame | None:
    """The figure's data: as given, else the table saved under the figure's name, if any."""
    if data is not None:
        return data
    csv = figure_path(name, data_dir).with_suffix(".csv")
    return pd.read_csv(csv, keep_default_na=False, na_values=[""]) if csv.is_file() else None


def show_figure(
    fig: Figure,
    *,
    name: str,
    alt: str,
    caption: str,
    data_dir: str | Path,
    data: pd.DataFrame | None = None,
) -> None:
    """Save the figure as PNG (beside its data); display it with alt text, caption and data."""
    if not alt.strip() or not caption.strip():
        raise ValueError(f"figure {name!r} needs both alt text and a caption")
    path = save_figure(fig, name, data_dir)
    src = Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
    markdown = figure_markdown(src, name=name, alt=alt, caption=caption)
    table = figure_data(name, data_dir, data)
    if table is not None:
        markdown += "\n" + data_details(table, caption=caption)
    bundle = {
        "text/markdown": markdown,
        "image/png": base64.b64encode(path.read_bytes()).decode("ascii"),
        "text/plain": f"Figure: {_one_line(caption)}",
    }
    meta = {"image/png": {"alt": _one_line(alt), "caption": _one_line(caption), "name": name}}
    display(bundle, metadata=meta, raw=True)
    # Close it so the inline backend does not show the same figure a second time.
    import matplotlib.pyplot as plt

    plt.close(fig)


def format_cell(value: object, decimals: int) -> str:
    """Text of one table cell: fixed decimals for floats, [x] for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return str(value)


def table_html(df: pd.DataFrame, *, caption: str, decimals: int = 2) -> str:
    """Accessible HTML table: a caption, column headers scoped as such, one row per record."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    rows = []
    for record in df.itertuples(index=False, name=None):
        cells = "".join(f"<td>{html.escape(format_cell(v, decimals))}</td>" for v in record)
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<table class="wellbeing-table">\n'
        f"<caption>{html.escape(_one_line(caption))}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )


def show_table(df: pd.DataFrame, *, caption: str, decimals: int = 2) -> None:
    """Display the table as captioned HTML (site and PDF) with a plain-text fallback."""
    if not caption.strip():
        raise ValueError("a table needs a caption")
    bundle = {
        "text/html": table_html(df, caption=caption, decimals=decimals),
        "text/plain": f"Table: {_one_line(caption)}\n{df.to_string(index=False)}",
    }
    display(bundle, raw=True)


def show_markdown(text: str) -> None:
    """Display Markdown that the site renders as MyST and the PDF as Markdown."""
    display({"text/markdown": text}, raw=True)
