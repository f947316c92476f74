"""Keyed hash-chain rules for the audit log: each entry commits to the one before it.

Each entry's hash is an HMAC-SHA256 under a secret held outside the database (NB_AUDIT_SECRET), so
someone who can write to the database but does not hold the secret cannot rewrite an entry and recompute
the hashes after it. Entries cut off the end still leave a valid shorter chain: every head ever shown to
the public is archived and must still be in the chain (expected_heads).

The secret can be replaced without re-writing history: a rotation entry (ROTATE), hashed under the key in
effect, names the next key by its key_id, and every entry after it is hashed under that key. Whoever
verifies holds every key the chain ever named; whoever held only an old key cannot forge entries after it.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64
ROTATE = "audit.rotate_key"  # the entry that hands the chain over to the next key
NEXT_KEY = "next_key_id"  # its details key: key_id() of the key every later entry is hashed under


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


def key_id(key):
    """A public name for a key (it reveals nothing of the key): what a rotation entry records."""
    return hmac.new(key, b"nb-audit-key-id", hashlib.sha256).hexdigest()[:16]


def keyring(keys):
    """{key_id: key} for a key, an iterable of keys (in the order given) or such a keyring."""
    if isinstance(keys, dict):
        return keys
    if isinstance(keys, (bytes, bytearray)):
        keys = [keys]
    return {key_id(key): key for key in keys}


def _hash_of(entry, key):
    return entry_hash(key, entry.prev_hash, entry.actor_label, entry.action, entry.target, entry.details,
                      entry.created_at_iso)


def first_key(entry, keys):
    """The key (from keyring keys) the chain's first entry was hashed under, or None if it is none of them."""
    for key in keys.values():
        if hmac.compare_digest(_hash_of(entry, key), entry.entry_hash):
            return key
    return None


def content_digest(value):
    """SHA-256 of a plain value's canonical JSON: what an audit entry records of a locked record."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    position: int
    problem: str  # "content_changed" | "link_broken" | "head_missing" | "record_changed" | "record_unaudited"
    #               | "key_missing"
    detail: str = ""  # the missing head, the record ("decision:3") that no longer matches, or the missing key_id


def verify_chain(entries, keys, expected_heads=()):
    """Return the first ChainBreak in entries (in id order), or None when the chain is intact.

    Catches edited entries (the keyed hash no longer matches the content, even if recomputed without the
    key), deleted, inserted and reordered entries (an entry's prev_hash no longer names the hash of the
    entry before it). Entries cut off the end leave a valid shorter chain: every head in expected_heads
    (heads published earlier) must be in it, else "head_missing" names the first one absent. keys: a key,
    or every key the chain was ever hashed under; after a rotation entry only the key it names is accepted.
    """
    keys = keyring(keys)
    expected_prev = GENESIS_HASH
    seen = {GENESIS_HASH}
    position = -1
    key = first_key(entries[0], keys) if entries else None
    for position, entry in enumerate(entries):
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.id, position, "link_broken")
        if key is None or not hmac.compare_digest(_hash_of(entry, key), entry.entry_hash):
            return ChainBreak(entry.id, position, "content_changed")
        if entry.action == ROTATE:
            key = keys.get(entry.details.get(NEXT_KEY))
            if key is None:
                return ChainBreak(entry.id, position, "key_missing", str(entry.details.get(NEXT_KEY)))
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
