"""The default edition, built once per test session into a temporary output root.

Tests of the published product (site, PDF, downloads, browser) share this one build, since
executing every section notebook and rendering the site and PDF is the slow part.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from helpers.build import build_edition
from helpers.editions import load_edition

DEFAULT_EDITION = "2024"


@functools.cache
def built_default_edition() -> Path:
    """Build the default edition into a fresh output root; return the edition's folder."""
    root = Path(tempfile.mkdtemp(prefix="wellbeing-publish-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return build_edition(DEFAULT_EDITION, output=root / "output")


def default_pdf() -> Path:
    """The PDF of the built default edition."""
    edition = load_edition(DEFAULT_EDITION)
    return built_default_edition() / f"wellbeing-mission-update-{edition.name}.pdf"
