"""The keyed hash chain catches an edited, deleted, reordered or inserted entry, a chain rewritten without
the key, a cut-off end given the published heads, and a locked record that no longer matches its seal."""

import hashlib
import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_chain import (
    GENESIS_HASH,
    NEXT_KEY,
    ROTATE,
    SEAL,
    ChainBreak,
    ChainEntry,
    check_sealed,
    content_digest,
    entry_hash,
    key_id,
    seals,
    verify_chain,
)

KEY = b"the council's audit secret"


def build(n, key=KEY):
    entries, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        created = f"2026-11-{i:02d}T10:00:00.000000+00:00"
        h = entry_hash(key, prev, "officer@example.org", "round.update", f"round:{i}", {"fields": ["title"]}, created)
        entries.append(ChainEntry(i, "officer@example.org", "round.update", f"round:{i}", {"fields": ["title"]},
                                  created, prev, h))
        prev = h
    return entries


def rehash_without_key(entries):
    """What someone with write access but no secret can do: recompute plain SHA-256 hashes down the chain."""
    out, prev = [], GENESIS_HASH
    for e in entries:
        payload = json.dumps([prev, e.actor_label, e.action, e.target, e.details, e.created_at_iso],
                             sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        h = hashlib.sha256(payload.encode()).hexdigest()
        out.append(replace(e, prev_hash=prev, entry_hash=h))
        prev = h
    return out


def test_an_intact_chain_and_an_empty_one_verify():
    assert verify_chain(build(5), KEY) is None
    assert verify_chain([], KEY) is None


def test_hash_covers_the_key_every_field_and_the_predecessor():
    base = ("0" * 64, "a@example.org", "x", "round:1", {"k": 1}, "2026-01-01T00:00:00.000000+00:00")
    h = entry_hash(KEY, *base)
    assert entry_hash(b"another key", *base) != h
    for index, changed in enumerate(["1" * 64, "b@example.org", "y", "round:2", {"k": 2}, "2026-01-02T00:00:00"]):
        assert entry_hash(KEY, *base[:index], changed, *base[index + 1:]) != h


def test_a_chain_rewritten_without_the_key_fails_at_its_first_entry():
    forged = rehash_without_key([replace(e, action="round.delete") if e.id == 3 else e for e in build(5)])
    assert verify_chain(forged, KEY) == ChainBreak(1, 0, "content_changed")


def test_a_chain_rewritten_with_another_key_fails():
    assert verify_chain(build(5, key=b"a guessed key"), KEY) == ChainBreak(1, 0, "content_changed")


def test_an_edited_entry_is_caught_at_that_entry():
    entries = build(5)
    entries[2] = replace(entries[2], details={"fields": ["amount"]})
    assert verify_chain(entries, KEY) == ChainBreak(3, 2, "content_changed")


def test_an_edited_entry_with_a_recomputed_keyed_hash_breaks_the_next_link():
    entries = build(5)
    forged = replace(entries[2], action="round.delete")
    forged = replace(forged, entry_hash=entry_hash(KEY, forged.prev_hash, forged.actor_label, forged.action,
                                                   forged.target, forged.details, forged.created_at_iso))
    entries[2] = forged
    assert verify_chain(entries, KEY) == ChainBreak(4, 3, "link_broken")


def test_a_deleted_entry_is_caught_at_the_next_one():
    entries = build(5)
    del entries[1]
    assert verify_chain(entries, KEY) == ChainBreak(3, 1, "link_broken")


def test_reordered_entries_are_caught():
    entries = build(5)
    entries[1], entries[3] = entries[3], entries[1]
    assert verify_chain(entries, KEY) == ChainBreak(4, 1, "link_broken")


def test_an_inserted_entry_is_caught():
    entries = build(5)
    entries.insert(2, ChainEntry(99, "mallory", "role.grant", "user:1", {}, "2026-11-02T11:00:00",
                                 entries[1].entry_hash, "e" * 64))
    assert verify_chain(entries, KEY) == ChainBreak(99, 2, "content_changed")


def test_entries_cut_off_the_end_are_caught_against_every_published_head():
    entries = build(5)
    published = [entries[1].entry_hash, entries[4].entry_hash]
    assert verify_chain(entries[:3], KEY) is None  # a shorter chain is still a valid chain...
    assert verify_chain(entries[:3], KEY, expected_heads=published) == ChainBreak(
        None, 3, "head_missing", entries[4].entry_hash)  # ...but it lost a head the public saw
    assert verify_chain(entries, KEY, expected_heads=published) is None
    assert verify_chain(entries, KEY, expected_heads=[GENESIS_HASH]) is None


def test_a_locked_record_must_match_its_last_seal():
    entries = [ChainEntry(1, "b", "decision.lock", "decision:1", {SEAL: content_digest({"items": [1]})}, "t", "", ""),
               ChainEntry(2, "b", "decision.lock", "decision:2", {SEAL: content_digest({"items": [2]})}, "t", "", "")]
    sealed = seals(entries)
    current = {"decision:1": content_digest({"items": [1]}), "decision:2": content_digest({"items": [2]})}
    assert check_sealed(sealed, current) is None
    assert check_sealed(sealed, current | {"decision:2": content_digest({"items": [3]})}) == ChainBreak(
        2, 1, "record_changed", "decision:2")
    assert check_sealed(sealed, {"decision:1": current["decision:1"]}) == ChainBreak(
        2, 1, "record_changed", "decision:2")  # deleted or unlocked
    assert check_sealed(sealed, current | {"decision:3": "x"}) == ChainBreak(None, -1, "record_unaudited",
                                                                             "decision:3")


@given(st.integers(0, 5), st.sampled_from(["actor_label", "action", "target", "details", "created_at_iso",
                                           "prev_hash", "entry_hash"]))
def test_changing_any_field_of_any_entry_is_caught(index, field):
    entries = build(6)
    value = {"details": {"fields": ["changed"]}}.get(field, "tampered")
    entries[index] = replace(entries[index], **{field: value})
    broken = verify_chain(entries, KEY)
    assert broken is not None and broken.position in (index, index + 1)


NEW_KEY = b"the council's next audit secret"


def append(entries, key, action="round.update", details=None):
    """One more entry hashed under key, as the application writes it."""
    prev = entries[-1].entry_hash if entries else GENESIS_HASH
    i = len(entries) + 1
    created = f"2026-12-{i:02d}T10:00:00.000000+00:00"
    details = {"fields": ["title"]} if details is None else details
    h = entry_hash(key, prev, "officer@example.org", action, f"round:{i}", details, created)
    return [*entries, ChainEntry(i, "officer@example.org", action, f"round:{i}", details, created, prev, h)]


def rotated_chain():
    """Three entries under KEY, a rotation to NEW_KEY (hashed under KEY), two entries under NEW_KEY."""
    entries = append(build(3), KEY, ROTATE, {NEXT_KEY: key_id(NEW_KEY)})
    return append(append(entries, NEW_KEY), NEW_KEY)


def test_a_rotated_chain_verifies_with_every_key_it_named_and_not_without_them():
    chain = rotated_chain()
    assert verify_chain(chain, [NEW_KEY, KEY]) is None
    assert verify_chain(chain, [NEW_KEY]) == ChainBreak(1, 0, "content_changed")
    assert verify_chain(chain, [KEY]) == ChainBreak(4, 3, "key_missing", key_id(NEW_KEY))


def test_after_a_rotation_an_entry_hashed_under_the_old_key_is_caught():
    """Whoever kept only the old key cannot append to the log once it was handed over."""
    forged = append(rotated_chain(), KEY)
    assert verify_chain(forged, [NEW_KEY, KEY]) == ChainBreak(7, 6, "content_changed")


def test_a_rotation_entry_cannot_be_redirected_to_another_key_without_the_key_in_effect():
    chain = rotated_chain()
    hijacked = replace(chain[3], details={NEXT_KEY: key_id(b"mallory's key")})
    assert verify_chain([*chain[:3], hijacked, *chain[4:]], [NEW_KEY, KEY, b"mallory's key"]).problem == (
        "content_changed")


def test_a_key_id_names_a_key_without_revealing_it():
    assert key_id(KEY) != key_id(NEW_KEY) and len(key_id(KEY)) == 16
    assert KEY.hex()[:16] != key_id(KEY) and hashlib.sha256(KEY).hexdigest()[:16] != key_id(KEY)
