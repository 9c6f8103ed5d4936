"""Write edited copies of real ONS .xls workbooks, to try the parser on realistic bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xlrd
import xlwt

Edit = Callable[[str, int, int, object], object]


def copy_workbook(
    src: Path,
    dst: Path,
    *,
    edit: Edit | None = None,
    rename: dict[str, str] | None = None,
    insert_row: dict[str, int] | None = None,
) -> Path:
    """Copy `src` to `dst` cell by cell, applying a cell edit, sheet renames and a blank row."""
    book = xlrd.open_workbook(str(src))
    out = xlwt.Workbook()
    for sheet in book.sheets():
        target = out.add_sheet((rename or {}).get(sheet.name, sheet.name))
        shift_at = (insert_row or {}).get(sheet.name)
        for row in range(sheet.nrows):
            new_row = row + 1 if shift_at is not None and row >= shift_at else row
            for col in range(sheet.ncols):
                value = sheet.cell_value(row, col)
                if edit:
                    value = edit(sheet.name, row, col, value)
                if value != "":
                    target.write(new_row, col, value)
    out.save(str(dst))
    return dst
