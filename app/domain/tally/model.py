"""The election model the counting rules share: projects, ballots and the budget, in exact numbers."""

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")


@dataclass(frozen=True)
class Project:
    id: str
    cost: Fraction | int
    name: str = ""


@dataclass
class Election:
    """Ballots: approval/choose-1 -> iterable of ids; cumulative/scoring -> {id: points};
    ordinal -> sequence of ids, best first. Money is int or Fraction, never float."""

    projects: list
    ballots: list
    budget: Fraction | int
    vote_type: str = "approval"
    constraints: dict = field(default_factory=dict)  # e.g. {"max_length": 3} (Pabulib META names)

    def project_ids(self):
        return [p.id for p in self.projects]

    def costs(self):
        return {p.id: Fraction(p.cost) for p in self.projects}


def approval_sets(election):
    """Each ballot as the frozenset of projects it supports (points > 0 count as support)."""
    result = []
    for ballot in election.ballots:
        if isinstance(ballot, dict):
            result.append(frozenset(pid for pid, pts in ballot.items() if pts > 0))
        else:
            result.append(frozenset(ballot))
    return result


def _distinct(ballots):
    """[(ballot, how many times that same object appears)]: a parsed file shares one object per vote string."""
    objects = dict(zip(map(id, ballots), ballots, strict=True))
    return [(objects[key], count) for key, count in Counter(map(id, ballots)).items()]


def scores(election):
    """Total points per project: approvals count 1, cumulative sum points, ordinal max_length - rank index."""
    totals = {p.id: 0 for p in election.projects}
    distinct = _distinct(election.ballots)
    if election.vote_type == "ordinal":
        max_length = int(election.constraints.get("max_length") or 0) or max(
            (len(b) for b, _ in distinct), default=0
        )
        for ballot, count in distinct:
            for index, pid in enumerate(ballot):
                totals[pid] += (max_length - index) * count
    else:
        for ballot, count in distinct:
            if isinstance(ballot, dict):
                for pid, pts in ballot.items():
                    totals[pid] += pts * count
            else:
                for pid in ballot:
                    totals[pid] += count
    return totals


def vote_counts(election):
    """Number of ballots that support each project at all."""
    counts = {p.id: 0 for p in election.projects}
    for ballot, count in _distinct(election.ballots):
        for pid in (ballot if not isinstance(ballot, dict) else [p for p, pts in ballot.items() if pts > 0]):
            counts[pid] += count
    return counts
