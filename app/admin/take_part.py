"""For staff: can this resident take part in each open round's pots, and if not, which rule says no.

The answer is the eligibility rule's own problems (app.services.voting.eligibility_problems, i.e.
app.domain.eligibility.check_eligibility: ward, age, confirmed e-mail, suspended, held for a merge), worded by
app.problem_messages, so staff read the same reason for the same problem as the resident does on the ballot
and the proposal form.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.notifications import KINDS
from app.domain.proposals import proposals_open
from app.models import Round
from app.models._common import utcnow
from app.problem_messages import messages
from app.services import in_person as in_person_service
from app.services import notifications
from app.services import voting as voting_service

OPEN_PHASES = ("proposals", "voting")


@dataclass
class PotAnswer:
    pot: object
    reasons: list = field(default_factory=list)  # the problems in words; empty means they may take part
    paper_only: bool = False  # refused online only because the e-mail is unconfirmed: paper still works
    voted: str | None = None  # "online" or "paper" once they are on the register for this pot


@dataclass
class RoundAnswer:
    round: object
    activity: str  # "propose" or "vote"
    closed_note: str | None  # the round is in the phase but not taking part right now (before or after dates)
    pots: list


def _pot_answer(person, round_, pot, activity, now, session):
    problems = voting_service.eligibility_problems(person, round_, pot, now=now)
    answer = PotAnswer(pot, messages(problems))
    if activity == "vote":
        paper = voting_service.eligibility_problems(person, round_, pot, now=now, channel="paper")
        answer.paper_only = bool(problems) and not paper
        participation = voting_service.participation_of(session, person, pot)
        answer.voted = participation.channel if participation is not None else None
    return answer


def take_part_answers(session, person, now=None):
    """One RoundAnswer per round taking proposals or votes, each with one PotAnswer per pot."""
    now = now or utcnow()
    rounds = session.scalars(select(Round).where(Round.phase.in_(OPEN_PHASES)).order_by(Round.id)).all()
    answers = []
    for round_ in rounds:
        activity = "vote" if round_.phase == "voting" else "propose"
        if activity == "propose":
            note = None if proposals_open(round_.phase, round_.proposals_close_at, now) else _(
                "Proposals have closed; the round has not yet moved on.")
        elif round_.voting_open_at is not None and now < round_.voting_open_at:
            note = _("Voting has not opened yet.")
        elif not voting_service.voting_is_open(round_, now):
            note = _("Voting has closed; the round has not yet moved on.")
        else:
            note = None
        answers.append(RoundAnswer(round_, activity, note,
                                   [_pot_answer(person, round_, pot, activity, now, session) for pot in round_.pots]))
    return answers


@dataclass
class Notices:
    kinds: list  # the kinds of notice they opted in to (app.domain.notifications.KINDS order)
    channel: str  # "letter" or "text"
    phone: str | None


def staff_notices(session, person):
    """The notices staff can change for a resident registered in person (admin.resident_notices), or None once
    the resident has taken the account over (the account page is theirs) or it is closed."""
    if not in_person_service.staff_may_set_notices(person):
        return None
    kinds = notifications.kinds_for(session, person)
    return Notices([k for k in KINDS if k in kinds], person.notice_channel, person.phone)
