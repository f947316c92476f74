"""How many people live in each ward, per age band: the denominator of turnout, entered by an officer."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.geography import Ward


class ElectorateFigure(db.Model):
    """Residents of one ward in one age band (app.domain.turnout.ELECTORATE_BANDS), with where it came from."""

    __table_args__ = (UniqueConstraint("ward_id", "age_band"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id", ondelete="CASCADE"), index=True)
    age_band: Mapped[str] = mapped_column(String(10))
    residents: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))  # e.g. "ONS mid-2024 population estimates"
    as_of: Mapped[date] = mapped_column(Date)  # the date the figures describe
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    ward: Mapped[Ward] = relationship()
