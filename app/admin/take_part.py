"""For staff: can this resident take part in each open round's pots, and if not, which rule says no, in words.

The answer comes from the rules the resident meets (app.services.voting.eligibility_problems, i.e.
app.domain.eligibility.check_eligibility) plus the account's own state (suspended, merged, held for a merge), so
the page says what the ballot and the proposal form would say, in words written for staff rather than for the
resident.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.eligibility import (
    AGE_UNKNOWN,
    EMAIL_NOT_VERIFIED,
    HELD_FOR_MERGE,
    NO_WARD,
    TOO_YOUNG,
    WRONG_WARD,
    age_on,
    effective_ward_ids,
    london_date,
)
from app.domain.proposals import proposals_open
from app.models import Round
from app.models._common import utcnow
from app.services import voting as voting_service

OPEN_PHASES = ("proposals", "voting")


@dataclass
class PotAnswer:
    pot: object
    reasons: list = field(default_factory=list)  # sentences; empty means they may take part
    paper_only: bool = False  # refused online only because the e-mail is unconfirmed: paper still works
    voted: str | None = None  # "online" or "paper" once they are on the register for this pot


@dataclass
class RoundAnswer:
    round: object
    activity: str  # "propose" or "vote"
    closed_note: str | None  # the round is in the phase but not taking part right now (before or after dates)
    pots: list


def _rule_sentence(code, person, round_, pot, now):
    """Staff wording for an eligibility code: the rule, and the resident's own value that fails it."""
    if code == WRONG_WARD:
        ids = effective_ward_ids([w.id for w in round_.wards], [w.id for w in pot.wards]) or ()
        wards = sorted(w.name for w in {*round_.wards, *pot.wards} if w.id in ids)
        ward = person.ward.name if person.ward else ""
        if wards:
            return _("Ward not covered: they live in %(ward)s, and this pot is for %(wards)s.", ward=ward,
                     wards=", ".join(wards))
        return _("Ward not covered: they live in %(ward)s, which this pot does not cover.", ward=ward)
    if code == NO_WARD:
        return _("No ward: their postcode was not found, and this pot is for residents of certain wards. "
                 "An administrator can correct their ward.")
    if code == TOO_YOUNG:
        if person.date_of_birth is not None:
            return _("Too young: they are %(age)d, and the minimum age is %(min_age)d.",
                     age=age_on(person.date_of_birth, london_date(now)), min_age=round_.min_age)
        return _("Too young: they said they are at least %(age)d, and the minimum age is %(min_age)d.",
                 age=person.age_confirmed, min_age=round_.min_age)
    if code == AGE_UNKNOWN:
        return _("Age unknown: the minimum age is %(min_age)d and they gave no date of birth or age group.",
                 min_age=round_.min_age)
    if code == HELD_FOR_MERGE:
        return _("Held for a merge: the account matches another registration of the same person. An officer must "
                 "merge or release it before it takes part.")
    if code == EMAIL_NOT_VERIFIED:
        return _("E-mail address not confirmed: this round asks for a confirmed address before taking part online.")
    return code


def _pot_answer(person, round_, pot, activity, now, session):
    if not person.active:
        if person.merged_into_id is not None:
            return PotAnswer(pot, [_("Merged: this account was merged into another account of the same person, "
                                     "which is the one that takes part.")])
        return PotAnswer(pot, [_("Suspended: the account is suspended or closed, so they cannot sign in.")])
    answer = PotAnswer(pot)
    codes = voting_service.eligibility_problems(person, round_, pot, now=now)
    answer.reasons += [_rule_sentence(code, person, round_, pot, now) for code in codes]
    if activity == "vote":
        paper = voting_service.eligibility_problems(person, round_, pot, now=now, channel="paper")
        answer.paper_only = bool(codes) and not paper
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
