"""Migrations from an empty database produce exactly the models' schema, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.databases import create_database, drop_database


def test_upgrade_from_empty_matches_models_and_downgrades_cleanly(tmp_path):
    from app import create_app
    from app.extensions import db

    url = create_database(tmp_path, tag="nb_migrate")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
                tables = set(inspect(connection).get_table_names())
            assert differences == []
            assert {"user", "round", "pot", "ballot", "participation", "audit_entry"} <= tables
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        drop_database(url)
