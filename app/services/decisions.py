"""The board's decision record: draft it, confirm it twice, lock it, publish the round."""

from sqlalchemy import select

from app.domain.decisions import CONFIRMATIONS_NEEDED, check_items, may_confirm, quorum_met
from app.models import (
    DecisionAttendance,
    DecisionConfirmation,
    DecisionItem,
    DecisionRecord,
    InterestDeclaration,
    RoleGrant,
    User,
)
from app.models._common import utcnow
from app.services.audit import record
from app.services.count import latest_results


class DecisionRefused(Exception):
    def __init__(self, problems):
        super().__init__(str(problems))
        self.problems = list(problems)


def board_members(session, area_id):
    return session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                           .where(RoleGrant.role == "board", RoleGrant.area_id == area_id).order_by(User.name)).all()


def current_record(session, round_):
    """The newest decision record of the round (a correction supersedes the one before)."""
    return session.scalar(select(DecisionRecord).where(DecisionRecord.round_id == round_.id)
                          .order_by(DecisionRecord.id.desc()).limit(1))


def recommended_ids(session, round_):
    results = latest_results(session, round_)
    return {pid for result in results.values() if result for pid in result.selected}


def save_record(session, actor, round_, record_=None, *, meeting_date, quorum, present_ids, declarations, items,
                notes=""):
    """Create or update a draft record. declarations: [(user_id, proposal_id, nature)]; items: [Item]."""
    if round_.phase != "decision":
        raise DecisionRefused(["not_in_decision"])
    if record_ is not None and record_.status == "confirmed":
        raise DecisionRefused(["locked"])
    members = {m.id for m in board_members(session, round_.area_id)}
    if not set(present_ids) <= members:
        raise DecisionRefused(["present_not_member"])
    for user_id, _proposal_id, nature in declarations:
        if user_id not in members or not nature.strip():
            raise DecisionRefused(["bad_declaration"])
    from app.models import Proposal

    proposals = {p.id: p for p in session.scalars(select(Proposal).where(Proposal.round_id == round_.id))}
    if any(item.proposal_id not in proposals for item in items):
        raise DecisionRefused(["unknown_proposal"])
    problems = check_items(items, {pot.id: pot.amount_pence for pot in round_.pots},
                           {pid: p.pot_id for pid, p in proposals.items()})
    if problems:
        raise DecisionRefused(problems)
    creating = record_ is None
    if creating:
        previous = current_record(session, round_)
        record_ = DecisionRecord(round_id=round_.id, created_by_id=actor.id,
                                 supersedes_id=previous.id if previous and previous.status == "confirmed" else None)
        session.add(record_)
    record_.meeting_date, record_.quorum, record_.notes = meeting_date, quorum, notes
    record_.attendance = [DecisionAttendance(user_id=uid) for uid in sorted(set(present_ids))]
    record_.declarations = [InterestDeclaration(user_id=u, proposal_id=p, nature=n.strip()) for u, p, n in declarations]
    record_.items = [DecisionItem(proposal_id=i.proposal_id, outcome=i.outcome, amount_pence=i.amount_pence,
                                  reason=i.reason.strip()) for i in items]
    record_.confirmations = []
    session.flush()
    record(session, actor, "decision.save", f"decision:{record_.id}", round=round_.id, items=len(items))
    return record_


def confirm(session, actor, record_):
    """One member's confirmation; the second distinct member locks the record and publishes the round."""
    from app.services.rounds import move_phase

    if record_.status == "confirmed":
        raise DecisionRefused(["locked"])
    round_ = record_.round
    members = {m.id for m in board_members(session, round_.area_id)}
    present = {a.user_id for a in record_.attendance}
    if not quorum_met(present, members, record_.quorum):
        raise DecisionRefused(["no_quorum"])
    problems = may_confirm(actor.id, present, members, {d.user_id for d in record_.declarations},
                           {c.user_id for c in record_.confirmations})
    if problems:
        raise DecisionRefused(problems)
    record_.confirmations.append(DecisionConfirmation(user_id=actor.id))
    session.flush()
    record(session, actor, "decision.confirm", f"decision:{record_.id}")
    if len({c.user_id for c in record_.confirmations}) >= CONFIRMATIONS_NEEDED:
        record_.status = "confirmed"
        record_.confirmed_at = utcnow()
        session.flush()
        record(session, actor, "decision.locked", f"decision:{record_.id}")
        if round_.phase == "decision":
            move_phase(session, actor, round_, "published")
    return record_
