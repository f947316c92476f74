"""Residents' proposals (draft, submit, edit, withdraw) and officers' review (feasibility, cost, merge, hide)."""

from app.domain.proposals import REVIEWABLE_STATUSES, check_proposal, check_review, resident_may_edit
from app.models import Proposal
from app.models._common import utcnow
from app.services.audit import record

PROPOSAL_FIELDS = ("title", "summary", "description", "cost_pence", "cost_breakdown", "ward_id", "location",
                   "priority", "original_locale", "group_name")


class ProposalRefused(Exception):
    """Not allowed or not valid; .problems holds domain problems or codes."""

    def __init__(self, problems):
        super().__init__(str(problems))
        self.problems = list(problems)


def _check(pot, fields, final):
    return check_proposal(fields.get("title"), fields.get("summary"), fields.get("description"),
                          fields.get("cost_pence"), fields.get("cost_breakdown"), fields.get("priority"),
                          pot.amount_pence, pot.min_project_cost_pence, pot.max_project_cost_pence, final=final)


def save_proposal(session, author, pot, proposal=None, submit=False, **fields):
    """Create or edit a resident's proposal; submit=True makes it public for review. Raises ProposalRefused."""
    round_ = pot.round
    if proposal is None:
        if round_.phase != "proposals":
            raise ProposalRefused(["proposals_closed"])
        proposal = Proposal(round_id=round_.id, pot=pot, author_id=author.id, status="draft")
    else:
        if proposal.author_id != author.id:
            raise ProposalRefused(["not_yours"])
        if not resident_may_edit(proposal.status, round_.phase):
            raise ProposalRefused(["not_editable"])
        proposal.pot = pot
    problems = _check(pot, fields, final=submit or proposal.status != "draft")
    if problems:
        raise ProposalRefused(problems)
    for name in PROPOSAL_FIELDS:
        if name in fields:
            setattr(proposal, name, fields[name] if fields[name] is not None else getattr(proposal, name))
    if fields.get("cost_pence") is None and proposal.cost_pence is None:
        proposal.cost_pence = 0
    if submit and proposal.status in ("draft", "needs_changes"):
        proposal.status = "submitted"
        proposal.submitted_at = utcnow()
    session.add(proposal)
    session.flush()
    return proposal


def withdraw(session, author, proposal):
    if proposal.author_id != author.id:
        raise ProposalRefused(["not_yours"])
    if not resident_may_edit(proposal.status, proposal.round.phase):
        raise ProposalRefused(["not_editable"])
    proposal.status = "withdrawn"
    proposal.on_ballot = False
    session.flush()
    return proposal


def review(session, officer, proposal, outcome, reason="", adjusted_cost_pence=None):
    """Record an officer's feasibility review; an adjusted cost keeps the original beside it."""
    if proposal.status not in REVIEWABLE_STATUSES:
        raise ProposalRefused(["not_reviewable"])
    if proposal.round.phase not in ("proposals", "review"):
        raise ProposalRefused(["review_closed"])
    problems = check_review(outcome, reason)
    if problems:
        raise ProposalRefused(problems)
    if adjusted_cost_pence is not None and adjusted_cost_pence <= 0:
        raise ProposalRefused(["bad_cost"])
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
    session.flush()
    record(session, officer, "proposal.review", f"proposal:{proposal.id}", outcome=outcome,
           adjusted_cost_pence=proposal.adjusted_cost_pence)
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
    if hide and not (reason or "").strip():
        raise ProposalRefused(["reason_required"])
    proposal.hidden = hide
    proposal.hidden_reason = reason.strip() if hide else ""
    if hide:
        proposal.on_ballot = False if proposal.round.phase in ("proposals", "review") else proposal.on_ballot
    session.flush()
    record(session, officer, "proposal.hide" if hide else "proposal.unhide", f"proposal:{proposal.id}")
    return proposal
