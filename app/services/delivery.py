"""Delivery of confirmed awards: open a record per award, change status and money, add milestones and updates.

An award is a "confirm" or "fund" item of the round's published (newest confirmed) decision record, so a
correction that withdraws an award takes the project off every delivery page too. Services flush; the
view commits. Every change is audited.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.domain.decisions import AWARDING
from app.domain.delivery import (
    at_risk_or_late,
    check_change,
    check_milestone,
    check_update,
    may_post_update,
    shown_light,
)
from app.domain.photos import PhotoRefused, clean_photo
from app.domain.problems import Problem, Refused
from app.models import (
    Delivery,
    DeliveryMilestone,
    DeliveryPhoto,
    DeliveryUpdate,
    Proposal,
    Round,
)
from app.services.audit import record
from app.services.decisions import published_record


class DeliveryRefused(Refused):
    """The delivery record was not changed; .problems say why (app.domain.delivery)."""


@dataclass
class Award:
    """A confirmed award and its delivery record (None until the first change, read as "not started")."""

    proposal: Proposal
    round: Round
    amount_pence: int
    delivery: Delivery | None

    @property
    def status(self):
        return self.delivery.status if self.delivery else "not_started"

    @property
    def target_date(self):
        return self.delivery.target_date if self.delivery else None

    @property
    def spent_pence(self):
        return self.delivery.spent_pence if self.delivery else 0

    @property
    def proposer_may_update(self):
        return bool(self.delivery and self.delivery.proposer_may_update)

    @property
    def milestones(self):
        return self.delivery.milestones if self.delivery else []

    @property
    def updates(self):
        return self.delivery.updates if self.delivery else []

    def light(self, today):
        return shown_light(self.status, self.target_date, today)

    def at_risk_or_late(self, today):
        return at_risk_or_late(self.status, self.target_date, today)


def today_london():
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()


def _awards_of_round(session, round_):
    record_ = published_record(session, round_)
    if record_ is None:
        return []
    items = sorted((i for i in record_.items if i.outcome in AWARDING), key=lambda i: (i.proposal.title, i.id))
    deliveries = {d.proposal_id: d for d in session.scalars(
        select(Delivery).where(Delivery.proposal_id.in_([i.proposal_id for i in items])))} if items else {}
    return [Award(i.proposal, round_, i.amount_pence, deliveries.get(i.proposal_id)) for i in items]


def round_awards(session, round_):
    """The awards of a published round, by project title (nothing before publication)."""
    if round_.phase != "published":
        return []
    return _awards_of_round(session, round_)


def area_awards(session, area_id):
    """Every award of every published round of the area, newest round first."""
    rounds = session.scalars(select(Round).where(Round.area_id == area_id, Round.phase == "published")
                             .order_by(Round.id.desc())).all()
    return [award for round_ in rounds for award in _awards_of_round(session, round_)]


def all_awards(session):
    rounds = session.scalars(select(Round).where(Round.phase == "published").order_by(Round.id.desc())).all()
    return [award for round_ in rounds for award in _awards_of_round(session, round_)]


def award_for(session, proposal_id):
    """The award of a project, or None if it has none (or its round is not published)."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.round.phase != "published":
        return None
    return next((a for a in _awards_of_round(session, proposal.round) if a.proposal.id == proposal_id), None)


def open_records(session, actor, round_):
    """Give every award of the round's published record a delivery record ("not started").

    Called when the board's record locks; safe to call again (existing records are kept). Not audited
    on its own: the lock entry already names every award, and each later change is audited.
    """
    opened = []
    for award in _awards_of_round(session, round_):
        if award.delivery is None:
            award.delivery = _ensure(session, award)
            opened.append(award.proposal.id)
    return opened


def _ensure(session, award):
    if award.delivery is None:
        award.delivery = Delivery(proposal_id=award.proposal.id, status="not_started", spent_pence=0,
                                  proposer_may_update=False)
        session.add(award.delivery)
        session.flush()
    return award.delivery


def change(session, actor, award, *, status, target_date, spent_pence, proposer_may_update):
    """Set status, target date, money spent and whether the proposer may post; raise DeliveryRefused."""
    problems = check_change(status, target_date, spent_pence, award.amount_pence)
    if problems:
        raise DeliveryRefused(problems)
    delivery = _ensure(session, award)
    before = {"status": delivery.status, "target_date": delivery.target_date,
              "spent_pence": delivery.spent_pence, "proposer_may_update": delivery.proposer_may_update}
    delivery.status, delivery.target_date = status, target_date
    delivery.spent_pence, delivery.proposer_may_update = spent_pence, proposer_may_update
    session.flush()
    after = {"status": status, "target_date": target_date, "spent_pence": spent_pence,
             "proposer_may_update": proposer_may_update}
    record(session, actor, "delivery.change", f"proposal:{award.proposal.id}",
           changed={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return delivery


def add_milestone(session, actor, award, *, title, due_date):
    problems = check_milestone(title, due_date)
    if problems:
        raise DeliveryRefused(problems)
    delivery = _ensure(session, award)
    milestone = DeliveryMilestone(title=title.strip(), due_date=due_date)
    delivery.milestones.append(milestone)
    session.flush()
    session.expire(delivery, ["milestones"])  # read back in date order
    record(session, actor, "delivery.milestone", f"proposal:{award.proposal.id}", milestone=milestone.id,
           title=milestone.title, due_date=due_date)
    return milestone


def may_update(actor, award):
    """May this signed-in person post a public update on the award?"""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return may_post_update(actor.has_role("officer"), award.proposal.author_id == actor.id,
                           award.proposer_may_update)


def post_update(session, actor, award, *, body, photo_bytes=None, photo_alt="", on=None):
    """Publish a dated update, with an optional photo (cleaned: see app/domain/photos.py).

    Raises DeliveryRefused with its Problems (photo ones coded "photo_<PhotoRefused code>"); PermissionError if actor may not post.
    """
    if not may_update(actor, award):
        raise PermissionError("may not post an update on this award")
    problems = check_update(body, bool(photo_bytes), photo_alt)
    clean = None
    if photo_bytes:
        try:
            clean = clean_photo(photo_bytes)
        except PhotoRefused as refused:
            problems.append(Problem(f"photo_{refused.code}", "photo"))
    if problems:
        raise DeliveryRefused(problems)
    delivery = _ensure(session, award)
    update = DeliveryUpdate(author_id=actor.id, body=body.strip(),
                            by_proposer=not actor.has_role("officer"))
    if on is not None:
        update.created_at = on
    if clean is not None:
        update.photo = DeliveryPhoto(content_type=clean.content_type, data=clean.data, width=clean.width,
                                     height=clean.height, alt_text=photo_alt.strip())
    delivery.updates.append(update)
    session.flush()
    session.expire(delivery, ["updates"])  # read back newest first
    record(session, actor, "delivery.update", f"proposal:{award.proposal.id}", update=update.id,
           photo=update.photo.id if update.photo else None, by_proposer=update.by_proposer)
    return update


def photo(session, photo_id):
    """A photo of a public update, or None (its project must still be an award of a published round)."""
    found = session.get(DeliveryPhoto, photo_id)
    if found is None:
        return None
    delivery = session.get(Delivery, found.update.delivery_id)
    if award_for(session, delivery.proposal_id) is None:
        return None
    return found


