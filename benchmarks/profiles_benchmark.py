"""Benchmark: all local area profiles cold and warm, against one papermill run per area.

Run with `.venv/bin/python benchmarks/profiles_benchmark.py [sample]`. The naive way is timed
on a sample of areas (default 3) and extrapolated to every area, measured in the same run.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import papermill

from helpers import profiles
from helpers.config import ROOT

PROCESSED = ROOT / "data" / "processed"
TEMPLATE = ROOT / "notebooks" / "profile.ipynb"
SAMPLE = ("E06000001", "E09000033", "W06000015", "S12000049", "N09000003")


def timed(action: object) -> tuple[float, object]:
    """Wall-clock seconds of a call and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def peak_mb() -> float:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def naive_seconds(codes: tuple[str, ...], work: Path) -> float:
    """Mean seconds of one papermill run of the template per area."""
    work.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for code in codes:
        seconds, _ = timed(
            lambda c=code: papermill.execute_notebook(
                str(TEMPLATE),
                str(work / f"{c}.ipynb"),
                parameters={
                    "area_code": c,
                    "data_dir": str(work / "data"),
                    "processed_dir": str(PROCESSED),
                },
                cwd=str(TEMPLATE.parent),
                kernel_name="python3",
                progress_bar=False,
            )
        )
        total += seconds
    return total / len(codes)


def main(sample: int) -> None:
    """Time cold and warm generation and the naive way; print a Markdown table."""
    settings = profiles.Settings()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold, counts = timed(
            lambda: profiles.write_profiles(PROCESSED, work / "out", settings, cache_dir=work / "c")
        )
        warm, again = timed(
            lambda: profiles.write_profiles(PROCESSED, work / "out", settings, cache_dir=work / "c")
        )
        memory = peak_mb()
        per_area = naive_seconds(SAMPLE[:sample], work / "naive")
    pages = counts["areas"] - counts["no_page"]
    naive = per_area * pages
    print("| measure | value |\n|---|---|")
    print(f"| pages generated (cold) | {counts['rendered']} of {counts['areas']} LAs |")
    print(f"| all profiles, cold | {cold:.1f} s |")
    print(f"| all profiles, inputs unchanged | {warm:.1f} s ({again['reused']} reused) |")
    print(f"| naive: papermill per area, mean of {sample} | {per_area:.1f} s |")
    print(f"| naive, extrapolated to {pages} areas | {naive:.0f} s |")
    print(f"| speed-up, cold vs naive | {naive / cold:.0f}x |")
    print(f"| peak memory (largest process) | {memory:.0f} MB |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
