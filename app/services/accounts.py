"""Residents' accounts: registration, e-mail verification, sign-in checks and password resets."""

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.postcodes import normalise_postcode
from app.models import Postcode, User
from app.models._common import utcnow
from app.services.audit import record

VERIFY = "verify-email"
RESET = "reset-password"

# A dummy hash so a failed sign-in with an unknown e-mail costs as much as one with a known e-mail.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-timing")


class TokenInvalid(Exception):
    """The link is broken, for another purpose, already used, or expired (.expired tells which)."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(secret_key, purpose):
    return URLSafeTimedSerializer(secret_key, salt=f"nb-{purpose}")


def _fingerprint(user):
    """Changes when the password or e-mail changes, so a used reset link stops working."""
    return hashlib.sha256(f"{user.password_hash}|{user.email}".encode()).hexdigest()[:16]


def make_token(secret_key, purpose, user):
    return _serializer(secret_key, purpose).dumps({"uid": user.id, "fp": _fingerprint(user), "p": purpose})


def user_from_token(session, secret_key, purpose, token, max_age):
    """Return the user a token names, or raise TokenInvalid. Single-purpose: the salt and payload say which."""
    try:
        data = _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenInvalid(expired=True) from None
    except BadSignature:
        raise TokenInvalid() from None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise TokenInvalid()
    user = session.get(User, data.get("uid"))
    if user is None or data.get("fp") != _fingerprint(user):
        raise TokenInvalid()
    return user


def find_by_email(session, email):
    return session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def ward_for_postcode(session, postcode_text):
    """Return (normalised postcode, ward_id) or (normalised or None, None) when unknown."""
    postcode = normalise_postcode(postcode_text)
    if postcode is None:
        return None, None
    row = session.get(Postcode, postcode)
    return postcode, (row.ward_id if row else None)


@dataclass
class Registration:
    user: User | None  # the new account, or None when the e-mail was already registered
    existing: User | None


def register(session, *, name, email, password, postcode, ward_id, date_of_birth, age_confirmed, locale):
    """Create an unverified account, or report the existing owner of the e-mail (never revealed to the caller's UI).

    The password is hashed either way: skipping the hash for a known address made that answer ~8x faster.
    """
    password_hash = generate_password_hash(password)
    existing = find_by_email(session, email)
    if existing is not None:
        return Registration(None, existing)
    user = User(
        name=name.strip(),
        email=email.strip().lower(),
        password_hash=password_hash,
        postcode=postcode,
        ward_id=ward_id,
        date_of_birth=date_of_birth,
        age_confirmed=age_confirmed,
        preferred_locale=locale,
    )
    session.add(user)
    session.flush()
    return Registration(user, None)


def authenticate(session, email, password):
    """Return the active user with this e-mail and password, else None (same cost either way)."""
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def mark_verified(user):
    """Confirm the e-mail address; from now on notices go by e-mail (a resident registered in person who took
    their account over asked for texts or letters only because they had no e-mail)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    user.notice_channel = "email"


def set_password(user, password):
    """Change the password and sign out every other session."""
    user.password_hash = generate_password_hash(password)
    user.rotate_session_token()


class CannotSuspendSelf(Exception):
    """An administrator may not suspend their own account (another administrator must)."""


def suspend(session, actor, user, reason):
    """Suspend an account and end its sessions: it can no longer sign in, and a signed-in browser is signed out
    at its next request (the session token changes). Audited with the reason."""
    if user.id == actor.id:
        raise CannotSuspendSelf()
    if user.active:
        user.active = False
        user.rotate_session_token()
        session.flush()
        record(session, actor, "user.suspend", f"user:{user.id}", reason=reason)


def reactivate(session, actor, user, reason):
    """Let a suspended account sign in again. Audited with the reason."""
    if not user.active:
        user.active = True
        session.flush()
        record(session, actor, "user.reactivate", f"user:{user.id}", reason=reason)


def correct_ward(session, actor, user, ward, reason):
    """Put a resident in the ward they really live in (say, a postcode on a ward boundary). Audited: from, to, why."""
    previous = user.ward
    if previous is not None and previous.id == ward.id:
        return
    user.ward = ward
    session.flush()
    record(session, actor, "user.ward_correct", f"user:{user.id}", from_ward=previous.code if previous else None,
           to_ward=ward.code, reason=reason)
