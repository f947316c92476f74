"""The audit migration re-keys an existing unkeyed log (refusing a broken one) and creates the lock and
append-only triggers."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.support.databases import create_database, drop_database

BEFORE = "834f0bd4d106"  # the revision the audit migration follows


def _legacy_entries(connection, n, break_at=None):
    prev = "0" * 64
    for i in range(1, n + 1):
        created = datetime(2026, 11, i, 10, 0, tzinfo=UTC)
        content = ["officer@example.org", "round.update", f"round:{i}", {"fields": ["title"]},
                   created.isoformat(timespec="microseconds")]
        payload = json.dumps([prev, *content], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        entry = hashlib.sha256(payload.encode()).hexdigest()
        connection.execute(text("INSERT INTO audit_entry (id, actor_label, action, target, details, created_at, "
                                "prev_hash, entry_hash) VALUES (:id, :a, :b, :c, :d, :t, :p, :h)"),
                           {"id": i, "a": content[0], "b": "round.delete" if i == break_at else content[1],
                            "c": content[2], "d": json.dumps(content[3]), "t": created, "p": prev, "h": entry})
        prev = entry


@pytest.fixture
def migrated_app(tmp_path):
    from app import create_app

    url = create_database(tmp_path, tag="nb_audit_migrate")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "AUDIT_SECRET": "migration-secret",
                      "SQLALCHEMY_DATABASE_URI": url})
    try:
        yield app
    finally:
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
        drop_database(url)


def test_an_unkeyed_log_is_rekeyed_and_then_verifies(migrated_app):
    from app.extensions import db
    from app.services.audit import verify

    with migrated_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _legacy_entries(connection, 4)
        upgrade()
        assert verify(db.session) is None
        db.session.remove()
        downgrade(revision=BEFORE)


def test_a_broken_unkeyed_log_is_not_laundered(migrated_app):
    from app.extensions import db

    with migrated_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _legacy_entries(connection, 4, break_at=2)
        with pytest.raises(SystemExit):  # Flask-Migrate logs "audit log broken at entry id 2" and exits
            upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == BEFORE


def test_the_migration_creates_the_lock_triggers(migrated_app):
    from app.extensions import db

    with migrated_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                names = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
            else:
                names = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            names = set(names)
        assert {"decision_item_locked", "decision_record_locked", "audit_entry_append_only",
                "audit_published_head_append_only"} <= names or {
            "decision_item_locked_update", "decision_item_locked_delete", "decision_record_locked_update",
            "audit_entry_append_only_update", "audit_entry_append_only_delete",
            "audit_published_head_append_only_delete"} <= names
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                assert connection.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")).scalar() == 0
