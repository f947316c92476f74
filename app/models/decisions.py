"""Counts and the Neighbourhood Board's formal decision records."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.people import User
from app.models.proposals import Proposal
from app.models.rounds import Pot, Round


class CountResult(db.Model):
    """The stored result of counting one pot: rule, parameters, input digest and explanations."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pot.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | running | done | failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    rule: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    tie_break: Mapped[str] = mapped_column(String(20))
    input_digest: Mapped[str | None] = mapped_column(String(64))
    ballot_count: Mapped[int] = mapped_column(Integer, default=0)
    selected: Mapped[list] = mapped_column(JSON, default=list)  # proposal ids in selection order
    explanations: Mapped[dict] = mapped_column(JSON, default=dict)  # proposal id -> explanation data
    total_cost_pence: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    counted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pot: Mapped[Pot] = relationship()


class DecisionRecord(db.Model):
    """A board's decision on a round. Locked once confirmed; corrections are new records that supersede it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | confirmed
    quorum: Mapped[int] = mapped_column(Integer, default=3)
    notes: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decision_record.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    attendance: Mapped[list["DecisionAttendance"]] = relationship(cascade="all, delete-orphan")
    declarations: Mapped[list["InterestDeclaration"]] = relationship(cascade="all, delete-orphan")
    items: Mapped[list["DecisionItem"]] = relationship(cascade="all, delete-orphan")
    confirmations: Mapped[list["DecisionConfirmation"]] = relationship(cascade="all, delete-orphan")


class DecisionAttendance(db.Model):
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship()


class InterestDeclaration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    nature: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship()
    proposal: Mapped[Proposal] = relationship()


class DecisionItem(db.Model):
    """The board's outcome for one project: confirm | defer | reject | fund (override of the count)."""

    __table_args__ = (UniqueConstraint("record_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()


class DecisionConfirmation(db.Model):
    """One board member's confirmation; two distinct members lock the record."""

    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


# A confirmed record and everything under it are refused by the database itself, not only by the code:
# a direct UPDATE/DELETE (or an INSERT under a confirmed record) fails. Created here for create_all and by
# the migration that introduced them. The audit chain seals each record's content when it locks, so a
# change made with the triggers dropped is still caught by `flask audit verify`.
LOCKED_CHILD_TABLES = ("decision_item", "decision_attendance", "interest_declaration", "decision_confirmation")
LOCKED_MESSAGE = "decision record is confirmed and locked"


def locked_record_triggers_sql(dialect):
    """The statements that create the lock triggers on this dialect ("sqlite" or "postgresql")."""
    if dialect == "postgresql":
        return ["""CREATE OR REPLACE FUNCTION decision_record_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'decision_record' THEN
    IF OLD.status = 'confirmed' THEN RAISE EXCEPTION 'decision record is confirmed and locked'; END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN
      IF EXISTS (SELECT 1 FROM decision_record WHERE id = OLD.record_id AND status = 'confirmed') THEN
        RAISE EXCEPTION 'decision record is confirmed and locked';
      END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      IF EXISTS (SELECT 1 FROM decision_record WHERE id = NEW.record_id AND status = 'confirmed') THEN
        RAISE EXCEPTION 'decision record is confirmed and locked';
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
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{LOCKED_MESSAGE}'); END"
    statements = [f"CREATE TRIGGER IF NOT EXISTS decision_record_locked_{op.lower()} BEFORE {op} ON decision_record "
                  f"WHEN OLD.status = 'confirmed' {raise_}" for op in ("UPDATE", "DELETE")]
    for table in LOCKED_CHILD_TABLES:
        locked = "(SELECT status FROM decision_record WHERE id = {}.record_id) = 'confirmed'"
        for op, when in (("INSERT", locked.format("NEW")),
                         ("UPDATE", f"{locked.format('OLD')} OR {locked.format('NEW')}"),
                         ("DELETE", locked.format("OLD"))):
            statements.append(f"CREATE TRIGGER IF NOT EXISTS {table}_locked_{op.lower()} BEFORE {op} ON {table} WHEN {when} {raise_}")
    return statements


@event.listens_for(db.metadata, "after_create")
def _create_locked_record_triggers(target, connection, **kw):
    if connection.dialect.name in ("sqlite", "postgresql"):
        for statement in locked_record_triggers_sql(connection.dialect.name):
            connection.exec_driver_sql(statement)
