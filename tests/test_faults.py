"""Builds that survive faults: kill -9 at any point, two builds at once, a failing section."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.build import build_edition, building_dir
from helpers.errors import InputError
from tests.test_build import write_edition

pytestmark = pytest.mark.slow
BUILD = (
    "import sys; from pathlib import Path; from helpers.build import build_edition; "
    "build_edition('fixture', editions=Path(sys.argv[1]), output=Path(sys.argv[2]))"
)
WAIT_SECONDS = 120


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, Path]:
    """An editions folder and an output root already holding a good build of the fixture."""
    editions, output = tmp_path / "editions", tmp_path / "output"
    write_edition(editions, "fixture")
    build_edition("fixture", editions=editions, output=output)
    shutil.rmtree(output / ".cache")  # so the next build executes and renders again
    return editions, output


def _checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file below a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _start(editions: Path, output: Path) -> subprocess.Popen:
    """A build of the fixture edition in another process."""
    command = [sys.executable, "-c", BUILD, str(editions), str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen) -> None:
    """Poll until the condition holds (the build has reached a stage), at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the build never reached the stage"
        time.sleep(0.02)


def _executing(output: Path) -> bool:
    """A notebook is being executed: the build folder has its notebooks folder, no PDF yet."""
    builds = list(building_dir(output, "fixture").glob("*/notebooks"))
    return bool(builds) and not list(builds[0].parent.glob("*.pdf"))


def _rendering(output: Path) -> bool:
    """The PDF is written and the site is being rendered."""
    return bool(list(building_dir(output, "fixture").glob("*/*.pdf")))


@pytest.mark.parametrize("stage", [_executing, _rendering], ids=["executing", "rendering"])
def test_kill_9_leaves_the_previous_edition_identical(previous, stage) -> None:
    editions, output = previous
    before = _checksums(output / "fixture")
    process = _start(editions, output)
    _wait_for(lambda: stage(output), process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _checksums(output / "fixture") == before
    # The lock died with the process; the next build clears what it left and succeeds.
    build_edition("fixture", editions=editions, output=output)
    assert not list(building_dir(output, "fixture").iterdir())


def test_a_second_build_stops_naming_the_first(previous) -> None:
    editions, output = previous
    process = _start(editions, output)
    lock = output / ".lock-fixture"
    _wait_for(lambda: lock.is_file() and lock.read_text().strip() == str(process.pid), process)
    with pytest.raises(InputError, match=rf"being built by another process \(pid {process.pid}\)"):
        build_edition("fixture", editions=editions, output=output)
    assert process.wait(timeout=WAIT_SECONDS) == 0
    assert os.path.isfile(output / "fixture" / "index.html")
