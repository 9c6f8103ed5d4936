"""One error type for bad inputs, so every message names where the problem is."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A raw or processed input that cannot be trusted, located to file, sheet, row and column."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problem = problem
        self.file = str(file)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        where = [f"file {Path(self.file).name}"]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if value is not None:
            where.append(f"value {value!r}")
        super().__init__(f"{problem} ({', '.join(where)})")
