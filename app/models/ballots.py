"""Who voted (the participation register) is kept apart from what was voted (anonymous ballots)."""

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
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

    While voting is open a ballot is sealed: `sealed` holds its choices and its receipt's hash, encrypted with
    the round's key (app.services.round_keys), `choices` is empty, and `receipt_hash` holds a keyed hash of the
    receipt (so a resident can check it during voting) that cannot be matched to the opened ballot. The
    database still keeps traces of which register row a sealed ballot was written with (the transaction, the
    order on disk, the journal), but what it says cannot be read without the application's secret. At the
    close the ballots are opened and re-written, shuffled, under fresh random ids (app.services.voting.close_voting).

    replace_key is an HMAC of the resident under the round's key, so the resident's own request can find and
    replace their ballot while voting is open; opened ballots have none. On SQLite the table has no rowid (a
    hidden rowid would keep the order ballots were written in); the rows are stored in the order of their ids.
    """

    __table_args__ = (UniqueConstraint("pot_id", "replace_key"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    pot_id: Mapped[int] = mapped_column(ForeignKey("pot.id", ondelete="CASCADE"), index=True)
    # Always "any": the channel is recorded in the register only. Marking paper ballots here would let
    # anyone who sees the few paper voters in the register pick out their ballots.
    channel: Mapped[str] = mapped_column(String(10), default="any")
    # Opened ballots: approval/knapsack: [proposal ids]; cumulative: {proposal id: points}; ranked: [ids, best
    # first]. Sealed ballots: None.
    choices: Mapped[dict | list | None] = mapped_column(JSON(none_as_null=True))
    replace_key: Mapped[str | None] = mapped_column(String(64))
    receipt_hash: Mapped[str] = mapped_column(String(64), index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    pot: Mapped[Pot] = relationship()


class RoundKey(db.Model):
    """A round's ballot key while its voting is open, only ever stored wrapped (encrypted) under the ballot
    secret from the environment (NB_BALLOT_SECRET). Deleted at the close."""

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
