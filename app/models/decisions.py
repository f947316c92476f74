"""Counts and the Neighbourhood Board's formal decision records."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
