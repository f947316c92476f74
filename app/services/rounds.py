"""Set up rounds and pots, move rounds through their phases, and confirm the ballot list."""

from sqlalchemy import func, select

from app.domain.eligibility import wards_outside_round
from app.domain.phases import RoundDates, check_transition, phase_due_by_date, voting_has_opened
from app.domain.rounds import FROZEN_POT_FIELDS, FROZEN_ROUND_FIELDS, changed_fields, frozen_changes
from app.models import Participation, Pot, Proposal, Round, Ward
from app.models._common import utcnow
from app.services.audit import record


class ChangeRefused(Exception):
    """The change breaks a rule; .codes say which (e.g. frozen fields, phase rules)."""

    def __init__(self, codes):
        super().__init__(", ".join(codes))
        self.codes = list(codes)


def _wards(session, ward_ids):
    return session.scalars(select(Ward).where(Ward.id.in_(ward_ids)).order_by(Ward.name)).all() if ward_ids else []


ROUND_FIELDS = ("title", "description", "original_locale", "languages", "proposals_open_at", "proposals_close_at",
                "voting_open_at", "voting_close_at", "min_age", "require_verified_email", "area_id")


def save_round(session, actor, round_=None, *, council_id, ward_ids, **fields):
    """Create or update a round. After voting opened, who may vote and when is frozen: ChangeRefused (audited).

    Removing a ward from the round removes it from the round's pots too (audited); if that would leave a pot
    with no ward at all the change is refused ("pot_without_wards:<pot name>"): change the pot first.
    """
    creating = round_ is None
    if creating:
        round_ = Round(council_id=council_id, created_by_id=actor.id, phase="draft")
        session.add(round_)
    changed = _changes(round_, ROUND_FIELDS, fields, ward_ids)
    refused = [] if creating else frozen_changes(round_.phase, changed, FROZEN_ROUND_FIELDS)
    if refused:
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=refused)
        raise ChangeRefused(["frozen:" + name for name in refused])
    trimmed = _pot_wards_to_trim(round_, ward_ids) if "ward_ids" in changed and not creating else {}
    stranded = [pot.name for pot, outside in trimmed.items() if len(outside) == len(pot.wards)]
    if stranded:
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=["ward_ids"], pots=stranded)
        raise ChangeRefused(["pot_without_wards:" + name for name in stranded])
    _apply(session, round_, changed, fields, ward_ids)
    for pot, outside in trimmed.items():
        pot.wards = [w for w in pot.wards if w.id not in outside]
        record(session, actor, "pot.update", f"pot:{pot.id}", fields=["ward_ids"], removed_ward_ids=outside,
               because="ward removed from the round")
    session.flush()
    record(session, actor, "round.create" if creating else "round.update", f"round:{round_.id}",
           fields=sorted(set(changed) | ({"ward_ids"} if creating else set())))
    return round_


def _pot_wards_to_trim(round_, ward_ids):
    """{pot: [ward ids it lists that the round will no longer cover]}: pot wards stay a subset of the round's."""
    trimmed = {}
    for pot in round_.pots:
        outside = wards_outside_round(ward_ids, [w.id for w in pot.wards])
        if outside:
            trimmed[pot] = outside
    return trimmed


def _changes(row, names, fields, ward_ids):
    """The names (and "ward_ids") whose new value differs from the row's, as the freezing rule sees them."""
    current = {name: getattr(row, name) for name in names if name in fields}
    current["ward_ids"] = [w.id for w in row.wards]
    proposed = {name: fields[name] for name in names if name in fields}
    proposed["ward_ids"] = list(ward_ids)
    return changed_fields(current, proposed)


def _apply(session, row, changed, fields, ward_ids):
    # Only what changed is written: a time re-typed to the minute must not shave seconds off a frozen one.
    for name in changed:
        if name != "ward_ids":
            setattr(row, name, fields[name])
    if "ward_ids" in changed:
        row.wards = list(_wards(session, ward_ids))


POT_FIELDS = ("name", "instructions", "amount_pence", "min_project_cost_pence", "max_project_cost_pence", "ballot_type",
              "max_choices", "total_points", "max_points_per_project", "counting_rule", "completion")


def save_pot(session, actor, round_, pot=None, *, ward_ids, **fields):
    """Create or update a pot. After voting opened its money, ballot, rule and wards are frozen: ChangeRefused.

    A pot's wards must be among its round's ("wards_outside_round"): the eligibility rule counts only those.
    """
    creating = pot is None
    if creating and wards_outside_round([w.id for w in round_.wards], ward_ids):
        raise ChangeRefused(["wards_outside_round"])
    if creating:
        if voting_has_opened(round_.phase):
            record(session, actor, "round.change_refused", f"round:{round_.id}", fields=["pots"])
            raise ChangeRefused(["frozen:pots"])
        pot = Pot(round=round_)
        session.add(pot)
    changed = _changes(pot, POT_FIELDS, fields, ward_ids)
    refused = [] if creating else frozen_changes(round_.phase, changed, FROZEN_POT_FIELDS)
    if refused:
        record(session, actor, "round.change_refused", f"pot:{pot.id}", fields=refused)
        raise ChangeRefused(["frozen:" + name for name in refused])
    if "ward_ids" in changed and wards_outside_round([w.id for w in round_.wards], ward_ids):
        raise ChangeRefused(["wards_outside_round"])
    _apply(session, pot, changed, fields, ward_ids)
    session.flush()
    record(session, actor, "pot.create" if creating else "pot.update", f"pot:{pot.id}", fields=sorted(changed))
    return pot


def ballot_candidates(session, round_):
    """Proposals that may go on the ballot: feasible and not hidden."""
    return session.scalars(
        select(Proposal).where(Proposal.round_id == round_.id, Proposal.status == "feasible",
                               Proposal.hidden.is_(False)).order_by(Proposal.pot_id, Proposal.title)
    ).all()


def move_phase(session, actor, round_, target, now=None):
    """Move the round to target if the phase rule allows; opening voting fixes the ballot list."""
    problems = check_transition(round_.phase, target)
    if problems:
        record(session, actor, "round.phase_refused", f"round:{round_.id}", current=round_.phase, requested=target,
               reason=problems[0].reason)
        raise ChangeRefused([p.reason for p in problems])
    if target == "voting":
        if not round_.pots:
            raise ChangeRefused(["no_pots"])
        candidates = ballot_candidates(session, round_)
        if not candidates:
            raise ChangeRefused(["empty_ballot"])
        for proposal in candidates:
            proposal.on_ballot = True
        round_.ballot_confirmed_at = now or utcnow()
    previous = round_.phase
    round_.phase = target
    session.flush()
    record(session, actor, "round.phase", f"round:{round_.id}", previous=previous, phase=target)
    if target == "counting":
        from app.services.voting import close_voting

        close_voting(session, round_)
    return round_


def advance_by_date(session, now=None):
    """Move every round whose dates say so (proposals -> review -> voting -> counting), audited as the system.

    Returns one (round, previous phase, new phase) per move, in order. Opening voting by date needs a
    confirmed ballot list; otherwise the round waits in review for an officer.
    """
    now = now or utcnow()
    moved = []
    open_rounds = session.scalars(select(Round).where(Round.phase.in_(("proposals", "review", "voting")))
                                  .order_by(Round.id)).all()
    for round_ in open_rounds:
        dates = RoundDates(round_.proposals_open_at, round_.proposals_close_at, round_.voting_open_at,
                           round_.voting_close_at)
        due = phase_due_by_date(round_.phase, dates, now)
        while round_.phase != due:
            target = {"proposals": "review", "review": "voting", "voting": "counting"}[round_.phase]
            if target == "voting" and round_.ballot_confirmed_at is None:
                break
            previous = round_.phase
            try:
                move_phase(session, None, round_, target, now=now)
            except ChangeRefused:
                break
            moved.append((round_, previous, target))
    return moved


def proposal_counts(session, round_):
    """{status: count} for the dashboard."""
    rows = session.execute(select(Proposal.status, func.count()).where(Proposal.round_id == round_.id)
                           .group_by(Proposal.status)).all()
    return dict(rows)


def turnout(session, round_):
    """{pot_id: {"online": n, "paper": n}}: who took part, never what they chose."""
    result = {pot.id: {"online": 0, "paper": 0} for pot in round_.pots}
    rows = session.execute(
        select(Participation.pot_id, Participation.channel, func.count())
        .join(Pot, Pot.id == Participation.pot_id).where(Pot.round_id == round_.id)
        .group_by(Participation.pot_id, Participation.channel)
    ).all()
    for pot_id, channel, count in rows:
        result[pot_id][channel] = count
    return result
