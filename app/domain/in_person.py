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

