"""The in-person migration gives existing accounts their identity: the oldest of one person holds it, later ones
are held for an officer to merge (so a person registered twice before the upgrade still votes once)."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.support.databases import create_database, drop_database

BEFORE = "a7c3e1f09b52"  # the revision the in-person migration follows


def test_existing_registrations_of_one_person_are_held_after_the_upgrade(tmp_path):
    from app import create_app
    from app.extensions import db

    url = create_database(tmp_path, tag="nb_inperson")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                for n, (name, born) in enumerate([("Maud Price", "1950-01-02"), ("MAUD  PRICE", "1950-01-02"),
                                                  ("Maud Price", "1950-01-03"), ("Olwen Age-Group", None)], start=1):
                    connection.execute(text(
                        'INSERT INTO "user" (id, email, name, password_hash, postcode, date_of_birth, '
                        "preferred_locale, created_at, session_token, active) VALUES (:id, :email, :name, 'x', "
                        "'FL1 1AA', :born, 'en', CURRENT_TIMESTAMP, :token, :active)"),
                        {"id": n, "email": f"u{n}@example.org", "name": name, "born": born, "token": f"t{n}",
                         "active": True})
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(text('SELECT id, identity_key IS NOT NULL, held_for_merge_with_id, '
                                               'in_person FROM "user" ORDER BY id')).all()
            assert [(r[0], bool(r[1]), r[2], bool(r[3])) for r in rows] == [
                (1, True, None, False), (2, False, 1, False), (3, True, None, False), (4, False, None, False)]
            db.engine.dispose()
    finally:
        drop_database(url)
