"""The tally engine: exact, explained counting of participatory budgeting ballots. Pure Python.

    from app.domain.tally import Election, Project, tally
    outcome = tally(election, rule="mes-cost", completion="add1u")
    outcome.selected        # project ids in order of selection
    outcome.total_cost      # Fraction
    outcome.explanations    # id -> ProjectExplanation (votes, score, cost, selected, step, reason code, ...)

Rules: "greedy" (by votes, or by points for cumulative/ordinal ballots; skip=False for greedy-no-skip,
min_score for greedy-threshold), "mes-cost" and "mes-card" (Method of Equal Shares with cost or
cardinality utilities; completion "none", "add1" or "add1u"; endowment "exact" (B/n, as pabutools) or
"integral" (floor(B/n), as the equalshares.net tool)). Equal Shares counts support: for cumulative and
ordinal ballots a project is supported by every ballot that gives it points or ranks it.
Tie-breaking: see tie_break.DEFAULT_TIE_BREAK; outcome.tie_decided_by_id (also in parameters) says when
the last, id step of the tie-break decided something (ids compare as text: "10" < "9").

How Equal Shares is counted (every path gives the same projects in the same order, exactly):
- equal_shares.run_mes: the exact engine, in rationals; the reference the others are tested against.
- fast_mes.run_mes_float: floats with a running error bound, each decision taken in floats only when its
  margin is far above the bound; a near-tie or a close affordability is decided exactly in place.
- compiled.py + _mescore.c: the same float run compiled (built by setup.py on install, optional). On a
  near-tie or a close affordability it calls back into Python for the exact decision and goes on. Add1
  also runs it over a stretch of endowments at once, every money, share and value held between two lines in
  the endowment, and learns how far the outcome certainly holds; it steps over that whole stretch. Without a
  C compiler, or with NB_TALLY_PURE=1, the pure-Python engines run.
A supporter too close to its share to tell whether it pays in full sends that one endowment to run_mes.
"""

from fractions import Fraction

from app.domain.tally.equal_shares import CARDINAL_UTILITY, COST_UTILITY, Groups, equal_shares, explain_mes
from app.domain.tally.greedy import greedy, new_explanations
from app.domain.tally.model import Election, Project, approval_sets, scores, vote_counts
from app.domain.tally.outcome import COMPLETION_DID_NOT_FIT, Outcome, ProjectExplanation
from app.domain.tally.tie_break import DEFAULT_TIE_BREAK, TIE_BREAKS, tie_key

RULES = ("greedy", "mes-cost", "mes-card")
COMPLETIONS = ("none", "add1", "add1u")
ENDOWMENTS = ("exact", "integral")

__all__ = [
    "COMPLETIONS",
    "DEFAULT_TIE_BREAK",
    "ENDOWMENTS",
    "RULES",
    "TIE_BREAKS",
    "Election",
    "Outcome",
    "Project",
    "ProjectExplanation",
    "TallyError",
    "tally",
]


class TallyError(ValueError):
    """The count was asked for something it cannot do (unknown rule, option or project)."""


def tally(election, rule="greedy", completion="add1u", tie_break=DEFAULT_TIE_BREAK, endowment="exact",
          skip=True, min_score=None, exhaustive_stop=True):
    """Count election with rule; return an Outcome with an explanation for every project."""
    if rule not in RULES:
        raise TallyError(f"unknown rule {rule!r}")
    if completion not in COMPLETIONS:
        raise TallyError(f"unknown completion {completion!r}")
    if tie_break not in TIE_BREAKS:
        raise TallyError(f"unknown tie-break {tie_break!r}")
    if endowment not in ENDOWMENTS:
        raise TallyError(f"unknown endowment {endowment!r}")
    costs = election.costs()
    budget = Fraction(election.budget)
    votes = vote_counts(election)
    score = scores(election)
    key = tie_key(tie_break, costs, votes)
    explanations = new_explanations(costs, votes, score)
    parameters = {"tie_break": tie_break}
    if rule == "greedy":
        parameters.update(skip=skip, min_score=min_score)
        ties = []
        selected, spent = greedy(costs, score, votes, budget, tie_break, skip=skip, min_score=min_score,
                                 explanations=explanations, ties=ties)
        parameters["tie_decided_by_id"] = bool(ties)
        return Outcome(selected, spent, explanations, rule, parameters)

    parameters.update(completion=completion, endowment=endowment, exhaustive_stop=exhaustive_stop)
    groups = Groups(approval_sets(election), list(costs))
    utility = COST_UTILITY if rule == "mes-cost" else CARDINAL_UTILITY
    selected, money, used, ties = equal_shares(groups, costs, budget, utility, key, add1=completion != "none",
                                         integral=endowment == "integral", exhaustive_stop=exhaustive_stop)
    parameters["endowment_per_voter"] = str(used)
    explain_mes(explanations, groups, costs, selected, money)
    spent = sum((costs[pid] for pid in selected), Fraction(0))
    if completion == "add1u":
        selected, spent = _utilitarian_completion(costs, votes, score, budget, tie_break, selected, explanations,
                                                  ties)
    parameters["tie_decided_by_id"] = bool(ties)
    return Outcome(selected, spent, explanations, rule, parameters)


def _utilitarian_completion(costs, votes, score, budget, tie_break, mes_selected, explanations, ties):
    """Add1u's top-up: greedy by votes over what still fits; record what each project met there."""
    pass_explanations = new_explanations(costs, votes, score)
    selected, spent = greedy(costs, votes, votes, budget, tie_break, already=mes_selected,
                             explanations=pass_explanations, phase="completion", ties=ties)
    for pid in costs:
        if pid in mes_selected:
            continue
        seen, exp = pass_explanations[pid], explanations[pid]
        exp.money_left_when_considered = seen.money_left_when_considered
        if seen.selected:
            exp.selected, exp.step, exp.phase, exp.reason = True, seen.step, "completion", seen.reason
        elif exp.reason != "no_support":
            exp.reason = COMPLETION_DID_NOT_FIT
    return selected, spent
