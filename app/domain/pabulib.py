"""Read and write Pabulib .pb files, the exchange format of participatory budgeting data.

A file has three sections (META, PROJECTS, VOTES), each a line with the section name, a header line
and ';'-separated rows (CSV quoting with '"'). The reader checks what an importer must check and
raises PabulibError naming the line on any problem.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from app.domain.tally.model import Election, Project

SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ValueError):
    """A .pb file is malformed; the message names the line."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass
class PabulibFile:
    meta: dict
    projects: dict  # id -> {column: value}
    votes: dict  # voter id -> {column: value}
    election: Election
    project_columns: list = field(default_factory=list)
    vote_columns: list = field(default_factory=list)


def parse_number(text, line, what):
    """Exact number from a decimal string ("308151.26" -> Fraction)."""
    try:
        value = Fraction(Decimal(text.strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise PabulibError(line, f"{what} is not a number: {text!r}") from None
    return value.numerator if value.denominator == 1 else value


def read_pabulib(text):
    """Parse .pb text into a PabulibFile; raise PabulibError on any malformation."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    sections = {}
    current = None
    header = None
    expected = list(SECTIONS)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        stripped = raw.strip()
        if stripped.upper() in SECTIONS and ";" not in stripped:
            name = stripped.upper()
            if not expected or name != expected[0]:
                raise PabulibError(number, f"section {name} out of order (expected {expected[0] if expected else 'end'})")
            expected.pop(0)
            current, header = name, None
            sections[name] = []
            continue
        if ";" not in stripped and stripped.isalpha() and stripped.isupper():
            raise PabulibError(number, f"unknown section name {stripped!r} (expected one of META, PROJECTS, VOTES)")
        if current is None:
            raise PabulibError(number, "expected the META section first")
        if '"' in raw:
            try:
                row = next(csv.reader([raw], delimiter=";", quotechar='"'))
            except csv.Error as error:
                raise PabulibError(number, f"cannot read the row: {error}") from None
        else:  # no quoting on the line: a plain split reads it the same, many times faster on big files
            row = raw.split(";")
        row = [cell.strip() for cell in row]
        if header is None:
            header = row
            sections[current].append((number, header))
            continue
        sections[current].append((number, row))
    for name in SECTIONS:
        if name not in sections:
            raise PabulibError(len(lines), f"missing section {name}")
    meta = _read_meta(sections["META"])
    projects, project_columns = _read_table(sections["PROJECTS"], "project_id", "PROJECTS")
    votes, vote_columns = _read_table(sections["VOTES"], "voter_id", "VOTES")
    election = _build_election(meta, projects, votes, sections)
    return PabulibFile(meta, projects, votes, election, project_columns, vote_columns)


def _read_meta(rows):
    meta = {}
    for number, row in rows[1:]:
        if len(row) < 2:
            raise PabulibError(number, "META rows need a key and a value")
        meta[row[0]] = ";".join(row[1:])
    return meta


def _read_table(rows, id_column, section):
    if not rows:
        raise PabulibError(0, f"{section} has no header")
    header_line, header = rows[0]
    if id_column not in header:
        raise PabulibError(header_line, f"{section} header has no {id_column} column")
    table = {}
    for number, row in rows[1:]:
        if len(row) != len(header):
            raise PabulibError(number, f"{section} row has {len(row)} fields, header has {len(header)}")
        record = dict(zip(header, row, strict=True))
        key = record[id_column]
        if key in table:
            raise PabulibError(number, f"duplicate {id_column} {key!r}")
        record["_line"] = number
        table[key] = record
    return table, header


def _build_election(meta, projects, votes, sections):
    meta_line = sections["META"][0][0]
    for key, count in (("num_projects", len(projects)), ("num_votes", len(votes))):
        if key in meta:
            try:
                declared = int(meta[key])
            except ValueError:
                raise PabulibError(meta_line, f"{key} is not a whole number: {meta[key]!r}") from None
            if declared != count:
                raise PabulibError(meta_line, f"{key} says {declared} but the file has {count}")
    if "budget" not in meta:
        raise PabulibError(meta_line, "META has no budget")
    budget = parse_number(meta["budget"], meta_line, "budget")
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in ("approval", "choose-1", "cumulative", "ordinal", "scoring"):
        raise PabulibError(meta_line, f"unknown vote_type {vote_type!r}")
    project_list = []
    for pid, record in projects.items():
        if "cost" not in record:
            raise PabulibError(record["_line"], "PROJECTS has no cost column")
        cost = parse_number(record["cost"], record["_line"], "cost")
        if cost < 0:
            raise PabulibError(record["_line"], "cost is negative")
        project_list.append(Project(pid, cost, record.get("name", "")))
    ballots = []
    constraints = {k: meta[k] for k in ("min_length", "max_length", "min_sum_cost", "max_sum_cost", "min_points",
                                        "max_points", "min_sum_points", "max_sum_points") if k in meta}
    max_length = int(constraints["max_length"]) if "max_length" in constraints else None
    for record in votes.values():
        line = record["_line"]
        ids = [v.strip() for v in record.get("vote", "").split(",") if v.strip()]
        for pid in ids:
            if pid not in projects:
                raise PabulibError(line, f"vote names unknown project {pid!r}")
        if len(set(ids)) != len(ids):
            raise PabulibError(line, "vote names a project twice")
        if vote_type == "choose-1" and len(ids) > 1:
            raise PabulibError(line, "a choose-1 vote names more than one project")
        if max_length is not None and len(ids) > max_length:
            raise PabulibError(line, f"vote has {len(ids)} projects, max_length is {max_length}")
        if vote_type in ("cumulative", "scoring"):
            points_text = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
            if len(points_text) != len(ids):
                raise PabulibError(line, "points are not aligned with vote")
            points = {}
            for pid, text in zip(ids, points_text, strict=True):
                value = parse_number(text, line, "points")
                if value < 0:
                    raise PabulibError(line, "points are negative")
                points[pid] = value
            ballots.append(points)
        elif vote_type == "ordinal":
            ballots.append(tuple(ids))
        else:
            ballots.append(frozenset(ids))
    if vote_type == "ordinal" and max_length is None:
        constraints["max_length"] = str(max((len(b) for b in ballots), default=0))
    return Election(project_list, ballots, budget, vote_type, constraints)


def read_pabulib_file(path):
    with open(path, encoding="utf-8") as handle:
        return read_pabulib(handle.read())


def _format_number(value):
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(decimal) != value:
        raise ValueError(f"{value} has no exact decimal form")
    return format(decimal, "f")


def write_pabulib(election, meta=None, project_extra=None, voter_extra=None):
    """Return .pb text for election. meta adds META keys; project_extra/voter_extra add columns.

    project_extra: {project id: {column: value}}; voter_extra: list (one dict per ballot, same order).
    Voter ids are 1..n in ballot order; shuffle the ballots before calling to anonymise them.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    base_meta = {"description": "", "country": "", "unit": "", "instance": "", "num_projects": len(election.projects),
                 "num_votes": len(election.ballots), "budget": _format_number(election.budget),
                 "vote_type": election.vote_type, "rule": "", "date_begin": "", "date_end": ""}
    base_meta.update(election.constraints)
    base_meta.update(meta or {})
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in base_meta.items():
        if value in ("", None):
            continue
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    extra_columns = sorted({c for cols in (project_extra or {}).values() for c in cols})
    writer.writerow(["project_id", "cost", "name", *extra_columns])
    for project in election.projects:
        extra = (project_extra or {}).get(project.id, {})
        writer.writerow([project.id, _format_number(project.cost), project.name,
                         *[extra.get(c, "") for c in extra_columns]])
    out.write("VOTES\n")
    voter_columns = sorted({c for cols in (voter_extra or []) for c in cols})
    points_column = ["points"] if election.vote_type in ("cumulative", "scoring") else []
    writer.writerow(["voter_id", "vote", *points_column, *voter_columns])
    for index, ballot in enumerate(election.ballots):
        extra = (voter_extra[index] if voter_extra else {}) or {}
        if isinstance(ballot, dict):
            ids = list(ballot)
            row = [str(index + 1), ",".join(ids), ",".join(_format_number(ballot[i]) for i in ids)]
        elif election.vote_type == "ordinal":
            row = [str(index + 1), ",".join(ballot)]
        else:
            row = [str(index + 1), ",".join(sorted(ballot))]
        writer.writerow([*row, *[extra.get(c, "") for c in voter_columns]])
    return out.getvalue()
