"""Run an edition: execute its section notebooks with papermill, cache them, swap in the result.

An edition is built in a temporary folder next to its target and swapped in only when every
notebook ran and the site and PDF rendered, so a failure leaves the previous edition intact.
A section is re-executed only when its inputs changed: the notebook file, its parameters, the
helper package source and the processed data files (a content hash keys output/.cache/).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
from tqdm import tqdm

from helpers.checksums import sha256_of
from helpers.config import output_dir
from helpers.editions import Edition, Section, load_edition
from helpers.errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
KERNEL = "python3"
NOTEBOOKS = "notebooks"
DATA = "data"
STAMP = "build-stamp.json"
# The root of a PDF's page tree: `<</Type/Pages/Count N ...`.
PAGE_TREE = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")
# Kernels talk to the build over local IPC sockets, not unencrypted TCP.
KERNEL_CONFIG = {"KernelManager": {"transport": "ipc"}}
# Folders a notebook writes into (relative to the edition), cached with the notebook: its data
# files and any generated site pages (see helpers.render).
WRITTEN = (DATA, "profiles")


class BuildError(InputError):
    """An edition that cannot be built; the CLI prints the message and exits non-zero."""

    def __init__(self, problem: str, *, file: str | Path, cell: int | None = None) -> None:
        super().__init__(problem, file=file)
        self.cell = cell
        where = f"notebook {Path(file).name}" + (f", cell {cell}" if cell is not None else "")
        self.args = (f"{problem} ({where})",)


def tree_digest(folder: Path, patterns: tuple[str, ...] = ("**/*",)) -> str:
    """sha256 over the relative names and contents of files in a folder (empty if absent)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        files = sorted({p for pat in patterns for p in folder.glob(pat) if p.is_file()})
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(sha256_of(path).encode())
    return digest.hexdigest()


def helpers_digest() -> str:
    """Digest of the helper package source, since notebooks call into it."""
    return tree_digest(PACKAGE_DIR, ("**/*.py", "**/*.yml", "templates/**/*"))


def section_parameters(edition: Edition, section: Section, processed: str) -> dict[str, Any]:
    """Parameters injected into one notebook: edition, folders (relative, so outputs are stable)."""
    return {
        **edition.parameters(),
        "data_dir": f"../{DATA}",
        "processed_dir": processed,
        **section.parameters,
    }


def section_key(section: Section, parameters: dict[str, Any], inputs: dict[str, str]) -> str:
    """Content hash of everything a section's outputs depend on."""
    record = {
        "notebook": sha256_of(section.path),
        "parameters": parameters,
        "kernel": KERNEL,
        **inputs,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def clean_notebook(path: Path) -> None:
    """Drop timings and machine paths papermill stores, so executed notebooks are byte-stable."""
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("papermill", {})
    for key in (
        "start_time",
        "end_time",
        "duration",
        "input_path",
        "output_path",
        "environment_variables",
    ):
        meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


@contextmanager
def kernel_environment() -> Iterator[None]:
    """Let the kernel use the inline backend (an Agg MPLBACKEND would stop figures being stored)."""
    saved = os.environ.pop("MPLBACKEND", None)
    hashseed = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = "0"
    try:
        yield
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved
        if hashseed is None:
            os.environ.pop("PYTHONHASHSEED", None)
        else:
            os.environ["PYTHONHASHSEED"] = hashseed


def snapshot(build: Path) -> dict[str, str]:
    """Map each file a notebook may write (by path in the build) to its sha256."""
    return {
        p.relative_to(build).as_posix(): sha256_of(p)
        for folder in WRITTEN
        for p in sorted((build / folder).rglob("*"))
        if p.is_file()
    }


def execute_section(section: Section, parameters: dict[str, Any], build: Path) -> list[str]:
    """Execute one notebook into build/notebooks; return the files it wrote or changed."""
    import papermill  # slow to import; only needed when a notebook runs
    from traitlets.config import Config

    notebooks = build / NOTEBOOKS
    before = snapshot(build)
    target = notebooks / section.path.name
    try:
        with kernel_environment():
            papermill.execute_notebook(
                str(section.path),
                str(target),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(notebooks),
                progress_bar=False,
                log_output=False,
                config=Config(KERNEL_CONFIG),
            )
    except papermill.PapermillExecutionError as err:
        first_line = (err.source or "").strip().splitlines()[:1]
        given = ", ".join(f"{k}={v!r}" for k, v in sorted(parameters.items()))
        raise BuildError(
            f"section {section.title!r} failed: {err.ename}: {err.evalue}"
            f" (code: {first_line[0] if first_line else ''}; parameters: {given})",
            file=section.path,
            cell=err.cell_index,
        ) from None
    clean_notebook(target)
    after = snapshot(build)
    return sorted(name for name, digest in after.items() if before.get(name) != digest)


def copy_files(names: list[str], source: Path, dest: Path) -> None:
    """Copy files given by relative path from one folder to another, making sub-folders."""
    for name in names:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, dest / name)


def restore_section(cached: Path, section: Section, build: Path) -> None:
    """Copy a cached executed notebook and the files it wrote into the build folder."""
    record = json.loads((cached / "files.json").read_text(encoding="utf-8"))
    shutil.copy2(cached / section.path.name, build / NOTEBOOKS / section.path.name)
    copy_files(record["files"], cached / "files", build)


def store_section(cache: Path, section: Section, build: Path, written: list[str]) -> None:
    """Keep a section's executed notebook and the files it wrote under its input hash."""
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache.parent))
    shutil.copy2(build / NOTEBOOKS / section.path.name, staging / section.path.name)
    copy_files(written, build, staging / "files")
    record = {"notebook": section.path.name, "files": written}
    (staging / "files.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(cache, ignore_errors=True)
    staging.rename(cache)


def section_keys(edition: Edition, root: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each section's input hash and parameters, computed before anything is copied or run."""
    missing = [s.path for s in edition.sections if not s.path.is_file()]
    if missing:
        raise BuildError("section file does not exist", file=missing[0])
    # Every build folder sits at the same depth below the output root, so this path is stable.
    processed = os.path.relpath(
        edition.processed_dir, building_dir(root, edition.name) / "build" / NOTEBOOKS
    )
    inputs = {"helpers": helpers_digest(), "processed": tree_digest(edition.processed_dir)}
    keys = {}
    for section in edition.sections:
        if section.is_page:
            keys[section.path.name] = (sha256_of(section.path), {})
            continue
        parameters = section_parameters(edition, section, Path(processed).as_posix())
        keys[section.path.name] = (section_key(section, parameters, inputs), parameters)
    return keys


def run_sections(
    edition: Edition, build: Path, cache_dir: Path, keys: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, str]:
    """Execute (or restore from cache) every notebook and copy every page; say which was which."""
    done: dict[str, str] = {}
    (build / NOTEBOOKS).mkdir(parents=True)
    (build / DATA).mkdir()
    progress = tqdm(edition.sections, desc=f"edition {edition.name}", unit="notebook")
    for section in progress:
        key, parameters = keys[section.path.name]
        cached = cache_dir / "sections" / key
        if section.is_page:
            shutil.copy2(section.path, build / NOTEBOOKS / section.path.name)
            done[section.path.name] = "page"
        elif (cached / "files.json").is_file():
            progress.set_postfix_str(f"{section.path.name}: unchanged, reused")
            restore_section(cached, section, build)
            done[section.path.name] = "reused"
        else:
            progress.set_postfix_str(f"{section.path.name}: executing")
            written = execute_section(section, parameters, build)
            cached.parent.mkdir(parents=True, exist_ok=True)
            store_section(cached, section, build, written)
            done[section.path.name] = "executed"
    return done


def pdf_pages(path: Path) -> int:
    """Number of pages of a PDF, read from its page tree."""
    found = PAGE_TREE.search(path.read_bytes())
    if found is None:
        raise InputError("no page tree found in the PDF", file=path)
    return int(found[1])


def summary(edition: Edition, target: Path, done: dict[str, str] | None, seconds: float) -> str:
    """What a build made: sections executed or reused, pages, PDF pages, data files, where."""
    from helpers.render import pdf_name

    if done is None:
        sections = "all sections unchanged, output kept"
    else:
        counts = {k: list(done.values()).count(k) for k in ("executed", "reused", "page")}
        sections = (
            f"{counts['executed']} section(s) executed, {counts['reused']} reused, "
            f"{counts['page']} page(s) copied"
        )
    pages = sum(1 for _ in target.rglob("*.html"))
    pdf = target / pdf_name(edition)
    data = sum(1 for _ in (target / DATA).glob("*.csv"))
    return (
        f"edition {edition.name}: {sections}; {pages} web pages, {pdf_pages(pdf)} PDF pages, "
        f"{data} data files; open {target / 'index.html'} ({seconds:.0f} s)"
    )


def check_snapshot(edition: Edition) -> None:
    """Stop when the processed data no longer match the snapshot the edition names."""
    manifest = edition.processed_dir / "manifest.json"
    found = sha256_of(manifest) if manifest.is_file() else None
    if found != edition.manifest_sha256:
        raise InputError(
            "processed data do not match the edition's data snapshot",
            file=edition.path,
            column="data_snapshot.manifest_sha256",
            value=found,
        )


def data_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every published data CSV in an edition's data folder."""
    return {p.name: sha256_of(p) for p in sorted((folder / DATA).glob("*.csv"))}


def check_lock(edition: Edition, build: Path) -> None:
    """A published edition's data must match its lock file; write the lock on first publish."""
    hashes = data_hashes(build)
    if not edition.lock_path.is_file():
        payload = {"edition": edition.name, "data": hashes}
        edition.lock_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        return
    locked = json.loads(edition.lock_path.read_text(encoding="utf-8"))["data"]
    for name in sorted(set(locked) | set(hashes)):
        if locked.get(name) != hashes.get(name):
            raise InputError(
                "published data differ from the edition lock",
                file=edition.lock_path,
                column=name,
                value=hashes.get(name),
            )


RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths in one step
AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two folders atomically (renameat2), so no moment exists with neither in place."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    done = libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if done != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"cannot exchange {a.name} and {b.name}: {os.strerror(errno)}")


def swap_in(build: Path, target: Path) -> None:
    """Replace the target folder by the finished build in one atomic step, then drop the old."""
    if target.exists():
        exchange(build, target)
        shutil.rmtree(build)
    else:
        build.rename(target)


def building_dir(root: Path, name: str) -> Path:
    """Where an edition's build folders are made, beside its target (so swaps are renames)."""
    return root / ".building" / name


@contextmanager
def edition_lock(root: Path, name: str) -> Iterator[None]:
    """Hold output/.lock-<edition> (with this pid) for a build; a second build stops, naming it.

    The lock is an flock on the file, so the kernel releases it whatever ends the holder, even
    kill -9; the pid written in the file is only for the message.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / f".lock-{name}"
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise InputError(
                f"edition {name} is being built by another process (pid {holder}); "
                "wait for it to finish",
                file=path,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        shutil.rmtree(building_dir(root, name), ignore_errors=True)  # left by a killed build
        yield
    finally:
        handle.close()


def build_key(edition: Edition, keys: dict[str, str], renderer: str) -> str:
    """Hash of what the rendered edition depends on beyond its sections and static pages.

    The code version on the release page is that of the build that rendered it: a later commit
    that changes no input (helpers, notebooks, pages, edition) keeps the output as it is.
    """
    from helpers.render import PAGES

    record = {
        "edition": sha256_of(edition.path),
        "sections": keys,
        "renderer": renderer,
        "helpers": helpers_digest(),
        "pages": tree_digest(PAGES, ("*.md",)),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def notebook_parameters(section: Section) -> set[str]:
    """Names the notebook's parameters cell defines, as papermill reads them."""
    import papermill

    return set(papermill.inspect_notebook(str(section.path)))


def trial_edition(edition: Edition, name: str, overrides: dict[str, Any]) -> Edition:
    """The edition cut to one section with parameters overridden, named and titled as a trial."""
    found = [s for s in edition.sections if name in (s.stem, s.path.name)]
    if not found:
        stems = ", ".join(s.stem for s in edition.sections)
        raise InputError(f"no such section (sections: {stems})", file=edition.path, value=name)
    section = found[0]
    if section.is_page and overrides:
        raise InputError("a page is not executed: no parameters", file=section.path, value=name)
    known = set() if section.is_page else notebook_parameters(section)
    for key in sorted(overrides):
        if key not in known:
            raise InputError(
                f"not a parameter of the notebook (parameters: {', '.join(sorted(known))})",
                file=section.path,
                column="parameters",
                value=key,
            )
    given = ", ".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return dataclasses.replace(
        edition,
        name=f"{edition.name}-{section.stem}",
        title=f"{edition.title}: trial of one section" + (f" with {given}" if given else ""),
        status="draft",
        manifest_sha256=None,
        sections=(dataclasses.replace(section, parameters={**section.parameters, **overrides}),),
    )


def build_edition(
    name: str | Path,
    force: bool = False,
    renderer: str = "sphinx",
    *,
    editions: Path | None = None,
    output: Path | None = None,
    base_url: str = "/",
    section: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Execute and render one edition into output/<edition>/; return that folder.

    With `section`, only that section is built, with its parameters overridden, into
    output/<edition>-<section>/ (see trial_edition).
    """

    started = time.monotonic()
    edition = load_edition(name, editions)
    if section is not None:
        edition = trial_edition(edition, section, overrides or {})
    root = (output or output_dir()).resolve()
    with edition_lock(root, edition.name):
        target = _build_locked(edition, root, force, renderer, editions, base_url, started)
        if section is not None:
            trial = {"edition": name, "section": section, "overrides": overrides or {}}
            text = json.dumps(trial, indent=2, sort_keys=True, default=str) + "\n"
            (target / "trial.json").write_text(text, encoding="utf-8")
        return target


def _build_locked(
    edition: Edition,
    root: Path,
    force: bool,
    renderer: str,
    editions: Path | None,
    base_url: str,
    started: float,
) -> Path:
    """Build an edition while holding its lock (see build_edition)."""
    target = root / edition.name
    if edition.published and target.exists() and not force:
        raise InputError(
            "edition is published; rebuild it with --force", file=edition.path, column="status"
        )
    if edition.manifest_sha256 is not None:
        check_snapshot(edition)
    cache_dir = root / ".cache"
    keys = section_keys(edition, root)
    stamp = build_key(edition, {name: key for name, (key, _) in keys.items()}, renderer)
    stamp_file = cache_dir / f"{edition.name}.{STAMP}"
    done = None
    if not (target.is_dir() and stamp_file.is_file() and stamp_file.read_text() == stamp):
        building_dir(root, edition.name).mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(dir=building_dir(root, edition.name)))
        try:
            from helpers.render import render_edition

            done = run_sections(edition, build, cache_dir, keys)
            render_edition(edition, build, renderer=renderer, editions=editions, base_url=base_url)
            if edition.published:
                check_lock(edition, build)
            swap_in(build, target)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        stamp_file.write_text(stamp, encoding="utf-8")
    from helpers.render import write_archive

    write_archive(root, editions, base_url=base_url)
    print(summary(edition, target, done, time.monotonic() - started), flush=True)
    return target
