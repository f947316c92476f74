"""UK postcodes: normalise what residents type, and validate lookup files before importing any row."""

import re
from dataclasses import dataclass

from app.domain.text import code_point, unwanted_characters

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_WARD_CODE = re.compile(r"^[A-Z][0-9]{8}$")  # ONS GSS code, e.g. E05012345
_ONS_WARD_CODE_COLUMN = re.compile(r"^wd\d\dcd$")
_ONS_WARD_NAME_COLUMN = re.compile(r"^wd\d\dnm$")
MAX_NAME_LENGTH = 200  # ward and area names (their columns)


def normalise_postcode(text):
    """Return the postcode in standard form ("sg11aa" -> "SG1 1AA"), or None if it is not a UK postcode."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", str(text)).upper()
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file, header is line 1
    message: str  # a code: "bad_postcode", "bad_ward_code", "missing_ward_name", "duplicate_postcode", ...
    value: str = ""


@dataclass(frozen=True)
class PostcodeRow:
    postcode: str
    ward_code: str
    ward_name: str
    area_name: str
    line: int = 0


@dataclass(frozen=True)
class Skipped:
    """A row left out on purpose: "terminated" (ONS doterm set) or "other_authority" (oslaua not ours)."""

    line: int
    reason: str


class HeaderError(ValueError):
    """The file's header names none of the columns we understand."""


@dataclass(frozen=True)
class Layout:
    """Where the columns are. ONS Postcode Directory (ONSPD) files name the ward `osward` and carry no ward
    names; older ONS extracts and our simple format name it wdYYcd / ward_code, with an optional name."""

    postcode: int
    ward_code: int
    ward_name: int | None
    area: int | None
    terminated: int | None
    local_authority: int | None
    onspd: bool  # the ward code column is ONSPD's `osward`

    @property
    def has_ward_names(self):
        return self.ward_name is not None


def _column(header, *candidates, pattern=None):
    lowered = [h.strip().lower() for h in header]
    for name in candidates:
        if name in lowered:
            return lowered.index(name)
    if pattern is not None:
        for index, name in enumerate(lowered):
            if pattern.match(name):
                return index
    return None


def read_layout(header):
    """Find the columns we use in a header row; raise HeaderError when there is no postcode or ward code."""
    layout = Layout(
        postcode=_column(header, "pcds", "postcode", "pcd"),
        ward_code=_column(header, "ward_code", "ward code", "osward", pattern=_ONS_WARD_CODE_COLUMN),
        ward_name=_column(header, "ward_name", "ward name", "ward", pattern=_ONS_WARD_NAME_COLUMN),
        area=_column(header, "area", "neighbourhood", "area_name"),
        terminated=_column(header, "doterm"),
        local_authority=_column(header, "oslaua"),
        onspd=_column(header, "ward_code", "ward code", pattern=_ONS_WARD_CODE_COLUMN) is None,
    )
    if layout.postcode is None or layout.ward_code is None:
        raise HeaderError("missing_columns")
    return layout


def read_postcode_rows(rows, local_authority=None):
    """The rows of open_postcode_rows, without the layout."""
    return open_postcode_rows(rows, local_authority)[1]


def open_postcode_rows(rows, local_authority=None):
    """Return (Layout, rows): read a postcode -> ward CSV (rows incl. header) one row at a time: yield PostcodeRow, RowError or Skipped.

    A generator, so a file of millions of rows (the whole ONSPD) is never held in memory. Terminated
    postcodes (ONS `doterm` set) are skipped, and, given local_authority (a code like E07000243), so are
    rows whose ONS `oslaua` differs. Duplicates are the caller's to find (they may be far apart).
    Raises HeaderError at once when the header lacks a postcode or ward code column.
    """
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise HeaderError("empty") from None
    layout = read_layout(header)
    wanted_authority = (local_authority or "").strip().upper() or None
    return layout, _read_rows(iterator, layout, wanted_authority)


def _read_rows(iterator, layout, wanted_authority):
    for line, row in enumerate(iterator, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(index, row=row):
            return row[index].strip() if index is not None and index < len(row) else ""

        if cell(layout.terminated):
            yield Skipped(line, "terminated")
            continue
        if wanted_authority and layout.local_authority is not None and \
                cell(layout.local_authority).upper() != wanted_authority:
            yield Skipped(line, "other_authority")
            continue
        used = [cell(index) for index in (layout.postcode, layout.ward_code, layout.ward_name, layout.area)]
        bad = [char for value in used for char in unwanted_characters(value)]
        if bad:  # a control character (NUL included, see app/domain/text.py) is an error, never stored
            yield RowError(line, "bad_character", code_point(bad[0]))
            continue
        if any(len(cell(index)) > MAX_NAME_LENGTH for index in (layout.ward_name, layout.area)):
            yield RowError(line, "name_too_long", max(cell(layout.ward_name), cell(layout.area), key=len)[:40])
            continue
        postcode = normalise_postcode(cell(layout.postcode))
        ward_code = cell(layout.ward_code).upper()
        if postcode is None:
            yield RowError(line, "bad_postcode", cell(layout.postcode)[:20])
        elif not _WARD_CODE.match(ward_code):
            yield RowError(line, "bad_ward_code", ward_code[:20])
        else:
            yield PostcodeRow(postcode, ward_code, cell(layout.ward_name), cell(layout.area), line)


def parse_postcode_rows(rows):
    """Validate a whole (small) postcode -> ward CSV; return (valid rows, errors), duplicates included.

    Accepts the ONS postcode directory (pcds with osward or wdYYcd/wdYYnm) and a simple format
    (postcode, ward_code[, ward_name][, area]). Terminated postcodes (ONS `doterm` set) are skipped, not errors.
    A cell holding a control character or a ward or area name over MAX_NAME_LENGTH is an error, never cut.
    """
    valid, errors, seen = [], [], {}
    for item in read_postcode_rows(rows):
        if isinstance(item, RowError):
            errors.append(item)
        elif isinstance(item, PostcodeRow):
            if item.postcode in seen and seen[item.postcode] != item.ward_code:
                errors.append(RowError(item.line, "duplicate_postcode", item.postcode))
                continue
            seen[item.postcode] = item.ward_code
            valid.append(item)
    return valid, errors


def read_ward_names(rows):
    """Read an ONS ward names file (columns WDyyCD and WDyyNM, any year): return {code: name}.

    Raises HeaderError when the header has no such pair. Rows with a malformed code are ignored.
    """
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise HeaderError("empty") from None
    code_col = _column(header, "ward_code", pattern=_ONS_WARD_CODE_COLUMN)
    name_col = _column(header, "ward_name", pattern=_ONS_WARD_NAME_COLUMN)
    if code_col is None or name_col is None:
        raise HeaderError("missing_columns")
    names = {}
    for row in iterator:
        if len(row) > max(code_col, name_col):
            code, name = row[code_col].strip().upper(), row[name_col].strip()
            if _WARD_CODE.match(code) and name:
                names[code] = name[:200]
    return names
