"""Residents' project proposals and their translations."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.geography import Ward
from app.models.people import User
from app.models.rounds import Pot, Round

# draft | submitted | needs_changes | feasible | not_feasible | withdrawn | merged
PROPOSAL_STATUSES = ("draft", "submitted", "needs_changes", "feasible", "not_feasible", "withdrawn", "merged")


class Proposal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pot.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(200), default="")  # community group proposing, if any
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    cost_pence: Mapped[int] = mapped_column(Integer)  # the proposer's estimate
    adjusted_cost_pence: Mapped[int | None] = mapped_column(Integer)  # officer's adjustment, if any
    cost_change_reason: Mapped[str | None] = mapped_column(Text)  # why the officer changed the cost (to the proposer)
    cost_breakdown: Mapped[str] = mapped_column(Text, default="")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"))
    location: Mapped[str] = mapped_column(String(200), default="")
    priority: Mapped[str] = mapped_column(String(40), default="")
    original_locale: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")  # public reason (e.g. not feasible)
    officer_message: Mapped[str] = mapped_column(Text, default="")  # to the proposer
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    on_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    pot: Mapped[Pot] = relationship()
    author: Mapped[User] = relationship()
    ward: Mapped[Ward | None] = relationship()
    translations: Mapped[list["ProposalTranslation"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan"
    )

    @property
    def ballot_cost_pence(self):
        """The cost used on the ballot and in the count: the officer's adjustment if there is one."""
        return self.adjusted_cost_pence if self.adjusted_cost_pence is not None else self.cost_pence


class ProposalTranslation(db.Model):
    __table_args__ = (UniqueConstraint("proposal_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64))  # hash of the original when translated
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="translations")
