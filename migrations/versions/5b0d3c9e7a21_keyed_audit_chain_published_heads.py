"""keyed audit chain, published heads, locked decision records

Revision ID: 5b0d3c9e7a21
Revises: 834f0bd4d106
Create Date: 2026-12-03 14:20:00.000000

Adds the archive of published chain heads; re-keys an existing (unkeyed SHA-256) audit log under
NB_AUDIT_SECRET after checking it is intact (a broken log is refused, not laundered); creates the triggers
that refuse any change to a confirmed decision record, and any UPDATE/DELETE of the audit log and its
archive, on SQLite and PostgreSQL. The trigger SQL is a copy of app.models.decisions.locked_record_triggers_sql
and app.models.audit.append_only_triggers_sql as they were when this migration was written.
"""
import hashlib
import hmac
import json

from alembic import op
import sqlalchemy as sa

import app.models._common


# revision identifiers, used by Alembic.
revision = '5b0d3c9e7a21'
down_revision = '834f0bd4d106'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LOCKED_CHILD_TABLES = ("decision_item", "decision_attendance", "interest_declaration", "decision_confirmation")
MESSAGE = "decision record is confirmed and locked"


def _triggers(dialect):
    if dialect == "postgresql":
        return [f"""CREATE OR REPLACE FUNCTION decision_record_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'decision_record' THEN
    IF OLD.status = 'confirmed' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN
      IF EXISTS (SELECT 1 FROM decision_record WHERE id = OLD.record_id AND status = 'confirmed') THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      IF EXISTS (SELECT 1 FROM decision_record WHERE id = NEW.record_id AND status = 'confirmed') THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$""",
                "CREATE OR REPLACE TRIGGER decision_record_locked BEFORE UPDATE OR DELETE ON decision_record "
                "FOR EACH ROW EXECUTE FUNCTION decision_record_locked()"] + [
                f"CREATE OR REPLACE TRIGGER {table}_locked BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION decision_record_locked()" for table in LOCKED_CHILD_TABLES]
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    statements = [f"CREATE TRIGGER IF NOT EXISTS decision_record_locked_{o.lower()} BEFORE {o} ON decision_record "
                  f"WHEN OLD.status = 'confirmed' {raise_}" for o in ("UPDATE", "DELETE")]
    for table in LOCKED_CHILD_TABLES:
        locked = "(SELECT status FROM decision_record WHERE id = {}.record_id) = 'confirmed'"
        for o, when in (("INSERT", locked.format("NEW")),
                        ("UPDATE", f"{locked.format('OLD')} OR {locked.format('NEW')}"),
                        ("DELETE", locked.format("OLD"))):
            statements.append(f"CREATE TRIGGER IF NOT EXISTS {table}_locked_{o.lower()} BEFORE {o} ON {table} "
                              f"WHEN {when} {raise_}")
    return statements


APPEND_ONLY_TABLES = ("audit_entry", "audit_published_head")


def _append_only_triggers(dialect):
    if dialect == "postgresql":
        return ["""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$"""] + [f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               "FOR EACH ROW EXECUTE FUNCTION audit_append_only()" for table in APPEND_ONLY_TABLES]
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{o.lower()} BEFORE {o} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            for table in APPEND_ONLY_TABLES for o in ("UPDATE", "DELETE")]


def _drop_triggers(dialect):
    if dialect == "postgresql":
        for table in ("decision_record", *LOCKED_CHILD_TABLES):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_locked ON {table}")
        op.execute("DROP FUNCTION IF EXISTS decision_record_locked()")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    else:
        for table in APPEND_ONLY_TABLES:
            for o in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{o}")
        for table, ops in [("decision_record", ("update", "delete"))] + [
                (t, ("insert", "update", "delete")) for t in LOCKED_CHILD_TABLES]:
            for o in ops:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_locked_{o}")


def _payload(values):
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _rekey_audit_log(connection):
    """Check the unkeyed chain, then rewrite every hash as an HMAC under the application's audit key."""
    entries = sa.table("audit_entry", sa.column("id", sa.Integer()), sa.column("actor_label", sa.String()),
                       sa.column("action", sa.String()), sa.column("target", sa.String()),
                       sa.column("details", sa.JSON()), sa.column("created_at", app.models._common.UTCDateTime()),
                       sa.column("prev_hash", sa.String()), sa.column("entry_hash", sa.String()))
    rows = connection.execute(sa.select(entries).order_by(entries.c.id)).all()
    if not rows:
        return
    from app.services.audit import audit_key  # needs the app (Flask-Migrate runs migrations inside it)

    key = audit_key()
    prev, new_prev = GENESIS, GENESIS
    for row in rows:
        content = [row.actor_label, row.action, row.target, row.details,
                   row.created_at.isoformat(timespec="microseconds")]
        if row.prev_hash != prev or hashlib.sha256(_payload([prev, *content])).hexdigest() != row.entry_hash:
            raise RuntimeError(f"audit log broken at entry id {row.id}: it cannot be re-keyed; investigate first")
        new_hash = hmac.new(key, _payload([new_prev, *content]), hashlib.sha256).hexdigest()
        connection.execute(entries.update().where(entries.c.id == row.id)
                           .values(prev_hash=new_prev, entry_hash=new_hash))
        prev, new_prev = row.entry_hash, new_hash


def upgrade():
    connection = op.get_bind()
    _rekey_audit_log(connection)  # first: a refused log leaves the database as it was
    op.create_table('audit_published_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_published_head')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_audit_published_head_entry_hash'))
    )
    for statement in _triggers(connection.dialect.name) + _append_only_triggers(connection.dialect.name):
        op.execute(statement)


def downgrade():
    # The log stays keyed: it is checked under NB_AUDIT_SECRET from now on.
    _drop_triggers(op.get_bind().dialect.name)
    op.drop_table('audit_published_head')
