"""Benchmark: edition build cold, unchanged and with one notebook changed, against a naive run.

Run with `.venv/bin/python benchmarks/build_benchmark.py [edition] [repeats] [section ...]`
(defaults: the default edition, 3 repeats); section file names after the repeats are left out
of the copied edition, e.g. `05-maps.ipynb` to time the core publication without the local
area profiles, which have their own benchmark. Each timing is the median of `repeats` runs in
fresh temporary output folders; the naive way (papermill on every notebook, then the full
render, no cache) is timed in the same run. The edition's notebooks are copied, so changing
one touches no committed file.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import yaml

from helpers.build import build_edition, run_sections, section_keys
from helpers.editions import editions_dir, load_edition
from helpers.render import render_edition


def timed(action: Callable[..., object], *args: object, **kwargs: object) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - start


def edition_copy(name: str, folder: Path, without: frozenset[str] = frozenset()) -> Path:
    """The edition YAML and its section files copied into a folder; return the YAML's folder."""
    edition = load_edition(name)
    raw = yaml.safe_load((editions_dir() / f"{name}.yml").read_text(encoding="utf-8"))
    sections = folder / "notebooks"
    sections.mkdir(parents=True)
    kept = []
    for item, section in zip(raw["sections"], edition.sections, strict=True):
        if section.path.name in without:
            continue
        shutil.copy2(section.path, sections / section.path.name)
        item["page" if section.is_page else "notebook"] = f"../notebooks/{section.path.name}"
        kept.append(item)
    raw["sections"] = kept
    raw["data_snapshot"]["processed_dir"] = str(edition.processed_dir)
    editions = folder / "editions"
    editions.mkdir()
    (editions / f"{name}.yml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    return editions


def change_notebook(path: Path, run: int) -> None:
    """Change one notebook's bytes (its metadata), as an analyst's edit would."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["benchmark_run"] = run
    nbformat.write(nb, path)


def naive(name: str, editions: Path, output: Path) -> None:
    """Papermill on every notebook, then the full render, with no cache or skipping."""
    edition = load_edition(name, editions)
    build = output / name
    keys = section_keys(edition, output)
    run_sections(edition, build, output / ".cache-unused", keys)
    render_edition(edition, build, editions=editions)


def measure(name: str, repeats: int, without: frozenset[str]) -> dict[str, list[float]]:
    """Seconds of each scenario, `repeats` times."""
    times: dict[str, list[float]] = {"cold": [], "unchanged": [], "one_changed": [], "naive": []}
    first_notebook = next(s for s in load_edition(name).sections if not s.is_page)
    for run in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            editions = edition_copy(name, Path(tmp), without)
            where = {"editions": editions, "output": Path(tmp) / "output"}
            times["cold"].append(timed(build_edition, name, **where))
            times["unchanged"].append(timed(build_edition, name, **where))
            change_notebook(editions.parent / "notebooks" / first_notebook.path.name, run)
            times["one_changed"].append(timed(build_edition, name, **where))
            times["naive"].append(timed(naive, name, editions, Path(tmp) / "naive"))
        latest = ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items())
        print(f"run {run + 1}/{repeats}: {latest}", flush=True)
    return times


def report(name: str, repeats: int, times: dict[str, list[float]], without: frozenset[str]) -> str:
    """Markdown lines of the medians and the naive ratios."""
    median = {k: statistics.median(v) for k, v in times.items()}
    sections = [s for s in load_edition(name).sections if s.path.name not in without]
    notebooks = sum(not s.is_page for s in sections)
    lines = [
        f"- Date: {time.strftime('%Y-%m-%d')}; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Edition {name}: {notebooks} notebooks, {len(sections) - notebooks} pages; "
        f"median of {repeats} runs each, fresh output folder per run"
        + (f"; left out: {', '.join(sorted(without))}" if without else ""),
        f"- Cold build (execute + HTML + PDF + downloads): {median['cold']:.1f} s",
        f"- No-change rebuild: {median['unchanged']:.2f} s",
        f"- One notebook changed ({next(s for s in sections if not s.is_page).path.name}): "
        f"{median['one_changed']:.1f} s",
        f"- Naive run (papermill on every notebook + full render): {median['naive']:.1f} s; "
        f"naive / cold {median['naive'] / median['cold']:.2f}, "
        f"naive / no-change {median['naive'] / median['unchanged']:.0f}, "
        f"naive / one changed {median['naive'] / median['one_changed']:.1f}",
    ]
    return "\n".join(lines)


def main() -> None:
    """Measure and print the Markdown results."""
    name = sys.argv[1] if len(sys.argv) > 1 else "2024"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    without = frozenset(sys.argv[3:])
    print(report(name, repeats, measure(name, repeats, without), without))


if __name__ == "__main__":
    main()
