"""Cast, change and record ballots. Who voted (Participation) and what (Ballot) are written together.

Integrity: every cast runs in a write transaction (BEGIN IMMEDIATE on SQLite; the resident's row locked
FOR UPDATE on PostgreSQL), the database refuses a second Participation for one resident and pot, and the
close time is checked again just before commit.
"""

import hashlib
import secrets
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from app.database import begin_write_transaction
from app.domain.ballots import check_ballot
from app.domain.eligibility import Requirements, Resident, age_band, ineligibility_reasons
from app.models import Ballot, Participation, Pot, Proposal, Round, User
from app.models._common import utcnow
from app.services import round_keys
from app.services.audit import record

LONDON = ZoneInfo("Europe/London")
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class VoteRefused(Exception):
    """The ballot was not stored; .problems are domain problems or codes such as "voting_closed"."""

    def __init__(self, problems):
        super().__init__(str(problems))
        self.problems = list(problems)


def new_receipt_code():
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def receipt_hash(code):
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode()).hexdigest()


def ballot_projects(session, pot):
    """The proposals on this pot's ballot, in a stable order."""
    return session.scalars(select(Proposal).where(
        Proposal.pot_id == pot.id, Proposal.on_ballot.is_(True), Proposal.hidden.is_(False),
        Proposal.status == "feasible").order_by(Proposal.title, Proposal.id)).all()


def voting_is_open(round_, now=None):
    now = now or utcnow()
    return (round_.phase == "voting" and round_.voting_close_at is not None and now < round_.voting_close_at
            and (round_.voting_open_at is None or now >= round_.voting_open_at))


def eligibility_problems(user, round_, pot, now=None):
    """Reasons (codes) this resident may not vote in this pot today."""
    today = (now or utcnow()).astimezone(LONDON).date()
    requirements = Requirements(frozenset(w.id for w in pot.wards) or frozenset(w.id for w in round_.wards),
                                round_.min_age, today, round_.require_verified_email)
    resident = Resident(user.ward_id, user.date_of_birth, user.age_confirmed, user.email_verified)
    return ineligibility_reasons(resident, requirements)


def eligible_pots(session, user, now=None):
    """Pots in rounds open for voting that this resident may vote in."""
    rounds = session.scalars(select(Round).where(Round.phase == "voting")).all()
    return [pot for round_ in rounds if voting_is_open(round_, now) for pot in round_.pots
            if not eligibility_problems(user, round_, pot, now)]


def participation_of(session, user, pot):
    return session.scalar(select(Participation).where(Participation.user_id == user.id,
                                                      Participation.pot_id == pot.id))


def _lock_resident_and_round(session, user_id, round_id):
    """Serialise one resident's casts and hold the round open until commit (PostgreSQL row locks).

    The resident's row FOR UPDATE: two casts (online or paper) for one resident queue behind each other.
    The round's row FOR SHARE: casts do not block each other, but moving the round to counting (an UPDATE of
    that row) waits for casts in flight, and a cast that starts after the move sees the new phase.
    SQLite needs neither: BEGIN IMMEDIATE already holds the database's only write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(User.id).where(User.id == user_id).with_for_update())
        session.execute(select(Round).where(Round.id == round_id).with_for_update(read=True)
                        .execution_options(populate_existing=True))


def _check_choices(session, pot, choices):
    projects = ballot_projects(session, pot)
    costs = {p.id: p.ballot_cost_pence for p in projects}
    return check_ballot(choices, costs, ballot_type=pot.ballot_type, cap=pot.amount_pence, max_items=pot.max_choices,
                        total_points=pot.total_points, max_points=pot.max_points_per_project)


def _store(session, pot, choices, replace_key):
    """Add the anonymous ballot; return its receipt code (only the code's hash is stored)."""
    code = new_receipt_code()
    stored = {str(k): v for k, v in choices.items()} if isinstance(choices, dict) else [int(c) for c in choices]
    session.add(Ballot(id=secrets.token_hex(16), pot_id=pot.id, channel="any", choices=stored,
                       replace_key=replace_key, receipt_hash=receipt_hash(code)))
    return code


def _open_for_casting(session, user_id, pot_id, now):
    """Start the write transaction, lock the resident, and load them and an open pot (or refuse)."""
    begin_write_transaction(session)
    pot = session.get(Pot, pot_id)
    if pot is None:
        raise VoteRefused(["not_found"])
    _lock_resident_and_round(session, user_id, pot.round_id)
    user = session.get(User, user_id)
    if user is None:
        raise VoteRefused(["not_found"])
    if not voting_is_open(pot.round, now):
        raise VoteRefused(["voting_closed"])
    return user, pot


def cast_online(session, user_id, pot_id, choices, now=None):
    """Cast or replace the resident's online ballot. Returns the receipt code. Raises VoteRefused.

    Starts its own write transaction (anything unflushed in the session is discarded); the caller
    commits with commit_cast().
    """
    user, pot = _open_for_casting(session, user_id, pot_id, now)
    reasons = eligibility_problems(user, pot.round, pot, now)
    if reasons:
        raise VoteRefused(reasons)
    problems = _check_choices(session, pot, choices)
    if problems:
        raise VoteRefused(problems)
    round_ = pot.round
    key = round_keys.replace_key(round_.id, user.id, pot.id)
    participation = participation_of(session, user, pot)
    if participation is not None:
        if participation.channel == "paper":
            raise VoteRefused(["voted_on_paper"])
        session.execute(delete(Ballot).where(Ballot.pot_id == pot.id, Ballot.replace_key == key))
    else:
        today = (now or utcnow()).astimezone(LONDON).date()
        session.add(Participation(user_id=user.id, pot_id=pot.id, channel="online", ward_id=user.ward_id,
                                  age_band=age_band(user.date_of_birth, today)))
    code = _store(session, pot, choices, key)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise VoteRefused(["try_again"]) from None
    return code


def commit_cast(session, pot_id, now=None):
    """Commit only while voting is still open: a cast that would commit after the close is refused."""
    pot = session.get(Pot, pot_id)
    if not voting_is_open(pot.round, now):
        session.rollback()
        raise VoteRefused(["voting_closed"])
    session.commit()


def cast_paper(session, officer, user_id, pot_id, choices, now=None):
    """Record a paper ballot for a resident: marks the register, stores the ballot, audits who entered it."""
    user, pot = _open_for_casting(session, user_id, pot_id, now)
    # A paper voter shows who they are in person, so a confirmed e-mail is not needed.
    reasons = [r for r in eligibility_problems(user, pot.round, pot, now) if r != "email_not_verified"]
    if reasons:
        raise VoteRefused(reasons)
    if participation_of(session, user, pot) is not None:
        raise VoteRefused(["already_voted"])
    problems = _check_choices(session, pot, choices)
    if problems:
        raise VoteRefused(problems)
    today = (now or utcnow()).astimezone(LONDON).date()
    session.add(Participation(user_id=user.id, pot_id=pot.id, channel="paper", ward_id=user.ward_id,
                              age_band=age_band(user.date_of_birth, today)))
    # A paper ballot gets a replace_key too, so nothing on the ballot row tells it apart from an online one
    # (and the unique (pot, replace_key) pair refuses a second ballot for the resident at the database).
    code = _store(session, pot, choices, round_keys.replace_key(pot.round_id, user.id, pot.id))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise VoteRefused(["already_voted"]) from None
    record(session, officer, "ballot.paper_entered", f"pot:{pot.id}", resident=user.id)
    return code


def receipt_is_counted(session, code):
    return session.scalar(select(Ballot.id).where(Ballot.receipt_hash == receipt_hash(code)).limit(1)) is not None


def close_voting(session, round_):
    """At the close: cut every ballot's link to its resident and delete the round's key.

    Rewrites the round's ballots without replace_key and in a random order: the database's own traces of
    when a row was written (PostgreSQL's xmin and physical order, an insertion order on disk) then say
    nothing about which cast, and so which register row, a ballot came from. Runs in the caller's
    transaction (the move to counting); the key file is deleted last.
    """
    pot_ids = [pot.id for pot in round_.pots]
    if pot_ids:
        rows = [{"id": b.id, "pot_id": b.pot_id, "channel": "any", "choices": b.choices, "replace_key": None,
                 "receipt_hash": b.receipt_hash}
                for b in session.execute(select(Ballot.id, Ballot.pot_id, Ballot.choices, Ballot.receipt_hash)
                                         .where(Ballot.pot_id.in_(pot_ids)))]
        secrets.SystemRandom().shuffle(rows)
        session.execute(delete(Ballot).where(Ballot.pot_id.in_(pot_ids)))
        if rows:
            session.execute(insert(Ballot), rows)
    round_keys.discard(round_.id)


def close_time_text(round_):
    return round_.voting_close_at.astimezone(LONDON) if round_.voting_close_at else None
