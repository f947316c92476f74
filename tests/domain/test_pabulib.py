"""The .pb reader refuses malformed files with one clear error naming the line; the writer round-trips."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.pabulib import PabulibError, read_pabulib, write_pabulib
from app.domain.tally import Election, Project

GOOD = """META
key;value
description;"A test; with a semicolon"
num_projects;2
num_votes;2
budget;308151.26
vote_type;approval
PROJECTS
project_id;cost;name
A/1;100000.50;"Park; benches"
B;5000;Library
VOTES
voter_id;vote;age
1;A/1,B;34
2;B;71
"""


def test_reads_quoted_fields_decimal_budget_and_string_ids():
    pb = read_pabulib(GOOD)
    assert pb.election.budget == Fraction("308151.26")
    assert [p.id for p in pb.election.projects] == ["A/1", "B"]
    assert pb.election.projects[0].name == "Park; benches"
    assert pb.election.projects[0].cost == Fraction("100000.5")
    assert pb.election.ballots == [frozenset({"A/1", "B"}), frozenset({"B"})]
    assert pb.meta["description"] == "A test; with a semicolon"


@pytest.mark.parametrize(("broken", "line", "words"), [
    (GOOD.replace("PROJECTS\n", "PROJECTZ\n"), 8, "unknown section name 'PROJECTZ'"),
    (GOOD.replace("num_votes;2", "num_votes;3"), 2, "num_votes says 3"),
    (GOOD.replace("2;B;71", "2;C;71"), 15, "unknown project 'C'"),
    (GOOD.replace("budget;308151.26", "budget;lots"), 2, "budget is not a number"),
    (GOOD.replace("B;5000;Library", "B;5000"), 11, "2 fields, header has 3"),
    (GOOD.replace("VOTES\n", ""), 14, "missing section VOTES"),
])
def test_malformed_files_name_the_line(broken, line, words):
    with pytest.raises(PabulibError) as error:
        read_pabulib(broken)
    assert f"line {line}" in str(error.value) and words in str(error.value)


def test_points_must_align_with_votes():
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace("voter_id;vote;age", "voter_id;vote;points")
    text = text.replace("1;A/1,B;34", "1;A/1,B;3").replace("2;B;71", "2;B;2")
    with pytest.raises(PabulibError, match="line 14: points are not aligned"):
        read_pabulib(text)


def test_sections_out_of_order_are_refused():
    with pytest.raises(PabulibError, match="out of order"):
        read_pabulib("PROJECTS\nproject_id;cost\n")


ids = st.text(alphabet="ABC0123456789/.", min_size=1, max_size=6)


@st.composite
def elections(draw, vote_type=None):
    vote_type = vote_type or draw(st.sampled_from(["approval", "cumulative", "ordinal"]))
    project_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    projects = [Project(pid, draw(st.integers(0, 10_000)), f"Project {pid}") for pid in project_ids]
    ballots = []
    for _ in range(draw(st.integers(0, 12))):
        chosen = draw(st.lists(st.sampled_from(project_ids), unique=True, max_size=len(project_ids)))
        if vote_type == "cumulative":
            ballots.append({pid: draw(st.integers(1, 5)) for pid in chosen})
        elif vote_type == "ordinal":
            ballots.append(tuple(chosen))
        else:
            ballots.append(frozenset(chosen))
    budget = draw(st.integers(0, 30_000))
    return Election(projects, ballots, budget, vote_type)


@settings(max_examples=60, deadline=None)
@given(elections())
def test_write_then_read_gives_the_same_election(election):
    again = read_pabulib(write_pabulib(election)).election
    assert again.projects == election.projects
    assert again.budget == election.budget
    assert again.vote_type == election.vote_type
    assert again.ballots == election.ballots


def test_a_quoted_newline_or_line_separator_in_a_name_does_not_break_the_rows():
    text = GOOD.replace('"Park; benches"', '"Park;\nbenches\u2028and trees"').replace("Library", "Lib\u2028rary")
    pb = read_pabulib(text)
    assert [p.name for p in pb.election.projects] == ["Park;\nbenches\u2028and trees", "Lib\u2028rary"]
    assert pb.election.ballots == [frozenset({"A/1", "B"}), frozenset({"B"})]
    assert pb.votes["2"]["age"] == "71"
    with pytest.raises(PabulibError, match="line 16: vote names unknown project 'C'"):
        read_pabulib(text.replace("2;B;71", "2;C;71"))  # the name's newline makes the row one line later


def test_every_row_is_checked_though_each_vote_string_is_read_once():
    rows = "".join(f"{n};B;30\n" for n in range(3, 7))
    text = GOOD.replace("num_votes;2", "num_votes;6") + rows
    ballots = read_pabulib(text).election.ballots
    assert ballots == [frozenset({"A/1", "B"})] + [frozenset({"B"})] * 5
    with pytest.raises(PabulibError, match="line 18: duplicate voter_id '4'"):
        read_pabulib(text.replace("5;B;30", "4;B;30"))
    with pytest.raises(PabulibError, match="line 17: VOTES row has 2 fields"):
        read_pabulib(text.replace("4;B;30", "4;B"))
    with pytest.raises(PabulibError, match="line 15: vote names a project twice"):
        read_pabulib(text.replace("2;B;71", "2;B,B;71").replace("5;B;30", "5;B,B;30"))
