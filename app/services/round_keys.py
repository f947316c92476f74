"""Per-round ballot keys: random, stored in the database only wrapped under the ballot secret, destroyed at the close.

A round's key seals its ballots while voting is open (AES-256-GCM) and turns a resident into the replace_key of
their ballot (an HMAC). It is made by whichever app host needs it first and kept in the round_key table,
encrypted ("wrapped") under a key derived from NB_BALLOT_SECRET, which comes from the environment of every app
host and never from the database. So any host can change a vote cast through another, and whoever reads the
database, its journal or a dump but not the secret cannot open a sealed ballot or tell whose it is. The close
deletes the row (docs/security.md, "Ballot secrecy").

The secret is required outside debug and testing; in debug and testing a stand-in is derived from SECRET_KEY.
"""

import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.models.ballots import RoundKey

KEY_BYTES = 32
NONCE_BYTES = 12


class RoundKeyUnavailable(RuntimeError):
    """The ballot secret is missing, or is not the one the round's key was wrapped with."""


def _wrapping_key():
    secret = current_app.config.get("BALLOT_SECRET")
    if not secret:
        if not (current_app.debug or current_app.testing):
            raise RoundKeyUnavailable("NB_BALLOT_SECRET is not set: ballots cannot be sealed or opened "
                                      "(README, Production).")
        secret = "development stand-in:" + str(current_app.secret_key)
    return _derived_wrapping_key(str(secret))


@functools.lru_cache(maxsize=4)
def _derived_wrapping_key(secret):
    """Derived once per process and secret: the process holds the secret in its environment anyway, and this
    key opens only wrapped round keys, which the close deletes (no round key itself is kept in memory)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"neighbourhood-budgets round key wrapping v1").derive(secret.encode())


def _context(round_id):
    return f"round-key:{int(round_id)}".encode()


def seal(key, plaintext, context):
    """AES-256-GCM with a random nonce; context (bytes) is authenticated, not stored."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key, sealed, context):
    """The plaintext of seal(); raises InvalidTag if the key, the context or the bytes differ."""
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)


def _unwrap(round_id, wrapped):
    try:
        return unseal(_wrapping_key(), wrapped, _context(round_id))
    except InvalidTag:
        raise RoundKeyUnavailable(f"The key of round {round_id} cannot be unwrapped: NB_BALLOT_SECRET is not "
                                  "the one it was made with.") from None


def _wrapped(session, round_id):
    return session.scalar(select(RoundKey.wrapped).where(RoundKey.round_id == round_id))


def wrapped_key(session, round_id):
    """The round's key as stored (wrapped), or None: random per round, so it also names this round's voting."""
    return _wrapped(session, round_id)


def unwrap(round_id, wrapped):
    """The key that wrapped_key returned, unwrapped (kept nowhere: the close must leave no copy)."""
    return _unwrap(round_id, wrapped)


def round_key(session, round_id):
    """The round's key, made now if it has none (once: of two hosts racing, the first to commit wins).

    Call only with voting known to be open and the close held off (the cast's locks), so a key made here
    cannot outlive the close.
    """
    wrapped = _wrapped(session, round_id)
    if wrapped is None:
        connection = session.connection()
        insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
        connection.execute(insert(RoundKey).values(
            round_id=round_id, wrapped=seal(_wrapping_key(), os.urandom(KEY_BYTES), _context(round_id)))
            .on_conflict_do_nothing())
        wrapped = _wrapped(session, round_id)
    return _unwrap(round_id, wrapped)


def existing_key(session, round_id):
    """The round's key, or None if it has none (no ballot was cast, or voting has closed)."""
    wrapped = _wrapped(session, round_id)
    return None if wrapped is None else _unwrap(round_id, wrapped)


def live_keys(session):
    """The keys of every round whose voting is open and has ballots: [key]."""
    return [_unwrap(round_id, wrapped) for round_id, wrapped in session.execute(select(RoundKey.round_id,
                                                                                      RoundKey.wrapped))]


def destroy(session, round_id):
    session.execute(delete(RoundKey).where(RoundKey.round_id == round_id))


def replace_key(key, user_id, pot_id):
    """The resident's ballot's replace_key in a pot: only a holder of the round's key can compute it."""
    return hmac.new(key, f"replace:{int(user_id)}:{int(pot_id)}".encode(), hashlib.sha256).hexdigest()


def receipt_tag(key, receipt_digest):
    """A sealed ballot's receipt_hash: the receipt's hash keyed with the round's key, so it matches nothing
    in the opened ballot (whose receipt_hash is the plain hash)."""
    return hmac.new(key, f"receipt:{receipt_digest}".encode(), hashlib.sha256).hexdigest()
