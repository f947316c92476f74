"""Assisted-digital registration and paper ballot sheets: who is the same person, and reading an event's sheet.

Plain values in, plain values out: the services look people up and store what these rules decide.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.domain.postcodes import normalise_postcode
from app.domain.problems import Problem

SHEET_COLUMNS = ("name", "postcode", "date_of_birth", "choices")
MAX_SHEET_ROWS = 2000


def normalise_name(name):
    """"  Maud  O'Brien-Smith " and "maud obrien smith" are the same name: case, accents, punctuation and spacing
    do not count."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", "", text.replace("-", " ")).split())


def identity_key(name, postcode, date_of_birth):
    """The key two registrations of one person share, or None when it cannot be told (no date of birth, no name).

    Same person = same name, postcode and date of birth, each normalised. The postcode stands for the address:
    online registration asks for the postcode only, so it is the part of the address both channels have.
    """
    name_part = normalise_name(name)
    postcode_part = normalise_postcode(postcode)
    if not name_part or postcode_part is None or not isinstance(date_of_birth, date):
        return None
    text = f"{name_part}|{postcode_part}|{date_of_birth.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


# The upper end of each age group a resident may give instead of a date of birth ("at least N" -> N..upper).
AGE_GROUP_UPPER = {11: 15, 16: 17, 18: None}


@dataclass(frozen=True)
class Details:
    """What one registration says about a person: enough to tell whether two registrations may be one person."""

    name: str
    postcode: str | None
    address: str | None = None  # in person only: online registration asks for the postcode alone
    date_of_birth: date | None = None
    age_confirmed: int | None = None  # the age group (11, 16 or 18: "at least N") when no date of birth


def _age_range(details, today):
    """(youngest, oldest) the person can be today, oldest None for no limit; None when the age is unknown."""
    if details.date_of_birth is not None:
        years = today.year - details.date_of_birth.year - (
            (today.month, today.day) < (details.date_of_birth.month, details.date_of_birth.day))
        return years, years
    if details.age_confirmed is not None:
        return details.age_confirmed, AGE_GROUP_UPPER.get(details.age_confirmed)
    return None


def _ages_agree(one, other):
    """Two age ranges may be one person's; a year's slack, since an age group may have been given a birthday ago."""
    return (other[1] is None or one[0] <= other[1] + 1) and (one[1] is None or other[0] <= one[1] + 1)


def duplicate_evidence(new, existing, today):
    """What says two registrations may be one person, as codes; [] when they cannot be.

    They must share the name and the postcode (each normalised): "name_and_postcode". A different date of birth
    or an age that cannot be the same person's (a date of birth against an age group, with a year's slack)
    rules them out; otherwise each further fact both give and share is listed: "date_of_birth", "age_group"
    (the ages fit), "address" (case, punctuation and spacing ignored). A different address does not rule a
    match out: people move, and the same person may write their address two ways.
    """
    if not normalise_name(new.name) or normalise_name(new.name) != normalise_name(existing.name):
        return []
    postcode = normalise_postcode(new.postcode)
    if postcode is None or postcode != normalise_postcode(existing.postcode):
        return []
    evidence = ["name_and_postcode"]
    if new.date_of_birth is not None and existing.date_of_birth is not None:
        if new.date_of_birth != existing.date_of_birth:
            return []
        evidence.append("date_of_birth")
    else:
        ages = _age_range(new, today), _age_range(existing, today)
        if None not in ages:
            if not _ages_agree(*ages):
                return []
            evidence.append("age_group")
    if normalise_name(new.address) and normalise_name(new.address) == normalise_name(existing.address):
        evidence.append("address")
    return evidence


def SheetProblem(code, line=0, values=None):  # noqa: N802 - named like the problem it makes
    """One reason a sheet row (line, 1-based with the header as line 1; 0: the whole sheet) is refused."""
    return Problem(code, "sheet", {"line": line, **(values or {})})


@dataclass(frozen=True)
class SheetRow:
    line: int
    name: str
    postcode: str
    date_of_birth: date
    choices: object  # [project ids] or {project id: points}


def _choices(text, cumulative):
    """"12; 15 18" -> [12, 15, 18]; cumulative "12:3; 15:2" -> {12: 3, 15: 2}. None when unreadable."""
    parts = [p for p in re.split(r"[;,\s]+", text.strip()) if p]
    if cumulative:
        out = {}
        for part in parts:
            project, _, points = part.partition(":")
            if not project.isdigit() or not points.isdigit() or int(project) in out:
                return None
            out[int(project)] = int(points)
        return out
    if not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def parse_paper_sheet(rows, cumulative=False):
    """Read a sheet's rows (lists of cells, the first naming the columns) into SheetRows and Problems.

    Columns, in any order: name, postcode, date_of_birth (YYYY-MM-DD), choices (the project numbers shown on the
    ballot, separated by spaces or semicolons, best first for a ranked ballot; "number:points" for points).
    Blank lines are skipped. A sheet with any problem is refused as a whole by the caller.
    """
    rows = [list(r) for r in rows]
    if not rows:
        return [], [SheetProblem("empty")]
    header = [cell.strip().lower() for cell in rows[0]]
    if any(column not in header for column in SHEET_COLUMNS):
        return [], [SheetProblem("no_header", 1)]
    if len(rows) - 1 > MAX_SHEET_ROWS:
        return [], [SheetProblem("too_many_rows", 0, {"limit": MAX_SHEET_ROWS})]
    at = {column: header.index(column) for column in SHEET_COLUMNS}
    entries, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {column: (row[i].strip() if i < len(row) else "") for column, i in at.items()}
        postcode = normalise_postcode(cells["postcode"])
        try:
            born = date.fromisoformat(cells["date_of_birth"])
        except ValueError:
            born = None
        choices = _choices(cells["choices"], cumulative)
        row_problems = [SheetProblem(code, line) for code, bad in (
            ("missing_name", not cells["name"]), ("bad_postcode", postcode is None), ("bad_date", born is None),
            ("bad_choices", choices is None)) if bad]
        if row_problems:
            problems.extend(row_problems)
        else:
            entries.append(SheetRow(line, cells["name"][:200], postcode, born, choices))
    if not entries and not problems:
        problems.append(SheetProblem("empty"))
    return entries, problems

