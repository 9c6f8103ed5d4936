"""Names and codes the supporting files leave out, taken from the ONS geography lookups."""

from __future__ import annotations

from pathlib import Path

from helpers.errors import InputError
from helpers.geography import lookups_dir
from helpers.sources.delimited import read_records

REGIONS_FILE = "lookup_ltla23_region23.csv"
# Publishers' short region names that differ from the ONS name in the lookup.
REGION_ALIASES = {"East": "East of England"}


def names_by_code(file: str, code_column: str, name_column: str) -> dict[str, str]:
    """Map each code in a lookup to its name, so a file holding only codes can be labelled."""
    _, records = read_records(lookups_dir() / file, (code_column, name_column))
    return {r.cells[code_column].strip(): r.cells[name_column].strip() for r in records}


def region_codes() -> dict[str, str]:
    """Map each English region's ONS name, and the aliases publishers use, to its E12 code."""
    _, records = read_records(lookups_dir() / REGIONS_FILE, ("region23_name", "region23_code"))
    codes = {r.cells["region23_name"].strip(): r.cells["region23_code"].strip() for r in records}
    return codes | {alias: codes[name] for alias, name in REGION_ALIASES.items()}


def name_of(names: dict[str, str], code: str, *, file: Path, row: int, column: str) -> str:
    """Return a code's name from a lookup, failing on a code the lookup does not hold."""
    if code not in names:
        raise InputError(
            "area code not in the geography lookup", file=file, row=row, column=column, value=code
        )
    return names[code]
