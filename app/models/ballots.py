"""Who voted (the participation register) is kept apart from what was voted (anonymous ballots)."""

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.rounds import Pot


class Participation(db.Model):
    """One resident took part in one pot, online or on paper. Unique: the database refuses a second."""

    __table_args__ = (UniqueConstraint("user_id", "pot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pot.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="online")  # online | paper
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"))  # for turnout by ward
    age_band: Mapped[str | None] = mapped_column(String(10))  # for the participation report

    user: Mapped[User] = relationship()
    pot: Mapped[Pot] = relationship()


class Ballot(db.Model):
    """An anonymous ballot: no resident column, no timestamp, a random id.

    replace_key is an HMAC of the resident with a per-round key kept outside the database, so the
    resident's own request can find and replace their ballot while voting is open; it is cleared at close.
    On SQLite the table has no rowid (a hidden rowid would keep the order ballots were cast in, which could
    be joined back to the register); the rows are stored in the order of their random ids.
    """

    __table_args__ = (UniqueConstraint("pot_id", "replace_key"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    pot_id: Mapped[int] = mapped_column(ForeignKey("pot.id", ondelete="CASCADE"), index=True)
    # Always "any": the channel is recorded in the register only. Marking paper ballots here would let
    # anyone who sees the few paper voters in the register pick out their ballots.
    channel: Mapped[str] = mapped_column(String(10), default="any")
    # approval/knapsack: [proposal ids]; cumulative: {proposal id: points}; ranked: [ids, best first]
    choices: Mapped[dict | list] = mapped_column(JSON)
    replace_key: Mapped[str | None] = mapped_column(String(64))
    receipt_hash: Mapped[str] = mapped_column(String(64), index=True)

    pot: Mapped[Pot] = relationship()
