"""Delivering a confirmed award: its status, milestones, money spent and public updates with photos.

Photos are kept in the database, not on one host's disk: several app hosts serve one council.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.people import User
from app.models.proposals import Proposal


class Delivery(db.Model):
    """One per awarded project (the award itself, its amount, stays in the board's decision record)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    target_date: Mapped[date | None] = mapped_column(Date)
    spent_pence: Mapped[int] = mapped_column(Integer, default=0)
    proposer_may_update: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship()
    milestones: Mapped[list["DeliveryMilestone"]] = relationship(
        cascade="all, delete-orphan", order_by="(DeliveryMilestone.due_date, DeliveryMilestone.id)")
    updates: Mapped[list["DeliveryUpdate"]] = relationship(
        cascade="all, delete-orphan", order_by="(DeliveryUpdate.created_at.desc(), DeliveryUpdate.id.desc())")


class DeliveryMilestone(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryUpdate(db.Model):
    """A dated public update, by an officer or (when allowed) the proposer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    by_proposer: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    photo: Mapped["DeliveryPhoto | None"] = relationship(back_populates="update", cascade="all, delete-orphan",
                                                         uselist=False)


class DeliveryPhoto(db.Model):
    """A cleaned JPEG (re-encoded, resized, no metadata) and its description for people who cannot see it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("delivery_update.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    update: Mapped[DeliveryUpdate] = relationship(back_populates="photo")
