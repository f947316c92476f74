"""Residents' proposals (draft, submit, edit, withdraw) and officers' review (feasibility, cost, merge, hide)."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.domain.problems import Problem, Refused
from app.domain.proposals import (
    PUBLIC_STATUSES,
    REVIEWABLE_STATUSES,
    check_cost_change,
    check_proposal,
    check_review,
    proposals_open,
    resident_may_edit,
)
from app.domain.rounds import FROZEN_ROUND_FIELDS, frozen_changes
from app.models import Pot, Proposal, Round, Ward
from app.models._common import utcnow
from app.services.audit import record
from app.services.priorities import offered_for_round
from app.services.voting import eligibility_problems

PROPOSAL_FIELDS = ("title", "summary", "description", "cost_pence", "cost_breakdown", "ward_id", "location",
                   "priority", "original_locale", "group_name")


class ProposalRefused(Refused):
    """Not allowed or not valid; .problems say why."""


def _check(session, pot, fields, final, keep_priority=None):
    offered = offered_for_round(session, pot.round, keep=keep_priority)
    return check_proposal(fields.get("title"), fields.get("summary"), fields.get("description"),
                          fields.get("cost_pence"), fields.get("cost_breakdown"), fields.get("priority"),
                          pot.amount_pence, pot.min_project_cost_pence, pot.max_project_cost_pence, final=final,
                          priorities=offered)


LIST_COLUMNS = {"round": Proposal.round_id, "pot": Proposal.pot_id, "ward": Proposal.ward_id,
                "status": Proposal.status, "priority": Proposal.priority}


def public_page(session, filters, words, *, page, size):
    """One page of the public list, newest first, and how many proposals match in all.

    Public statuses only, never a hidden proposal nor one of a draft round. filters: {LIST_COLUMNS key: value};
    words: found in the title or summary, any case.
    """
    query = (select(Proposal).where(Proposal.status.in_(PUBLIC_STATUSES), Proposal.hidden.is_(False))
             .join(Round, Round.id == Proposal.round_id).where(Round.phase != "draft")
             .where(*(LIST_COLUMNS[name] == value for name, value in filters.items())))
    if words:
        like = f"%{words.lower()}%"
        query = query.where(or_(func.lower(Proposal.title).like(like), func.lower(Proposal.summary).like(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.options(selectinload(Proposal.ward)).order_by(Proposal.id.desc()).limit(size)
                            .offset((page - 1) * size)).all()
    return items, total


def list_choices(session):
    """What the public list can be filtered by: rounds past draft (newest first), their pots, every ward."""
    return {"rounds": session.scalars(select(Round).where(Round.phase != "draft").order_by(Round.id.desc())).all(),
            "wards": session.scalars(select(Ward).order_by(Ward.name)).all(),
            "pots": session.scalars(select(Pot).join(Round, Round.id == Pot.round_id).where(Round.phase != "draft")
                                    .order_by(Round.id.desc(), Pot.id)).all()}


def eligible_pots(round_, user, now=None):
    """The round's pots this resident may propose in: the same rule as the ballot (app.domain.eligibility)."""
    return [pot for pot in round_.pots if not eligibility_problems(user, round_, pot, now=now or utcnow())]


def eligibility_reasons(round_, user, now=None):
    """Why this resident may propose in none of the round's pots: the reasons for its first pot, in rule order.

    Empty when the resident may propose in at least one pot (or the round has no pots).
    """
    now = now or utcnow()
    reasons = [eligibility_problems(user, round_, pot, now=now) for pot in round_.pots]
    if not reasons or any(not r for r in reasons):
        return []
    return reasons[0]


def save_proposal(session, author, pot, proposal=None, submit=False, now=None, **fields):
    """Create or edit a resident's proposal; submit=True makes it public for review. Raises ProposalRefused.

    Nothing is taken once proposals_close_at has passed, even before the round leaves the proposals phase,
    and only from a resident the eligibility rule lets take part in the pot (the codes of
    app.domain.eligibility, e.g. "wrong_ward").
    """
    round_ = pot.round
    now = now or utcnow()
    if proposal is None:
        if not proposals_open(round_.phase, round_.proposals_close_at, now):
            raise ProposalRefused(["proposals_closed"])
        proposal = Proposal(round_id=round_.id, pot=pot, author_id=author.id, status="draft")
    else:
        if proposal.author_id != author.id:
            raise ProposalRefused(["not_yours"])
        if not resident_may_edit(proposal.status, round_.phase, round_.proposals_close_at, now):
            raise ProposalRefused(["not_editable"])
        proposal.pot = pot
    reasons = eligibility_problems(author, round_, pot, now=now)
    if reasons:
        raise ProposalRefused(reasons)
    problems = _check(session, pot, fields, final=submit or proposal.status != "draft",
                      keep_priority=proposal.priority)
    if problems:
        raise ProposalRefused(problems)
    for name in PROPOSAL_FIELDS:
        if name in fields:
            setattr(proposal, name, fields[name] if fields[name] is not None else getattr(proposal, name))
    if fields.get("cost_pence") is None and proposal.cost_pence is None:
        proposal.cost_pence = 0
    if submit and proposal.status in ("draft", "needs_changes"):
        proposal.status = "submitted"
        proposal.submitted_at = now
    session.add(proposal)
    session.flush()
    return proposal


def withdraw(session, author, proposal, now=None):
    """Withdraw the author's proposal, on the same terms (phase and deadline) as editing it."""
    if proposal.author_id != author.id:
        raise ProposalRefused(["not_yours"])
    round_ = proposal.round
    if not resident_may_edit(proposal.status, round_.phase, round_.proposals_close_at, now or utcnow()):
        raise ProposalRefused(["not_editable"])
    proposal.status = "withdrawn"
    proposal.on_ballot = False
    session.flush()
    return proposal


def review(session, officer, proposal, outcome, reason="", adjusted_cost_pence=None, cost_reason=None):
    """Record an officer's feasibility review; an adjusted cost keeps the original beside it.

    A changed cost needs cost_reason ("cost_reason_required"); the proposer sees both on their proposal's
    page and in the review e-mail the caller sends.
    """
    if proposal.status not in REVIEWABLE_STATUSES:
        raise ProposalRefused(["not_reviewable"])
    if proposal.round.phase not in ("proposals", "review"):
        raise ProposalRefused(["review_closed"])
    problems = check_review(outcome, reason)
    if adjusted_cost_pence is not None and adjusted_cost_pence == proposal.adjusted_cost_pence:
        cost_reason = cost_reason or proposal.cost_change_reason  # the same adjustment, saved again
    problems += check_cost_change(proposal.cost_pence, adjusted_cost_pence, cost_reason)
    if problems:
        raise ProposalRefused(problems)
    proposal.status = outcome
    if outcome == "not_feasible":
        proposal.status_reason, proposal.officer_message = reason.strip(), reason.strip()
    elif outcome == "needs_changes":
        proposal.officer_message = reason.strip()
    else:
        proposal.officer_message = reason.strip()
        proposal.status_reason = ""
    if adjusted_cost_pence is not None and adjusted_cost_pence != proposal.cost_pence:
        proposal.adjusted_cost_pence = adjusted_cost_pence
        proposal.cost_change_reason = cost_reason.strip()
    session.flush()
    record(session, officer, "proposal.review", f"proposal:{proposal.id}", outcome=outcome,
           adjusted_cost_pence=proposal.adjusted_cost_pence, cost_change_reason=proposal.cost_change_reason)
    return proposal


def merge(session, officer, duplicate, into):
    """Merge a duplicate into another proposal of the same pot; both proposers are told by the caller."""
    if duplicate.id == into.id or duplicate.pot_id != into.pot_id:
        raise ProposalRefused(["cannot_merge"])
    if duplicate.round.phase not in ("proposals", "review"):
        raise ProposalRefused(["review_closed"])
    duplicate.status = "merged"
    duplicate.merged_into_id = into.id
    duplicate.on_ballot = False
    session.flush()
    record(session, officer, "proposal.merge", f"proposal:{duplicate.id}", into=into.id)
    return duplicate


def moderate(session, officer, proposal, hide, reason=""):
    """Hide a proposal (a reason is required) or show it again, only before voting opens.

    Once voting has opened the ballot is frozen: the count would still count a hidden project while voters
    no longer saw it, so the change is refused (Problem("frozen", "ballot")) and audited as round.change_refused.
    """
    refused = frozen_changes(proposal.round.phase, ["ballot"], FROZEN_ROUND_FIELDS)
    if refused:
        record(session, officer, "round.change_refused", f"proposal:{proposal.id}", fields=refused,
               change="hide" if hide else "unhide")
        raise ProposalRefused([Problem("frozen", name) for name in refused])
    if hide and not (reason or "").strip():
        raise ProposalRefused([Problem("hide_reason_required", "reason")])
    proposal.hidden = hide
    proposal.hidden_reason = reason.strip() if hide else ""
    if hide:
        proposal.on_ballot = False
    session.flush()
    record(session, officer, "proposal.hide" if hide else "proposal.unhide", f"proposal:{proposal.id}")
    return proposal
