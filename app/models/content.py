"""Translations of officer-written content (round titles, pot names, instructions)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._common import UTCDateTime, utcnow


class ContentTranslation(db.Model):
    """One field of one record in one language; source_hash spots a stale translation."""

    __table_args__ = (UniqueConstraint("entity", "entity_id", "field", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))  # "round" | "pot" (proposals: ProposalTranslation)
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    field: Mapped[str] = mapped_column(String(30))  # "title" | "description" | "name" | "instructions"
    locale: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))  # hash of the original when translated
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ContentSource(db.Model):
    """The original text a translation was made from, keyed by its hash (ContentTranslation.source_hash and
    ProposalTranslation.source_hash), so a translator can see what changed in the original since."""

    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class UiCatalogue(db.Model):
    """An accepted upload of a language's UI catalogue (.po, merged with the catalogue of its day): kept in the
    database so that every app host serves it (app.services.catalogues.served_catalogues). The newest row of
    a language wins; older rows are its history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), index=True)
    po: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
