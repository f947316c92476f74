"""Cast, change and record ballots. Who voted (Participation) and what (Ballot) are written together.

Integrity: every cast runs in a write transaction (BEGIN IMMEDIATE on SQLite; the resident's row locked
FOR UPDATE on PostgreSQL), the database refuses a second Participation for one resident and pot, and the
close time is checked again just before commit.

Secrecy: the register row and the ballot are written in one transaction, so the database itself (PostgreSQL's
xmin, the order rows sit on disk, SQLite's journal) keeps which ballot came with which resident until the
close. So while voting is open a ballot is sealed with the round's key (app.services.round_keys), its length
padded to the pot's longest ballot: what those traces point to cannot be read without the application's
secret. The close opens the ballots and re-writes them, shuffled, under fresh random ids, and destroys the key
(close_voting).
"""

import hashlib
import json
import logging
import math
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidTag
from sqlalchemy import bindparam, delete, event, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.database import begin_write_transaction, truncate_journal
from app.domain.ballots import BadPoints, check_ballot, normalise_form
from app.domain.eligibility import Resident, age_band, check_eligibility
from app.domain.problems import Problem, Refused
from app.models import Ballot, Participation, Pot, Proposal, Round, User
from app.models._common import utcnow
from app.models.ballots import RoundKey
from app.models.rounds import pot_wards, round_wards
from app.services import round_keys
from app.services.audit import record

LONDON = ZoneInfo("Europe/London")
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
PAD_TO = 64  # sealed ballots are padded to a multiple of this many bytes, at least the pot's longest ballot
DIGEST_CHARS = 64
log = logging.getLogger(__name__)


class BallotsUnreadable(RuntimeError):
    """A sealed ballot cannot be opened (its round's key is gone, or the row was altered): the close stops."""


class VoteRefused(Refused):
    """The ballot was not stored; .problems say why (ballot rules, eligibility, or e.g. "voting_closed")."""


def new_receipt_code():
    # 256 is a multiple of the alphabet's 32 letters, so each byte picks a letter uniformly.
    raw = "".join(RECEIPT_ALPHABET[byte % len(RECEIPT_ALPHABET)] for byte in secrets.token_bytes(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def receipt_hash(code):
    """Hash of the code's letters and digits only: "abcd efgh jklm" checks the same as "ABCD-EFGH-JKLM"."""
    return hashlib.sha256("".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum()).encode()).hexdigest()


def _on_ballot(pot_id):
    return (Proposal.pot_id == pot_id, Proposal.on_ballot.is_(True), Proposal.hidden.is_(False),
            Proposal.status == "feasible")


def ballot_projects(session, pot):
    """The proposals on this pot's ballot, in a stable order."""
    return session.scalars(select(Proposal).where(*_on_ballot(pot.id)).options(selectinload(Proposal.ward))
                           .order_by(Proposal.title, Proposal.id)).all()


def voting_is_open(round_, now=None):
    """round_: a Round, or anything with its phase, voting_open_at and voting_close_at."""
    now = now or utcnow()
    return (round_.phase == "voting" and round_.voting_close_at is not None and now < round_.voting_close_at
            and (round_.voting_open_at is None or now >= round_.voting_open_at))



def shut_reason(round_, now=None):
    """Why no one can vote in round_ now: "voting_not_open" before its opening time, else "voting_closed"."""
    now = now or utcnow()
    if round_.phase == "voting" and round_.voting_open_at is not None and now < round_.voting_open_at:
        return "voting_not_open"
    return "voting_closed"


def voting_has_closed(round_, now=None):
    """Voting in the round is over: its close has passed, or the round has moved on to the count."""
    now = now or utcnow()
    return round_.phase in ("counting", "decision", "published") or (
        round_.phase == "voting" and round_.voting_close_at is not None and now >= round_.voting_close_at)


def eligibility_problems(user, round_, pot, now=None, channel="online"):
    """Reasons (codes) this resident may not vote (or propose) in this pot now (app.domain.eligibility)."""
    return check_eligibility(_resident(user), round_ward_ids=[w.id for w in round_.wards],
                         pot_ward_ids=[w.id for w in pot.wards], min_age=round_.min_age,
                         require_verified_email=round_.require_verified_email, now=now or utcnow(), channel=channel)


def _resident(user):
    """A User, or a row of its eligibility columns, as the eligibility rule's Resident."""
    return Resident(user.ward_id, user.date_of_birth, user.age_confirmed, user.email_verified_at is not None,
                    held_for_merge=user.held_for_merge_with_id is not None, suspended=not user.active)


def _ineligible(resident, terms, round_, now, channel="online"):
    return check_eligibility(resident, round_ward_ids=terms.round_ward_ids, pot_ward_ids=terms.ward_ids,
                         min_age=round_.min_age, require_verified_email=round_.require_verified_email,
                         now=now or utcnow(), channel=channel)


def participation_of(session, user, pot):
    return session.scalar(select(Participation).where(Participation.user_id == user.id,
                                                      Participation.pot_id == pot.id))


@dataclass(frozen=True)
class BallotTerms:
    """What a pot's ballot allows, as plain values read once per request.

    Safe to read before the write lock: once a round is in voting its pots' limits, wards and ballot list are
    frozen (app.domain.rounds), and the lock re-reads what can still change (phase, close time, the resident).
    """

    pot_id: int
    round_id: int
    ballot_type: str
    costs: dict
    cap: int
    max_items: int | None
    total_points: int | None
    max_points: int | None
    ward_ids: frozenset  # the pot's own wards; eligibility also needs round_ward_ids (app.domain.eligibility)
    in_voting: bool
    round_ward_ids: frozenset = frozenset()
    key_version: bytes | None = None  # the round's wrapped key, read with these terms (current_ballot_terms)

    def check(self, choices):
        return check_ballot(choices, self.costs, ballot_type=self.ballot_type, cap=self.cap, max_items=self.max_items,
                            total_points=self.total_points, max_points=self.max_points)


def ballot_terms(session, pot):
    """Read the pot's ballot terms with column queries (no ORM objects: this runs on every cast)."""
    cost = func.coalesce(Proposal.adjusted_cost_pence, Proposal.cost_pence)  # as Proposal.ballot_cost_pence
    costs = dict(session.execute(select(Proposal.id, cost).where(*_on_ballot(pot.id))).all())
    ward_ids = frozenset(session.scalars(select(pot_wards.c.ward_id).where(pot_wards.c.pot_id == pot.id)))
    round_ward_ids = frozenset(session.scalars(select(round_wards.c.ward_id)
                                               .where(round_wards.c.round_id == pot.round_id)))
    return BallotTerms(pot.id, pot.round_id, pot.ballot_type, costs, pot.amount_pence, pot.max_choices,
                       pot.total_points, pot.max_points_per_project, ward_ids, pot.round.phase == "voting",
                       round_ward_ids)


def read_ballot(terms, form_items):
    """The choices in a submitted ballot form and what is wrong with them (empty: a valid ballot)."""
    choices, unreadable = normalise_form(terms.ballot_type, form_items, list(terms.costs))
    problems = [BadPoints(u) for u in unreadable if u != "duplicate_position"]
    if "duplicate_position" in unreadable:
        problems.append(Problem("duplicate_position"))
    return choices, problems or terms.check(choices)


# Frozen terms per process, keyed by (pot id, a digest of the round's wrapped key): a round has a key only from
# its first cast in voting to its close, and voting has no way back (app.domain.phases), so while the key exists
# the pot's terms cannot change (app.domain.rounds.FROZEN_POT_FIELDS/FROZEN_ROUND_FIELDS). The wrapped key is
# random per round, so an entry never matches another round or another database, and every host reads the key
# from the shared database: nothing here has to be invalidated, entries only stop being asked for. Only a
# digest of the key is kept (nothing that opens a ballot outlives the close in this process).
_FROZEN_TERMS = {}
_FROZEN_TERMS_MAX = 1024


def forget_frozen_terms():
    """Drop this process's frozen terms: only for tests and repair scripts that change a pot's terms while
    voting is open behind the rules' back (the services refuse such a change)."""
    _FROZEN_TERMS.clear()


def current_ballot_terms(session, pot):
    """The pot's ballot terms: from this process's cache once voting has opened and a ballot was cast (one
    one-column query to read the round's key), else read as ballot_terms does (and kept if now frozen).

    The terms returned carry the wrapped key read here (key_version), so the cast needs no second read of it.
    """
    wrapped = round_keys.wrapped_key(session, pot.round_id) if pot.round.phase == "voting" else None
    if wrapped is None:
        return ballot_terms(session, pot)
    cache_key = (pot.id, hashlib.sha256(bytes(wrapped)).digest())
    terms = _FROZEN_TERMS.get(cache_key)
    if terms is None:
        terms = ballot_terms(session, pot)
        if len(_FROZEN_TERMS) >= _FROZEN_TERMS_MAX:
            _FROZEN_TERMS.clear()
        _FROZEN_TERMS[cache_key] = terms
    return replace(terms, key_version=bytes(wrapped))


def _terms_for(session, pot_id, terms):
    if terms is not None:
        return terms
    pot = session.get(Pot, pot_id)
    if pot is None:
        raise VoteRefused(["not_found"])
    return ballot_terms(session, pot)


# The statements a cast runs while it holds the lock, built once: Core statements with bound parameters
# on the session's connection, so the lock is held for the database's work and little Python.
_RESIDENT = select(User.id, User.ward_id, User.date_of_birth, User.age_confirmed, User.email_verified_at,
                   User.held_for_merge_with_id, User.active).where(User.id == bindparam("user_id"))
_ROUND = select(Round.phase, Round.voting_open_at, Round.voting_close_at, Round.min_age, Round.require_verified_email
                ).where(Round.id == bindparam("round_id"))
# PostgreSQL: the resident's row FOR UPDATE (two casts for one resident queue); the round's row FOR SHARE
# (casts do not block each other, but moving the round to counting waits for casts in flight).
_RESIDENT_LOCKED = _RESIDENT.with_for_update()
_ROUND_LOCKED = _ROUND.with_for_update(read=True)
_CHANNEL = select(Participation.channel).where(Participation.user_id == bindparam("user_id"),
                                               Participation.pot_id == bindparam("pot_id"))
_REGISTER = Participation.__table__.insert()
_ADD_BALLOT = Ballot.__table__.insert()
_REMOVE_BALLOT = Ballot.__table__.delete().where(Ballot.pot_id == bindparam("pot_id"),
                                                 Ballot.replace_key == bindparam("key"))


def _lock_and_load(session, user_id, terms, now, round_=None, resident=None, session_token=None):
    """Start the write transaction; lock and re-read the resident and the round; refuse if voting is not open.

    SQLite: BEGIN IMMEDIATE holds the database's only write lock until commit.
    PostgreSQL: row locks, see _RESIDENT_LOCKED and _ROUND_LOCKED.
    round_, resident: the rows already read under the lock in this transaction (frozen_cast_terms).
    session_token: the resident must still hold it (still be signed in) when read under the lock.
    Returns the connection the cast's statements run on, the resident's row and the round's row.
    """
    if session.info.get(LOCKED_USER) == user_id:
        # This transaction's lock was taken before the resident's row was read: by the sign-in (begin_cast;
        # the row is in the identity map, no query) or with the pot's round (frozen_cast_terms).
        connection = session.connection()
        user = resident if resident is not None else session.get(User, user_id)
    else:
        begin_write_transaction(session)
        connection = session.connection()
        query = _RESIDENT_LOCKED if _locking(connection) else _RESIDENT
        if session_token is not None:
            query = query.where(User.session_token == session_token)
        user = connection.execute(query, {"user_id": user_id}).first()
        round_ = None  # a row read before this transaction began is not read under its lock
    if round_ is None:
        round_ = connection.execute(_ROUND_LOCKED if _locking(connection) else _ROUND,
                                    {"round_id": terms.round_id}).one()
    if user is None:
        raise VoteRefused(["try_again" if session_token is not None else "not_found"])
    if user.held_for_merge_with_id is not None:
        # Registered twice (in person and online): one person, one vote, so neither account's twin votes
        # until an officer merges them (app.services.in_person).
        raise VoteRefused(["held_for_merge"])
    if not terms.in_voting or not voting_is_open(round_, now):
        raise VoteRefused([shut_reason(round_, now)])
    return connection, user, round_


def _locking(connection):
    return connection.dialect.name == "postgresql"


# A cast's one read of the pot: its round under the lock (as _ROUND_LOCKED) and the round's wrapped key.
_POT_ROUND_KEY = select(Pot.round_id, *_ROUND.selected_columns, RoundKey.wrapped).join(
    Round, Round.id == Pot.round_id).outerjoin(RoundKey, RoundKey.round_id == Pot.round_id).where(
    Pot.id == bindparam("pot_id"))
_POT_ROUND_KEY_LOCKED = _POT_ROUND_KEY.with_for_update(read=True, of=Round)


# SQLite: the same read with the signed-in resident's row, by id and session token (a sign-out or password
# change since the sign-in's read finds no resident), in the first statement under BEGIN IMMEDIATE.
_SIGNED_IN = (User.id == bindparam("user_id")) & (User.session_token == bindparam("session_token"))
_RESIDENT_POT_ROUND_KEY = _POT_ROUND_KEY.add_columns(
    *(column.label(f"resident_{column.key}") for column in _RESIDENT.selected_columns)).outerjoin(User, _SIGNED_IN)


@dataclass(frozen=True)
class _LockedResident:
    """The resident's columns of a _RESIDENT_POT_ROUND_KEY row, named as a _RESIDENT row's."""

    id: int
    ward_id: int | None
    date_of_birth: object
    age_confirmed: int | None
    email_verified_at: datetime | None
    held_for_merge_with_id: int | None
    active: bool


def frozen_cast_terms(session, pot_id, user_id, session_token):
    """(the pot's frozen terms, its round's row read under the lock, the resident's row read under it or None)
    for a cast, from one Core query under the lock; None when this process keeps no frozen terms for the pot
    (voting not open, no ballot cast yet, another process's first read), or the resident is not (or no
    longer) signed in: then the caller takes the full path (current_ballot_terms, and cast_online locks and
    reads the resident and the round itself).

    PostgreSQL: in the transaction begin_cast started, whose sign-in read locked the resident (None: the
    resident is the one in the session's identity map). SQLite: starts the write transaction here.
    """
    if _locking(session.get_bind()):
        if session.info.get(LOCKED_USER) != user_id:
            return None
        row = session.connection().execute(_POT_ROUND_KEY_LOCKED, {"pot_id": pot_id}).first()
        resident = None
    else:
        begin_write_transaction(session)
        row = session.connection().execute(_RESIDENT_POT_ROUND_KEY, {"pot_id": pot_id, "user_id": user_id,
                                                                     "session_token": session_token}).first()
        if row is None or row.resident_id is None:
            return None
        resident = _LockedResident(*row[-len(_RESIDENT.selected_columns):])
    if row is None or row.phase != "voting" or row.wrapped is None:
        return None
    terms = _FROZEN_TERMS.get((pot_id, hashlib.sha256(bytes(row.wrapped)).digest()))
    if terms is None:
        return None
    if resident is not None:
        session.info[LOCKED_USER] = user_id
    return replace(terms, key_version=bytes(row.wrapped)), row, resident


LOCK_SIGNED_IN_USER = "nb_lock_signed_in_user"  # session.info: the sign-in reads the user FOR UPDATE
LOCKED_USER = "nb_locked_user"  # session.info: the id of the user read under the lock in this transaction


def begin_cast(session):
    """PostgreSQL: start a cast's one write transaction before anything is read, so the sign-in's read of the
    resident is the read under the lock (app.access.load_user locks the row when asked to here); cast_online
    then reads the resident no more. The marks go with the transaction (commit or rollback forgets them).

    SQLite: nothing. Its lock is the whole database's one write lock, so it is taken as late as it can be:
    frozen_cast_terms takes it and reads the resident again under it, with the pot's round and key, in one
    query (the sign-in's read before it is not the read the cast trusts).
    """
    if not _locking(session.get_bind()):
        return
    begin_write_transaction(session)
    session.info[LOCK_SIGNED_IN_USER] = True


def lock_signed_in_user(session):
    """Whether the sign-in reads the user FOR UPDATE: a cast asked for it (begin_cast)."""
    return bool(session.info.get(LOCK_SIGNED_IN_USER))


def note_signed_in_user(session, user):
    """Remember that user's row was read under a cast's lock in this transaction."""
    if user is not None and session.info.pop(LOCK_SIGNED_IN_USER, False):
        session.info[LOCKED_USER] = user.id


def _registration(user, terms, channel, now):
    today = (now or utcnow()).astimezone(LONDON).date()
    return {"user_id": user.id, "pot_id": terms.pot_id, "channel": channel, "ward_id": user.ward_id,
            "age_band": age_band(user.date_of_birth, today)}


def _stored_choices(choices):
    return {str(k): v for k, v in choices.items()} if isinstance(choices, dict) else [int(c) for c in choices]


def _plaintext(choices, digest):
    return (digest + json.dumps(choices, separators=(",", ":"), sort_keys=True)).encode()


def _sealed_length(terms):
    """The padded plaintext length of every ballot in a pot: enough for its longest possible ballot (every
    project, the most points), so the length of a sealed ballot says nothing about how many were chosen."""
    if terms.ballot_type == "cumulative":
        most = max(terms.total_points or 0, terms.max_points or 0, 1)
        longest = {str(project): most for project in terms.costs}
    else:
        longest = sorted(terms.costs)
    return PAD_TO * math.ceil(len(_plaintext(longest, "0" * DIGEST_CHARS)) / PAD_TO)


def _sealing_context(pot_id, replace_key):
    """Authenticated with the sealed ballot: a sealed ballot moved to another pot or resident fails to open."""
    return f"ballot:{int(pot_id)}:{replace_key}".encode()


def _sealed_ballot(key, terms, user_id, choices):
    """The sealed ballot's row and its receipt code (shown once; only hashes are stored)."""
    code = new_receipt_code()
    digest = receipt_hash(code)
    plaintext = _plaintext(_stored_choices(choices), digest)
    size = max(_sealed_length(terms), PAD_TO * math.ceil(len(plaintext) / PAD_TO))
    replace = round_keys.replace_key(key, user_id, terms.pot_id)
    sealed = round_keys.seal(key, plaintext.ljust(size), _sealing_context(terms.pot_id, replace))
    return {"id": secrets.token_hex(16), "pot_id": terms.pot_id, "channel": "any", "choices": None,
            "replace_key": replace, "receipt_hash": round_keys.receipt_tag(key, digest), "sealed": sealed}, code


def open_sealed(key, pot_id, replace_key, sealed):
    """(choices, receipt hash) of a sealed ballot. Raises BallotsUnreadable."""
    try:
        plaintext = round_keys.unseal(key, sealed, _sealing_context(pot_id, replace_key)).decode()
    except InvalidTag:
        raise BallotsUnreadable(f"a sealed ballot of pot {pot_id} does not open with its round's key") from None
    return json.loads(plaintext[DIGEST_CHARS:]), plaintext[:DIGEST_CHARS]


def _registered_once(dialect):
    """INSERT into the register that returns no row when the resident is already in it."""
    table = Participation.__table__
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["user_id", "pot_id"]).returning(table.c.id)


_REGISTER_ONCE = _registered_once(sqlite)
_BALLOT_COLUMNS = ("id", "pot_id", "channel", "choices", "replace_key", "receipt_hash", "sealed")


def _first_cast_statement():
    """PostgreSQL: the register's row and the ballot in one statement (one round trip): the ballot is added
    only if the register took the resident, and its id is returned; no row when they were registered before."""
    table, ballot = Participation.__table__, Ballot.__table__
    registered = (postgresql.insert(table).values({column: bindparam(column, type_=table.c[column].type)
                                                   for column in ("user_id", "pot_id", "channel", "ward_id", "age_band")})
                  .on_conflict_do_nothing(index_elements=["user_id", "pot_id"]).returning(table.c.id)
                  .cte("registered"))
    values = [bindparam(f"ballot_{column}", type_=ballot.c[column].type) for column in _BALLOT_COLUMNS]
    return ballot.insert().from_select(_BALLOT_COLUMNS, select(*values).select_from(registered)).returning(ballot.c.id)


_FIRST_CAST = _first_cast_statement()


def _first_cast(connection, registration, ballot):
    """Register the resident and add the ballot if they were not registered yet: True, else False (nothing
    written). One statement on PostgreSQL; on SQLite (no INSERT in a WITH clause) the register's INSERT, then
    the ballot's."""
    if _locking(connection):
        values = {**registration, **{f"ballot_{column}": value for column, value in ballot.items()}}
        return connection.execute(_FIRST_CAST, values).first() is not None
    if connection.execute(_REGISTER_ONCE, registration).first() is None:
        return False
    connection.execute(_ADD_BALLOT, ballot)
    return True


def _round_key(session, terms):
    """The round's key: unwrapped from the wrapped key read with the terms (no query), else read or made."""
    if terms.key_version is not None:
        return round_keys.unwrap(terms.round_id, terms.key_version)
    return round_keys.round_key(session, terms.round_id)


def registered_channel(session, user_id, pot_id):
    """"online" or "paper" if the resident is in the pot's register, else None."""
    return session.connection().execute(_CHANNEL, {"user_id": user_id, "pot_id": pot_id}).scalar()


@dataclass(frozen=True)
class Cast:
    """A stored ballot: the receipt code to show its voter, whether it replaced the resident's earlier ballot,
    and the close time read under the lock (refuse_after_close refuses it after that).

    sealed_code is the code sealed under the round's key for the voter's own session (seal_receipt), so the
    page the cast redirects to can show it without the code being stored anywhere it could be read.
    """

    code: str
    replaced: bool
    closes_at: datetime
    sealed_code: bytes = b""


def _receipt_context(user_id, pot_id):
    return f"receipt-shown:{int(user_id)}:{int(pot_id)}".encode()


def seal_receipt(key, user_id, pot_id, code):
    """The receipt code sealed under the round's key, bound to its resident and pot: it opens only for them,
    and for nobody once the close has destroyed the key."""
    return round_keys.seal(key, code.encode(), _receipt_context(user_id, pot_id))


def shown_receipt(session, user_id, pot, sealed):
    """The receipt code in sealed (seal_receipt) if it opens for this resident and pot and its ballot is still
    in the ballot box (not replaced since, voting not closed); else None."""
    key = round_keys.existing_key(session, pot.round_id) if sealed else None
    if key is None:
        return None
    try:
        code = round_keys.unseal(key, bytes(sealed), _receipt_context(user_id, pot.id)).decode()
    except (InvalidTag, ValueError):
        return None
    tag = round_keys.receipt_tag(key, receipt_hash(code))
    in_box = session.scalar(select(Ballot.id).where(Ballot.pot_id == pot.id, Ballot.receipt_hash == tag).limit(1))
    return code if in_box is not None else None


def cast_online(session, user_id, pot_id, choices, now=None, terms=None, locked_round=None, locked_resident=None,
                session_token=None):
    """Cast or replace the resident's online ballot. Returns a Cast. Raises VoteRefused.

    The ballot is checked against the pot's frozen terms and its row prepared first; then, under the write
    lock, only what can change concurrently is read again. Starts its own write transaction (anything
    unflushed in the session is discarded) unless begin_cast or frozen_cast_terms started it; the caller calls
    refuse_after_close(), then commits. locked_round, locked_resident: the rows frozen_cast_terms read under the
    lock with the terms. session_token: refuse ("try_again") unless the resident, read under the lock, still
    holds it (is still signed in with it).
    """
    terms = _terms_for(session, pot_id, terms)
    problems = terms.check(choices)
    if problems:
        raise VoteRefused(problems)
    connection, user, round_ = _lock_and_load(session, user_id, terms, now, locked_round, locked_resident,
                                              session_token)
    reasons = _ineligible(_resident(user), terms, round_, now)
    if reasons:
        raise VoteRefused(reasons)
    # Only now, with voting known to be open and the close held off by the lock: a key read (or made) here
    # cannot outlive the close.
    round_key = _round_key(session, terms)
    ballot, code = _sealed_ballot(round_key, terms, user_id, choices)
    key = ballot["replace_key"]
    try:
        # Register and add the ballot first (most casts are first casts); only a resident already registered
        # has the register's channel read and their earlier ballot replaced.
        channel = None
        if not _first_cast(connection, _registration(user, terms, "online", now), ballot):
            channel = connection.execute(_CHANNEL, {"user_id": user_id, "pot_id": terms.pot_id}).scalar()
            if channel == "paper":
                raise VoteRefused(["voted_on_paper"])
            if channel is not None and connection.execute(_REMOVE_BALLOT,
                                                          {"pot_id": terms.pot_id, "key": key}).rowcount != 1:
                # Registered but no ballot under this key (the round's key was lost): never add a second ballot.
                raise VoteRefused(["try_again"])
            connection.execute(_ADD_BALLOT, ballot)
    except IntegrityError:
        session.rollback()
        raise VoteRefused(["try_again"]) from None
    return Cast(code, channel is not None, round_.voting_close_at, seal_receipt(round_key, user_id, terms.pot_id, code))


def refuse_after_close(session, cast, now=None):
    """Call right before committing a cast: after the closing time it rolls the cast back and raises VoteRefused.

    The phase cannot have changed since the cast read it: the write lock (SQLite) or the round's row lock
    (PostgreSQL) is held until the caller's commit; only the clock has moved.
    """
    if not (now or utcnow()) < cast.closes_at:
        session.rollback()
        raise VoteRefused(["voting_closed"])


def cast_paper(session, officer, user_id, pot_id, choices, now=None, terms=None):
    """Record a paper ballot for a resident: marks the register, stores the ballot, audits who entered it.

    Returns a Cast (its receipt code is not shown: the paper voter has no way to be given it in secret).
    """
    terms = _terms_for(session, pot_id, terms)
    officer_id = officer.id
    connection, user, round_ = _lock_and_load(session, user_id, terms, now)
    # A paper voter shows who they are in person, so a confirmed e-mail is not needed.
    reasons = _ineligible(_resident(user), terms, round_, now, channel="paper")
    if reasons:
        raise VoteRefused(reasons)
    if connection.execute(_CHANNEL, {"user_id": user_id, "pot_id": terms.pot_id}).scalar() is not None:
        raise VoteRefused(["already_voted"])
    problems = terms.check(choices)
    if problems:
        raise VoteRefused(problems)
    # Sealed like an online ballot, with a replace_key too, so nothing on the ballot row tells it apart (and
    # the unique (pot, replace_key) pair refuses a second ballot for the resident).
    ballot, code = _sealed_ballot(round_keys.round_key(session, terms.round_id), terms, user_id, choices)
    try:
        connection.execute(_REGISTER, _registration(user, terms, "paper", now))
        connection.execute(_ADD_BALLOT, ballot)
    except IntegrityError:
        session.rollback()
        raise VoteRefused(["already_voted"]) from None
    record(session, session.get(User, officer_id), "ballot.paper_entered", f"pot:{terms.pot_id}", resident=user_id)
    return Cast(code, False, round_.voting_close_at)


class SheetRefused(Exception):
    """A sheet of paper ballots was not stored: .problems maps the index of each refused entry to its problems."""

    def __init__(self, problems):
        super().__init__(str(problems))
        self.problems = {index: [p if isinstance(p, Problem) else Problem(p, "sheet") for p in entry]
                         for index, entry in problems.items()}


def cast_paper_sheet(session, officer, pot_id, entries, now=None, terms=None, store=True):
    """Enter a sheet of paper ballots, all or nothing: entries are (resident id, choices) pairs.

    Each entry is checked as cast_paper checks one ballot, under one write transaction (the residents' rows
    locked on PostgreSQL). A resident named twice in the sheet is refused ("duplicate_in_sheet") after the
    first. If any entry is refused, nothing is stored and SheetRefused says which and why. store=False only
    checks (the preview) and rolls back. Returns the number of ballots entered and the close; the caller calls
    refuse_after_close(session, Cast("", False, close)), then commits.
    """
    terms = _terms_for(session, pot_id, terms)
    officer_id = officer.id
    begin_write_transaction(session)
    connection = session.connection()
    locking = connection.dialect.name == "postgresql"
    round_ = connection.execute(_ROUND_LOCKED if locking else _ROUND, {"round_id": terms.round_id}).one()
    if not terms.in_voting or not voting_is_open(round_, now):
        raise VoteRefused([shut_reason(round_, now)])
    problems, rows, seen = {}, [], set()
    for index, (user_id, choices) in enumerate(entries):
        if user_id in seen:
            problems[index] = ["duplicate_in_sheet"]
            continue
        seen.add(user_id)
        user = connection.execute(_RESIDENT_LOCKED if locking else _RESIDENT, {"user_id": user_id}).first()
        if user is None:
            problems[index] = ["not_found"]
            continue
        if user.held_for_merge_with_id is not None:
            problems[index] = ["held_for_merge"]
            continue
        reasons = _ineligible(_resident(user), terms, round_, now, channel="paper")
        if reasons:
            problems[index] = reasons
            continue
        if connection.execute(_CHANNEL, {"user_id": user_id, "pot_id": terms.pot_id}).scalar() is not None:
            problems[index] = ["already_voted"]
            continue
        ballot_problems = terms.check(choices)
        if ballot_problems:
            problems[index] = ballot_problems
            continue
        rows.append((user, choices))
    if problems or not store:
        session.rollback()
        if problems:
            raise SheetRefused(problems)
        return len(rows), round_.voting_close_at
    key = round_keys.round_key(session, terms.round_id)
    try:
        for user, choices in rows:
            ballot, _code = _sealed_ballot(key, terms, user.id, choices)
            connection.execute(_REGISTER, _registration(user, terms, "paper", now))
            connection.execute(_ADD_BALLOT, ballot)
    except IntegrityError:
        session.rollback()
        raise VoteRefused(["already_voted"]) from None
    actor = session.get(User, officer_id)
    for user, _choices in rows:
        record(session, actor, "ballot.paper_entered", f"pot:{terms.pot_id}", resident=user.id, sheet=True)
    return len(rows), round_.voting_close_at


def receipt_is_counted(session, code):
    """Is the ballot with this receipt in the count? Opened ballots store the receipt's hash; sealed ones its
    hash keyed with their round's key, so every open round's key is tried."""
    digest = receipt_hash(code)
    candidates = [digest, *(round_keys.receipt_tag(key, digest) for key in round_keys.live_keys(session))]
    return session.scalar(select(Ballot.id).where(Ballot.receipt_hash.in_(candidates)).limit(1)) is not None


def close_voting(session, round_):
    """At the close: open the round's sealed ballots, re-write them shuffled under fresh ids, destroy the key.

    The rewritten ballots carry no replace_key and are written in a random order, all in this one
    transaction: the database's own traces (PostgreSQL's xmin and physical order, the order of ids on
    SQLite) then say nothing about which cast, and so which register row, a ballot came from; the sealed
    rows, which did keep those traces, are gone, and so is the key that could open them. On SQLite freed
    pages are wiped (secure_delete) and, once this transaction commits, the journal is emptied into the
    database file and truncated, so neither keeps the sealed rows or the wrapped key.
    Runs in the caller's transaction (the move to counting, the only way out of voting): a close that rolls
    back leaves the ballots sealed and the key in place, so residents can still change their votes.
    Raises BallotsUnreadable (nothing is changed) if a sealed ballot does not open.
    """
    pot_ids = [pot.id for pot in round_.pots]
    key = round_keys.existing_key(session, round_.id)
    rows = []
    if pot_ids:
        for ballot in session.execute(select(Ballot.pot_id, Ballot.choices, Ballot.receipt_hash, Ballot.replace_key,
                                             Ballot.sealed).where(Ballot.pot_id.in_(pot_ids))):
            choices, digest = ballot.choices, ballot.receipt_hash  # a ballot that was never sealed
            if ballot.sealed is not None:
                if key is None:
                    raise BallotsUnreadable(f"round {round_.id} has sealed ballots but no key")
                choices, digest = open_sealed(key, ballot.pot_id, ballot.replace_key, ballot.sealed)
            rows.append({"id": secrets.token_hex(16), "pot_id": ballot.pot_id, "channel": "any", "choices": choices,
                         "replace_key": None, "receipt_hash": digest, "sealed": None})
        secrets.SystemRandom().shuffle(rows)
        session.execute(delete(Ballot).where(Ballot.pot_id.in_(pot_ids)))
        if rows:
            session.execute(insert(Ballot), rows)
    round_keys.destroy(session, round_.id)
    _after_commit(session, partial(_empty_journal, session.get_bind(), round_.id))


def _empty_journal(bind, round_id):
    if not truncate_journal(bind):
        log.warning("after the close of round %s the database journal could not be truncated (a reader was "
                    "busy): run PRAGMA wal_checkpoint(TRUNCATE) on the database file", round_id)


_AFTER_COMMIT = "nb_voting_after_commit"


def _after_commit(session, action):
    """Run action once the session's current transaction commits; forget it if the transaction rolls back."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    _forget_locks(session)
    for action in session.info.pop(_AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    _forget_locks(session)
    session.info.pop(_AFTER_COMMIT, None)


def _forget_locks(session):
    session.info.pop(LOCK_SIGNED_IN_USER, None)
    session.info.pop(LOCKED_USER, None)


def close_time_london(round_):
    """The close of voting as an aware datetime in UK time, or None when the round has no close yet."""
    return round_.voting_close_at.astimezone(LONDON) if round_.voting_close_at else None
