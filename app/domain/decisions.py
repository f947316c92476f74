"""Rules for a Neighbourhood Board's decision record: quorum, interests, money, two-person confirmation.

Declarations of interest: a member who declares an interest in any project of the round takes no part
in the decision, so they may not confirm the record at all (not just that project's award). Boards are
small and the record is confirmed as a whole, so a per-award rule would let a conflicted member lock
the other awards; the stricter rule is simpler to explain and to audit.
"""

from dataclasses import dataclass

from app.domain.problems import Problem

OUTCOMES = ("confirm", "defer", "reject", "fund")  # fund: the board funds a project the count did not select
AWARDING = ("confirm", "fund")
CONFIRMATIONS_NEEDED = 2
MIN_QUORUM = CONFIRMATIONS_NEEDED  # a meeting smaller than the two confirmers cannot decide anything
# The longest texts a record keeps: longer ones are refused, never cut, since the record is confirmed and locked.
NOTES_MAX, REASON_MAX, NATURE_MAX = 5000, 2000, 500


@dataclass(frozen=True)
class Item:
    proposal_id: int
    outcome: str
    amount_pence: int
    reason: str
    recommended: bool  # selected by the count


# The part of the record each problem is about, as the board's decision form names it ({pid}: the project).
PROBLEM_FIELDS = {
    "quorum_too_low": "quorum", "present_not_member": "present",
    "bad_declaration": "decl-0-member", "reason_required": "reason-{pid}", "bad_amount": "amount-{pid}",
    "already_recommended": "outcome-{pid}", "not_recommended": "outcome-{pid}", "unknown_outcome": "outcome-{pid}",
    "missing_outcome": "outcome-{pid}", "over_pot": "projects", "notes_too_long": "notes",
    "reason_too_long": "reason-{pid}",
}


def DecisionProblem(code, proposal_id=None):  # noqa: N802 - named like the problem it makes
    """A Problem with a decision record, about one project (proposal_id) or the whole record."""
    field = PROBLEM_FIELDS.get(code)
    return Problem(code, field.format(pid=proposal_id) if field else None,
                   {"proposal_id": proposal_id} if proposal_id is not None else {})


def text_problems(notes, reasons, natures):
    """Problems with texts too long to keep: notes, reasons ({proposal id: text}), natures of interests (by row).

    A nature's problem is about its declaration row ("decl-<row>-nature"), not a project.
    """
    problems = [DecisionProblem("notes_too_long")] if len(notes) > NOTES_MAX else []
    problems += [DecisionProblem("reason_too_long", pid) for pid, text in reasons.items() if len(text) > REASON_MAX]
    problems += [Problem("nature_too_long", f"decl-{row}-nature") for row, text in enumerate(natures)
                 if len(text) > NATURE_MAX]
    return problems


def check_items(items, pot_amounts, proposal_pots, costs=None):
    """Problems with the board's outcomes: reasons where needed, amounts, and awards within each pot.

    confirm is only for projects the count selected, fund (the board's override) only for the others and
    always with a reason; defer and reject need a reason too. An award is more than nothing and, when
    costs ({proposal id: pence}) are given, no more than the project's cost. Awards never exceed the pot.
    """
    problems = []
    awarded = {}
    for item in items:
        if item.outcome not in OUTCOMES:
            problems.append(DecisionProblem("unknown_outcome", item.proposal_id))
            continue
        if item.outcome in ("defer", "reject", "fund") and not item.reason.strip():
            problems.append(DecisionProblem("reason_required", item.proposal_id))
        if item.outcome == "fund" and item.recommended:
            problems.append(DecisionProblem("already_recommended", item.proposal_id))
        if item.outcome == "confirm" and not item.recommended:
            problems.append(DecisionProblem("not_recommended", item.proposal_id))
        if item.outcome in AWARDING:
            if item.amount_pence <= 0 or (costs is not None and item.amount_pence > costs[item.proposal_id]):
                problems.append(DecisionProblem("bad_amount", item.proposal_id))
            pot = proposal_pots[item.proposal_id]
            awarded[pot] = awarded.get(pot, 0) + item.amount_pence
    for pot, total in sorted(awarded.items()):
        if total > pot_amounts[pot]:
            problems.append(DecisionProblem("over_pot"))
    return problems


def awards_by_pot(items, proposal_pots):
    """{pot id: pence awarded} for confirm and fund outcomes."""
    totals = {}
    for item in items:
        if item.outcome in AWARDING:
            pot = proposal_pots[item.proposal_id]
            totals[pot] = totals.get(pot, 0) + item.amount_pence
    return totals


def check_meeting(quorum, present_ids, member_ids, declarations, proposal_ids):
    """Problems with the meeting part of a record.

    declarations: [(user id, proposal id, nature)]. Only board members can be present or declare, a
    declaration names a project of the round and says what the interest is, and the quorum is at least
    MIN_QUORUM (the two confirmers).
    """
    problems = []
    if quorum < MIN_QUORUM:
        problems.append(DecisionProblem("quorum_too_low"))
    if not set(present_ids) <= set(member_ids):
        problems.append(DecisionProblem("present_not_member"))
    for user_id, proposal_id, nature in declarations:
        if user_id not in member_ids or proposal_id not in proposal_ids or not nature.strip():
            problems.append(DecisionProblem("bad_declaration", proposal_id))
            break
    return problems


def quorum_met(present_ids, member_ids, quorum):
    """Members present who sit on the board, compared with the quorum."""
    return len(set(present_ids) & set(member_ids)) >= quorum


def check_confirmer(user_id, present_ids, member_ids, declared_user_ids, already_confirmed_ids):
    """What keeps user from confirming the record (problems); [] when they may.

    A member who declared an interest in any project of the record may not confirm it (they take no
    part in the decision); confirmers must be present members, and two distinct members are needed.
    """
    problems = []
    if user_id not in member_ids:
        problems.append(Problem("not_a_member"))
    if user_id not in present_ids:
        problems.append(Problem("not_present"))
    if user_id in declared_user_ids:
        problems.append(Problem("declared_interest"))
    if user_id in already_confirmed_ids:
        problems.append(Problem("already_confirmed"))
    return problems


def locks_now(confirmer_ids):
    """True once CONFIRMATIONS_NEEDED distinct members have confirmed."""
    return len(set(confirmer_ids)) >= CONFIRMATIONS_NEEDED


def may_edit(status):
    """A confirmed record is locked: corrections are new records that supersede it."""
    return status == "draft"
