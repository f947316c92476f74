"""Budget rounds and their grant pots."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.geography import Area, Council, Ward

# Wards whose residents may take part in a round at all.
round_wards = Table(
    "round_ward",
    db.metadata,
    Column("round_id", Integer, ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", Integer, ForeignKey("ward.id"), primary_key=True),
)

# Wards whose residents may propose and vote in one pot.
pot_wards = Table(
    "pot_ward",
    db.metadata,
    Column("pot_id", Integer, ForeignKey("pot.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", Integer, ForeignKey("ward.id"), primary_key=True),
)


class Round(db.Model):
    """One participatory budgeting round; texts are the default-language originals (translations apart)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)  # None: whole council
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    original_locale: Mapped[str] = mapped_column(String(10), default="en")
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["en"])
    phase: Mapped[str] = mapped_column(String(20), default="draft")
    proposals_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposals_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_age: Mapped[int | None] = mapped_column(Integer)
    require_verified_email: Mapped[bool] = mapped_column(Boolean, default=True)
    ballot_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set the first time an officer moves the close (extends it, or closes early): the close residents were
    # first told, shown publicly beside the actual one. The early close's reason is public too.
    voting_close_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    early_close_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship()
    area: Mapped[Area | None] = relationship()
    wards: Mapped[list[Ward]] = relationship(secondary=round_wards, order_by="Ward.name")
    pots: Mapped[list["Pot"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Pot.id"
    )


class Pot(db.Model):
    """A grant pot: money in pence, who may vote, the ballot type and the counting rule."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    amount_pence: Mapped[int] = mapped_column(Integer)
    min_project_cost_pence: Mapped[int | None] = mapped_column(Integer)
    max_project_cost_pence: Mapped[int | None] = mapped_column(Integer)
    # approval | knapsack | cumulative | ranked
    ballot_type: Mapped[str] = mapped_column(String(20), default="approval")
    max_choices: Mapped[int | None] = mapped_column(Integer)  # approval / ranked: up to k
    total_points: Mapped[int | None] = mapped_column(Integer)  # cumulative: N points to spread
    max_points_per_project: Mapped[int | None] = mapped_column(Integer)  # cumulative: at most m each
    # greedy | mes-cost | mes-card, with Equal Shares completion none | add1 | add1u
    counting_rule: Mapped[str] = mapped_column(String(20), default="greedy")
    completion: Mapped[str] = mapped_column(String(10), default="add1u")

    round: Mapped[Round] = relationship(back_populates="pots")
    wards: Mapped[list[Ward]] = relationship(secondary=pot_wards, order_by="Ward.name")
