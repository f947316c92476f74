"""Keyed hash-chain rules for the audit log: each entry commits to the one before it.

Each entry's hash is an HMAC-SHA256 under a secret held outside the database (NB_AUDIT_SECRET), so
someone who can write to the database but does not hold the secret cannot rewrite an entry and recompute
the hashes after it. Entries cut off the end still leave a valid shorter chain: every head ever shown to
the public is archived and must still be in the chain (expected_heads).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    id: int
    actor_label: str
    action: str
    target: str
    details: dict
    created_at_iso: str
    prev_hash: str
    entry_hash: str


def canonical_json(value):
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(key, prev_hash, actor_label, action, target, details, created_at_iso):
    """Return the HMAC-SHA256 (under key, bytes) of an entry's content and its predecessor's hash."""
    if not key:
        raise ValueError("the audit chain needs a secret key")
    payload = canonical_json([prev_hash, actor_label, action, target, details, created_at_iso])
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def content_digest(value):
    """SHA-256 of a plain value's canonical JSON: what an audit entry records of a locked record."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    position: int
    problem: str  # "content_changed" | "link_broken" | "head_missing" | "record_changed" | "record_unaudited"
    detail: str = ""  # the missing head, or the record ("decision:3") whose content no longer matches


def verify_chain(entries, key, expected_heads=()):
    """Return the first ChainBreak in entries (in id order), or None when the chain is intact.

    Catches edited entries (the keyed hash no longer matches the content, even if recomputed without the
    key), deleted, inserted and reordered entries (an entry's prev_hash no longer names the hash of the
    entry before it). Entries cut off the end leave a valid shorter chain: every head in expected_heads
    (heads published earlier) must be in it, else "head_missing" names the first one absent.
    """
    expected_prev = GENESIS_HASH
    seen = {GENESIS_HASH}
    position = -1
    for position, entry in enumerate(entries):
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.id, position, "link_broken")
        recomputed = entry_hash(key, entry.prev_hash, entry.actor_label, entry.action, entry.target,
                                entry.details, entry.created_at_iso)
        if not hmac.compare_digest(recomputed, entry.entry_hash):
            return ChainBreak(entry.id, position, "content_changed")
        expected_prev = entry.entry_hash
        seen.add(entry.entry_hash)
    for head in expected_heads:
        if head not in seen:
            return ChainBreak(None, position + 1, "head_missing", head)
    return None


SEAL = "sealed_digest"  # the details key under which an entry records the digest of a locked record


def seals(entries):
    """{target: (entry id, position, digest)}: the last digest the chain recorded for each sealed target."""
    found = {}
    for position, entry in enumerate(entries):
        if SEAL in entry.details:
            found[entry.target] = (entry.id, position, entry.details[SEAL])
    return found


def check_sealed(sealed, current):
    """Return a ChainBreak if a locked record no longer matches its seal, or is locked without one.

    sealed: seals(entries); current: {target: digest} of every record that is locked now. A sealed record
    that was deleted or unlocked has no current digest, so it counts as changed.
    """
    for target, (entry_id, position, digest) in sorted(sealed.items(), key=lambda item: item[1][1]):
        if current.get(target) != digest:
            return ChainBreak(entry_id, position, "record_changed", target)
    for target in sorted(set(current) - set(sealed)):
        return ChainBreak(None, -1, "record_unaudited", target)
    return None
