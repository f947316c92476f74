"""Rules for a Neighbourhood Board's decision record: quorum, interests, money, two-person confirmation."""

from dataclasses import dataclass

OUTCOMES = ("confirm", "defer", "reject", "fund")  # fund: the board funds a project the count did not select


@dataclass(frozen=True)
class Item:
    proposal_id: int
    outcome: str
    amount_pence: int
    reason: str
    recommended: bool  # selected by the count


@dataclass(frozen=True)
class DecisionProblem:
    code: str
    proposal_id: int | None = None


def check_items(items, pot_amounts, proposal_pots):
    """Problems with the board's outcomes: reasons where needed, and awards within each pot."""
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
        if item.outcome in ("confirm", "fund"):
            pot = proposal_pots[item.proposal_id]
            awarded[pot] = awarded.get(pot, 0) + item.amount_pence
    for pot, total in sorted(awarded.items()):
        if total > pot_amounts[pot]:
            problems.append(DecisionProblem("over_pot"))
    return problems


def quorum_met(present_ids, member_ids, quorum):
    """Members present who sit on the board, compared with the quorum."""
    return len(set(present_ids) & set(member_ids)) >= quorum


def may_confirm(user_id, present_ids, member_ids, declared_user_ids, already_confirmed_ids):
    """Return [] if user may confirm the record, else problem codes.

    A member who declared an interest in any project of the record may not confirm it (they take no
    part in the decision); confirmers must be present members, and two distinct members are needed.
    """
    problems = []
    if user_id not in member_ids:
        problems.append("not_a_member")
    if user_id not in present_ids:
        problems.append("not_present")
    if user_id in declared_user_ids:
        problems.append("declared_interest")
    if user_id in already_confirmed_ids:
        problems.append("already_confirmed")
    return problems


CONFIRMATIONS_NEEDED = 2
