"""Greedy counting: projects by votes (or points), each funded if it fits the money left."""

from fractions import Fraction

from app.domain.tally.outcome import (
    BELOW_THRESHOLD,
    DID_NOT_FIT,
    SELECTED,
    STOPPED,
    ProjectExplanation,
)
from app.domain.tally.tie_break import tie_key


def greedy(costs, score, votes, budget, tie_break, skip=True, min_score=None, already=(), explanations=None,
           phase="greedy", step_offset=0, ties=None):
    """Return (selected ids, total cost), filling explanations.

    Order: higher score first; ties by tie_break. skip=False stops at the first project that does not fit
    (greedy-no-skip); min_score leaves out projects scoring below it (greedy-threshold). already: projects
    selected before (Equal Shares completion), which count against the budget. ties (a list) gets
    (chosen, other) where projects equal in everything but the final id step were not both funded.
    """
    budget = Fraction(budget)
    key = tie_key(tie_break, costs, votes)
    selected = list(already)
    spent = sum((costs[pid] for pid in selected), Fraction(0))
    chosen = set(selected)
    stopped = False
    order = sorted((pid for pid in costs if pid not in chosen), key=lambda pid: (-score[pid], key(pid)))
    for pid in order:
        exp = explanations[pid]
        left = budget - spent
        if min_score is not None and score[pid] < min_score:
            exp.reason, exp.phase = BELOW_THRESHOLD, phase
            continue
        if stopped:
            exp.reason, exp.phase, exp.money_left_when_considered = STOPPED, phase, left
            continue
        exp.money_left_when_considered = left
        exp.phase = phase
        if costs[pid] <= left:
            selected.append(pid)
            spent += costs[pid]
            exp.selected, exp.reason, exp.step = True, SELECTED, len(selected) + step_offset
        else:
            exp.reason = DID_NOT_FIT
            if not skip:
                stopped = True
    if ties is not None:
        _id_ties(order, lambda pid: (score[pid], key(pid)[:-1]), set(selected), ties)
    return selected, spent


def _id_ties(order, rank, chosen, ties):
    """Record pairs of equally ranked projects (but for their ids) of which only the first was funded."""
    for index, pid in enumerate(order):
        if pid not in chosen:
            continue
        for other in order[index + 1:]:
            if rank(other) != rank(pid):
                break
            if other not in chosen:
                ties.append((pid, other))


def new_explanations(costs, votes, score):
    return {pid: ProjectExplanation(pid, costs[pid], votes[pid], score[pid]) for pid in costs}
