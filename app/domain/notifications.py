"""Which e-mail notices are due, and who gets each: plain values in, plain values out.

Residents opt in per kind (all off by default). Only an active account with a confirmed address gets mail,
so a notice never goes to an address somebody typed by mistake. Who voted comes from the participation
register (voter, pot), never from ballots, and a notice never says what anyone chose.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

VOTING_OPENS = "voting_opens"  # voting has opened in a round my ward takes part in
REMINDER = "reminder"  # two days before the close, if I have not voted in every pot open to me
RESULTS = "results"  # the results of a round my ward took part in are published
PROJECT_UPDATES = "project_updates"  # news of projects I proposed, or in a pot I voted in
KINDS = (VOTING_OPENS, REMINDER, RESULTS, PROJECT_UPDATES)

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
class Resident:
    """What the rules need to know about one resident, for one round."""

    kinds: frozenset  # the kinds they opted in to
    active: bool
    verified: bool  # their e-mail address is confirmed
    in_round: bool  # their ward takes part in the round
    open_pot_ids: frozenset = frozenset()  # the round's pots they may vote in (ward, age: the voting rule)
    voted_pot_ids: frozenset = frozenset()  # from the participation register
    proposed_ids: frozenset = frozenset()  # the round's projects they proposed


def gets(kind, resident):
    """Whether this resident gets this kind of notice about the round."""
    if kind not in resident.kinds or not resident.active or not resident.verified:
        return False
    if kind == VOTING_OPENS:
        return resident.in_round and bool(resident.open_pot_ids)
    if kind == RESULTS:
        return resident.in_round
    if kind == REMINDER:
        return resident.in_round and bool(resident.open_pot_ids - resident.voted_pot_ids)
    if kind == PROJECT_UPDATES:
        return bool(resident.proposed_ids or resident.voted_pot_ids)
    raise ValueError(f"unknown notification kind {kind!r}")

