"""Which notices are due, who gets each, and how (e-mail, text or letter): plain values in, plain values out.

Residents opt in per kind (all off by default). Only an active account with a confirmed address gets e-mail,
so a notice never goes to an address somebody typed by mistake; a resident registered in person (no e-mail)
gets a text or a letter instead, as they chose. Who voted comes from the participation
register (voter, pot), never from ballots, and a notice never says what anyone chose.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

VOTING_OPENS = "voting_opens"  # voting has opened in a round my ward takes part in
REMINDER = "reminder"  # two days before the close, if I have not voted in every pot open to me
RESULTS = "results"  # the results of a round my ward took part in are published
PROJECT_UPDATES = "project_updates"  # news of projects I proposed, or in a pot I voted in
DELIVERY_UPDATES = "delivery_updates"  # an update posted on a funded project I proposed, or in a pot I voted in
KINDS = (VOTING_OPENS, REMINDER, RESULTS, PROJECT_UPDATES, DELIVERY_UPDATES)

EMAIL, TEXT, LETTER = "email", "text", "letter"
CHANNELS = (EMAIL, TEXT, LETTER)

REMINDER_BEFORE_CLOSE = timedelta(days=2)


@dataclass(frozen=True)
class RoundFacts:
    id: int
    phase: str
    voting_close_at: datetime | None
    published_at: datetime | None  # when the board's decision (and so the results) went public


@dataclass(frozen=True)
class Notice:
    """One thing to tell residents about, once: (kind, subject) is its identity."""

    kind: str
    subject: str  # e.g. "round:12"


def due_notices(round_, now, lookback):
    """The notices a round calls for now.

    Voting opened: while voting is open. Reminder: from two days before the close until the close.
    Results and project updates: once published, for `lookback` (a timedelta) afterwards, so that switching
    the sender on does not mail residents about rounds published long ago.
    """
    subject = f"round:{round_.id}"
    due = []
    if round_.phase == "voting" and (round_.voting_close_at is None or now < round_.voting_close_at):
        due.append(Notice(VOTING_OPENS, subject))
        if round_.voting_close_at is not None and now >= round_.voting_close_at - REMINDER_BEFORE_CLOSE:
            due.append(Notice(REMINDER, subject))
    if round_.phase == "published" and round_.published_at is not None and now - round_.published_at <= lookback:
        due.append(Notice(RESULTS, subject))
        due.append(Notice(PROJECT_UPDATES, subject))
    return due


@dataclass(frozen=True)
class UpdateFacts:
    id: int
    posted_at: datetime
    public: bool  # its project is still an award of a published round


def due_update_notices(update, now, lookback):
    """A delivery update calls for one notice while it is public and younger than `lookback`."""
    if update.public and now - update.posted_at <= lookback:
        return [Notice(DELIVERY_UPDATES, f"update:{update.id}")]
    return []


_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)(7\d{9})$")


def uk_mobile(text):
    """A UK mobile number as 07xxxxxxxxx (spaces, dashes, brackets and +44 allowed), or None if it is not one:
    GOV.UK Notify sends texts to UK mobiles."""
    match = _UK_MOBILE.match(re.sub(r"[\s().-]", "", text or ""))
    return f"0{match.group(1)}" if match else None


def channel_for(*, chosen, email_verified, has_phone, has_address, texts_available):
    """How to reach a resident, or None.

    What they chose comes first: a text when a phone number is on file and the council sends texts (through
    GOV.UK Notify), else a letter when an address is on file; a letter when an address is on file. Otherwise
    e-mail to a confirmed address. A resident registered in person has no e-mail, so for them it is text,
    letter or nothing.
    """
    if chosen == TEXT and has_phone and texts_available:
        return TEXT
    if chosen in (TEXT, LETTER) and has_address:
        return LETTER
    return EMAIL if email_verified else None


@dataclass(frozen=True)
class Resident:
    """What the rules need to know about one resident, for one round."""

    kinds: frozenset  # the kinds they opted in to
    active: bool
    verified: bool  # their e-mail address is confirmed
    in_round: bool  # their ward takes part in the round (delivery updates: the update's round)
    open_pot_ids: frozenset = frozenset()  # the round's pots they may vote in (ward, age: the voting rule)
    voted_pot_ids: frozenset = frozenset()  # from the participation register
    proposed_ids: frozenset = frozenset()  # the round's projects they proposed
    channel: str | None = None  # how to reach them (channel_for); None: e-mail, if their address is confirmed
    follows_project: bool = False  # delivery updates: they proposed the project or voted in its pot


def reachable(resident):
    if resident.channel is None:
        return resident.verified
    return resident.channel in CHANNELS


def gets(kind, resident):
    """Whether this resident gets this kind of notice about the round."""
    if kind not in resident.kinds or not resident.active or not reachable(resident):
        return False
    if kind == VOTING_OPENS:
        return resident.in_round and bool(resident.open_pot_ids)
    if kind == RESULTS:
        return resident.in_round
    if kind == REMINDER:
        return resident.in_round and bool(resident.open_pot_ids - resident.voted_pot_ids)
    if kind == PROJECT_UPDATES:
        return bool(resident.proposed_ids or resident.voted_pot_ids)
    if kind == DELIVERY_UPDATES:
        return resident.follows_project
    raise ValueError(f"unknown notification kind {kind!r}")

