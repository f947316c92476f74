"""Append to and verify the hash-chained audit log."""

import json

from sqlalchemy import select, text

from app.domain.audit_chain import GENESIS_HASH, ChainEntry, entry_hash, verify_chain
from app.models import AuditEntry
from app.models._common import utcnow


def _timestamp_iso(value):
    return value.isoformat(timespec="microseconds")


def record(session, actor, action, target="", **details):
    """Append one audit entry for actor (a User or None for the system) and flush it.

    details says what changed; it must never hold ballot contents. The chain cannot fork: on
    PostgreSQL an advisory lock serialises appends, and prev_hash is unique in the database.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(424242)"))
    details = json.loads(json.dumps(details, default=str))  # hash exactly what the JSON column stores
    head = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = head or GENESIS_HASH
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
        entry_hash=entry_hash(prev, actor_label, action, target, details, _timestamp_iso(created_at)),
    )
    session.add(entry)
    session.flush()
    return entry


def chain_head(session):
    """Return the newest entry's hash (shown publicly so anyone can spot a rewritten log)."""
    return session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS_HASH


def verify(session, expected_head=None):
    """Recompute the whole chain; return the first ChainBreak or None.

    expected_head: a head published earlier (e.g. copied from the results page); it must still be in
    the chain, which catches entries deleted from the end.
    """
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    entries = (
        ChainEntry(
            id=row.id,
            actor_label=row.actor_label,
            action=row.action,
            target=row.target,
            details=row.details,
            created_at_iso=_timestamp_iso(row.created_at),
            prev_hash=row.prev_hash,
            entry_hash=row.entry_hash,
        )
        for row in rows
    )
    return verify_chain(entries, expected_head=expected_head)
