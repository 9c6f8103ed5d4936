"""`wellbeing check`: the house rules for notebooks, editions and the registry, before any build.

Notebooks are for communication: the first code cell is the tagged parameters cell, no outputs
are stored in the source notebooks (they belong to output/<edition>/), and code imports only
from the helper package, where the logic lives and is tested. Every edition must load and be
buildable from the data snapshot, and the metric registry must load.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from helpers.config import ROOT
from helpers.editions import editions_dir, list_editions
from helpers.errors import InputError
from helpers.registry import load_registry
from helpers.scaffold import check_edition

PACKAGE = "helpers"
PARAMETERS_TAG = "parameters"


def _imports(source: str) -> list[str]:
    """Top-level module names a cell imports (IPython magics and shell lines are skipped)."""
    lines = source.splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
    names = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append((node.module or "").split(".")[0] if node.level == 0 else ".")
    return names


def notebook_problems(path: Path) -> list[str]:
    """Every house-rule breach in one source notebook, as 'file: cell N: problem'."""
    nb = nbformat.read(path, as_version=4)
    cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    problems = []
    if not cells or PARAMETERS_TAG not in cells[0][1].metadata.get("tags", []):
        problems.append(f"{name}: the first code cell must be the cell tagged 'parameters'")
    for index, cell in cells:
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(f"{name}: cell {index}: outputs are stored (clear them)")
        try:
            imported = _imports(cell.source)
        except SyntaxError as err:
            problems.append(f"{name}: cell {index}: not valid Python ({err.msg})")
            continue
        for module in imported:
            if module != PACKAGE:
                problems.append(
                    f"{name}: cell {index}: imports {module!r}; import only from the "
                    f"{PACKAGE} package, where the logic is tested"
                )
    return problems


def problems(notebooks: Path | None = None, editions: Path | None = None) -> list[str]:
    """Every problem found in the notebooks, the editions and the registry."""
    found = []
    for path in sorted((notebooks or ROOT / "notebooks").glob("*.ipynb")):
        found += notebook_problems(path)
    try:
        for edition in list_editions(editions or editions_dir()):
            check_edition(edition)
        load_registry()
    except InputError as err:
        found.append(str(err))
    return found
