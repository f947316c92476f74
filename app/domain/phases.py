"""The phases of a budget round and which moves between them are allowed."""

from dataclasses import dataclass
from datetime import datetime

PHASES = ("draft", "proposals", "review", "voting", "counting", "decision", "published")
VOTING_INDEX = PHASES.index("voting")


@dataclass(frozen=True)
class TransitionRefused:
    reason: str  # "unknown_phase" | "skips_a_phase" | "cannot_go_back_after_voting" | "same_phase" | "missing_dates"


def check_transition(current, target):
    """Return [] if a round may move from current to target, else [TransitionRefused].

    Forward moves go one phase at a time (no skipping). Going back one phase is allowed only before
    voting opens (e.g. reopen proposals during review); once voting opened there is no way back.
    """
    if current not in PHASES or target not in PHASES:
        return [TransitionRefused("unknown_phase")]
    here, there = PHASES.index(current), PHASES.index(target)
    if here == there:
        return [TransitionRefused("same_phase")]
    if there > here + 1:
        return [TransitionRefused("skips_a_phase")]
    if there < here:
        if here >= VOTING_INDEX:
            return [TransitionRefused("cannot_go_back_after_voting")]
        if there < here - 1:
            return [TransitionRefused("skips_a_phase")]
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
        return ["missing_dates"]
    if not (ordered[0] < ordered[1] <= ordered[2] < ordered[3]):
        problems.append("dates_out_of_order")
    return problems
