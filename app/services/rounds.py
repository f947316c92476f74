"""Set up rounds and pots, move rounds through their phases, and confirm the ballot list."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.domain.eligibility import wards_outside_round
from app.domain.phases import (
    RoundDates,
    check_dates,
    check_extension,
    check_move,
    check_transition,
    next_phase,
    phase_due_by_date,
    timing_of,
    voting_has_opened,
)
from app.domain.problems import Problem, Refused
from app.domain.rounds import (
    FROZEN_POT_FIELDS,
    FROZEN_ROUND_FIELDS,
    changed_fields,
    check_pot,
    frozen_changes,
)
from app.models import Participation, Pot, Proposal, RoleGrant, Round, User, Ward
from app.models._common import utcnow
from app.services.audit import record
from app.services.count import latest_results
from app.services.decisions import current_record, published_record


class ChangeRefused(Refused):
    """The change breaks a rule; .problems say which (frozen fields, phase rules, dates, pot settings)."""


def _wards(session, ward_ids):
    return session.scalars(select(Ward).where(Ward.id.in_(ward_ids)).order_by(Ward.name)).all() if ward_ids else []


DATE_FIELDS = ("proposals_open_at", "proposals_close_at", "voting_open_at", "voting_close_at")
ROUND_FIELDS = ("title", "description", "original_locale", "languages", "proposals_open_at", "proposals_close_at",
                "voting_open_at", "voting_close_at", "min_age", "require_verified_email", "area_id")


def save_round(session, actor, round_=None, *, council_id, ward_ids, **fields):
    """Create or update a round. After voting opened, who may vote and when is frozen: ChangeRefused (audited).

    Removing a ward from the round removes it from the round's pots too (audited); if that would leave a pot
    with no ward at all the change is refused ("pot_without_wards", values pot: its name): change the pot first.
    The dates must run in order (app.domain.phases.check_dates).
    """
    creating = round_ is None
    problems = check_dates(RoundDates(*(fields.get(name, getattr(round_, name, None)) for name in DATE_FIELDS)))
    if problems:
        raise ChangeRefused(problems)
    if creating:
        round_ = Round(council_id=council_id, created_by_id=actor.id, phase="draft")
        session.add(round_)
    changed = _changes(round_, ROUND_FIELDS, fields, ward_ids)
    refused = [] if creating else frozen_changes(round_.phase, changed, FROZEN_ROUND_FIELDS)
    if refused:
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=refused)
        raise ChangeRefused([Problem("frozen", name) for name in refused])
    trimmed = _pot_wards_to_trim(round_, ward_ids) if "ward_ids" in changed and not creating else {}
    stranded = [pot.name for pot, outside in trimmed.items() if len(outside) == len(pot.wards)]
    if stranded:
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=["ward_ids"], pots=stranded)
        raise ChangeRefused([Problem("pot_without_wards", "wards", {"pot": name}) for name in stranded])
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
    Its settings, as they will be after the change, must pass app.domain.rounds.check_pot.
    """
    creating = pot is None
    outside = [Problem("wards_outside_round", "wards")]
    if creating and wards_outside_round([w.id for w in round_.wards], ward_ids):
        raise ChangeRefused(outside)
    if creating and voting_has_opened(round_.phase):
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=["pots"])
        raise ChangeRefused([Problem("frozen", "pots")])
    problems = check_pot(*(_pot_setting(pot, fields, name) for name in POT_SETTINGS), ward_ids)
    if problems:
        raise ChangeRefused(problems)
    if creating:
        pot = Pot(round=round_)
        session.add(pot)
    changed = _changes(pot, POT_FIELDS, fields, ward_ids)
    refused = [] if creating else frozen_changes(round_.phase, changed, FROZEN_POT_FIELDS)
    if refused:
        record(session, actor, "round.change_refused", f"pot:{pot.id}", fields=refused)
        raise ChangeRefused([Problem("frozen", name) for name in refused])
    if "ward_ids" in changed and wards_outside_round([w.id for w in round_.wards], ward_ids):
        raise ChangeRefused(outside)
    _apply(session, pot, changed, fields, ward_ids)
    session.flush()
    record(session, actor, "pot.create" if creating else "pot.update", f"pot:{pot.id}", fields=sorted(changed))
    return pot


# The settings check_pot reads, in its order (ward ids come last).
POT_SETTINGS = ("amount_pence", "min_project_cost_pence", "max_project_cost_pence", "ballot_type", "max_choices",
                "total_points", "max_points_per_project", "counting_rule", "completion")


def _pot_setting(pot, fields, name):
    """A setting as it will be: the new value, else the pot's, else (a new pot) the column's default."""
    if name in fields:
        return fields[name]
    if pot is not None:
        return getattr(pot, name)
    default = Pot.__table__.c[name].default
    return default.arg if default is not None else None


def ballot_candidates(session, round_):
    """Proposals that may go on the ballot: feasible and not hidden."""
    return session.scalars(
        select(Proposal).where(Proposal.round_id == round_.id, Proposal.status == "feasible",
                               Proposal.hidden.is_(False)).order_by(Proposal.pot_id, Proposal.title)
    ).all()


def move_phase(session, actor, round_, target, now=None, reason=None):
    """Move the round to target if the phase rule allows; opening voting fixes the ballot list.

    Opening voting before its "voting opens" date moves that date to now (audited). An officer closing voting
    before the published close must give a reason ("early_close_needs_reason"): it is kept on the round and
    shown publicly, with the close residents were told.
    """
    now = now or utcnow()
    problems = check_transition(round_.phase, target)
    problems = problems or check_move(target, round_.voting_open_at, round_.voting_close_at, now, reason,
                                      by_officer=actor is not None)
    if problems:
        record(session, actor, "round.phase_refused", f"round:{round_.id}", current=round_.phase, requested=target,
               reason=problems[0].code)
        raise ChangeRefused(problems)
    timing = timing_of(target, round_.voting_open_at, round_.voting_close_at, now)
    early_reason = (reason or "").strip() if timing.closes_early else ""
    moved = {}
    if target == "voting":
        if not round_.pots:
            raise ChangeRefused([Problem("no_pots")])
        candidates = ballot_candidates(session, round_)
        if not candidates:
            raise ChangeRefused([Problem("nothing_on_ballot")])
        for proposal in candidates:
            proposal.on_ballot = True
        round_.ballot_confirmed_at = now
        if timing.opens_early:
            moved["voting_open_at"] = round_.voting_open_at.isoformat()
            round_.voting_open_at = now
    if early_reason:
        moved["voting_close_at"] = round_.voting_close_at.isoformat()
        round_.voting_close_published_at = round_.voting_close_published_at or round_.voting_close_at
        round_.voting_close_at = now
        round_.early_close_reason = early_reason
    previous = round_.phase
    round_.phase = target
    session.flush()
    record(session, actor, "round.phase", f"round:{round_.id}", previous=previous, phase=target,
           **({"moved_from": moved} if moved else {}), **({"reason": early_reason} if early_reason else {}))
    if target == "counting":
        from app.services.voting import close_voting

        close_voting(session, round_)
    return round_


def extend_voting(session, actor, round_, new_close, now=None):
    """Move the close of voting later while voting is open (never earlier); audited and shown publicly.

    Raises ChangeRefused with "not_in_voting", "close_not_later" or "close_in_past" (audited as refused).
    """
    problems = check_extension(round_.phase, round_.voting_close_at, new_close, now or utcnow())
    if problems:
        record(session, actor, "round.change_refused", f"round:{round_.id}", fields=["voting_close_at"],
               reason=problems[0].code)
        raise ChangeRefused(problems)
    previous = round_.voting_close_at
    round_.voting_close_published_at = round_.voting_close_published_at or previous
    round_.voting_close_at = new_close
    session.flush()
    record(session, actor, "round.close_extended", f"round:{round_.id}",
           previous=previous.isoformat() if previous else None, close=new_close.isoformat())
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
            target = next_phase(round_.phase)
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


def board_members(session, round_):
    """The members of the Neighbourhood Board that decides this round (its area's board)."""
    if round_.area_id is None:
        return []
    return session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                           .where(RoleGrant.role == "board", RoleGrant.area_id == round_.area_id)
                           .order_by(User.name, User.id)).unique().all()


def admins(session):
    return session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                           .where(RoleGrant.role == "admin").order_by(User.id)).unique().all()


@dataclass
class MoveSummary:
    """What a phase move will do, for the check-and-confirm page: counts, dates and who is told."""

    target: str
    ballots: int = 0  # ballots cast so far (online and paper)
    on_ballot: int = 0  # projects that will be on the ballot (opening voting)
    voting_open_at: datetime | None = None
    voting_close_at: datetime | None = None
    opens_early: bool = False
    closes_early: bool = False
    board: list = field(default_factory=list)  # board members who will decide (and are e-mailed)
    no_board: bool = False  # the round goes to a board with no members: officer and admins are warned


def move_summary(session, round_, target, now=None):
    """What moving round_ to target would do now; nothing is written."""
    now = now or utcnow()
    timing = timing_of(target, round_.voting_open_at, round_.voting_close_at, now)
    ballots = session.scalar(select(func.count()).select_from(Participation).join(Pot, Pot.id == Participation.pot_id)
                             .where(Pot.round_id == round_.id)) or 0
    board = board_members(session, round_) if target == "decision" else []
    return MoveSummary(target, ballots=ballots,
                       on_ballot=len(ballot_candidates(session, round_)) if target == "voting" else 0,
                       voting_open_at=now if timing.opens_early else round_.voting_open_at,
                       voting_close_at=now if timing.closes_early else round_.voting_close_at,
                       opens_early=timing.opens_early, closes_early=timing.closes_early, board=board,
                       no_board=target == "decision" and not board)


@dataclass(frozen=True)
class PotPublication:
    """One pot's count, as publishing will show it."""

    name: str
    amount_pence: int
    ballots: int
    selected: int  # projects the count selected
    used_pence: int  # what they cost together
    counted: bool  # the count finished for this pot


@dataclass(frozen=True)
class PublishSummary:
    """What publishing a round's results will do, for its check-and-confirm page: nothing is written."""

    online: int  # residents on the register who voted online
    paper: int  # and on paper
    pots: list
    counted_at: datetime | None  # when the newest count finished
    voting_open_at: datetime | None
    voting_close_at: datetime | None
    publishes_at: datetime  # now: the results are public from the moment of the confirmation
    confirmed_record: object  # the board's confirmed decision record, or None: then no decision is published
    draft_record: object  # a decision record the board has not confirmed yet (it stays private), or None
    emailed: bool  # residents who asked for results notices are e-mailed (they follow a confirmed decision)

    @property
    def ballots(self):
        return self.online + self.paper


def publish_summary(session, round_, now=None):
    """What publishing round_ now would make public, to how many, with which dates (app.officer: confirm page)."""
    channels = dict(session.execute(select(Participation.channel, func.count()).join(Pot, Pot.id == Participation.pot_id)
                                    .where(Pot.round_id == round_.id).group_by(Participation.channel)).all())
    results = latest_results(session, round_)
    pots = []
    for pot in round_.pots:
        result = results.get(pot.id)
        done = result is not None and result.status == "done"
        pots.append(PotPublication(pot.name, pot.amount_pence, result.ballot_count if done else 0,
                                   len(result.selected) if done else 0, result.total_cost_pence if done else 0, done))
    finished = [r.finished_at for r in results.values() if r is not None and r.finished_at is not None]
    confirmed, newest = published_record(session, round_), current_record(session, round_)
    return PublishSummary(online=channels.get("online", 0), paper=channels.get("paper", 0), pots=pots,
                          counted_at=max(finished, default=None), voting_open_at=round_.voting_open_at,
                          voting_close_at=round_.voting_close_at, publishes_at=now or utcnow(),
                          confirmed_record=confirmed,
                          draft_record=newest if newest is not None and newest.status != "confirmed" else None,
                          emailed=confirmed is not None)


def record_no_board(session, actor, round_):
    """Audit that a round goes to the board phase with no board members; returns the admins to warn."""
    record(session, actor, "round.no_board", f"round:{round_.id}", area_id=round_.area_id)
    return admins(session)
