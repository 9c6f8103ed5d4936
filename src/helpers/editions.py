"""Editions as data: load and validate an edition YAML (what to build, with which parameters)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers.config import ROOT
from helpers.errors import InputError

STATUSES = ("draft", "published")
NOTEBOOK_SUFFIX = ".ipynb"
PAGE_SUFFIX = ".md"
# Optional details of the publisher that the citation, spreadsheet and data package carry.
PUBLICATION_KEYS = ("publisher", "url", "contact", "source")
METRIC_BASES = ("mean", "share")
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
REQUIRED = (
    "title",
    "edition",
    "release_date",
    "status",
    "latest_period",
    "baseline_period",
    "gap_baseline_periods",
    "metric_basis",
    "geography_vintage",
    "data_snapshot",
    "sections",
)


def editions_dir() -> Path:
    """The folder of edition YAML files: adding an edition means adding a file here."""
    return ROOT / "editions"


@dataclass(frozen=True)
class Section:
    """One section of the publication: a notebook (executed) or a MyST page (copied as is)."""

    path: Path
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """The section's file name without extension, used for its outputs."""
        return self.path.stem

    @property
    def is_page(self) -> bool:
        """Whether the section is a Markdown page, which is published without being executed."""
        return self.path.suffix == PAGE_SUFFIX


@dataclass(frozen=True)
class Edition:
    """A validated edition: publication metadata, analysis parameters and sections."""

    path: Path
    name: str
    title: str
    release_date: dt.date
    status: str
    latest_period: str
    baseline_period: str
    gap_baseline_periods: tuple[str, ...]
    metric_basis: str
    geography_vintage: int
    processed_dir: Path
    manifest_sha256: str | None
    sections: tuple[Section, ...]
    changelog: tuple[dict[str, Any], ...] = ()
    corrections: tuple[dict[str, Any], ...] = ()
    publication: dict[str, str] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        """Whether the edition is published, so its output must not change without --force."""
        return self.status == "published"

    @property
    def lock_path(self) -> Path:
        """The lock file holding sha256 of every published data CSV of this edition."""
        return self.path.with_name(f"{self.name}.lock.json")

    def metadata(self) -> dict[str, Any]:
        """What the citation, spreadsheet and data package say about the release."""
        return {
            "title": self.title,
            "edition": self.name,
            "release_date": self.release_date,
            **self.publication,
        }

    def parameters(self) -> dict[str, Any]:
        """Parameters injected into every section notebook (before its own ones)."""
        return {
            "edition": self.name,
            "latest_period": self.latest_period,
            "baseline_period": self.baseline_period,
            "gap_baseline_periods": list(self.gap_baseline_periods),
            "metric_basis": self.metric_basis,
            "geography_vintage": self.geography_vintage,
        }


def _fail(path: Path, key: str, problem: str, value: object = None) -> InputError:
    """An InputError naming the edition file and the offending key."""
    return InputError(f"edition {problem}", file=path, column=key, value=value)


def _period(path: Path, key: str, value: object) -> str:
    """Check a financial-year period such as 2018-19 (the second year follows the first)."""
    match = PERIOD.match(str(value))
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise _fail(path, key, "period must be a financial year like 2018-19", value)
    return str(value)


def _choice(path: Path, key: str, value: object, allowed: tuple[str, ...]) -> str:
    """Check a value is one of the allowed words."""
    if value not in allowed:
        raise _fail(path, key, f"value must be one of {', '.join(allowed)}", value)
    return str(value)


def _date(path: Path, key: str, value: object) -> dt.date:
    """Check a YAML date (YYYY-MM-DD)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, key, "date must be written YYYY-MM-DD", value) from None


def _section_path(path: Path, key: str, item: dict[str, Any]) -> Path:
    """The file of one section: `notebook` (an .ipynb) or `page` (a MyST .md), never both."""
    given = [k for k in ("notebook", "page") if item.get(k)]
    if len(given) != 1:
        raise _fail(path, f"{key}.notebook", "section needs a notebook or a page, not both", item)
    kind = given[0]
    suffix = NOTEBOOK_SUFFIX if kind == "notebook" else PAGE_SUFFIX
    file = (path.parent / str(item[kind])).resolve()
    if file.suffix != suffix:
        raise _fail(path, f"{key}.{kind}", f"{kind} must be a {suffix} file", item[kind])
    return file


def _sections(path: Path, raw: object) -> tuple[Section, ...]:
    """Check the sections list: a notebook or page (relative to the YAML file) and a title each."""
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "sections", "sections must be a non-empty list", raw)
    sections = []
    for i, item in enumerate(raw):
        key = f"sections[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, key, "section must be a mapping", item)
        if not item.get("title"):
            raise _fail(path, f"{key}.title", "section is missing a value", None)
        params = item.get("parameters") or {}
        if not isinstance(params, dict):
            raise _fail(path, f"{key}.parameters", "parameters must be a mapping", params)
        file = _section_path(path, key, item)
        if file.suffix == PAGE_SUFFIX and params:
            raise _fail(path, f"{key}.parameters", "a page is not executed: no parameters", params)
        sections.append(Section(file, str(item["title"]), dict(params)))
    stems = [s.stem for s in sections]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise _fail(path, "sections", "section file names must be unique", duplicates[0])
    return tuple(sections)


def _entries(path: Path, key: str, raw: object, required: tuple[str, ...]) -> tuple[dict, ...]:
    """Check changelog or corrections entries: a list of mappings with the required keys."""
    raw = raw or []
    if not isinstance(raw, list):
        raise _fail(path, key, "must be a list", raw)
    entries = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or any(k not in item for k in required):
            raise _fail(path, f"{key}[{i}]", f"entry needs {', '.join(required)}", item)
        entries.append({**item, "date": _date(path, f"{key}[{i}].date", item["date"])})
    return tuple(entries)


def _publication(path: Path, raw: dict[str, Any]) -> dict[str, str]:
    """Publisher, web address, contact and source line, where the edition gives them."""
    found = {}
    for key in PUBLICATION_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise _fail(path, key, "must be a non-empty text", value)
        found[key] = value.strip()
    return found


def parse_edition(path: Path, raw: object) -> Edition:
    """Validate the mapping read from an edition file and return the edition."""
    if not isinstance(raw, dict):
        raise _fail(path, "(top level)", "file must hold a mapping", type(raw).__name__)
    for key in REQUIRED:
        if key not in raw:
            raise _fail(path, key, "file is missing a required key")
    name = str(raw["edition"])
    if not NAME.match(name) or name != path.name.removesuffix(".yml"):
        raise _fail(path, "edition", "name must match the file name", raw["edition"])
    gaps = raw["gap_baseline_periods"]
    if not isinstance(gaps, list) or not gaps:
        raise _fail(path, "gap_baseline_periods", "must be a non-empty list", gaps)
    snapshot = raw["data_snapshot"]
    if not isinstance(snapshot, dict) or "processed_dir" not in snapshot:
        raise _fail(path, "data_snapshot.processed_dir", "data snapshot needs a folder", snapshot)
    sha = snapshot.get("manifest_sha256")
    if sha is not None and not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
        raise _fail(path, "data_snapshot.manifest_sha256", "must be a sha256 hex digest", sha)
    status = _choice(path, "status", raw["status"], STATUSES)
    if status == "published" and sha is None:
        raise _fail(path, "data_snapshot.manifest_sha256", "published edition needs a sha256")
    vintage = raw["geography_vintage"]
    if not isinstance(vintage, int) or not 2000 <= vintage <= 2100:
        raise _fail(path, "geography_vintage", "must be a year", vintage)
    return Edition(
        path=path,
        name=name,
        title=str(raw["title"]),
        release_date=_date(path, "release_date", raw["release_date"]),
        status=status,
        latest_period=_period(path, "latest_period", raw["latest_period"]),
        baseline_period=_period(path, "baseline_period", raw["baseline_period"]),
        gap_baseline_periods=tuple(
            _period(path, f"gap_baseline_periods[{i}]", p) for i, p in enumerate(gaps)
        ),
        metric_basis=_choice(path, "metric_basis", raw["metric_basis"], METRIC_BASES),
        geography_vintage=vintage,
        processed_dir=(path.parent / str(snapshot["processed_dir"])).resolve(),
        manifest_sha256=sha,
        sections=_sections(path, raw["sections"]),
        changelog=_entries(path, "changelog", raw.get("changelog"), ("date", "text")),
        corrections=_entries(
            path, "corrections", raw.get("corrections"), ("date", "text", "supersedes")
        ),
        publication=_publication(path, raw),
    )


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """Parameter overrides given as key=value, each value read as YAML (2019-20, [a, b], 3)."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError("override must be written key=value", file="-p", value=pair)
        overrides[key.strip()] = yaml.safe_load(value)
    return overrides


def load_edition(name: str | Path, directory: Path | None = None) -> Edition:
    """Load an edition by name from the editions folder, or from a YAML path."""
    path = Path(name)
    if path.suffix != ".yml":
        path = (directory or editions_dir()) / f"{name}.yml"
    if not path.is_file():
        raise InputError("edition file not found", file=path, value=str(name))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise InputError(f"edition file is not valid YAML: {err}", file=path, row=row) from None
    return parse_edition(path.resolve(), raw)


def list_editions(directory: Path | None = None) -> list[Edition]:
    """All editions in a folder, oldest release first (for the archive and version switcher)."""
    folder = directory or editions_dir()
    editions = [load_edition(p) for p in sorted(folder.glob("*.yml"))]
    return sorted(editions, key=lambda e: (e.release_date, e.name))
