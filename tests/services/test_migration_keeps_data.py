"""Upgrading a database that holds a council's data keeps all of it: on SQLite a migration that rebuilds a
table (copy, drop, rename) must not let the drop run its children's ON DELETE actions."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.support.databases import create_database, drop_database

FIRST = "0e5a2bf2e5c0"  # the initial schema


def test_upgrading_from_the_first_schema_keeps_accounts_and_their_roles(tmp_path):
    from app import create_app
    from app.extensions import db

    url = create_database(tmp_path, tag="nb_keep")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=FIRST)
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO council (id, name, slug) VALUES (1, 'Fernleigh', 'fernleigh')"))
                connection.execute(text("INSERT INTO area (id, council_id, name, slug) VALUES (1, 1, 'Chells', 'chells')"))
                connection.execute(text("INSERT INTO ward (id, council_id, area_id, code, name) "
                                        "VALUES (1, 1, 1, 'E05000001', 'Manor')"))
                for n in (1, 2):
                    connection.execute(text(
                        'INSERT INTO "user" (id, email, name, password_hash, ward_id, preferred_locale, created_at, '
                        "session_token, active) VALUES (:id, :email, :name, 'x', 1, 'en', CURRENT_TIMESTAMP, :token, "
                        ":active)"), {"id": n, "email": f"u{n}@example.org", "name": f"Person {n}",
                                      "token": f"t{n}", "active": True})
                connection.execute(text("INSERT INTO role_grant (id, user_id, role, area_id, granted_at) "
                                        "VALUES (1, 1, 'officer', NULL, CURRENT_TIMESTAMP), "
                                        "(2, 2, 'board', 1, CURRENT_TIMESTAMP)"))
            upgrade()
            with db.engine.connect() as connection:
                grants = connection.execute(text("SELECT user_id, role, area_id FROM role_grant ORDER BY id")).all()
                people = connection.execute(text('SELECT id, email, ward_id FROM "user" ORDER BY id')).all()
            assert [tuple(g) for g in grants] == [(1, "officer", None), (2, "board", 1)]
            assert [tuple(p) for p in people] == [(1, "u1@example.org", 1), (2, "u2@example.org", 1)]
            db.engine.dispose()
    finally:
        drop_database(url)
