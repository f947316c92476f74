"""Tie-breaking orders. The product's default lives here, in one place."""

LEXICO = "lexico"  # project id as a string, ascending: the reference library's (pabutools') default
COST_VOTES = "cost-votes"  # lower cost, then more votes, then id: the equalshares.net recommendation
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
