"""A resident's own data: a copy to download, and deleting the account. Flush, never commit.

Deleting keeps what the election needs and nothing that names the person: the register row (Participation:
that this account took part in a pot, on which channel) stays, so nobody can vote again under a new
account counted twice, and the anonymous ballots stay counted (they never named anyone). Everything personal
on the account is wiped; proposals already made public stay, under no name.
"""

import secrets

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain.eligibility import ward_change_needs_check
from app.models import Participation, Pot, Proposal, Round, User
from app.models._common import utcnow
from app.services.audit import record

DELETED_NAME = ""


def export_data(session, user):
    """Everything the service holds about the resident, as JSON-ready values (never a ballot's contents)."""
    proposals = session.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)).all()
    took_part = session.execute(
        select(Round.title, Pot.name, Participation.channel).join(Pot, Pot.id == Participation.pot_id)
        .join(Round, Round.id == Pot.round_id).where(Participation.user_id == user.id).order_by(Participation.id)
    ).all()
    return {
        "account": {"name": user.name, "email": user.email, "postcode": user.postcode,
                    "ward": user.ward.name if user.ward else None,
                    "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
                    "age_group_at_least": user.age_confirmed, "preferred_language": user.preferred_locale,
                    "email_confirmed_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
                    "created_at": user.created_at.isoformat() if user.created_at else None,
                    "roles": sorted({grant.role for grant in user.roles})},
        "proposals": [{"title": p.title, "summary": p.summary, "description": p.description, "status": p.status,
                       "cost_pence": p.cost_pence, "created_at": p.created_at.isoformat() if p.created_at else None}
                      for p in proposals],
        # Who voted is kept apart from what they voted: the register says where, never the choices.
        "took_part_in": [{"round": title, "pot": pot, "channel": channel} for title, pot, channel in took_part],
    }


def delete_account(session, user):
    """Wipe the account's personal data and close it; drafts go, public proposals stay without a name.

    The account row stays as an empty shell because the register (Participation) and audit entries point at it.
    """
    for proposal in session.scalars(select(Proposal).where(Proposal.author_id == user.id)):
        if proposal.status == "draft":
            session.delete(proposal)
        else:
            proposal.group_name = ""
    user.name = DELETED_NAME
    user.email = f"deleted-{user.id}-{secrets.token_hex(8)}@deleted.invalid"
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    user.postcode = None
    user.ward_id = None
    user.date_of_birth = None
    user.age_confirmed = None
    user.email_verified_at = None
    user.pending_postcode = user.pending_ward_id = user.pending_since = None
    user.active = False
    user.roles.clear()
    user.rotate_session_token()  # every session ends
    session.flush()
    record(session, None, "account.delete", f"user:{user.id}", at=utcnow().isoformat())
    return user


def _open_rounds_ward_ids(session):
    rounds = session.scalars(select(Round).where(Round.phase == "voting")).all()
    return [frozenset(w.id for w in r.wards) for r in rounds]


def correct_details(session, user, *, postcode, ward_id, date_of_birth, age_confirmed, now=None):
    """Apply a resident's own correction of postcode, date of birth or age group; returns "pending" when the
    change of ward waits for an officer (voting is open in a round covering either ward), else "saved"."""
    now = now or utcnow()
    user.date_of_birth, user.age_confirmed = date_of_birth, (None if date_of_birth else age_confirmed)
    outcome = "saved"
    if ward_change_needs_check(user.ward_id, ward_id, _open_rounds_ward_ids(session)):
        user.pending_postcode, user.pending_ward_id, user.pending_since = postcode, ward_id, now
        outcome = "pending"
    else:
        user.postcode, user.ward_id = postcode, ward_id
        user.pending_postcode = user.pending_ward_id = user.pending_since = None
    session.flush()
    record(session, user, "account.correct", f"user:{user.id}", ward_change=outcome)
    return outcome


def pending_ward_changes(session):
    return session.scalars(select(User).where(User.pending_ward_id.is_not(None)).order_by(User.pending_since)).all()


def decide_ward_change(session, officer, user, accept):
    """An officer accepts (the ward changes now) or refuses (the old ward stays) a queued change of ward."""
    if user.pending_ward_id is None:
        return False
    if accept:
        user.postcode, user.ward_id = user.pending_postcode, user.pending_ward_id
    record(session, officer, "account.ward_change", f"user:{user.id}", accepted=accept,
           ward_id=user.pending_ward_id)
    user.pending_postcode = user.pending_ward_id = user.pending_since = None
    session.flush()
    return True
