"""Council -> areas (Neighbourhood Board areas) -> wards, and the postcode -> ward lookup."""

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
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
    # The council's brand on every page (app/domain/brand.py): its colour as "#rrggbb" (white text on it must
    # reach 4.5:1) and its logo, a cleaned PNG (deferred: every page loads the council, few need the bytes).
    # brand_version goes up with each change, so /brand.css and the logo can be cached under a new URL.
    brand_colour: Mapped[str | None] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    brand_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

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
