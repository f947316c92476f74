"""Read and write Pabulib .pb files, the exchange format of participatory budgeting data.

A file has three sections (META, PROJECTS, VOTES), each a line with the section name, a header line
and ';'-separated rows (CSV quoting with '"'). The reader checks what an importer must check and
raises PabulibError naming the line on any problem.
"""

import csv
import gc
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from operator import itemgetter

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
    election: Election
    project_columns: list = field(default_factory=list)
    vote_columns: list = field(default_factory=list)
    vote_rows: "VoteRows | None" = None

    @cached_property
    def votes(self):
        """voter id -> {column: value}: built on first use (a big file's ballots are in election already)."""
        return self.vote_rows.records() if self.vote_rows else {}


def parse_number(text, line, what):
    """Exact number from a decimal string ("308151.26" -> Fraction)."""
    try:
        value = Fraction(Decimal(text.strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise PabulibError(line, f"{what} is not a number: {text!r}") from None
    return value.numerator if value.denominator == 1 else value


def read_pabulib(text):
    """Parse .pb text into a PabulibFile; raise PabulibError on any malformation.

    The text is read as CSV records, so a quoted field may hold ';', a newline or U+2028. Votes are many
    rows over few distinct strings: each distinct vote (and points) string is checked and converted once,
    and ballots with the same string share one value (never mutate a ballot in place). The cyclic garbage
    collector is paused while reading: a big file makes ~10^5 row lists that all stay alive, and collecting
    over them again and again (for cycles that cannot exist) doubled the time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(text)
    finally:
        if collecting:
            gc.enable()


def _read(text):
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    sections = {}
    current = None
    expected = list(SECTIONS)
    line = 0
    try:
        for row in reader:
            number, line = line + 1, reader.line_num
            if len(row) == 1:
                name = row[0].strip()
                if name.upper() in SECTIONS:
                    name = name.upper()
                    if not expected or name != expected[0]:
                        raise PabulibError(number, f"section {name} out of order (expected "
                                                   f"{expected[0] if expected else 'end'})")
                    expected.pop(0)
                    current = name
                    sections[name] = []
                    if name == "VOTES":
                        sections[name] = _read_vote_rows(reader, number, text)
                        line = reader.line_num
                    continue
                if name.isalpha() and name.isupper():
                    raise PabulibError(number, f"unknown section name {name!r} (expected one of META, PROJECTS, "
                                               "VOTES)")
            if not any(cell.strip() for cell in row):
                continue
            if current is None:
                raise PabulibError(number, "expected the META section first")
            sections[current].append((number, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise PabulibError(reader.line_num, f"cannot read the row: {error}") from None
    for name in SECTIONS:
        if name not in sections:
            raise PabulibError(line, f"missing section {name}")
    meta = _read_meta(sections["META"])
    projects, project_columns = _read_table(sections["PROJECTS"], "project_id", "PROJECTS")
    votes = sections["VOTES"]
    election = _build_election(meta, projects, votes, sections["META"][0][0] if sections["META"] else 0)
    return PabulibFile(meta, projects, election, project_columns, votes.header, votes)


class VoteRows:
    """The VOTES section as read: the header and the data rows, cells not yet stripped.

    Line numbers are worked out again from the text only when an error must name one.
    """

    def __init__(self, header, rows, line_of):
        self.header, self.rows, self.line_of = header, rows, line_of

    def column(self, name):
        """Every row's raw value of column name ("" for all when there is no such column)."""
        if name not in self.header:
            return [""] * len(self.rows)
        return list(map(itemgetter(self.header.index(name)), self.rows))

    def records(self):
        """voter id -> {column: value, "_line": line}: the slow, full form, built on demand."""
        voter = self.header.index("voter_id")
        return {row[voter].strip(): {**dict(zip(self.header, (cell.strip() for cell in row), strict=True)),
                                     "_line": self.line_of(index)}
                for index, row in enumerate(self.rows)}


def _blank(row):
    return not any(cell.strip() for cell in row)


def _read_vote_rows(reader, section_line, text):
    """Read VOTES to the end of the file, checking field counts and unique voter ids.

    The rows are taken in one go (csv at C speed) and checked in bulk; only a file that fails a check is
    walked row by row to name the line.
    """
    header = header_line = None
    line = reader.line_num
    for row in reader:
        number, line = line + 1, reader.line_num
        if not _blank(row):
            header, header_line = [cell.strip() for cell in row], number
            break
    if header is None:
        raise PabulibError(section_line, "VOTES has no header")
    if "voter_id" not in header:
        raise PabulibError(header_line, "VOTES header has no voter_id column")
    after_header = reader.line_num
    raw = list(reader)
    width, voter_index = len(header), header.index("voter_id")

    def raw_line(index):
        """The line on which raw row index starts, found by reading the text again."""
        again = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
        for _ in again:
            if again.line_num == after_header:
                break
        previous = after_header
        for position, _ in enumerate(again):
            if position == index:
                return previous + 1
            previous = again.line_num
        return previous

    kept = None  # raw index of each data row, when blank rows had to be dropped
    if set(map(len, raw)) - {width}:
        kept = []
        for index, row in enumerate(raw):
            if len(row) == width:
                kept.append(index)
                continue
            cells = [cell.strip() for cell in row if cell.strip()]
            if not cells:
                continue
            number = raw_line(index)
            if len(row) == 1 and cells[0].upper() in SECTIONS:
                raise PabulibError(number, f"section {cells[0].upper()} out of order (expected end)")
            if len(row) == 1 and cells[0].isalpha() and cells[0].isupper():
                raise PabulibError(number, f"unknown section name {cells[0]!r} (expected one of META, PROJECTS, "
                                           "VOTES)")
            raise PabulibError(number, f"VOTES row has {len(row)} fields, header has {width}")
        rows = [raw[index] for index in kept]
    else:
        rows = raw

    def line_of(index):
        return raw_line(kept[index] if kept is not None else index)

    voters = list(map(str.strip, map(itemgetter(voter_index), rows)))
    if len(set(voters)) != len(voters):
        seen = set()
        for index, voter in enumerate(voters):
            if voter in seen:
                raise PabulibError(line_of(index), f"duplicate voter_id {voter!r}")
            seen.add(voter)
    return VoteRows(header, rows, line_of)


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


def _build_election(meta, projects, votes, meta_line):
    for key, count in (("num_projects", len(projects)), ("num_votes", len(votes.rows))):
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
    constraints = {k: meta[k] for k in ("min_length", "max_length", "min_sum_cost", "max_sum_cost", "min_points",
                                        "max_points", "min_sum_points", "max_sum_points") if k in meta}
    max_length = int(constraints["max_length"]) if "max_length" in constraints else None
    points_too = vote_type in ("cumulative", "scoring")
    keys = votes.column("vote")
    if points_too:
        keys = list(zip(keys, votes.column("points"), strict=True))
    ballot_of = {}
    for key in dict.fromkeys(keys):  # each distinct string once, in order of first appearance
        try:
            ballot_of[key] = _ballot(key, points_too, vote_type, projects, max_length)
        except _BadVote as bad:
            raise PabulibError(votes.line_of(keys.index(key)), str(bad)) from None
    ballots = list(map(ballot_of.__getitem__, keys))
    if vote_type == "ordinal" and max_length is None:
        constraints["max_length"] = str(max((len(b) for b in ballot_of.values()), default=0))
    return Election(project_list, ballots, budget, vote_type, constraints)


class _BadVote(ValueError):
    """A vote string is malformed (the caller adds the line of its first appearance)."""


def _ballot(key, points_too, vote_type, projects, max_length):
    """One distinct vote (and points) string as a ballot: frozenset, tuple (ordinal) or {id: points}."""
    vote_text, points_text = key if points_too else (key, "")
    ids = [v.strip() for v in vote_text.split(",") if v.strip()]
    for pid in ids:
        if pid not in projects:
            raise _BadVote(f"vote names unknown project {pid!r}")
    if len(set(ids)) != len(ids):
        raise _BadVote("vote names a project twice")
    if vote_type == "choose-1" and len(ids) > 1:
        raise _BadVote("a choose-1 vote names more than one project")
    if max_length is not None and len(ids) > max_length:
        raise _BadVote(f"vote has {len(ids)} projects, max_length is {max_length}")
    if points_too:
        texts = [p.strip() for p in points_text.split(",") if p.strip()]
        if len(texts) != len(ids):
            raise _BadVote("points are not aligned with vote")
        points = {}
        for pid, text in zip(ids, texts, strict=True):
            try:
                value = parse_number(text, 0, "points")
            except PabulibError as error:
                raise _BadVote(str(error)) from None
            if value < 0:
                raise _BadVote("points are negative")
            points[pid] = value
        return points
    if vote_type == "ordinal":
        return tuple(ids)
    return frozenset(ids)


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
