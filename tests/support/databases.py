"""Fresh, throwaway databases for a test run: SQLite files, or new databases on the PostgreSQL test server.

Set TEST_DATABASE_URL to the test server's maintenance database (.ci/test-postgres start prints it)
to run against PostgreSQL; otherwise tests use SQLite files in a temporary folder.
"""

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def using_postgres():
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def create_database(tmp_dir, tag="nb"):
    """Return the URL of a new empty database (caller drops it with drop_database)."""
    if using_postgres():
        server = make_url(os.environ["TEST_DATABASE_URL"])
        name = f"{tag}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return server.set(database=name).render_as_string(hide_password=False)
    return "sqlite:///" + os.path.join(str(tmp_dir), f"{tag}-{uuid.uuid4().hex[:8]}.sqlite3")


def drop_database(url):
    if not url.startswith("postgresql"):
        return
    target = make_url(url)
    server = target.set(database="postgres")
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    engine.dispose()


def empty_database(db):
    """Every table emptied (ids restart), rate limits and the results page caches forgotten: what a test
    leaves behind must not reach the next one, including a cached page for an id that comes round again."""
    from app.extensions import limiter
    from app.results.page_cache import results_content, visitor_pages

    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:  # SQLite has no TRUNCATE: set the row triggers (locked decision records) aside while emptying
            triggers = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _sql in triggers:
                connection.execute(text(f'DROP TRIGGER "{name}"'))
            for table in tables:
                connection.execute(table.delete())
            for _name, sql in triggers:
                connection.exec_driver_sql(sql)
    limiter.reset()
    visitor_pages.clear()
    results_content.clear()
