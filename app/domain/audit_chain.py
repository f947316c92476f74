"""Hash-chain rules for the audit log: each entry commits to the one before it."""

import hashlib
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


def entry_hash(prev_hash, actor_label, action, target, details, created_at_iso):
    """Return the SHA-256 of an entry's content and its predecessor's hash (canonical JSON)."""
    payload = json.dumps(
        [prev_hash, actor_label, action, target, details, created_at_iso],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    position: int
    problem: str  # "content_changed" | "link_broken" | "head_missing"


def verify_chain(entries, expected_head=None):
    """Return the first ChainBreak in entries (in id order), or None when the chain is intact.

    Catches edited entries (hash no longer matches content), deleted, inserted and reordered entries
    (an entry's prev_hash no longer names the hash of the entry before it). Entries cut off the end leave
    a valid shorter chain: pass a head published earlier as expected_head and its absence is reported.
    """
    expected_prev = GENESIS_HASH
    seen_head = expected_head is None or expected_head == GENESIS_HASH
    position = -1
    for position, entry in enumerate(entries):
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.id, position, "link_broken")
        recomputed = entry_hash(
            entry.prev_hash, entry.actor_label, entry.action, entry.target, entry.details, entry.created_at_iso
        )
        if recomputed != entry.entry_hash:
            return ChainBreak(entry.id, position, "content_changed")
        expected_prev = entry.entry_hash
        seen_head = seen_head or entry.entry_hash == expected_head
    if not seen_head:
        return ChainBreak(None, position + 1, "head_missing")
    return None
