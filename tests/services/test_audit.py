"""The audit log is a hash chain: editing, deleting, reordering or inserting an entry is detected."""

import pytest
from sqlalchemy import text

from app.models import AuditEntry
from app.services.audit import chain_head, publish_head, published_heads, record, verify
from tests.factories import make_user
from tests.support.triggers import triggers_dropped


@pytest.fixture
def chain(db):
    officer = make_user(role="officer", email="officer@example.org")
    for n in range(5):
        record(db.session, officer, "round.update", f"round:{n}", fields=["title"])
    db.session.commit()
    return [e.id for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def _sql(db, statement, **params):
    """Tamper as the database owner: the audit tables' append-only triggers are out of the way."""
    with triggers_dropped(db, "audit_entry", "audit_published_head"):
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


def _rewrite_without_the_key(db, entry_id, **changes):
    """What a database administrator without NB_AUDIT_SECRET can do: edit an entry and recompute every hash
    after it, as the unkeyed chain was computed."""
    with triggers_dropped(db, "audit_entry"):
        _rehash(db, entry_id, changes)


def _rehash(db, entry_id, changes):
    import hashlib
    import json

    from app.services.audit import _timestamp_iso

    rows = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    prev = "0" * 64
    for row in rows:
        if row.id == entry_id:
            for name, value in changes.items():
                setattr(row, name, value)
        payload = json.dumps([prev, row.actor_label, row.action, row.target, row.details,
                              _timestamp_iso(row.created_at)], sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False)
        row.prev_hash, row.entry_hash = prev, hashlib.sha256(payload.encode()).hexdigest()
        prev = row.entry_hash
    db.session.commit()


def test_a_chain_rewritten_and_rehashed_without_the_secret_fails_verify(app, db, chain):
    _rewrite_without_the_key(db, chain[2], action="round.delete")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry id {chain[0]}" in result.output and "NB_AUDIT_SECRET" in result.output


def test_a_chain_written_under_another_secret_fails_verify(app, db, chain):
    app.config["AUDIT_SECRET"] = "a guessed secret"
    try:
        assert verify(db.session).problem == "content_changed"
    finally:
        app.config["AUDIT_SECRET"] = "test-audit-secret-not-for-production"
    assert verify(db.session) is None


def test_every_published_head_is_archived_and_deleting_the_last_entries_is_caught(app, db, chain):
    first = publish_head(db.session, reason="scheduled")
    record(db.session, None, "round.update", "round:9", fields=["title"])
    second = publish_head(db.session, reason="scheduled")
    db.session.commit()
    assert [h.entry_hash for h in published_heads(db.session)] == [second.entry_hash, first.entry_hash]
    assert verify(db.session) is None
    _sql(db, "DELETE FROM audit_entry WHERE id >= :id", id=second.entry_id - 1)
    broken = verify(db.session)  # no --head needed: the archive remembers what the public saw
    assert (broken.problem, broken.detail) == ("head_missing", second.entry_hash)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and second.entry_hash in result.output


def test_cli_publishes_the_head(app, db, chain):
    result = app.test_cli_runner().invoke(args=["audit", "publish-head"])
    assert result.exit_code == 0, result.output
    head = published_heads(db.session)[0]
    assert head.entry_hash == chain_head(db.session) and head.entry_hash in result.output
    assert db.session.get(AuditEntry, head.entry_id).action == "audit.publish_head"


def test_outside_debug_and_testing_the_audit_secret_is_required(tmp_path):
    from app import create_app
    from app.extensions import db as _db
    from app.services.audit import AuditSecretMissing, audit_key

    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                             "PUBLIC_URL": "https://budgets.example.gov.uk"})
    with production.app_context():
        with pytest.raises(AuditSecretMissing):
            audit_key()
        production.config["AUDIT_SECRET"] = "from the environment"
        assert audit_key() == b"from the environment"
        _db.engine.dispose()


def test_the_audit_secret_comes_from_the_environment_as_written(tmp_path, monkeypatch):
    import app as app_package
    from app import create_app

    monkeypatch.setattr(app_package, "REPO_ROOT", str(tmp_path))
    monkeypatch.setenv("NB_AUDIT_SECRET", "12345")  # not parsed as a number
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/e.db")
    monkeypatch.setenv("NB_PUBLIC_URL", "https://budgets.example.gov.uk")
    assert create_app().config["AUDIT_SECRET"] == "12345"


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry",
                                       "UPDATE audit_published_head SET entry_id = 1",
                                       "DELETE FROM audit_published_head"])
def test_the_log_and_its_archive_are_append_only_in_the_database(db, chain, statement):
    from sqlalchemy.exc import DatabaseError

    publish_head(db.session, reason="scheduled")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert verify(db.session) is None


OLD_SECRET = "test-audit-secret-not-for-production"
NEW_SECRET = "the council's next audit secret"


@pytest.fixture
def keys(app):
    """Put this host's audit keys back as the app fixture set them after each test."""
    yield app.config
    app.config["AUDIT_SECRET"], app.config["AUDIT_PREVIOUS_SECRETS"] = OLD_SECRET, ""


def _actions_written_under(db, secret):
    """The entries whose hash is right under secret alone (what each was written under)."""
    from app.domain.audit_chain import entry_hash
    from app.services.audit import _chain_entry

    return [row.action for row in db.session.query(AuditEntry).order_by(AuditEntry.id)
            if entry_hash(secret.encode(), row.prev_hash, row.actor_label, row.action, row.target, row.details,
                          _chain_entry(row).created_at_iso) == row.entry_hash]


def test_rotating_the_audit_key_hands_the_log_over_and_every_entry_still_verifies(app, db, chain, keys):
    keys["AUDIT_SECRET"], keys["AUDIT_PREVIOUS_SECRETS"] = NEW_SECRET, OLD_SECRET
    record(db.session, None, "round.update", "round:7", fields=["title"])  # a host already given the new secret
    db.session.commit()
    assert verify(db.session) is None and len(_actions_written_under(db, NEW_SECRET)) == 0

    result = app.test_cli_runner().invoke(args=["audit", "rotate-key"])
    assert result.exit_code == 0 and "NB_AUDIT_PREVIOUS_SECRETS" in result.output, result.output
    record(db.session, None, "round.update", "round:8", fields=["title"])
    db.session.commit()

    assert verify(db.session) is None
    assert _actions_written_under(db, NEW_SECRET) == ["audit.publish_head", "round.update"]
    assert published_heads(db.session)[0].entry_hash != chain_head(db.session)  # the head after it, archived
    assert "Nothing to do" in app.test_cli_runner().invoke(args=["audit", "rotate-key"]).output

    keys["AUDIT_PREVIOUS_SECRETS"] = ""  # the old secret thrown away: the earlier entries can't be checked
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"entry id {chain[0]}" in result.output


def test_after_a_rotation_a_host_holding_only_the_old_key_writes_nothing(app, db, chain, keys):
    from app.services.audit import AuditKeyNotHeld

    keys["AUDIT_SECRET"], keys["AUDIT_PREVIOUS_SECRETS"] = NEW_SECRET, OLD_SECRET
    assert app.test_cli_runner().invoke(args=["audit", "rotate-key"]).exit_code == 0
    keys["AUDIT_SECRET"], keys["AUDIT_PREVIOUS_SECRETS"] = OLD_SECRET, ""
    count = db.session.query(AuditEntry).count()
    with pytest.raises(AuditKeyNotHeld):
        record(db.session, None, "round.update", "round:9", fields=["title"])
    db.session.rollback()
    assert db.session.query(AuditEntry).count() == count
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "neither NB_AUDIT_SECRET nor in NB_AUDIT_PREVIOUS_SECRETS" in result.output


def test_an_entry_forged_with_the_old_key_after_a_rotation_fails_verify(app, db, chain, keys):
    """A leaked old secret is worth nothing once the log was handed over: its entries no longer verify."""
    from app.domain.audit_chain import entry_hash

    keys["AUDIT_SECRET"], keys["AUDIT_PREVIOUS_SECRETS"] = NEW_SECRET, OLD_SECRET
    assert app.test_cli_runner().invoke(args=["audit", "rotate-key"]).exit_code == 0
    last = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    created = last.created_at
    forged = entry_hash(OLD_SECRET.encode(), last.entry_hash, "mallory", "role.grant", "user:1", {},
                        created.isoformat(timespec="microseconds"))
    db.session.add(AuditEntry(actor_label="mallory", action="role.grant", target="user:1", details={},
                              created_at=created, prev_hash=last.entry_hash, entry_hash=forged))
    db.session.commit()
    broken = verify(db.session)
    assert (broken.problem, broken.entry_id) == ("content_changed", last.id + 1)


def test_the_previous_audit_secrets_come_from_the_environment_as_written(tmp_path, monkeypatch):
    import app as app_package
    from app import create_app

    monkeypatch.setattr(app_package, "REPO_ROOT", str(tmp_path))
    monkeypatch.setenv("NB_AUDIT_SECRET", "new")
    monkeypatch.setenv("NB_AUDIT_PREVIOUS_SECRETS", "12345,[1]")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/e.db")
    monkeypatch.setenv("NB_PUBLIC_URL", "https://budgets.example.gov.uk")
    assert create_app().config["AUDIT_PREVIOUS_SECRETS"] == "12345,[1]"
