"""Append to, publish and verify the keyed, hash-chained audit log."""

import csv
import hashlib
import hmac
import io
import json

from flask import current_app
from sqlalchemy import select, text

from app.domain.audit_chain import (
    GENESIS_HASH,
    NEXT_KEY,
    ROTATE,
    ChainEntry,
    check_sealed,
    entry_hash,
    first_key,
    key_id,
    keyring,
    seals,
    verify_chain,
)
from app.models import AuditEntry, PublishedHead
from app.models._common import utcnow


class AuditSecretMissing(RuntimeError):
    """NB_AUDIT_SECRET is not set outside debug/testing."""


class AuditKeyNotHeld(RuntimeError):
    """The chain was handed over to a key this host does not hold (NB_AUDIT_SECRET is out of date)."""


def audit_key():
    """The newest HMAC key this host holds: NB_AUDIT_SECRET, held outside the database.

    In debug and testing without one, a key derived from SECRET_KEY (stable for one instance/ folder).
    """
    secret = current_app.config.get("AUDIT_SECRET")
    if secret:
        return str(secret).encode("utf-8")
    if current_app.debug or current_app.testing:
        return hmac.new(str(current_app.secret_key).encode("utf-8"), b"nb-audit-chain", hashlib.sha256).digest()
    raise AuditSecretMissing("NB_AUDIT_SECRET is not set: the audit log cannot be written or checked without it")


def audit_keys():
    """{key_id: key}: NB_AUDIT_SECRET first, then NB_AUDIT_PREVIOUS_SECRETS (comma-separated, older keys
    kept so the entries hashed under them can still be verified)."""
    previous = [part.strip() for part in str(current_app.config.get("AUDIT_PREVIOUS_SECRETS") or "").split(",")]
    return keyring([audit_key()] + [part.encode("utf-8") for part in previous if part])


def _last_rotation(session):
    return session.scalar(select(AuditEntry).where(AuditEntry.action == ROTATE)
                          .order_by(AuditEntry.id.desc()).limit(1))


def key_in_effect(session):
    """The key the next entry must be hashed under: the one the last rotation named, else the first entry's.

    Every host writes under the chain's key, not simply its own newest one, so the hosts can be given a new
    NB_AUDIT_SECRET one by one before `flask audit rotate-key` hands the chain over to it.
    """
    keys = audit_keys()
    rotation = _last_rotation(session)
    if rotation is not None:
        wanted = rotation.details.get(NEXT_KEY)
        if wanted not in keys:
            raise AuditKeyNotHeld(f"the audit log was handed over to key {wanted}, which this host does not hold "
                                  "(set NB_AUDIT_SECRET to it)")
        return keys[wanted]
    if len(keys) > 1:
        first = session.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
        if first is not None:
            return first_key(_chain_entry(first), keys) or audit_key()
    return audit_key()


def rotate_key(session, actor=None):
    """Hand the chain over to NB_AUDIT_SECRET: one entry, hashed under the key in effect, names the new key.

    Returns the entry, or None when NB_AUDIT_SECRET is already the key in effect (nothing is written).
    """
    new_key = audit_key()
    if key_in_effect(session) == new_key:
        return None
    return record(session, actor, ROTATE, "audit", **{NEXT_KEY: key_id(new_key)})


def _timestamp_iso(value):
    return value.isoformat(timespec="microseconds")


AUDITED = "nb_audited"  # session.info: the transaction holds an audit entry


def record(session, actor, action, target="", **details):
    """Append one audit entry for actor (a User or None for the system) and flush it.

    details says what changed; it must never hold ballot contents. The chain cannot fork: on
    PostgreSQL an advisory lock serialises appends, and prev_hash is unique in the database.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(424242)"))
    key = key_in_effect(session)
    details = json.loads(json.dumps(details, default=str))  # hash exactly what the JSON column stores
    prev = chain_head(session)
    created_at = utcnow()
    actor_label = actor.email if actor is not None else "system"
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label,
        action=action,
        target=target,
        details=details,
        created_at=created_at,
        prev_hash=prev,
        entry_hash=entry_hash(key, prev, actor_label, action, target, details, _timestamp_iso(created_at)),
    )
    session.add(entry)
    session.flush()
    session.info[AUDITED] = True  # once committed, cached published pages are renewed (app.results.shared_pages)
    return entry


def chain_head(session):
    """Return the newest entry's hash (internal: the public sees only published heads)."""
    return session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS_HASH


def publish_head(session, actor=None, reason=""):
    """Archive the chain's head for the public, after an entry that records the publication; flush.

    Only archived heads are ever shown (results pages, /api, open data), so every head the public saw is
    in the archive, and `audit verify` checks that each is still in the chain.
    """
    entry = record(session, actor, "audit.publish_head", "audit", reason=reason)
    head = PublishedHead(entry_id=entry.id, entry_hash=entry.entry_hash, published_at=entry.created_at)
    session.add(head)
    session.flush()
    return head


def published_heads(session, limit=None):
    """Archived heads, newest first."""
    query = select(PublishedHead).order_by(PublishedHead.id.desc())
    return session.scalars(query.limit(limit) if limit else query).all()


def published_heads_json(session):
    """The archive as plain data (the API and the open data)."""
    return [{"head": h.entry_hash, "entry_id": h.entry_id, "published_at": h.published_at.isoformat()}
            for h in published_heads(session)]


def published_heads_csv(session):
    """The archive as open data: head, entry id, time published (UTC, ISO 8601), newest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["head", "entry_id", "published_at"])
    for row in published_heads_json(session):
        writer.writerow([row["head"], row["entry_id"], row["published_at"]])
    return out.getvalue()


def _chain_entry(row):
    return ChainEntry(id=row.id, actor_label=row.actor_label, action=row.action, target=row.target,
                      details=row.details, created_at_iso=_timestamp_iso(row.created_at), prev_hash=row.prev_hash,
                      entry_hash=row.entry_hash)


def verify(session, expected_head=None):
    """Recompute the whole chain under the key; return the first ChainBreak or None.

    Every archived head must still be in the chain (entries deleted from the end are caught), and so must
    expected_head, a head someone copied earlier. Then every locked record must match the digest its
    sealing entry recorded (app.services.decisions.locked_digests).
    """
    from app.services.decisions import locked_digests

    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    entries = [_chain_entry(row) for row in rows]
    heads = [head.entry_hash for head in reversed(published_heads(session))]
    if expected_head:
        heads.append(expected_head)
    broken = verify_chain(entries, audit_keys(), expected_heads=heads)
    if broken is not None:
        return broken
    return check_sealed(seals(entries), locked_digests(session))
