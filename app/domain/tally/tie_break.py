"""Tie-breaking orders. The product's default lives here, in one place."""

LEXICO = "lexico"  # project id as text, ascending ("10" < "9"): the reference library's (pabutools') default
COST_VOTES = "cost-votes"  # lower cost, then more votes, then id as text: the equalshares.net recommendation
# (which would draw lots where only the id is left; outcome.tie_decided_by_id flags those counts)
TIE_BREAKS = (LEXICO, COST_VOTES)

# The product counts with cost-votes: residents find "the cheaper project, then the more popular one"
# easier to accept than an order of reference numbers. Conformance tests pass lexico explicitly.
DEFAULT_TIE_BREAK = COST_VOTES


def tie_key(tie_break, costs, votes):
    """Return key(project_id) -> sortable value; smaller wins a tie."""
    if tie_break == LEXICO:
        return lambda pid: (pid,)
    if tie_break == COST_VOTES:
        return lambda pid: (costs[pid], -votes[pid], pid)
    raise ValueError(f"unknown tie-break {tie_break!r}")
