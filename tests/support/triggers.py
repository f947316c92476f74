"""Take a table's triggers out of the way, as a database owner could, and put them back afterwards."""

from contextlib import contextmanager


@contextmanager
def triggers_dropped(db, *tables):
    """Within the block the tables' row triggers do not fire (PostgreSQL: disabled; SQLite: dropped and
    re-created from their stored SQL), so a test can tamper as someone with the database owner's rights."""
    db.session.rollback()  # the test's own reads end first (SQLite: a stale snapshot cannot write)
    postgres = db.engine.dialect.name == "postgresql"
    saved = []
    with db.engine.begin() as connection:
        if postgres:
            for table in tables:
                connection.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        else:
            for table in tables:
                saved += connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                                    "AND tbl_name = ?", (table,)).all()
            for name, _sql in saved:
                connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:
            if postgres:
                for table in tables:
                    connection.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            else:
                for _name, sql in saved:
                    connection.exec_driver_sql(sql)
