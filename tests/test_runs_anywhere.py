"""A clone carries what it needs: publishing reads the processed snapshot, never the raw folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.config import ROOT, raw_dir
from tests.publishing import built_default_edition

BUILD = (
    "import sys; from pathlib import Path; from helpers.build import build_edition; "
    "build_edition('2024', output=Path(sys.argv[1]))"
)


def _hidden_raw_command(output: Path) -> list[str]:
    """Build the default edition with data/raw replaced by an empty, read-only folder."""
    build = [sys.executable, "-c", BUILD, str(output)]
    if os.geteuid() != 0:
        return build  # the caller makes the folder unreadable instead
    mount = f"mount -t tmpfs -o ro,size=1k none {raw_dir()}"
    return ["unshare", "--mount", "sh", "-c", f'{mount} && exec "$@"', "sh", *build]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every published data file of an edition, by name."""
    return {p.name: p.read_bytes() for p in sorted((folder / "data").glob("*.csv"))}


@pytest.mark.slow
def test_edition_builds_without_the_raw_folder_and_gives_the_same_outputs(tmp_path):
    if os.geteuid() == 0 and shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to hide the raw folder from root")
    env = {k: v for k, v in os.environ.items() if k != "WELLBEING_RAW_DIR"}
    command = _hidden_raw_command(tmp_path / "output")
    mode = raw_dir().stat().st_mode
    if os.geteuid() != 0:
        raw_dir().chmod(0)
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    finally:
        raw_dir().chmod(mode)
    assert done.returncode == 0, done.stderr[-3000:]
    hidden = tmp_path / "output" / "2024"
    published = _tree(built_default_edition())
    assert len(published) > 40
    assert _tree(hidden) == published
    assert (hidden / "index.html").is_file()
    assert (hidden / "wellbeing-mission-update-2024.pdf").stat().st_size > 100_000
