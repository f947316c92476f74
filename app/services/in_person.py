"""Assisted-digital registration: residents registered in person, polling helpers, taking an account over,
merging two registrations of one person, and finding residents on the register for their paper ballots (one
by one, or a sheet of them from a voting event).

One person, one account: every new account's identity (app.domain.in_person.identity_key) is claimed as it is
inserted, whichever channel registers it (the listener below runs for the online form too). The key is unique
in the database, so of two registrations of one person only one holds it, even at the same moment; the other
is held for an officer to merge and cannot vote meanwhile (app.services.voting refuses "held_for_merge").
"""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import aliased

from app.domain.eligibility import london_date
from app.domain.in_person import (
    Details,
    SheetProblem,
    duplicate_evidence,
    identity_key,
    normalise_name,
    parse_paper_sheet,
)
from app.models import Proposal, RoleGrant, User
from app.models._common import utcnow
from app.services import accounts, notifications, voting
from app.services.audit import record

CLAIM = "claim-account"
CLAIM_MAX_AGE = 60 * 60 * 24 * 60  # a printed claim link works for 60 days
UNUSABLE_HASH = "!no-password"  # never matches: check_password_hash is not reached without an e-mail address


class EmailTaken(Exception):
    """The e-mail address given to take an account over already belongs to another account."""


@event.listens_for(User, "before_insert")
def _claim_identity(mapper, connection, user):
    """Give the new account its identity key, or hold it for merging if another account already has it.

    PostgreSQL: a transaction-scoped advisory lock on the key makes a concurrent registration of the same
    person wait for this one's commit and then see it. SQLite: writers are serialised by the database lock. The
    unique key is the backstop either way.
    """
    key = identity_key(user.name, user.postcode, user.date_of_birth)
    if key is None or user.identity_key is not None or user.held_for_merge_with_id is not None:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(key[:15], 16)})
    existing = connection.execute(select(User.id).where(User.identity_key == key)).scalar()
    if existing is None:
        user.identity_key = key
    else:
        user.held_for_merge_with_id = existing


def possible_duplicates(session, details, now=None):
    """[(account, evidence codes)] already on the register that may be the person details describe, oldest first.

    Same name and postcode, and nothing that rules the match out (app.domain.in_person.duplicate_evidence):
    it catches what the identity key cannot, such as residents who gave an age group instead of a birth date.
    Merged (closed) accounts are left out: their person is the account they were merged into.
    """
    today = london_date(now or utcnow())
    found = []
    for person in session.scalars(select(User).where(User.postcode == details.postcode,
                                                     User.merged_into_id.is_(None)).order_by(User.id)):
        evidence = duplicate_evidence(details, Details(person.name, person.postcode, person.address,
                                                       person.date_of_birth, person.age_confirmed), today)
        if evidence:
            found.append((person, evidence))
    return found


def register(session, actor, *, name, address, postcode, ward_id, date_of_birth, age_confirmed, locale,
             same_as=None, duplicates_seen=(), notices=((), "letter", None)):
    """Register a resident seen in person (their proof of address was seen by actor). Audited.

    same_as: an account the officer says is this same person; the new account is held for merging with it (or
    with the account it is itself held for), and cannot vote until an officer merges or releases them.
    duplicates_seen: the ids of the possible duplicates the officer was shown (kept in the audit entry).
    notices: (kinds they opt in to, "letter" or "text", their mobile number or None).
    """
    kinds, channel, phone = notices
    user = User(name=name.strip(), email=None, password_hash=UNUSABLE_HASH, address=address.strip(),
                postcode=postcode, ward_id=ward_id, date_of_birth=date_of_birth, age_confirmed=age_confirmed,
                preferred_locale=locale, in_person=True, registered_by_id=actor.id, notice_channel=channel,
                phone=phone)
    if same_as is not None:
        user.held_for_merge_with_id = same_as.held_for_merge_with_id or same_as.id
    session.add(user)
    session.flush()
    notifications.set_kinds(session, user, kinds)
    record(session, actor, "account.registered_in_person", f"user:{user.id}", ward=ward_id, proof_of_address_seen=True,
           held_for_merge_with=user.held_for_merge_with_id, possible_duplicates=sorted(duplicates_seen))
    return user


def staff_may_set_notices(person):
    """Staff choose notices for a resident registered in person until the resident takes the account over (then
    the account page is theirs); a closed (merged) or suspended account gets none to choose."""
    return person.in_person and person.email is None and person.active and person.merged_into_id is None


def set_notices(session, actor, person, kinds, channel, phone):
    """Record the notices a resident registered in person asked staff for (which kinds, by letter or text, the
    mobile number). Audited with what changed; returns False (and records nothing) when nothing did."""
    before = (sorted(notifications.kinds_for(session, person)), person.notice_channel, person.phone)
    after = (sorted(set(kinds)), channel, phone)
    if before == after:
        return False
    notifications.set_kinds(session, person, kinds)
    person.notice_channel, person.phone = channel, phone
    session.flush()
    record(session, actor, "account.notices_set_by_staff", f"user:{person.id}", kinds=after[0], channel=channel,
           phone_changed=before[2] != phone, previous_kinds=before[0], previous_channel=before[1])
    return True


def claim_token(secret_key, user):
    """A signed, expiring link code that lets the resident set an e-mail and password; spent once they do."""
    return accounts.make_token(secret_key, CLAIM, user)


def user_to_claim(session, secret_key, token):
    """The in-person account a claim code names, or raise accounts.TokenInvalid."""
    user = accounts.user_from_token(session, secret_key, CLAIM, token, CLAIM_MAX_AGE)
    if user.email is not None or not user.active:
        raise accounts.TokenInvalid()
    return user


def claim(session, user, email, password):
    """Take an in-person account over: set its e-mail (unconfirmed) and password. Raises EmailTaken."""
    if accounts.find_by_email(session, email) is not None:
        raise EmailTaken()
    user.email = email.strip().lower()
    accounts.set_password(user, password)
    session.flush()
    record(session, user, "account.claimed", f"user:{user.id}")


def grant_helper(session, actor, person, round_):
    """Make person a polling helper for round_ only. Returns False if they already were."""
    if person.has_role("polling_helper", round_id=round_.id):
        return False
    person.roles.append(RoleGrant(role="polling_helper", round_id=round_.id))
    session.flush()
    record(session, actor, "role.granted", f"user:{person.id}", role="polling_helper", round=round_.id)
    return True


def helpers(session, round_):
    return session.scalars(select(User).join(RoleGrant).where(RoleGrant.role == "polling_helper",
                                                              RoleGrant.round_id == round_.id)
                           .order_by(User.name, User.id)).all()


def revoke_helper(session, actor, grant):
    session.delete(grant)
    session.flush()
    record(session, actor, "role.revoked", f"user:{grant.user_id}", role="polling_helper", round=grant.round_id)


def held_pairs(session):
    """[(held account, the account it matches)], oldest first: what the officer's merge page lists."""
    first = aliased(User)
    return session.execute(select(User, first).join(first, User.held_for_merge_with_id == first.id)
                           .order_by(User.id)).all()


def merge(session, actor, held):
    """Merge a held account into the account it matches, so one person has one account and one vote. Audited.

    The kept account is the first one; if it has no e-mail (registered in person) it takes the held account's
    e-mail, password and confirmation, so the resident signs in as before; if it has no address or birth date
    (online, or an age group only) it takes the held account's. The held account is closed (its
    sessions end) and its project ideas move to the kept account. Held accounts cannot have voted.
    """
    kept = held.held_for_merge_with
    if kept.email is None and held.email is not None:
        email, password_hash, verified = held.email, held.password_hash, held.email_verified_at
        held.email = None
        session.flush()  # the e-mail is unique: free it first
        kept.email, kept.password_hash, kept.email_verified_at = email, password_hash, verified
        kept.preferred_locale = held.preferred_locale
        if verified is not None:
            kept.notice_channel = "email"  # as accounts.mark_verified: a confirmed address takes over
    if kept.address is None and held.address is not None:
        kept.address, kept.in_person, kept.registered_by_id = held.address, True, held.registered_by_id
    if kept.date_of_birth is None and held.date_of_birth is not None:
        # The first account gave an age group only: it takes the birth date, and with it the identity key if
        # no other account holds it, so a later registration of the same person is held against it.
        kept.date_of_birth = held.date_of_birth
        key = identity_key(kept.name, kept.postcode, kept.date_of_birth)
        if kept.identity_key is None and key and session.scalar(select(User.id).where(User.identity_key == key)) is None:
            kept.identity_key = key
    session.execute(update(Proposal).where(Proposal.author_id == held.id).values(author_id=kept.id))
    held.held_for_merge_with_id = None
    held.merged_into_id = kept.id
    held.active = False
    held.password_hash = UNUSABLE_HASH
    held.rotate_session_token()
    session.flush()
    record(session, actor, "account.merged", f"user:{kept.id}", merged=held.id)
    return kept


def release(session, actor, held):
    """Not the same person after all: the held account may vote. It keeps no identity key (the key is taken),
    so a third registration matches the first account, not this one. Audited."""
    other = held.held_for_merge_with_id
    held.held_for_merge_with_id = None
    session.flush()
    record(session, actor, "account.released", f"user:{held.id}", matched=other)




def find_on_register(session, name, postcode, date_of_birth):
    """The one account a sheet row names (same normalised name, postcode and birth date), or the sheet's problem:
    "not_on_register", or "ambiguous" when two accounts that are not held for merging both match."""
    wanted = normalise_name(name)
    people = [p for p in session.scalars(select(User).where(User.postcode == postcode,
                                                              User.date_of_birth == date_of_birth,
                                                              User.active.is_(True)))
              if normalise_name(p.name) == wanted]
    if not people:
        return None, SheetProblem("not_on_register")
    free = [p for p in people if p.held_for_merge_with_id is None] or people
    if len(free) > 1:
        return None, SheetProblem("ambiguous")
    return free[0], None


def find_voters(session, pots, name, postcode=None, date_of_birth=None, limit=20):
    """[(account, {pot id: whether they have voted in it})] for the active accounts whose name contains name
    (in any case), with this postcode and birth date where given; by name. Only whether, never how."""
    # autoescape: a "%" or "_" typed into the name box is a character, not a wildcard.
    query = select(User).where(func.lower(User.name).contains(name.lower(), autoescape=True), User.active.is_(True))
    if postcode is not None:
        query = query.where(User.postcode == postcode)
    if date_of_birth is not None:
        query = query.where(User.date_of_birth == date_of_birth)
    people = session.scalars(query.order_by(User.name, User.id).limit(limit)).all()
    return [(person, {pot.id: voting.participation_of(session, person, pot) is not None for pot in pots})
            for person in people]


@dataclass(frozen=True)
class CheckedRow:
    """One ballot of a sheet, with the problems that keep it from being entered (none: ready to enter)."""

    line: int
    name: str
    postcode: str
    problems: list


@dataclass(frozen=True)
class CheckedSheet:
    problems: list  # why the sheet itself cannot be read (app.domain.in_person.parse_paper_sheet); then no rows
    rows: list = ()
    entered: int | None = None  # the ballots entered (previewing: that would be); None when any row is refused


def check_sheet(session, officer, pot, text, store=False):
    """Read a sheet of paper ballots, find each row's resident on the register and check every ballot; with
    store, enter them all or none (voting.cast_paper_sheet), refused after the close (voting.refuse_after_close).
    The caller commits. Raises csv.Error for a file that is not CSV, voting.VoteRefused once voting has closed.
    """
    terms = voting.ballot_terms(session, pot)
    entries, problems = parse_paper_sheet(csv.reader(io.StringIO(text)), cumulative=terms.ballot_type == "cumulative")
    if problems:
        return CheckedSheet(problems)
    people = [(entry, *find_on_register(session, entry.name, entry.postcode, entry.date_of_birth))
              for entry in entries]
    found = [(person.id, entry.choices) for entry, person, _code in people if person is not None]
    everyone = len(found) == len(people)
    try:
        # Someone not on the register: the others are checked anyway, so every row's reason is shown at once.
        entered, closes_at = voting.cast_paper_sheet(session, officer, pot.id, found, terms=terms,
                                                     store=store and everyone)
        refused = {}
    except voting.SheetRefused as sheet:
        entered, refused = None, sheet.problems
    if store and everyone and entered is not None:
        voting.refuse_after_close(session, voting.Cast("", False, closes_at))
    rows, at = [], 0
    for entry, person, code in people:
        rows.append(CheckedRow(entry.line, entry.name, entry.postcode, [code] if code else refused.get(at, [])))
        if person is not None:
            at += 1
    return CheckedSheet([], rows, entered if everyone else None)
