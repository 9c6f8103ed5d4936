"""Project configuration: paths and source URLs read from config/project.yml."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "config" / "project.yml"


@cache
def settings() -> dict[str, Any]:
    """Return the project settings, so every module reads one configuration."""
    return yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))


@cache
def _path(key: str) -> Path:
    """Resolve a configured path relative to the repository root."""
    return (ROOT / settings()[key]).resolve()


def raw_dir() -> Path:
    """Folder of immutable raw inputs; WELLBEING_RAW_DIR overrides the configured one."""
    env = os.environ.get("WELLBEING_RAW_DIR")
    return Path(env).resolve() if env else _path("raw_dir")


def processed_dir() -> Path:
    """Folder of the committed, validated processed snapshot."""
    return _path("processed_dir")


def output_dir() -> Path:
    """Folder holding one sub-folder per built edition."""
    return _path("output_dir")
