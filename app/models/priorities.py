"""Each area's neighbourhood-plan priorities; area_id None is the council-wide list."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime
from app.models.geography import Area


class Priority(db.Model):
    """One priority in one list. Proposals keep its code, which never changes; the label may be renamed."""

    __table_args__ = (UniqueConstraint("council_id", "area_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)  # None: council-wide rounds
    code: Mapped[str] = mapped_column(String(40))
    labels: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: text}, written by the board or an officer
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # not offered on new proposals once set

    area: Mapped[Area | None] = relationship()
