"""Council -> areas (Neighbourhood Board areas) -> wards, and the postcode -> ward lookup."""

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Council(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # How residents reach the council (shown on the site); set by `flask council create`.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    public_url: Mapped[str | None] = mapped_column(String(300))  # the site's address, for links in e-mails
    # The council's own privacy notice and accessibility statement, {locale: text}, shown after the standard text.
    privacy_notice: Mapped[dict | None] = mapped_column(JSON)
    accessibility_statement: Mapped[dict | None] = mapped_column(JSON)

    areas: Mapped[list["Area"]] = relationship(back_populates="council", order_by="Area.name")


class Area(db.Model):
    """A neighbourhood / Neighbourhood Board area made of a few wards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)

    council: Mapped[Council] = relationship(back_populates="areas")
    wards: Mapped[list["Ward"]] = relationship(back_populates="area", order_by="Ward.name")


class Ward(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # ONS code, e.g. E05012345
    name: Mapped[str] = mapped_column(String(200))

    area: Mapped[Area | None] = relationship(back_populates="wards")


class Postcode(db.Model):
    """One postcode, normalised ("SG1 1AA"), and the ward it lies in."""

    postcode: Mapped[str] = mapped_column(String(10), primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)

    ward: Mapped[Ward] = relationship()
