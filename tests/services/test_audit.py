"""The audit log is a hash chain: editing, deleting, reordering or inserting an entry is detected."""

import pytest
from sqlalchemy import text

from app.models import AuditEntry
from app.services.audit import chain_head, record, verify
from tests.factories import make_user


@pytest.fixture
def chain(db):
    officer = make_user(role="officer", email="officer@example.org")
    for n in range(5):
        record(db.session, officer, "round.update", f"round:{n}", fields=["title"])
    db.session.commit()
    return [e.id for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def _sql(db, statement, **params):
    db.session.execute(text(statement), params)
    db.session.commit()


def test_intact_chain_verifies(db, chain):
    assert verify(db.session) is None
    assert chain_head(db.session) == db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first().entry_hash


def test_edited_entry_is_caught(db, chain):
    _sql(db, "UPDATE audit_entry SET action = 'round.delete' WHERE id = :id", id=chain[2])
    broken = verify(db.session)
    assert (broken.entry_id, broken.problem) == (chain[2], "content_changed")


def test_deleted_entry_is_caught(db, chain):
    _sql(db, "DELETE FROM audit_entry WHERE id = :id", id=chain[1])
    assert verify(db.session).entry_id == chain[2]


def test_reordered_entries_are_caught(db, chain):
    _sql(db, "UPDATE audit_entry SET id = -1 WHERE id = :a", a=chain[1])
    _sql(db, "UPDATE audit_entry SET id = :a WHERE id = :b", a=chain[1], b=chain[3])
    _sql(db, "UPDATE audit_entry SET id = :b WHERE id = -1", b=chain[3])
    assert verify(db.session) is not None


def test_inserted_entry_is_caught(db, chain):
    forged = db.session.query(AuditEntry).filter_by(id=chain[1]).one()
    _sql(db, "INSERT INTO audit_entry (id, actor_label, action, target, details, created_at, prev_hash, entry_hash) "
             "VALUES (:id, 'mallory', 'role.grant', 'user:1', '{}', :created, :prev, :hash)",
         id=chain[-1] + 10, created=forged.created_at, prev="f" * 64, hash="e" * 64)
    assert verify(db.session).entry_id == chain[-1] + 10


def test_cli_verify_reports_ok_and_the_first_broken_entry(app, db, chain):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "OK" in ok.output
    _sql(db, "UPDATE audit_entry SET target = 'round:99' WHERE id = :id", id=chain[3])
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and f"entry id {chain[3]}" in bad.output


def test_entries_cut_off_the_end_are_caught_against_the_published_head(app, db, chain):
    published_head = chain_head(db.session)
    _sql(db, "DELETE FROM audit_entry WHERE id = :id", id=chain[-1])
    assert verify(db.session) is None  # the shorter log is still a chain...
    assert verify(db.session, expected_head=published_head).problem == "head_missing"  # ...but not the published one
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["audit", "verify", "--head", published_head])
    assert bad.exit_code == 1 and "not in the log" in bad.output


def test_cli_accepts_an_older_published_head_still_in_the_log(app, db, chain):
    older = db.session.query(AuditEntry).filter_by(id=chain[1]).one().entry_hash
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--head", older])
    assert result.exit_code == 0 and chain_head(db.session) in result.output


def test_details_are_stored_exactly_as_hashed(db):
    from datetime import date

    officer = make_user(role="officer")
    record(db.session, officer, "decision.create", "decision:1", meeting_date=date(2026, 11, 30), items={"1": ["x", 5]})
    db.session.commit()
    db.session.expire_all()
    assert verify(db.session) is None
    entry = db.session.query(AuditEntry).one()
    assert entry.details == {"meeting_date": "2026-11-30", "items": {"1": ["x", 5]}}
