"""Sphinx configuration of an edition's website; the edition's values come from site.json."""

import json
from pathlib import Path

site = json.loads((Path(__file__).parent / "site.json").read_text(encoding="utf-8"))

project = site["title"]
version = release = site["edition"]
language = "en"
extensions = ["myst_nb"]
exclude_patterns = ["data", "site.json"]

# Notebooks were executed by papermill: render their stored outputs, never re-run them.
nb_execution_mode = "off"
nb_render_markdown_format = "myst"
# A figure from helpers.display carries a MyST figure (alt text, caption) and a PNG: prefer
# the Markdown, and show outputs without the code that made them.
nb_mime_priority_overrides = [("html", "text/markdown", 45)]
nb_remove_code_source = True
nb_output_stderr = "remove"
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s"}

html_theme = "pydata_sphinx_theme"
html_title = f"{site['title']} {site['edition']}"
html_static_path = ["_static"]
html_css_files = ["wellbeing.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "switcher": {"json_url": site["versions_url"], "version_match": site["edition"]},
    "check_switcher": False,
    "navbar_end": ["version-switcher", "theme-switcher"],
    "navigation_with_keys": False,
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": [],
    # Three section links fit beside the title at laptop widths; the rest go under "More".
    "header_links_before_dropdown": 3,
}
copyright = "Crown copyright. Open Government Licence v3.0"
html_context = {"default_mode": "auto"}
html_favicon = "_static/favicon.svg"
