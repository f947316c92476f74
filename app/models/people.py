"""Residents and staff accounts, and the roles granted to them."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import UTCDateTime, utcnow
from app.models.geography import Area, Ward

# polling_helper: a trusted volunteer who registers residents in person and enters paper ballots, for one round.
ROLES = ("resident", "officer", "board", "translator", "admin", "polling_helper")
BOARD_ROLES = ("chair", "ward_councillor", "co_opted_resident", "community_representative")


def new_session_token():
    return secrets.token_urlsafe(32)


ANY_AREA = object()  # has_role's default: a grant on any area's board counts


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; None for a resident registered in person until they take the account over.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(10))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_confirmed: Mapped[int | None] = mapped_column()  # "I am at least N years old", when no date of birth
    preferred_locale: Mapped[str] = mapped_column(String(10), default="en")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Flask-Login identifies the session by this token, not the id: rotating it logs out every session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Registered in person (assisted digital): who saw their proof of address, and the address they gave.
    in_person: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    address: Mapped[str | None] = mapped_column(String(300))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # One person, one account: identity_key (app.domain.in_person.identity_key) is unique, so the database keeps
    # one account per name, postcode and date of birth. A later registration of the same person gets none and
    # is held (held_for_merge_with_id names the account it matches) until an officer merges or releases it.
    identity_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    held_for_merge_with_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                               index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A change of ward asked for while voting is open waits here until an officer checks it.
    pending_postcode: Mapped[str | None] = mapped_column(String(10))
    pending_ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"))
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How notices reach them (app.domain.notifications.channel_for): "email", or for a resident registered in
    # person "text" (to phone, through GOV.UK Notify) or "letter" (to address, posted by an officer).
    phone: Mapped[str | None] = mapped_column(String(20))
    notice_channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")

    ward: Mapped[Ward | None] = relationship(foreign_keys=[ward_id])
    pending_ward: Mapped[Ward | None] = relationship(foreign_keys=[pending_ward_id])
    roles: Mapped[list["RoleGrant"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    registered_by: Mapped["User | None"] = relationship(remote_side=[id], foreign_keys=[registered_by_id])
    held_for_merge_with: Mapped["User | None"] = relationship(remote_side=[id], foreign_keys=[held_for_merge_with_id])

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    def has_role(self, role, area_id=ANY_AREA, round_id=None):
        """True if the user holds role; for "board", optionally on a given area's board; for "polling_helper",
        optionally for a given round.

        area_id=None asks about the board of no area (a council-wide round), which no board member sits on;
        leave area_id out to ask about any board.
        """
        if role == "resident":
            return True
        return any(g.role == role and (area_id is ANY_AREA or g.area_id == area_id)
                   and (round_id is None or g.round_id == round_id) for g in self.roles)

    def board_area_ids(self):
        return {g.area_id for g in self.roles if g.role == "board"}

    def rotate_session_token(self):
        self.session_token = new_session_token()


class RoleGrant(db.Model):
    """A staff role; board membership names the area whose board it is."""

    __table_args__ = (UniqueConstraint("user_id", "role", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))  # board: whose board; officer: contact for
    board_role: Mapped[str | None] = mapped_column(String(30))  # board only: one of BOARD_ROLES
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))  # polling helpers
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    area: Mapped[Area | None] = relationship()
