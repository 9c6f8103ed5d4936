"""Area codes: their level, region and nation, code changes between vintages, and harmonisation.

Levels (`area_level`), decided from the GSS code's entity prefix:

- 'ltla': lower-tier local authorities: unitary authorities (E06), non-metropolitan districts
  (E07), metropolitan districts (E08), London boroughs (E09), Welsh unitary authorities (W06),
  Scottish council areas (S12), Northern Ireland districts (N09) and the 26 Northern Ireland
  districts before 2015 with their pseudo-codes 95A-95Z. Unitary authorities are both tiers;
  they are reported as 'ltla', so 'utla' is never derived from a code alone.
- 'county': counties (E10) and metropolitan counties (E11).
- 'region': English regions (E12). 'nation': E92, W92, S92, N92. 'uk': K02 only.
- 'other': groupings that are none of the above and must never stand in for them: Great Britain
  (K03) and England and Wales (K04), which are not the United Kingdom; Inner and Outer London
  (E13); combined authorities (E47); and areas published as one with no single code, written as
  their member codes joined by '+' (for example Eilean Siar, Orkney and Shetland).

Region and nation (`assign_region_nation`): for English areas the region is the E12 region; for
Wales, Scotland and Northern Ireland the region is the nation code, as ONS does for "region" in
UK-wide tables. Regions, nations and the UK carry their own code (the UK is its own region and
nation), as do K03 and K04.

Harmonisation (`harmonise`) maps lower-tier codes of any period to one target vintage by following
the code changes (mergers, recodes and minor boundary changes with new codes), and combines the
estimates of areas merged into one (see `combine_estimates` for the rule).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from helpers.config import processed_dir
from helpers.errors import InputError

# Where the lookups sit: in the raw folder (read by the data build) and, copied by the data
# build, in the processed snapshot (read by everything after it).
LOOKUPS = Path("geography", "lookups")
PROCESSED_LOOKUPS = Path("geo", "lookups")
CODE_CHANGES = "lad-code-changes-2018-2025.csv"
LTLA_CHAINS = "lookup_ltla_ltla.csv"
LTLA14 = "ltla14-to-county-region-country.csv"

UK = "K02000001"
ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND = "E92000001", "W92000004", "S92000003", "N92000002"
NATION_NAMES = {
    ENGLAND: "England",
    WALES: "Wales",
    SCOTLAND: "Scotland",
    NORTHERN_IRELAND: "Northern Ireland",
}
LONDON = "E12000007"
OTHER = "other"
LEVEL_BY_PREFIX = {
    **dict.fromkeys(("E06", "E07", "E08", "E09", "W06", "S12", "N09"), "ltla"),
    **dict.fromkeys(("E10", "E11"), "county"),
    "E12": "region",
    **dict.fromkeys(("E92", "W92", "S92", "N92"), "nation"),
    "K02": "uk",
    **dict.fromkeys(("K03", "K04", "E13", "E47"), OTHER),
}
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
NI_PSEUDO_CODE = re.compile(r"^95[A-Z]$")
COMBINED = "+"
EARLIEST_VINTAGE, LATEST_VINTAGE = 2014, 2025
NI_PSEUDO_NOTE = (
    "Northern Ireland district before the 2015 reorganisation (pseudo-code 95A-95Z): "
    "no clean mapping to the 11 districts of 2015, excluded"
)

# Code changes in force by the 2014 codes that the 2018-2025 change file does not list, from the
# ONS Code History Database. They took effect between 2011 and 2014 (minor boundary changes that
# issued new codes); the ONS 2011-12 to 2014-15 well-being workbooks still use the old codes.
# Each is recorded as in force in the 2014 vintage, the earliest vintage this module targets.
CHANGES_BY_2014 = (
    ("E06000048", "Northumberland", "E06000057", "Northumberland"),
    ("E08000020", "Gateshead", "E08000037", "Gateshead"),
    ("E07000097", "East Hertfordshire", "E07000242", "East Hertfordshire"),
    ("E07000101", "Stevenage", "E07000243", "Stevenage"),
    ("S12000009", "East Dunbartonshire", "S12000045", "East Dunbartonshire"),
    ("S12000043", "Glasgow City", "S12000046", "Glasgow City"),
)
# Higher-level codes replaced in the same changes, so their region can be found.
HIGHER_CODES_BY_2014 = {"E11000004": "E11000007"}  # Tyne and Wear (metropolitan county)

# Status of a combined estimate is the worst of its parts, in this order.
STATUS_RANK = {"published": 0, "low_reliability": 1, "suppressed": 2, "no_estimate": 3}
Z95 = 1.96
HARMONISE_COLUMNS = ("period", "area_code", "measure", "statistic", "value", "status")


_reading: list[Path] = []


def lookups_dir() -> Path:
    """Folder of the geography lookups: the processed snapshot's copy, or the one being built."""
    return _reading[-1] if _reading else processed_dir() / PROCESSED_LOOKUPS


@contextmanager
def reading_lookups(folder: Path) -> Iterator[None]:
    """Read the lookups from `folder` (the raw folder's, while the data build runs)."""
    _reading.append(Path(folder))
    try:
        yield
    finally:
        _reading.pop()


def _read(name: str, lookups: Path) -> pd.DataFrame:
    """Read one lookup CSV as text (codes keep their leading zeros), BOM removed."""
    return pd.read_csv(lookups / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


# --- levels -----------------------------------------------------------------------------------


def area_level(code: str, *, file: str | Path = "area codes", row: int | None = None) -> str:
    """Level of an area from its code, so tables can be filtered to one tier; unknown = error."""
    if COMBINED in code:
        for part in code.split(COMBINED):
            area_level(part, file=file, row=row)
        return OTHER
    if NI_PSEUDO_CODE.match(code):
        return "ltla"
    level = LEVEL_BY_PREFIX.get(code[:3]) if GSS_CODE.match(code) else None
    if level is None:
        raise InputError(
            "unknown area code pattern", file=file, row=row, column="area_code", value=code
        )
    return level


def area_levels(codes: pd.Series, *, file: str | Path = "area codes") -> pd.Series:
    """Level of every code of a column; an unknown code is reported with its row position."""
    known: dict[str, str] = {}
    for position, code in enumerate(codes):
        if code not in known:
            known[code] = area_level(code, file=file, row=position)
    return codes.map(known)


def is_lower_tier(code: str) -> bool:
    """True for lower-tier local authority codes, including NI pseudo-codes."""
    return COMBINED not in code and area_level(code) == "ltla"


# --- code changes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One lower-tier code replaced by another from a year (a merger part or a recode)."""

    old: str
    new: str
    new_name: str
    kind: str
    year: int


def _change_rows(lookups: Path) -> list[Change]:
    """Lower-tier code changes from the change file, checked: no splits, no loose ends."""
    path = lookups / CODE_CHANGES
    frame = _read(CODE_CHANGES, lookups)
    changes: list[Change] = []
    for position, rec in enumerate(frame.to_dict("records")):
        line = position + 2
        if area_level(rec["oldcd"], file=path, row=line) != "ltla":
            continue
        new = rec["newcd"]
        if new and area_level(new, file=path, row=line) == OTHER:
            continue  # joining a combined authority: membership, not a code change
        if not new or area_level(new, file=path, row=line) != "ltla":
            raise InputError(
                "lower-tier code ends without a lower-tier successor",
                file=path,
                row=line,
                column="newcd",
                value=new or rec["oldcd"],
            )
        changes.append(Change(rec["oldcd"], new, rec["newnm"], rec["type"], int(rec["start"])))
    return changes


def code_changes(lookups: Path | None = None) -> tuple[Change, ...]:
    """Every lower-tier code change known, oldest first; a code split in two is an error."""
    return _code_changes(lookups or lookups_dir())


@cache
def _code_changes(lookups: Path) -> tuple[Change, ...]:
    """Code changes read from one lookups folder (see code_changes)."""
    early = [
        Change(old, new, name, "boundary_recode", EARLIEST_VINTAGE)
        for old, _, new, name in CHANGES_BY_2014
    ]
    changes = sorted([*early, *_change_rows(lookups)], key=lambda c: (c.year, c.old))
    successors: dict[str, str] = {}
    for change in changes:
        if successors.setdefault(change.old, change.new) != change.new:
            raise InputError(
                "one-to-many split: a code with two successors cannot be mapped",
                file=lookups / CODE_CHANGES,
                column="oldcd",
                value=change.old,
            )
    return tuple(changes)


def successor(code: str, vintage: int, lookups: Path | None = None) -> str:
    """The code that an area's code has become by a vintage (itself if unchanged)."""
    return _successor(code, vintage, lookups or lookups_dir())


@cache
def _successor(code: str, vintage: int, lookups: Path) -> str:
    """Successor read from one lookups folder (see successor)."""
    for change in code_changes(lookups):
        if change.old == code and change.year <= vintage:
            code = change.new
    return code


def predecessors(code: str, vintage: int, lookups: Path | None = None) -> frozenset[str]:
    """Earliest codes (no predecessor) whose areas make up `code` by a vintage."""
    return _predecessors(code, vintage, lookups or lookups_dir())


@cache
def _predecessors(code: str, vintage: int, lookups: Path) -> frozenset[str]:
    """Predecessors read from one lookups folder (see predecessors)."""
    parts = {c.old for c in code_changes(lookups) if c.new == code and c.year <= vintage}
    if not parts:
        return frozenset({code})
    return frozenset().union(*(_predecessors(p, vintage, lookups) for p in parts))


# --- regions and nations ----------------------------------------------------------------------

# (file, code column, region column) of every lookup that gives a region.
REGION_SOURCES = (
    (LTLA14, "ltlacd", "rgncd"),
    (LTLA14, "ctycd", "rgncd"),
    (LTLA14, "mctycd", "rgncd"),
    (LTLA14, "cauthcd", "rgncd"),
    ("LAD18-to-RGN18-england.csv", "LAD18CD", "RGN18CD"),
    ("lookup_ltla19_region19.csv", "ltla19_code", "region19_code"),
    ("lookup_ltla21_region21.csv", "ltla21_code", "region21_code"),
    ("lookup_ltla23_region23.csv", "ltla23_code", "region23_code"),
    ("lookup_ltla24_region24.csv", "ltla24_code", "region24_code"),
)
# (file, code column, country column): non-English areas take their nation as region.
COUNTRY_SOURCES = (
    ("LAD18-to-CTRY18-uk.csv", "LAD18CD", "CTRY18CD"),
    ("LAD19-to-CTRY19-uk.csv", "LAD19CD", "CTRY19CD"),
)
# (lower-to-upper-tier file, its ltla and utla columns, the region file of the same vintage).
UPPER_TIER_SOURCES = (
    ("lookup_ltla21_utla21.csv", "ltla21_code", "utla21_code", "lookup_ltla21_region21.csv"),
    ("lookup_ltla23_utla23.csv", "ltla23_code", "utla23_code", "lookup_ltla23_region23.csv"),
)


def _put(regions: dict[str, str], code: str, region: str, where: dict) -> None:
    """Record a code's region; two lookups disagreeing is an input error."""
    if not code or not region:
        return
    if regions.setdefault(code, region) != region:
        raise InputError(
            f"region {region} contradicts {regions[code]} from another lookup", value=code, **where
        )


def _regions_from_lookups(lookups: Path) -> dict[str, str]:
    """Region of every code named in the region, country and upper-tier lookups."""
    regions: dict[str, str] = {}
    for name, code_col, region_col in REGION_SOURCES:
        for i, rec in enumerate(_read(name, lookups).to_dict("records")):
            _put(
                regions,
                rec[code_col],
                rec[region_col],
                {"file": lookups / name, "row": i + 2, "column": code_col},
            )
    for name, code_col, country_col in COUNTRY_SOURCES:
        for i, rec in enumerate(_read(name, lookups).to_dict("records")):
            if rec[country_col] != ENGLAND:
                _put(
                    regions,
                    rec[code_col],
                    rec[country_col],
                    {"file": lookups / name, "row": i + 2, "column": code_col},
                )
    for name, ltla_col, utla_col, region_file in UPPER_TIER_SOURCES:
        region_of = dict(_read(region_file, lookups).iloc[:, [1, 3]].itertuples(index=False))
        for i, rec in enumerate(_read(name, lookups).to_dict("records")):
            _put(
                regions,
                rec[utla_col],
                region_of.get(rec[ltla_col], ""),
                {"file": lookups / name, "row": i + 2, "column": utla_col},
            )
    return regions


def region_lookup(lookups: Path | None = None) -> dict[str, str]:
    """Region (E12 code, or the nation code outside England) of every sub-national code known.

    Codes with no lookup of their own inherit through a one-to-one change: the 2025 Barnsley
    and Sheffield codes from their predecessors, the pre-2014 codes from their successors.
    Inner and Outer London (E13) are the two halves of the London region.
    """
    return _region_lookup(lookups or lookups_dir())


@cache
def _region_lookup(lookups: Path) -> dict[str, str]:
    """Regions read from one lookups folder (see region_lookup)."""
    regions = _regions_from_lookups(lookups)
    changes = code_changes(lookups)
    for change in changes:
        if change.old in regions:
            regions.setdefault(change.new, regions[change.old])
    for change in reversed(changes):
        if change.new in regions:
            regions.setdefault(change.old, regions[change.new])
    for old, new in HIGHER_CODES_BY_2014.items():
        regions.setdefault(old, regions[new])
    regions.update(dict.fromkeys(("E13000001", "E13000002"), LONDON))
    return regions


def nation_of_region(region: str) -> str:
    """Nation of a region code: E12 regions are in England, other regions are nations."""
    return ENGLAND if region.startswith("E12") else region


def region_of(code: str, *, file: str | Path = "area codes", row: int | None = None) -> str:
    """Region of one area (its own code for regions, nations, UK, GB, E&W); unknown = error."""
    level = area_level(code, file=file, row=row)
    if level in ("region", "nation", "uk") or code[:3] in ("K03", "K04"):
        return code
    if NI_PSEUDO_CODE.match(code):
        return NORTHERN_IRELAND
    if COMBINED in code:
        found = {region_of(part, file=file, row=row) for part in code.split(COMBINED)}
        if len(found) == 1:
            return found.pop()
        raise InputError(
            "combined area spans regions", file=file, row=row, column="area_code", value=code
        )
    region = region_lookup().get(code)
    if region is None:
        raise InputError(
            "no region or nation found for area code in any lookup",
            file=file,
            row=row,
            column="area_code",
            value=code,
        )
    return region


def assign_region_nation(df: pd.DataFrame, *, file: str | Path = "table") -> pd.DataFrame:
    """Copy of `df` with region_code and nation_code of every row's area (see module notes)."""
    regions: dict[str, str] = {}
    for position, code in enumerate(df["area_code"]):
        if code not in regions:
            regions[code] = region_of(code, file=file, row=position)
    out = df.copy()
    out["region_code"] = out["area_code"].map(regions)
    out["nation_code"] = out["region_code"].map(
        lambda r: r if r == UK or r[:3] in ("K03", "K04") else nation_of_region(r)
    )
    return out


# --- vintages ---------------------------------------------------------------------------------


def _check_vintage(vintage: int) -> None:
    """Vintages outside the years the lookups cover cannot be built."""
    if not EARLIEST_VINTAGE <= vintage <= LATEST_VINTAGE:
        raise InputError(
            f"vintage outside {EARLIEST_VINTAGE}-{LATEST_VINTAGE}", file=CODE_CHANGES, value=vintage
        )


@cache
def _names(vintage: int, lookups: Path) -> dict[str, str]:
    """Area names as of a vintage: the latest lookup not after it, then the change file."""
    names = dict(_read(LTLA14, lookups)[["ltlacd", "ltlanm"]].itertuples(index=False))
    chains = _read(LTLA_CHAINS, lookups)
    for year in range(16, min(vintage, 2024) % 100 + 1):
        names.update(zip(chains[f"ltla{year}_code"], chains[f"ltla{year}_name"], strict=True))
    for change in code_changes(lookups):
        if change.year <= vintage:
            names.setdefault(change.new, change.new_name)
    return names


@cache
def _region_names(lookups: Path) -> dict[str, str]:
    """Names of the English regions and the nations."""
    frame = _read("lookup_ltla23_region23.csv", lookups)
    return dict(zip(frame["region23_code"], frame["region23_name"], strict=True)) | NATION_NAMES


def lower_tier_areas(vintage: int = 2023, lookups: Path | None = None) -> pd.DataFrame:
    """The UK's lower-tier local authorities of a vintage: code, name, region and nation.

    Built by carrying every 2014 code forward through the code changes, so the list and the
    harmonisation can never disagree.
    """
    _check_vintage(vintage)
    lookups = lookups or lookups_dir()
    base = _read(LTLA14, lookups)["ltlacd"]
    codes = sorted({successor(code, vintage, lookups) for code in base})
    names, region_names = _names(vintage, lookups), _region_names(lookups)
    frame = assign_region_nation(pd.DataFrame({"area_code": codes}), file=lookups / LTLA14)
    frame.insert(1, "area_name", frame["area_code"].map(names))
    frame["region_name"] = frame["region_code"].map(region_names)
    frame["nation_name"] = frame["nation_code"].map(NATION_NAMES)
    return frame[
        ["area_code", "area_name", "region_code", "region_name", "nation_code", "nation_name"]
    ]


# --- combining merged areas -------------------------------------------------------------------


def _standard_error(part: pd.Series) -> float:
    """Standard error from the 95% limits, or from the CV (per cent of the value) without them."""
    if pd.notna(part["lower_95"]) and pd.notna(part["upper_95"]):
        return (part["upper_95"] - part["lower_95"]) / (2 * Z95)
    if pd.notna(part.get("cv")) and pd.notna(part["value"]):
        return part["cv"] / 100 * part["value"]
    return math.nan


def combine_estimates(parts: pd.DataFrame) -> dict[str, object]:
    """One estimate for an area merged from `parts` (rows of one period, measure, statistic).

    Rule: weights w_i are the parts' sample sizes over their total when every part has one,
    otherwise equal (no population weights are available here). value = sum w_i v_i. Each
    part's standard error is se_i = (upper - lower) / (2 x 1.96), or cv_i/100 x v_i where no
    limits are published; the parts are independent samples, so var = sum w_i^2 se_i^2 and the
    limits are value +/- 1.96 sqrt(var). Status is the worst of the parts. A value is produced
    only when every part has a value and an uncertainty; otherwise status is 'no_estimate' with
    the reason.
    """
    parts = parts.sort_values("area_code")
    sizes = (
        parts["sample_size"].astype(float)  # nullable Float64 would make .all() skip missing sizes
        if "sample_size" in parts
        else pd.Series(math.nan, parts.index)
    )
    se = parts.apply(_standard_error, axis=1)
    status = max(parts["status"], key=STATUS_RANK.__getitem__)
    by_size = bool((sizes > 0).all())
    result: dict[str, object] = {
        "value": math.nan,
        "lower_95": math.nan,
        "upper_95": math.nan,
        "cv": math.nan,
        "sample_size": float(sizes.sum()) if by_size else math.nan,
        "status": "no_estimate",
        "merge_weights": "sample_size" if by_size else "equal",
        "reason": "",
    }
    no_value = parts.loc[parts["value"].isna(), "area_code"]
    no_error = parts.loc[parts["value"].notna() & se.isna(), "area_code"]
    if len(no_value) or len(no_error):
        result["reason"] = "; ".join(
            text
            for text in (
                _listed("no value for", no_value, parts),
                _listed("no limits or CV for", no_error, parts),
            )
            if text
        )
        return result
    weights = sizes / sizes.sum() if by_size else pd.Series(1 / len(parts), parts.index)
    value = float((weights * parts["value"]).sum())
    error = math.sqrt(float((weights**2 * se**2).sum()))
    result |= {
        "value": value,
        "lower_95": value - Z95 * error,
        "upper_95": value + Z95 * error,
        "cv": 100 * error / value if value else math.nan,
        "status": status,
    }
    return result


def _listed(what: str, codes: pd.Series, parts: pd.DataFrame) -> str:
    """Reason text naming the parts concerned and their status."""
    if codes.empty:
        return ""
    status = parts.set_index("area_code")["status"]
    return f"{what} " + ", ".join(f"{c} ({status[c]})" for c in codes)


# --- harmonisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Harmonised:
    """Result of `harmonise`: the harmonised table and everything needed to reconcile it."""

    table: pd.DataFrame  # lower-tier rows in the target vintage
    parts: pd.DataFrame  # period, source code, target code, kind (unchanged/recoded/merged)
    flagged: pd.DataFrame  # lower-tier rows excluded, with harmonisation_note
    set_aside: pd.DataFrame  # rows of other levels (regions, nations, counties...), untouched
    rows_in: dict[str, int]  # input rows per period
    target_vintage: int


def _check_input(df: pd.DataFrame, file: str | Path) -> None:
    """Required columns present, statuses known and one row per key."""
    missing = [c for c in HARMONISE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError("missing columns for harmonisation", file=file, column=missing[0])
    unknown = ~df["status"].isin(list(STATUS_RANK))
    if unknown.any():
        position = int(unknown.to_numpy().argmax())
        raise InputError(
            "status cannot be combined",
            file=file,
            row=position,
            column="status",
            value=df["status"].iloc[position],
        )
    key = ["period", "area_code", "measure", "statistic"]
    duplicated = df.duplicated(key, keep="first").to_numpy()
    if duplicated.any():
        position = int(duplicated.argmax())
        raise InputError(
            "duplicate row for period, area, measure and statistic",
            file=file,
            row=position,
            column="area_code",
            value=df["area_code"].iloc[position],
        )


def _parts(codes: pd.DataFrame, vintage: int, file: str | Path) -> pd.DataFrame:
    """Map each (period, source code) to its target code and say how it gets there."""
    targets = set(lower_tier_areas(vintage)["area_code"])
    mapped = codes.assign(target_code=codes["area_code"].map(lambda c: successor(c, vintage)))
    unknown = mapped[~mapped["target_code"].isin(targets)]
    if len(unknown):
        raise InputError(
            f"lower-tier code not in, nor mappable to, the {vintage} codes",
            file=file,
            column="area_code",
            value=unknown["area_code"].iloc[0],
        )
    groups = mapped.groupby(["period", "target_code"])["area_code"]
    count = groups.transform("size")
    covered = groups.transform(
        lambda s: (
            frozenset().union(*(predecessors(c, vintage) for c in s))
            == predecessors(s.name[1], vintage)
        )
    )
    kind = pd.Series("merged", index=mapped.index)
    single = (count == 1) & covered
    kind[single & (mapped["area_code"] == mapped["target_code"])] = "unchanged"
    kind[single & (mapped["area_code"] != mapped["target_code"])] = "recoded"
    return mapped.assign(kind=kind, complete=covered).sort_values(["period", "area_code"])


def harmonise(
    df: pd.DataFrame, target_vintage: int = 2023, *, file: str | Path = "table"
) -> Harmonised:
    """Map every period's lower-tier areas to the target vintage's codes, combining mergers.

    Areas merged into one target are combined by `combine_estimates`; a target whose parts in
    a period do not cover all of it gets status 'no_estimate' with the missing codes as reason.
    NI pseudo-codes are excluded and flagged. Other levels are set aside untouched.
    """
    _check_vintage(target_vintage)
    _check_input(df, file)
    levels = area_levels(df["area_code"], file=file)
    lower = levels.eq("ltla")
    pseudo = df["area_code"].str.match(NI_PSEUDO_CODE.pattern)
    flagged = df[lower & pseudo].assign(harmonisation_note=NI_PSEUDO_NOTE)
    work = df[lower & ~pseudo]
    parts = _parts(work[["period", "area_code"]].drop_duplicates(), target_vintage, file)
    table = _harmonised_rows(work, parts, target_vintage)
    return Harmonised(
        table,
        parts.reset_index(drop=True),
        flagged.reset_index(drop=True),
        df[~lower].reset_index(drop=True),
        df.groupby("period").size().to_dict(),
        target_vintage,
    )


def _harmonised_rows(work: pd.DataFrame, parts: pd.DataFrame, vintage: int) -> pd.DataFrame:
    """Output rows: one-to-one rows copied under the target code, merged groups combined."""
    rows = work.merge(parts, on=["period", "area_code"], how="left", validate="many_to_one")
    rows["source_area_codes"] = rows["area_code"]
    direct = rows[rows["kind"] != "merged"].assign(merge_weights="", reason="")
    merged = [
        _merged_row(group, parts, vintage)
        for _, group in rows[rows["kind"] == "merged"].groupby(
            ["period", "target_code", "measure", "statistic"], sort=True
        )
    ]
    out = pd.concat([direct, pd.DataFrame(merged)], ignore_index=True) if merged else direct
    names = _names(vintage, lookups_dir())
    out["area_code"] = out["target_code"]
    out["harmonisation"] = out["kind"]
    if "area_name" in out:
        out["area_name"] = out["area_code"].map(names)
    if "area_level" in out:
        out["area_level"] = "ltla"
    if "region_code" in out or "nation_code" in out:
        out = assign_region_nation(out)
    columns = [
        *work.columns,
        "source_area_codes",
        "harmonisation",
        "merge_weights",
        "reason",
    ]
    return out[columns].sort_values(
        ["period", "area_code", "measure", "statistic"], ignore_index=True
    )


def _merged_row(group: pd.DataFrame, parts: pd.DataFrame, vintage: int) -> dict[str, object]:
    """One combined row for a merged target; missing parts give 'no_estimate' with a reason."""
    first = group.iloc[0]
    period, target = first["period"], first["target_code"]
    present = parts[(parts["period"] == period) & (parts["target_code"] == target)]
    expected = predecessors(target, vintage)
    covered = frozenset().union(*(predecessors(c, vintage) for c in present["area_code"]))
    row = first.to_dict() | combine_estimates(group)
    missing_rows = sorted(set(present["area_code"]) - set(group["area_code"]))
    missing_areas = sorted(expected - covered)
    if missing_rows or missing_areas:
        reasons = [
            f"no row for {', '.join(missing_rows)}" if missing_rows else "",
            f"no data for {', '.join(missing_areas)}" if missing_areas else "",
        ]
        row |= {
            "value": math.nan,
            "lower_95": math.nan,
            "upper_95": math.nan,
            "cv": math.nan,
            "status": "no_estimate",
            "reason": "; ".join(r for r in reasons if r),
        }
    row["source_area_codes"] = COMBINED.join(sorted(group["area_code"]))
    return row


# --- reconciliation ---------------------------------------------------------------------------


def reconciliation_report(result: Harmonised) -> pd.DataFrame:
    """Per period: areas in, out, unchanged, recoded, merged and flagged; counts reconcile.

    las_in = unchanged + recoded + merged_parts + flagged, and
    las_in = las_out + merged_away + flagged, where merged_away = merged_parts - merged_targets.
    Rows: rows_in = rows_harmonised_in + rows_flagged + rows_set_aside, where
    rows_harmonised_in is counted back from the output rows' source codes.
    """
    periods = sorted(
        set(result.parts["period"])
        | set(result.flagged["period"])
        | set(result.set_aside["period"])
    )
    return pd.DataFrame([_period_line(result, p) for p in periods])


def _period_line(result: Harmonised, period: str) -> dict[str, object]:
    """Reconciliation counts and lists of one period."""
    parts = result.parts[result.parts["period"] == period]
    flagged = result.flagged[result.flagged["period"] == period]
    aside = result.set_aside[result.set_aside["period"] == period]
    out = result.table[result.table["period"] == period]
    merged = parts[parts["kind"] == "merged"]
    recoded = parts[parts["kind"] == "recoded"]
    merges = merged.groupby("target_code")["area_code"].agg(lambda s: COMBINED.join(sorted(s)))
    flagged_codes = sorted(flagged["area_code"].unique())
    return {
        "period": period,
        "las_in": parts["area_code"].nunique() + len(flagged_codes),
        "las_out": out["area_code"].nunique(),
        "unchanged": int((parts["kind"] == "unchanged").sum()),
        "recoded": len(recoded),
        "recoded_list": "; ".join(
            f"{a}->{b}" for a, b in zip(recoded["area_code"], recoded["target_code"], strict=True)
        ),
        "merged_targets": len(merges),
        "merged_parts": len(merged),
        "merged_away": len(merged) - len(merges),
        "merged_list": "; ".join(f"{v}->{k}" for k, v in merges.items()),
        "incomplete_merges": "; ".join(
            sorted(merged.loc[~merged["complete"], "target_code"].unique())
        ),
        "flagged": len(flagged_codes),
        "flagged_list": "; ".join(flagged_codes),
        "flagged_reason": NI_PSEUDO_NOTE if flagged_codes else "",
        "other_levels": aside["area_code"].nunique(),
        "rows_in": result.rows_in.get(period, 0),
        # input rows behind the output rows, counted back from their source codes
        "rows_harmonised_in": int(out["source_area_codes"].str.count(re.escape(COMBINED)).sum())
        + len(out),
        "rows_flagged": len(flagged),
        "rows_set_aside": len(aside),
        "rows_out": len(out),
    }
