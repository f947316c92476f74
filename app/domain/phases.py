"""The phases of a budget round and which moves between them are allowed."""

from dataclasses import dataclass
from datetime import datetime

from app.domain.problems import Problem

PHASES = ("draft", "proposals", "review", "voting", "counting", "decision", "published")
VOTING_INDEX = PHASES.index("voting")


def check_transition(current, target):
    """Return [] if a round may move from current to target, else the Problem that refuses it.

    Forward moves go one phase at a time (no skipping). Going back one phase is allowed only before
    voting opens (e.g. reopen proposals during review); once voting opened there is no way back.
    """
    if current not in PHASES or target not in PHASES:
        return [Problem("unknown_phase")]
    here, there = PHASES.index(current), PHASES.index(target)
    if here == there:
        return [Problem("same_phase")]
    if there > here + 1:
        return [Problem("skips_a_phase")]
    if there < here:
        if here >= VOTING_INDEX:
            return [Problem("cannot_go_back_after_voting")]
        if there < here - 1:
            return [Problem("skips_a_phase")]
    return []


def next_phase(current):
    index = PHASES.index(current)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def voting_has_opened(phase):
    return PHASES.index(phase) >= VOTING_INDEX


@dataclass(frozen=True)
class RoundDates:
    proposals_open_at: datetime | None
    proposals_close_at: datetime | None
    voting_open_at: datetime | None
    voting_close_at: datetime | None


def phase_due_by_date(current, dates, now):
    """The phase the calendar says the round should be in now, never earlier than current.

    Dates move a round through proposals -> review -> voting -> counting; the board decision and
    publication are always explicit acts. Draft rounds never move by date (an officer opens them).
    """
    if current == "draft":
        return current
    schedule = [("proposals", dates.proposals_open_at), ("review", dates.proposals_close_at),
                ("voting", dates.voting_open_at), ("counting", dates.voting_close_at)]
    due = current
    for phase, start in schedule:
        if start is not None and now >= start and PHASES.index(phase) > PHASES.index(due):
            due = phase
    return due


def check_dates(dates):
    """Dates must run in order: proposals open < close <= voting open < voting close."""
    problems = []
    ordered = [dates.proposals_open_at, dates.proposals_close_at, dates.voting_open_at, dates.voting_close_at]
    if any(d is None for d in ordered):
        return [Problem("required", name) for name, value in vars(dates).items() if value is None]
    if not (ordered[0] < ordered[1] <= ordered[2] < ordered[3]):
        problems.append(Problem("dates_out_of_order", "voting_close_at"))
    return problems


@dataclass(frozen=True)
class PhaseTiming:
    """How a move lands against the published dates (the check-and-confirm page says both out loud)."""

    opens_early: bool  # opening voting before "voting opens": the date moves to now
    closes_early: bool  # closing voting before the published close: needs a reason, shown publicly


def timing_of(target, voting_open_at, voting_close_at, now):
    opens_early = target == "voting" and voting_open_at is not None and now < voting_open_at
    closes_early = target == "counting" and voting_close_at is not None and now < voting_close_at
    return PhaseTiming(opens_early, closes_early)


def check_move(target, voting_open_at, voting_close_at, now, reason, by_officer=True):
    """Return the codes that refuse an officer's move at instant now ([] when it may go ahead).

    Closing voting before the published close needs a reason, which residents will read. The system's
    close by date is never early, and takes no reason.
    """
    timing = timing_of(target, voting_open_at, voting_close_at, now)
    if timing.closes_early and by_officer and not (reason or "").strip():
        return [Problem("early_close_needs_reason", "reason")]
    return []


def check_extension(phase, current_close, new_close, now):
    """A close date may move only later, only while voting is open, and never into the past."""
    if phase != "voting":
        return [Problem("not_in_voting")]
    if new_close is None:
        return [Problem("required", "voting_close_at")]
    if current_close is not None and new_close <= current_close:
        return [Problem("close_not_later", "voting_close_at")]
    if new_close <= now:
        return [Problem("close_in_past", "voting_close_at")]
    return []
