"""The board's decision record: draft it, confirm it twice, lock it, publish the round.

A confirmed record is never edited. A correction is a new record that names the one it supersedes; it
goes through the same two-person confirmation, and until then the public keeps seeing the old one.
"""

from dataclasses import dataclass

from sqlalchemy import select

from app.database import lock_row
from app.domain.audit_chain import SEAL, content_digest
from app.domain.decisions import (
    CONFIRMATIONS_NEEDED,
    DecisionProblem,
    awards_by_pot,
    check_confirmer,
    check_items,
    check_meeting,
    locks_now,
    may_edit,
    quorum_met,
)
from app.domain.problems import Problem, Refused
from app.models import (
    DecisionAttendance,
    DecisionConfirmation,
    DecisionItem,
    DecisionRecord,
    InterestDeclaration,
    Proposal,
    RoleGrant,
    User,
)
from app.models._common import utcnow
from app.services.audit import publish_head, record
from app.services.count import latest_results

__all__ = ["CONFIRMATIONS_NEEDED", "DecisionRefused"]


class DecisionRefused(Refused):
    """The record was not saved or confirmed; .problems say why (app.domain.decisions)."""


def board_members(session, area_id):
    return session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                           .where(RoleGrant.role == "board", RoleGrant.area_id == area_id).order_by(User.name)).all()


def current_record(session, round_):
    """The newest decision record of the round, draft or confirmed (what the board works on)."""
    return session.scalar(select(DecisionRecord).where(DecisionRecord.round_id == round_.id)
                          .order_by(DecisionRecord.id.desc()).limit(1))


def published_record(session, round_):
    """The newest confirmed record: what the public sees (a draft correction stays private)."""
    return session.scalar(select(DecisionRecord).where(DecisionRecord.round_id == round_.id,
                                                       DecisionRecord.status == "confirmed")
                          .order_by(DecisionRecord.id.desc()).limit(1))


def recommended_ids(session, round_):
    """Proposal ids the count selected, over every pot."""
    results = latest_results(session, round_)
    return {pid for result in results.values() if result and result.status == "done" for pid in result.selected}


def decision_proposals(session, round_):
    """The projects a board decides on: everything that was on the ballot, by pot then title."""
    return session.scalars(select(Proposal).where(Proposal.round_id == round_.id, Proposal.on_ballot.is_(True))
                           .order_by(Proposal.pot_id, Proposal.title)).all()


@dataclass(frozen=True)
class DecisionChoices:
    """What a decision record is made of: the board's members, the projects decided on, the count's selection."""

    members: list
    proposals: list
    recommended: set


def decision_choices(session, round_):
    return DecisionChoices(board_members(session, round_.area_id), decision_proposals(session, round_),
                           recommended_ids(session, round_))


def count_scores(session, round_):
    """Each project's score in the pots whose count finished: {proposal id: score}."""
    results = latest_results(session, round_)
    return {int(pid): entry.get("score", 0) for result in results.values() if result and result.status == "done"
            for pid, entry in result.explanations.items()}


def check_drafting(session, round_):
    """[] if a record may be drafted now, else the problem.

    The first record is drafted while the round waits for the board; after publication only a
    correction of the confirmed record may be drafted.
    """
    if round_.phase == "decision":
        return []
    if round_.phase == "published" and published_record(session, round_) is not None:
        return []
    return [Problem("not_in_decision")]


def save_record(session, actor, round_, record_=None, *, meeting_date, quorum, present_ids, declarations, items,
                notes=""):
    """Create or update a draft record; raise DecisionRefused with every problem found.

    declarations: [(user_id, proposal_id, nature)]; items: [domain Item]. Saving a draft clears its
    confirmations: members confirm what they read, not an earlier version.
    """
    problems = check_drafting(session, round_)
    if problems:
        raise DecisionRefused(problems)
    if record_ is not None and not may_edit(record_.status):
        raise DecisionRefused(["locked"])
    members = {m.id for m in board_members(session, round_.area_id)}
    proposals = {p.id: p for p in decision_proposals(session, round_)}
    if any(item.proposal_id not in proposals for item in items):
        raise DecisionRefused(["unknown_proposal"])
    problems = check_meeting(quorum, present_ids, members, declarations, set(proposals))
    problems += check_items(items, {pot.id: pot.amount_pence for pot in round_.pots},
                            {pid: p.pot_id for pid, p in proposals.items()},
                            costs={pid: p.ballot_cost_pence for pid, p in proposals.items()})
    recommended = recommended_ids(session, round_)
    decided = {item.proposal_id for item in items}
    problems += [DecisionProblem("missing_outcome", pid) for pid in sorted(recommended - decided)]
    if problems:
        raise DecisionRefused(problems)
    creating = record_ is None
    if creating:
        previous = published_record(session, round_)
        record_ = DecisionRecord(round_id=round_.id, created_by_id=actor.id,
                                 supersedes_id=previous.id if previous is not None else None)
        session.add(record_)
    else:  # delete the old rows first: the unit of work would insert the new ones before deleting (unique keys)
        for rows in (record_.attendance, record_.declarations, record_.items, record_.confirmations):
            rows.clear()
        session.flush()
    record_.meeting_date, record_.quorum, record_.notes = meeting_date, quorum, notes.strip()
    record_.attendance = [DecisionAttendance(user_id=uid) for uid in sorted(set(present_ids))]
    record_.declarations = [InterestDeclaration(user_id=u, proposal_id=p, nature=n.strip())
                            for u, p, n in declarations]
    record_.items = [DecisionItem(proposal_id=i.proposal_id, outcome=i.outcome,
                                  amount_pence=i.amount_pence if i.outcome in ("confirm", "fund") else 0,
                                  reason=i.reason.strip()) for i in items]
    record_.confirmations = []
    session.flush()
    record(session, actor, "decision.create" if creating else "decision.update", f"decision:{record_.id}",
           round=round_.id, supersedes=record_.supersedes_id, meeting_date=meeting_date.isoformat(),
           present=sorted(set(present_ids)), quorum=quorum,
           declarations=[[u, p] for u, p, _n in declarations],
           items={str(i.proposal_id): [i.outcome, i.amount_pence if i.outcome in ("confirm", "fund") else 0]
                  for i in items})
    return record_


def awarded(record_):
    """{pot id: pence awarded} by a record."""
    return awards_by_pot(record_.items, {item.proposal_id: item.proposal.pot_id for item in record_.items})


def quorate(session, record_):
    members = {m.id for m in board_members(session, record_.round.area_id)}
    return quorum_met({a.user_id for a in record_.attendance}, members, record_.quorum)


def confirm(session, actor, record_):
    """One member's confirmation; the second distinct member locks the record and publishes the round.

    Refused (DecisionRefused) when the record is locked, the meeting was not quorate, or the member was
    not present, declared an interest, or has already confirmed.
    """
    from app.services.rounds import move_phase

    lock_row(session, record_)  # two members confirming at once: the second reads what the first committed
    if not may_edit(record_.status):
        raise DecisionRefused(["locked"])
    round_ = record_.round
    members = {m.id for m in board_members(session, round_.area_id)}
    present = {a.user_id for a in record_.attendance}
    if not quorum_met(present, members, record_.quorum):
        raise DecisionRefused(["no_quorum"])
    problems = check_confirmer(actor.id, present, members, {d.user_id for d in record_.declarations},
                           {c.user_id for c in record_.confirmations})
    if problems:
        raise DecisionRefused(problems)
    record_.confirmations.append(DecisionConfirmation(user_id=actor.id))
    session.flush()
    record(session, actor, "decision.confirm", f"decision:{record_.id}", round=round_.id)
    if locks_now(c.user_id for c in record_.confirmations):
        record_.status = "confirmed"
        record_.confirmed_at = utcnow()
        session.flush()
        record(session, actor, "decision.lock", f"decision:{record_.id}", round=round_.id,
               confirmed_by=sorted(c.user_id for c in record_.confirmations), supersedes=record_.supersedes_id,
               **{SEAL: record_digest(record_)})
        if round_.phase == "decision":
            move_phase(session, actor, round_, "published")
        from app.services.delivery import open_records  # every confirmed award gets a delivery record

        open_records(session, actor, round_)
        publish_head(session, actor, reason=f"decision:{record_.id}")
    return record_


def record_content(record_):
    """Everything a locked record says, as plain values: what its sealing audit entry digests."""
    return {
        "id": record_.id, "round": record_.round_id, "status": record_.status,
        "meeting_date": record_.meeting_date.isoformat(), "quorum": record_.quorum, "notes": record_.notes,
        "supersedes": record_.supersedes_id,
        "confirmed_at": record_.confirmed_at.isoformat(timespec="microseconds") if record_.confirmed_at else None,
        "present": sorted(a.user_id for a in record_.attendance),
        "declarations": sorted([d.user_id, d.proposal_id, d.nature] for d in record_.declarations),
        "items": sorted([i.proposal_id, i.outcome, i.amount_pence, i.reason] for i in record_.items),
        "confirmed_by": sorted(c.user_id for c in record_.confirmations),
    }


def record_digest(record_):
    return content_digest(record_content(record_))


def locked_digests(session):
    """{"decision:<id>": digest} of every confirmed record as the database holds it now."""
    records = session.scalars(select(DecisionRecord).where(DecisionRecord.status == "confirmed")).all()
    return {f"decision:{r.id}": record_digest(r) for r in records}
