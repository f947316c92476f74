"""Turnout as a share of the people who could take part: electorate figures per ward and age band.

The bands are the participation report's (app.domain.eligibility.age_band), so a ward's residents who took
part and its electorate are counted the same way. Figures come from the officer (typed in or a CSV file).
"""

from dataclasses import dataclass
from fractions import Fraction

from app.domain.eligibility import AGE_BANDS

# (band, youngest age, oldest age or None) in age order; "unknown" is never an electorate band.
BANDS = AGE_BANDS
ELECTORATE_BANDS = tuple(band for band, _, _ in BANDS)
MAX_RESIDENTS = 10_000_000


def eligible_bands(min_age):
    """The bands with anyone old enough to take part (a band the minimum age cuts through counts whole)."""
    if not min_age:
        return ELECTORATE_BANDS
    return tuple(band for band, _, oldest in BANDS if oldest is None or oldest >= min_age)


def eligible_population(figures, min_age):
    """figures {band: residents} of one ward -> the people who could take part, or None without figures."""
    bands = [band for band in eligible_bands(min_age) if band in figures]
    return sum(figures[band] for band in bands) if bands else None


def turnout_share(took_part, population):
    """took_part / population as a Fraction, or None when either is unknown or nobody could take part."""
    if took_part is None or not population:
        return None
    return Fraction(took_part, population)


@dataclass(frozen=True)
class RowProblem:
    """A problem with one line of an electorate file: line number (1 = the header), code, the value."""

    line: int
    code: str  # no_header | unknown_ward | bad_band | bad_number | duplicate
    value: str = ""


def parse_electorate_rows(rows, ward_codes):
    """Rows of a CSV file (header ward_code, age_band, residents) -> ({(ward code, band): n}, [RowProblem]).

    ward_codes: the ward codes that exist. All or nothing: the caller stores the figures only without problems.
    """
    if not rows:
        return {}, [RowProblem(1, "no_header")]
    header = [cell.strip().lower() for cell in rows[0]]
    try:
        columns = [header.index(name) for name in ("ward_code", "age_band", "residents")]
    except ValueError:
        return {}, [RowProblem(1, "no_header")]
    figures, problems = {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        ward, band, number = (row[i].strip() if i < len(row) else "" for i in columns)
        ward = ward.upper()
        if ward not in ward_codes:
            problems.append(RowProblem(line, "unknown_ward", ward))
        elif band not in ELECTORATE_BANDS:
            problems.append(RowProblem(line, "bad_band", band))
        elif not number.replace(",", "").isdigit() or int(number.replace(",", "")) > MAX_RESIDENTS:
            problems.append(RowProblem(line, "bad_number", number))
        elif (ward, band) in figures:
            problems.append(RowProblem(line, "duplicate", f"{ward} {band}"))
        else:
            figures[(ward, band)] = int(number.replace(",", ""))
    return figures, problems
