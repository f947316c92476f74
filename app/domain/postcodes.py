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


class HeaderError(ValueError):
    """The file's header names none of the columns we understand."""


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


def parse_postcode_rows(rows):
    """Validate a postcode -> ward CSV (rows incl. header); return (valid rows, errors).

    Accepts the ONS postcode directory (pcds, wdYYcd, wdYYnm) and a simple format
    (postcode, ward_code[, ward_name][, area]). Nothing is imported by the caller when errors is not empty.
    Terminated postcodes (ONS `doterm` set) are skipped, not errors. A cell holding a control character
    (NUL included, see app/domain/text.py) or a ward or area name over MAX_NAME_LENGTH is an error, never cut.
    """
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise HeaderError("empty") from None
    postcode_col = _column(header, "pcds", "postcode", "pcd")
    ward_code_col = _column(header, "ward_code", "ward code", pattern=_ONS_WARD_CODE_COLUMN)
    ward_name_col = _column(header, "ward_name", "ward name", "ward", pattern=_ONS_WARD_NAME_COLUMN)
    area_col = _column(header, "area", "neighbourhood", "area_name")
    terminated_col = _column(header, "doterm")
    if postcode_col is None or ward_code_col is None:
        raise HeaderError("missing_columns")
    valid, errors, seen = [], [], {}
    for line, row in enumerate(iterator, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if terminated_col is not None and terminated_col < len(row) and row[terminated_col].strip():
            continue

        def cell(index, row=row):
            return row[index].strip() if index is not None and index < len(row) else ""

        bad = [char for value in row for char in unwanted_characters(value)]
        if bad:
            errors.append(RowError(line, "bad_character", code_point(bad[0])))
            continue
        if any(len(cell(index)) > MAX_NAME_LENGTH for index in (ward_name_col, area_col)):
            errors.append(RowError(line, "name_too_long", max(cell(ward_name_col), cell(area_col), key=len)[:40]))
            continue
        postcode = normalise_postcode(cell(postcode_col))
        ward_code = cell(ward_code_col).upper()
        if postcode is None:
            errors.append(RowError(line, "bad_postcode", cell(postcode_col)[:20]))
            continue
        if not _WARD_CODE.match(ward_code):
            errors.append(RowError(line, "bad_ward_code", ward_code[:20]))
            continue
        if postcode in seen and seen[postcode] != ward_code:
            errors.append(RowError(line, "duplicate_postcode", postcode))
            continue
        seen[postcode] = ward_code
        valid.append(PostcodeRow(postcode, ward_code, cell(ward_name_col), cell(area_col)))
    return valid, errors
