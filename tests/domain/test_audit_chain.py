"""The hash chain catches an edited, deleted, reordered or inserted entry, and a cut-off end given a head."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_chain import GENESIS_HASH, ChainBreak, ChainEntry, entry_hash, verify_chain


def build(n):
    entries, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        created = f"2026-11-{i:02d}T10:00:00.000000+00:00"
        h = entry_hash(prev, "officer@example.org", "round.update", f"round:{i}", {"fields": ["title"]}, created)
        entries.append(ChainEntry(i, "officer@example.org", "round.update", f"round:{i}", {"fields": ["title"]},
                                  created, prev, h))
        prev = h
    return entries


def test_an_intact_chain_and_an_empty_one_verify():
    assert verify_chain(build(5)) is None
    assert verify_chain([]) is None


def test_hash_covers_every_field_and_the_predecessor():
    base = ("0" * 64, "a@example.org", "x", "round:1", {"k": 1}, "2026-01-01T00:00:00.000000+00:00")
    h = entry_hash(*base)
    for index, changed in enumerate(["1" * 64, "b@example.org", "y", "round:2", {"k": 2}, "2026-01-02T00:00:00"]):
        assert entry_hash(*base[:index], changed, *base[index + 1:]) != h


def test_an_edited_entry_is_caught_at_that_entry():
    entries = build(5)
    entries[2] = replace(entries[2], details={"fields": ["amount"]})
    assert verify_chain(entries) == ChainBreak(3, 2, "content_changed")


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link():
    entries = build(5)
    forged = replace(entries[2], action="round.delete")
    forged = replace(forged, entry_hash=entry_hash(forged.prev_hash, forged.actor_label, forged.action,
                                                   forged.target, forged.details, forged.created_at_iso))
    entries[2] = forged
    assert verify_chain(entries) == ChainBreak(4, 3, "link_broken")


def test_a_deleted_entry_is_caught_at_the_next_one():
    entries = build(5)
    del entries[1]
    assert verify_chain(entries) == ChainBreak(3, 1, "link_broken")


def test_reordered_entries_are_caught():
    entries = build(5)
    entries[1], entries[3] = entries[3], entries[1]
    assert verify_chain(entries) == ChainBreak(4, 1, "link_broken")


def test_an_inserted_entry_is_caught():
    entries = build(5)
    entries.insert(2, ChainEntry(99, "mallory", "role.grant", "user:1", {}, "2026-11-02T11:00:00", entries[1].entry_hash,
                                 "e" * 64))
    assert verify_chain(entries) == ChainBreak(99, 2, "content_changed")


def test_entries_cut_off_the_end_are_caught_only_against_a_published_head():
    entries = build(5)
    head = entries[-1].entry_hash
    assert verify_chain(entries[:3]) is None  # a shorter chain is still a valid chain...
    assert verify_chain(entries[:3], expected_head=head) == ChainBreak(None, 3, "head_missing")
    assert verify_chain(entries, expected_head=head) is None
    assert verify_chain(entries, expected_head=entries[1].entry_hash) is None  # an older head is still in it


@given(st.integers(0, 5), st.sampled_from(["actor_label", "action", "target", "details", "created_at_iso",
                                           "prev_hash", "entry_hash"]))
def test_changing_any_field_of_any_entry_is_caught(index, field):
    entries = build(6)
    value = {"details": {"fields": ["changed"]}}.get(field, "tampered")
    entries[index] = replace(entries[index], **{field: value})
    broken = verify_chain(entries)
    assert broken is not None and broken.position in (index, index + 1)
