"""Rules for residents' project proposals: what a complete proposal needs and who may do what when."""


from app.domain.priorities import DEFAULT_PRIORITIES
from app.domain.problems import Problem

TITLE_MAX, SUMMARY_MAX, DESCRIPTION_MAX, BREAKDOWN_MAX = 120, 300, 5000, 2000

# The standard neighbourhood-plan priorities; each area's own list is in app.domain.priorities.
PRIORITIES = tuple(DEFAULT_PRIORITIES)

EDITABLE_STATUSES = frozenset({"draft", "submitted", "needs_changes"})
REVIEWABLE_STATUSES = frozenset({"submitted", "needs_changes", "feasible", "not_feasible"})
PUBLIC_STATUSES = frozenset({"submitted", "needs_changes", "feasible", "not_feasible", "merged"})
REVIEW_OUTCOMES = ("feasible", "not_feasible", "needs_changes")


def check_proposal(title, summary, description, cost_pence, breakdown, priority, pot_amount, min_cost, max_cost,
                   final=True, priorities=PRIORITIES):
    """Return problems with a proposal. Drafts (final=False) only need a title and limits respected.

    priorities: the codes the round's list offers (app.domain.priorities.offered_codes).
    """
    problems = []

    def text(field, value, limit, required):
        value = (value or "").strip()
        if required and not value:
            problems.append(Problem("required", field))
        elif len(value) > limit:
            problems.append(Problem("too_long", field))

    text("title", title, TITLE_MAX, True)
    text("summary", summary, SUMMARY_MAX, final)
    text("description", description, DESCRIPTION_MAX, final)
    text("cost_breakdown", breakdown, BREAKDOWN_MAX, False)
    if cost_pence is None:
        if final:
            problems.append(Problem("required", "cost"))
    elif cost_pence <= 0:
        problems.append(Problem("required", "cost"))
    else:
        if min_cost is not None and cost_pence < min_cost:
            problems.append(Problem("below_minimum", "cost"))
        if max_cost is not None and cost_pence > max_cost:
            problems.append(Problem("above_maximum", "cost"))
        elif cost_pence > pot_amount:
            problems.append(Problem("above_pot", "cost"))
    if priority and priority not in priorities:
        problems.append(Problem("unknown", "priority"))
    if final and not priority:
        problems.append(Problem("required", "priority"))
    return problems


def proposals_open(phase, closes_at=None, now=None):
    """Say whether proposals are taken: in the proposals phase and, when a close is set, before it.

    The close is checked as well as the phase because the round only leaves the phase when
    `flask rounds advance` next runs or an officer moves it: the deadline is the date, not the cron.
    Pass now (aware UTC) whenever closes_at is given.
    """
    return phase == "proposals" and (closes_at is None or now < closes_at)


def resident_may_edit(status, phase, closes_at=None, now=None):
    """Residents edit or withdraw their proposals only while proposals are open and not yet decided."""
    return proposals_open(phase, closes_at, now) and status in EDITABLE_STATUSES


def check_review(outcome, reason):
    """Not feasible needs a reason (shown to the proposer and publicly); needs changes needs a message."""
    if outcome not in REVIEW_OUTCOMES:
        return [Problem("unknown_outcome", "outcome")]
    if outcome in ("not_feasible", "needs_changes") and not (reason or "").strip():
        return [Problem("reason_required", "reason")]
    return []


def may_read(status, hidden, *, is_author, is_officer, board_area_ids, round_area_id):
    """Who may read a proposal's page.

    A draft is the proposer's until it is submitted: nobody else, staff included, reads it. A proposal in a
    public status and not hidden is for everyone. Anything else (hidden, withdrawn) is for its author, the
    officers and the board of the round's own area; a council-wide round (no area) has no area board.
    """
    if is_author:
        return True
    if status == "draft":
        return False
    if status in PUBLIC_STATUSES and not hidden:
        return True
    return is_officer or (round_area_id is not None and round_area_id in set(board_area_ids))


def check_cost_change(cost_pence, adjusted_cost_pence, cost_reason):
    """A cost the officer changes needs a reason, which the proposer reads; [] when fine.

    Re-saving the same adjusted cost, or "adjusting" to the proposer's own estimate, is no change.
    """
    if adjusted_cost_pence is None:
        return []
    if adjusted_cost_pence <= 0:
        return [Problem("bad_cost", "adjusted_cost")]
    if adjusted_cost_pence != cost_pence and not (cost_reason or "").strip():
        return [Problem("cost_reason_required", "cost_reason")]
    return []
