"""Run one section notebook with papermill, as the edition build does, for notebook tests."""

from __future__ import annotations

from pathlib import Path

import papermill

from helpers.config import ROOT

NOTEBOOKS = ROOT / "notebooks"


def run_section(name: str, folder: Path, **parameters: object) -> Path:
    """Execute notebooks/<name> into `folder` on the committed snapshot; return its data folder."""
    notebook = NOTEBOOKS / name
    papermill.execute_notebook(
        notebook,
        folder / name,
        parameters={
            "data_dir": str(folder / "data"),
            "processed_dir": str(ROOT / "data" / "processed"),
            **parameters,
        },
        cwd=NOTEBOOKS,
        kernel_name="python3",
        progress_bar=False,
    )
    return folder / "data"
